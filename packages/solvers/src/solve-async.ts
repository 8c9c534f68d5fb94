import type { Dynamics } from '@unroll/linearize';
import { prepareRun } from './prepare-run.js';
import { sequentialResult, throwIfAborted } from './solve.js';
import type { SolveOptions, SolveResult } from './solve-options.js';

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * `solve`, yielding to the event loop between iterations so a page stays responsive and
 * `signal` can stop it: an abort rejects with `UnrollError('ABORTED')`.
 */
export async function solveAsync(dyn: Dynamics, s0: ArrayLike<number>, T: number, opts: SolveOptions = {}): Promise<SolveResult> {
  throwIfAborted(opts.signal);
  const prepared = prepareRun(dyn, s0, T, opts);
  if ('sequential' in prepared) return sequentialResult(dyn, prepared.start, T, prepared.sequential);
  const { run } = prepared;
  while (run.step()) {
    await yieldToEventLoop();
    throwIfAborted(opts.signal);
  }
  return run.result();
}
