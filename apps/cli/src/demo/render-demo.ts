import { formatNumber, renderMarkdownTable, renderTable } from '../format.js';
import { wrap } from '../wrap.js';
import type { StudyOutcome } from './run-demo.js';

const comparisonColumns = ['quantity', 'ours', 'paper', 'source', 'verdict'];

function comparisonRows(o: StudyOutcome): string[][] {
  return (o.comparisons ?? []).map((c) => [c.quantity, c.ours, c.paper, c.source, c.verdict === 'agrees' ? 'agrees' : 'differs']);
}

/** Notes, then why each differing number differs (so "differs" is never left unexplained). */
function remarks(o: StudyOutcome): string[] {
  const out = [...(o.notes ?? [])];
  for (const c of o.comparisons ?? []) if (c.note !== undefined) out.push(`${c.quantity}: ${c.note}`);
  return out;
}

/** Text width of the prose around the tables (tables keep their natural width). */
const textWidth = 100;

/**
 * A case study as terminal text: heading, setup, its tables, then each of the papers'
 * numbers as a short block — verdict, ours, the paper's with its source, the reason for a
 * difference — wrapped, since quotes do not fit a table row.
 */
export function renderStudyText(o: StudyOutcome): string {
  const lines = [`${o.number}. ${o.title}  (${formatNumber(Number(o.seconds.toFixed(1)))} s)`];
  if (o.error !== undefined) return [...lines, `  FAILED: ${o.error.split('\n')[0] ?? ''}`, ''].join('\n');
  if (o.setup !== undefined) lines.push(wrap(o.setup, textWidth, '  '));
  for (const t of o.tables ?? []) lines.push('', wrap(t.title, textWidth, '  '), renderTable(t.columns, t.rows));
  for (const f of o.figures ?? []) lines.push('', wrap(`figure ${f.file}: ${f.caption}`, textWidth, '  '));
  const comparisons = o.comparisons ?? [];
  if (comparisons.length > 0) {
    lines.push('', '  vs the papers');
    for (const c of comparisons) {
      const tag = c.verdict === 'agrees' ? '[agrees] ' : '[differs]';
      lines.push(wrap(c.quantity, textWidth, `  ${tag} `, '            '));
      lines.push(wrap(c.ours, textWidth, '            ours:  ', '                   '));
      lines.push(wrap(`${c.paper} (${c.source})`, textWidth, '            paper: ', '                   '));
      if (c.note !== undefined) lines.push(wrap(c.note, textWidth, '            why:   ', '                   '));
    }
  }
  for (const n of o.notes ?? []) lines.push(wrap(n, textWidth, '  • ', '    '));
  lines.push('');
  return lines.join('\n');
}

/** A case study as Markdown, for the README's "Reproducing the papers". */
export function renderStudyMarkdown(o: StudyOutcome): string {
  const lines = [`### ${o.number}. ${o.title}`, ''];
  if (o.error !== undefined) return [...lines, `Failed: ${o.error.split('\n')[0] ?? ''}`, ''].join('\n');
  if (o.setup !== undefined) lines.push(o.setup, '');
  for (const f of o.figures ?? []) lines.push(`![${f.caption}](figures/${f.file})`, '');
  for (const t of o.tables ?? []) lines.push(`*${t.title}*`, '', renderMarkdownTable(t.columns, t.rows), '');
  if ((o.comparisons ?? []).length > 0) lines.push('*vs the papers*', '', renderMarkdownTable(comparisonColumns, comparisonRows(o)), '');
  const r = remarks(o);
  if (r.length > 0) lines.push(...r.map((n) => `- ${n}`), '');
  return lines.join('\n');
}
