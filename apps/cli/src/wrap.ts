/**
 * Greedy word wrap to `width` columns (code points): the first line starts with `first`,
 * the rest with `rest` (a hanging indent). A word longer than a line stays whole.
 */
export function wrap(text: string, width: number, first = '', rest = first): string {
  const lines: string[] = [];
  let line = first, empty = true;
  const len = (s: string) => Array.from(s).length;
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    if (!empty && len(line) + 1 + len(word) > width) {
      lines.push(line);
      line = rest + word;
    } else line = empty ? line + word : `${line} ${word}`;
    empty = false;
  }
  lines.push(line);
  return lines.join('\n');
}
