// The contract between a live example (a module in this folder) and whoever runs it: the
// page's Web Worker, or Node in the tests — the same module, the same numbers.
import type { GpuRuntime } from '@unroll/gpu-runtime';

/** A table of results; cells are formatted the same way in the page and in the tests. */
export interface ResultTable {
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (string | number | boolean)[])[];
}

/** A line figure drawn with Observable Plot: one line per value of `series`. */
export interface ResultFigure {
  readonly title: string;
  readonly x: string;
  readonly y: string;
  readonly series?: string;
  readonly logY?: boolean;
  readonly marks?: 'line' | 'dot';
  readonly data: readonly Readonly<Record<string, number | string>>[];
}

/** What an example's `run` returns. */
export interface ExampleResult {
  readonly summary: readonly string[];
  readonly tables: readonly ResultTable[];
  readonly figures: readonly ResultFigure[];
}

/** The GPU, when the runner has one: a runtime on `navigator.gpu`, or why there is none. */
export type GpuAccess = { readonly runtime: GpuRuntime; readonly reason?: undefined } | { readonly runtime?: undefined; readonly reason: string };

/** What a runner hands an example's `run`. */
export interface ExampleContext {
  /** The backend the reader picked; an example that honours `'gpu'` asks `gpu()` for a runtime. */
  readonly backend: 'cpu' | 'gpu';
  /** Aborted when the reader presses Cancel: pass it to `solveAsync`. */
  readonly signal: AbortSignal;
  /** Reports progress in [0, 1] with a short note. */
  progress(fraction: number, note?: string): void;
  /** A GPU runtime (owned by the runner, destroyed after `run`), or the reason there is none. */
  gpu(): Promise<GpuAccess>;
}
