import { gpuCycles } from './gpu-cycles.js';
import { malformedCalls } from './malformed-calls.js';
import { runClass, type ClassResult, type Finding } from './property-runner.js';
import { randomSolves } from './solve-properties.js';
import { rssGrowthBoundMB, threadMemory } from './thread-memory.js';

/** The campaign's sizes: `short` runs in `pnpm test`, `medium` is plain `pnpm fuzz`, `long` is `pnpm fuzz --long`. */
export type Size = 'short' | 'medium' | 'long';

/** How many cases each class runs. */
export interface Counts {
  readonly solves: number;
  readonly malformed: number;
  readonly gpuCycles: number;
  /** Longest T of a GPU cycle (SwiftShader runs kernels on the CPU: short runs keep it small). */
  readonly gpuMaxT: number;
  /** Calls of the threaded loop, per input kind. */
  readonly threadCalls: number;
}

/** Cases per class for each size. */
export const sizes: Readonly<Record<Size, Counts>> = {
  short: { solves: 1000, malformed: 1000, gpuCycles: 3, gpuMaxT: 40, threadCalls: 100 },
  medium: { solves: 1500, malformed: 3000, gpuCycles: 20, gpuMaxT: 200, threadCalls: 100 },
  long: { solves: 6000, malformed: 20_000, gpuCycles: 200, gpuMaxT: 200, threadCalls: 300 },
};

/** The campaign's classes, in report order. */
export const classNames = ['random-solves', 'malformed-calls', 'gpu-cycles', 'thread-memory'] as const;
/** One of {@link classNames}. */
export type ClassName = (typeof classNames)[number];

/** Options of {@link runCampaign}. */
export interface CampaignOptions {
  readonly size: Size;
  readonly seed: number;
  /** Run only these classes (default all). */
  readonly only?: readonly ClassName[];
  /** Override counts of the size. */
  readonly counts?: Partial<Counts>;
  /** Findings per class to shrink to a small reproducer (default 8; 0 for the fastest run). */
  readonly shrink?: number;
  /** Progress lines (default none). */
  readonly log?: (line: string) => void;
}

/** What a campaign did: every class's counts and findings. */
export interface CampaignResult {
  readonly size: Size;
  readonly seed: number;
  readonly counts: Counts;
  readonly classes: readonly ClassResult[];
  readonly seconds: number;
}

/**
 * Runs the fuzz campaign: seeded fast-check properties for the random solves, the
 * malformed calls and the GPU cycles, and the threaded-loop memory check. Never throws
 * for a broken promise — those are findings; the caller decides (the command exits 1).
 */
export async function runCampaign(options: CampaignOptions): Promise<CampaignResult> {
  const started = performance.now();
  const counts: Counts = { ...sizes[options.size], ...options.counts };
  const wanted = (name: ClassName): boolean => options.only === undefined || options.only.includes(name);
  const log = options.log ?? (() => undefined);
  const settings = (numRuns: number) => ({ seed: options.seed, numRuns, shrink: options.shrink ?? 8, shrinkMs: options.size === 'short' ? 5_000 : 30_000 });
  const classes: ClassResult[] = [];

  if (wanted('random-solves')) {
    log(`random-solves: ${counts.solves} cases`);
    classes.push(await runClass(randomSolves, settings(counts.solves)));
  }

  if (wanted('malformed-calls')) {
    log(`malformed-calls: ${counts.malformed} cases`);
    const { cls, skipped, close } = await malformedCalls();
    try {
      // Malformed-call descriptors are already minimal: nothing to shrink.
      const result = await runClass(cls, { ...settings(counts.malformed), shrink: 0 });
      classes.push(skipped === undefined ? result : { ...result, notes: [...(result.notes ?? []), skipped] });
    } finally {
      await close();
    }
  }

  if (wanted('gpu-cycles')) {
    log(`gpu-cycles: ${counts.gpuCycles} create/solve/destroy cycles`);
    const started = performance.now();
    const { cls, skipped, close } = await gpuCycles(counts.gpuMaxT);
    if (cls === undefined) {
      classes.push({ name: 'gpu-cycles', tried: 0, failingCases: 0, findings: [], skipped: skipped ?? 'no WebGPU', seconds: (performance.now() - started) / 1000 });
    } else {
      const result = await runClass(cls, { ...settings(counts.gpuCycles), shrink: Math.min(options.shrink ?? 2, 2) });
      const exit = await close();
      const findings: Finding[] = [...result.findings];
      if (exit !== undefined) findings.push({ className: 'gpu-cycles', signature: exit.signature, message: exit.message, count: 1, seed: options.seed, path: '-', counterexample: `${result.tried} cycles`, shrunk: false, tags: {} });
      classes.push({ ...result, failingCases: result.failingCases + (exit === undefined ? 0 : 1), findings, seconds: (performance.now() - started) / 1000 });
    }
  }

  if (wanted('thread-memory')) {
    log(`thread-memory: ${counts.threadCalls} threaded calls per input kind`);
    const started = performance.now();
    const results = await threadMemory(counts.threadCalls, options.seed);
    const findings: Finding[] = results.flatMap((r) =>
      r.failures.map((f) => ({
        className: 'thread-memory',
        signature: f.signature,
        message: f.message,
        count: 1,
        seed: options.seed,
        path: '-',
        counterexample: `linearRecurrence(diagonal(4), A, b, s0, { threads: 2, parallelThreshold: 0 }) × ${counts.threadCalls} on fresh ${r.kind} 600k-number arrays`,
        shrunk: false,
        tags: {},
      })),
    );
    const notes = results.map((r) =>
      r.report === undefined
        ? `${r.kind}: no report`
        : `${r.kind} inputs: RSS ${r.report.rssStartMB.toFixed(0)} → ${r.report.rssEndMB.toFixed(0)} MB over ${r.report.calls} calls (peak ${r.report.rssPeakMB.toFixed(0)} MB; bound +${rssGrowthBoundMB} MB), worst relative error ${r.report.worst.toExponential(1)}`,
    );
    classes.push({
      name: 'thread-memory',
      tried: results.reduce((n, r) => n + (r.report?.calls ?? 0), 0),
      failingCases: findings.length,
      findings,
      notes,
      seconds: (performance.now() - started) / 1000,
    });
  }
  return { size: options.size, seed: options.seed, counts, classes, seconds: (performance.now() - started) / 1000 };
}

/** Whether a campaign found nothing. */
export function passed(result: CampaignResult): boolean {
  return result.classes.every((c) => c.failingCases === 0);
}
