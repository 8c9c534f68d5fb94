import type { CaseStudyResult, CaseTable, Cell } from './case-study.js';

/**
 * Reading a case study's tables by their titles and column names, so a test (or a
 * downstream tool) says what it checks — "the Picard row at T = 512" — instead of indices.
 */

/** The first table whose title starts with `title`. */
export function findTable(result: CaseStudyResult, title: string): CaseTable {
  const t = result.tables.find((x) => x.title.startsWith(title));
  if (t === undefined) throw new Error(`no table starting with "${title}"`);
  return t;
}

/** The index of a column by its header. */
export function columnIndex(t: CaseTable, name: string): number {
  const i = t.columns.indexOf(name);
  if (i < 0) throw new Error(`no column "${name}" in "${t.title}"`);
  return i;
}

/** The cell in column `name` of the first row matching every `where` entry (column → value). */
export function cellWhere(t: CaseTable, where: Readonly<Record<string, Cell>>, name: string): Cell {
  const row = t.rows.find((r) => Object.entries(where).every(([k, v]) => r[columnIndex(t, k)] === v));
  if (row === undefined) throw new Error(`no row ${JSON.stringify(where)} in "${t.title}"`);
  return row[columnIndex(t, name)] ?? null;
}
