/** Text formatting shared by every command: numbers a person can scan, aligned tables. */

/** A table cell before formatting; `null` and `undefined` print as "—". */
export type CellValue = string | number | boolean | null | undefined;

/**
 * Numbers at a glance: integers in full, three significant digits otherwise, scientific
 * notation outside [1e-3, 1e5), "—" for NaN, "∞" for infinities.
 */
export function formatNumber(x: number): string {
  if (Number.isNaN(x)) return '—';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  if (Number.isInteger(x) && Math.abs(x) < 1e9) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return x.toExponential(1).replace('+', '');
  return String(Number(x.toPrecision(3)));
}

/** A cell as text. */
export function formatCell(v: CellValue): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  return v;
}

/** Display width: code points (every character this CLI prints is one column wide). */
function width(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/**
 * An aligned plain-text table: numbers right-aligned, text left-aligned, a rule under the
 * header. Readable in a terminal and pasteable into Markdown as a code block.
 */
export function renderTable(columns: readonly string[], rows: readonly (readonly CellValue[])[], indent = '  '): string {
  const text = rows.map((row) => columns.map((_, j) => formatCell(row[j])));
  // Right-align columns of numbers, including formatted ones ("12 ms", "3.1×", "—").
  const numeric = columns.map((_, j) => rows.length > 0 && text.every((r) => /^(—|−?∞|[-−]?\d)/.test(r[j] ?? '')));
  const widths = columns.map((c, j) => Math.max(width(c), ...text.map((r) => width(r[j] ?? ''))));
  const pad = (s: string, j: number) => {
    const fill = ' '.repeat(Math.max(0, (widths[j] ?? 0) - width(s)));
    return numeric[j] ? fill + s : s + fill;
  };
  const lines = [
    columns.map((c, j) => pad(c, j)).join('  '),
    widths.map((w) => '─'.repeat(w)).join('  '),
    ...text.map((r) => r.map((s, j) => pad(s, j)).join('  ')),
  ];
  return lines.map((l) => indent + l.trimEnd()).join('\n');
}

/** A table as GitHub Markdown (for README sections generated from a run). */
export function renderMarkdownTable(columns: readonly string[], rows: readonly (readonly CellValue[])[]): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  return [
    `| ${columns.map(esc).join(' | ')} |`,
    `|${columns.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${columns.map((_, j) => esc(formatCell(row[j]))).join(' | ')} |`),
  ].join('\n');
}

/** Milliseconds as "12 ms", "3.4 s". */
export function formatDuration(ms: number): string {
  return ms < 1000 ? `${formatNumber(ms < 10 ? Number(ms.toPrecision(2)) : Math.round(ms))} ms` : `${formatNumber(Number((ms / 1000).toPrecision(3)))} s`;
}
