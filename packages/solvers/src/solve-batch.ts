import type { Dynamics } from '@unroll/linearize';
import { UnrollError } from '@unroll/scan';
import { createRunScratch, type RunScratch } from './fixed-point-run.js';
import { strategyFor } from './method-strategy.js';
import { prepareRun } from './prepare-run.js';
import { sequentialResult, throwIfAborted } from './solve.js';
import type { SolveOptions, SolveResult } from './solve-options.js';

/**
 * Solves B independent sequences of length T — B dynamics, or one dynamics from B initial
 * states — one after the other through one set of working memory (the Ã_t, offsets,
 * window and residual buffers are allocated once for the batch; each result owns its
 * own states). Options apply to every sequence; `init` may not be a single warm-start
 * array for a batch (it would fit one sequence only).
 *
 * @returns one `SolveResult` per sequence, in order.
 */
export function solveBatch(dynamics: Dynamics | readonly Dynamics[], s0s: readonly ArrayLike<number>[], T: number, opts: SolveOptions = {}): SolveResult[] {
  const B = s0s.length;
  const list = Array.isArray(dynamics) ? (dynamics as readonly Dynamics[]) : Array.from({ length: B }, () => dynamics as Dynamics);
  if (list.length !== B) {
    throw new UnrollError('LENGTH_MISMATCH', `solveBatch: ${list.length} dynamics but ${B} initial states; give one of each per sequence (or one dynamics for all).`);
  }
  if (B === 0) return [];
  const D = list[0]?.dim ?? 0;
  for (const [k, dyn] of list.entries()) {
    if (dyn.dim !== D) throw new UnrollError('DIMENSION_MISMATCH', `solveBatch: dynamics ${k} has dim ${dyn.dim}, the first has ${D}; a batch shares one shape.`);
  }
  if (typeof opts.init === 'object') {
    throw new UnrollError('INVALID_ARGUMENT', "solveBatch: a warm-start array fits one sequence; use solve() per sequence, or init 'zeros' | 'random' | 'jacobi'.");
  }
  let scratch: RunScratch | undefined;
  const method = opts.method ?? 'deer';
  if (method !== 'sequential' && Number.isInteger(T) && T >= 1) {
    const width = strategyFor(method, opts).structure(D).width;
    scratch = createRunScratch(opts.dtype ?? 'float64', Math.min(T, opts.window ?? T), width, D, T);
  }
  const results: SolveResult[] = [];
  for (let k = 0; k < B; k++) {
    const dyn = list[k];
    const prepared = prepareRun(dyn, s0s[k] ?? [], T, opts, scratch);
    if ('sequential' in prepared) {
      results.push(sequentialResult(dyn, prepared.start, T, prepared.sequential));
      continue;
    }
    while (prepared.run.step()) throwIfAborted(opts.signal);
    results.push(prepared.run.result());
  }
  return results;
}
