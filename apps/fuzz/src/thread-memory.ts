import { diagonal, linearRecurrence, mulberry32, sharedFloatArray } from '@unroll/scan';
import { Child } from './child-process.js';
import type { CaseFailure } from './property-runner.js';
import { describeError } from './solve-properties.js';

/** What the threaded loop is asked to do. */
export interface ThreadLoop {
  readonly calls: number;
  /** Numbers in each of A and b (D = 4, so T = numbers / 4). */
  readonly numbers: number;
  /** Plain Float64Arrays, or fresh SharedArrayBuffer-backed ones (read in place by the workers). */
  readonly kind: 'ordinary' | 'shared';
  readonly seed: number;
}

/** What the loop measured. */
export interface ThreadLoopReport {
  readonly calls: number;
  readonly rssStartMB: number;
  readonly rssEndMB: number;
  readonly rssPeakMB: number;
  /** Calls whose result was not within 1e-10 (relative) of the single-threaded recurrence. */
  readonly wrong: number;
  /** Calls whose result differed, bit for bit, from the first threaded call on the same inputs. */
  readonly unrepeatable: number;
  readonly worst: number;
  readonly error?: string;
}

const D = 4;
const MB = 2 ** 20;

/** RSS after two full collections (the child runs with --expose-gc). */
function settledRss(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  return process.memoryUsage().rss;
}

/**
 * The loop itself (in a child started with --expose-gc): `linearRecurrence(diagonal(4),
 * A, b, s0, { threads: 2, parallelThreshold: 0 })` on fresh arrays every call, as a caller
 * building new inputs per call would, with RSS read before (after one warm-up call that
 * starts the pool) and after. A and b hold the same seeded numbers every call, so each
 * result must equal the single-threaded one to rounding and the first threaded one bit
 * for bit.
 */
export function runThreadLoop(loop: ThreadLoop): ThreadLoopReport {
  const next = mulberry32(loop.seed);
  const templateA = new Float64Array(loop.numbers);
  const templateB = new Float64Array(loop.numbers);
  // a ∈ [0.999, 1): bounded, yet a segment's product of a's stays far from zero, so the
  // carries between threads matter (with small |a| every thread's result would coincide
  // with the sequential one bit for bit after a few steps, whatever the carries).
  for (let i = 0; i < loop.numbers; i++) {
    templateA[i] = 1 - 0.001 * ((next() + 1) / 2 ** 32);
    templateB[i] = (next() / 2 ** 32) * 2 - 1;
  }
  const s0 = [0.5, -0.5, 0.25, 0];
  const reference = linearRecurrence(diagonal(D), templateA, templateB, s0);
  const fresh = (): { A: Float64Array; b: Float64Array } => {
    const A = loop.kind === 'shared' ? (sharedFloatArray('float64', loop.numbers) as Float64Array) : new Float64Array(loop.numbers);
    const b = loop.kind === 'shared' ? (sharedFloatArray('float64', loop.numbers) as Float64Array) : new Float64Array(loop.numbers);
    A.set(templateA);
    b.set(templateB);
    return { A, b };
  };
  let wrong = 0, unrepeatable = 0, worst = 0, calls = 0;
  let first: Float64Array | undefined;
  const check = (out: ArrayLike<number>): void => {
    let err = 0;
    for (let i = 0; i < out.length; i++) err = Math.max(err, Math.abs((out[i] ?? NaN) - (reference[i] ?? NaN)) / Math.max(1, Math.abs(reference[i] ?? 0)));
    worst = Math.max(worst, err);
    if (!(err <= 1e-10)) wrong++;
    if (first === undefined) first = Float64Array.from(out);
    else {
      for (let i = 0; i < out.length; i++) {
        if (!Object.is(out[i], first[i])) {
          unrepeatable++;
          break;
        }
      }
    }
  };
  const threaded = (): void => {
    const { A, b } = fresh();
    check(linearRecurrence(diagonal(D), A, b, s0, { threads: 2, parallelThreshold: 0 }));
    calls++;
  };
  let start = 0, peak = 0, error: string | undefined;
  try {
    threaded(); // the warm-up call starts the pool and sizes its buffers
    start = settledRss();
    peak = start;
    for (let k = 1; k < loop.calls; k++) {
      threaded();
      if (k % 20 === 0) peak = Math.max(peak, settledRss());
    }
  } catch (e) {
    error = describeError(e);
  }
  const end = settledRss();
  // No shutdownThreads(): the pool's workers are documented never to keep a process
  // alive, and the parent checks that this child exits by itself.
  return { calls, rssStartMB: start / MB, rssEndMB: end / MB, rssPeakMB: Math.max(peak, end) / MB, wrong, unrepeatable, worst, ...(error === undefined ? {} : { error }) };
}

/** The thread-memory child's request handler. */
export function serveThreadMemory(): Promise<{ info: unknown; handle: (message: unknown) => Promise<unknown> }> {
  return Promise.resolve({ info: {}, handle: (message: unknown) => Promise.resolve(runThreadLoop((message as { loop: ThreadLoop }).loop)) });
}

/** RSS may grow this much over the loop (the pool's own buffers are sized by the warm-up call). */
export const rssGrowthBoundMB = 200;

/** The thread-memory class's result for one kind of input. */
export interface ThreadMemoryResult {
  readonly kind: ThreadLoop['kind'];
  readonly report: ThreadLoopReport | undefined;
  readonly failures: readonly CaseFailure[];
}

/**
 * Runs the loop in a fresh `node --expose-gc` child for each input kind and checks:
 * RSS grows less than {@link rssGrowthBoundMB}, every result is right and repeatable,
 * nothing throws, and the child exits by itself afterwards (worker threads never keep a
 * process alive).
 */
export async function threadMemory(calls: number, seed: number, numbers = 600_000): Promise<ThreadMemoryResult[]> {
  const results: ThreadMemoryResult[] = [];
  for (const kind of ['ordinary', 'shared'] as const) {
    const failures: CaseFailure[] = [];
    const fail = (what: string, message: string): void => {
      failures.push({ signature: `${kind}|${what}`, message });
    };
    const { child } = await Child.start('thread-memory', { execArgv: ['--expose-gc'] });
    const answer = await child.request({ loop: { calls, numbers, kind, seed } }, 60_000 + calls * 2_000);
    let report: ThreadLoopReport | undefined;
    if (!answer.ok) fail(answer.reason === 'timeout' ? 'hang' : 'crash', `the threaded loop ${answer.reason === 'timeout' ? 'hung' : 'died'}: ${answer.detail}`);
    else {
      report = answer.value as ThreadLoopReport;
      const growth = report.rssEndMB - report.rssStartMB;
      if (report.error !== undefined) fail('threw', `call ${report.calls + 1} threw ${report.error}`);
      if (!(growth < rssGrowthBoundMB)) {
        fail('rss-growth', `RSS grew ${growth.toFixed(0)} MB over ${report.calls} calls (${report.rssStartMB.toFixed(0)} → ${report.rssEndMB.toFixed(0)} MB, peak ${report.rssPeakMB.toFixed(0)}), bound ${rssGrowthBoundMB} MB`);
      }
      if (report.wrong > 0) fail('wrong-result', `${report.wrong} of ${report.calls} threaded results differ from the single-threaded recurrence by more than 1e-10 (worst ${report.worst.toExponential(2)})`);
      if (report.unrepeatable > 0) fail('unrepeatable', `${report.unrepeatable} of ${report.calls} threaded results differ bit for bit from the first one on the same inputs`);
    }
    const exit = await child.close(15_000);
    if (!exit.exitedByItself) fail('no-exit', `the process did not exit by itself after the loop (${exit.detail})`);
    results.push({ kind, report, failures });
  }
  return results;
}
