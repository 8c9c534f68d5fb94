import { UnrollError } from '@unroll/scan';
import { heedInterrupts } from '../interrupt.js';
import type { CaseFigure, CaseStudy, CaseStudyResult } from './case-study.js';

/** One case study's outcome in a demo run. */
export interface StudyOutcome extends Partial<Omit<CaseStudyResult, 'figures'>> {
  readonly number: number;
  readonly id: string;
  readonly title: string;
  /** Wall time of the study. */
  readonly seconds: number;
  /** Set when the study threw: the demo goes on with the others, and exits 1. */
  readonly error?: string;
  /** The study's figures by file name and caption (their drawings go to `DemoProgress.figures`). */
  readonly figures?: readonly { readonly file: string; readonly caption: string }[];
}

/** What `unroll demo --json` writes (schema: `schema/demo.schema.json`). */
export interface DemoReport {
  readonly schema: 'unroll-demo/1';
  readonly full: boolean;
  readonly seed: number;
  readonly node: string;
  readonly seconds: number;
  readonly studies: readonly StudyOutcome[];
  /** Ctrl-C stopped the demo before its last study: `studies` holds those done. */
  readonly interrupted: boolean;
}

/** Hooks for a live display. */
export interface DemoProgress {
  begin(study: CaseStudy): void;
  status(message: string): void;
  end(outcome: StudyOutcome): void;
  /** The study's figures, before `end` (only for a study that has some). */
  figures?(study: CaseStudy, figures: readonly CaseFigure[]): void;
}

/**
 * Runs case studies one after the other, timing each. A study that throws is reported
 * with its error instead of stopping the others: a reader still gets the others' tables. An
 * aborted `signal` (Ctrl-C) stops the demo between two studies: a study runs to its end.
 */
export async function runDemo(studies: readonly CaseStudy[], options: { full: boolean; seed: number; signal?: AbortSignal }, progress: DemoProgress): Promise<DemoReport> {
  const t0 = performance.now();
  const outcomes: StudyOutcome[] = [];
  for (const study of studies) {
    await heedInterrupts();
    if (options.signal?.aborted === true) break;
    progress.begin(study);
    const start = performance.now();
    let outcome: StudyOutcome;
    try {
      const { figures, ...result } = await study.run({ full: options.full, seed: options.seed, progress: (m) => { progress.status(m); } });
      outcome = {
        number: study.number,
        id: study.id,
        title: study.title,
        seconds: (performance.now() - start) / 1000,
        ...result,
        ...(figures !== undefined && figures.length > 0 && { figures: figures.map((f) => ({ file: f.file, caption: f.caption })) }),
      };
      if (figures !== undefined && figures.length > 0) progress.figures?.(study, figures);
    } catch (error) {
      const message = error instanceof UnrollError ? `${error.code}: ${error.message}` : error instanceof Error ? (error.stack ?? error.message) : String(error);
      outcome = { number: study.number, id: study.id, title: study.title, seconds: (performance.now() - start) / 1000, error: message };
    }
    outcomes.push(outcome);
    progress.end(outcome);
  }
  return { schema: 'unroll-demo/1', full: options.full, seed: options.seed, node: process.version, seconds: (performance.now() - t0) / 1000, studies: outcomes, interrupted: outcomes.length < studies.length };
}
