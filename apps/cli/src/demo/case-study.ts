import type { Panel } from '../plot/line-chart.js';

/**
 * The contract every case study of `unroll demo` fulfils: run at demo size (a few seconds
 * on two cores) or `--full` size, and return tables plus a side-by-side comparison with
 * what the papers report, saying where the numbers differ and why.
 */

/** A table cell: numbers are formatted by the renderer, `null` prints as "—". */
export type Cell = string | number | boolean | null;

/** One table of a case study. */
export interface CaseTable {
  /** Short caption printed above the table. */
  readonly title: string;
  readonly columns: readonly string[];
  /** Each row has one cell per column. */
  readonly rows: readonly (readonly Cell[])[];
}

/** One number (or qualitative finding) of ours next to the paper's. */
export interface PaperComparison {
  /** What is compared, e.g. "DEER iterations, S5 word, T = 1024". */
  readonly quantity: string;
  /** Our value, as printed. */
  readonly ours: string;
  /** The paper's value, as printed (quote the paper's own number or wording). */
  readonly paper: string;
  /** Where the paper says it: "predictability paper, Table 2", "thesis §4.3, Fig. 4.2". */
  readonly source: string;
  /** `agrees`: same number or same finding; `differs`: say why in `note`. */
  readonly verdict: 'agrees' | 'differs';
  /** Why they differ (required for `differs`), or a caveat (sizes, seeds). */
  readonly note?: string;
}

/**
 * A figure of a case study, drawn like the paper's (the same axes and series), written by
 * `unroll demo --svg DIR` as `DIR/<file>`.
 */
export interface CaseFigure {
  /** File name, e.g. 'predictability-threshold.svg' (no directory). */
  readonly file: string;
  /** What it shows and which figure of which paper it reproduces. */
  readonly caption: string;
  readonly panels: readonly Panel[];
}

/** What a case study returns. */
export interface CaseStudyResult {
  /** One or two sentences: the system, the sizes, the methods. */
  readonly setup: string;
  readonly tables: readonly CaseTable[];
  readonly comparisons: readonly PaperComparison[];
  /** Further observations a reader should know (optional). */
  readonly notes?: readonly string[];
  /** Figures drawn from the same runs as the tables (optional). */
  readonly figures?: readonly CaseFigure[];
}

/** Options every case study receives. */
export interface CaseStudyOptions {
  /** Larger sizes (minutes instead of seconds). */
  readonly full: boolean;
  /** Seed for every random choice, so a run is reproducible (default 0). */
  readonly seed: number;
  /** Short progress messages ("g = 1.2, T = 256") for the live status line. */
  readonly progress: (message: string) => void;
}

/** A case study of `unroll demo`. */
export interface CaseStudy {
  /** 1, 2, …: the order of the demo. */
  readonly number: number;
  /** Stable id for `--only`: 'word-s5', 'gru-init', 'langevin', 'predictability', 'observers', 'elk', 'optimizers', 'threshold-scale', 'two-well', 'rates', 'memory', 'ar-gru'. */
  readonly id: string;
  readonly title: string;
  run(options: CaseStudyOptions): CaseStudyResult | Promise<CaseStudyResult>;
}
