import type { Dynamics } from '@unroll/linearize';
import { UnrollError, allocate, type FloatArray } from '@unroll/scan';
import { FixedPointRun, type RunScratch, type RunSettings } from './fixed-point-run.js';
import { initialGuess } from './initial-guess.js';
import { strategyFor } from './method-strategy.js';
import type { SolveOptions } from './solve-options.js';

const GiB = 2 ** 30;

/** Validates a solve's arguments and builds its run; `'sequential'` needs no run. */
export function prepareRun(
  dyn: Dynamics,
  s0: ArrayLike<number>,
  T: number,
  opts: SolveOptions,
  scratch?: RunScratch,
): { run: FixedPointRun } | { sequential: FloatArray; start: FloatArray } {
  if (typeof dyn !== 'object' || typeof dyn.step !== 'function' || !Number.isInteger(dyn.dim) || dyn.dim < 1) {
    throw new UnrollError('INVALID_ARGUMENT', 'solve: the first argument must be a Dynamics ({ dim, step, … }); build one with defineDynamics.');
  }
  const D = dyn.dim;
  if (!Number.isInteger(T) || T < 1) {
    throw new UnrollError('INVALID_ARGUMENT', `solve: T must be a positive integer number of steps, got ${String(T)}.`);
  }
  if (s0.length !== D) {
    throw new UnrollError('DIMENSION_MISMATCH', `solve: s0 has ${s0.length} entries but the dynamics have dim ${D}.`);
  }
  for (let i = 0; i < D; i++) {
    if (!Number.isFinite(s0[i])) throw new UnrollError('NON_FINITE', `solve: s0[${i}] is ${String(s0[i])}; the initial state must be finite.`);
  }
  const dtypeOption: unknown = opts.dtype ?? 'float64';
  if (dtypeOption !== 'float64' && dtypeOption !== 'float32') {
    throw new UnrollError('INVALID_ARGUMENT', `solve: dtype must be 'float64' or 'float32', got ${String(dtypeOption)}.`);
  }
  const dtype = dtypeOption;
  const start = allocate(dtype, D);
  for (let i = 0; i < D; i++) start[i] = s0[i] ?? 0;
  const method = opts.method ?? 'deer';
  if (method === 'sequential') return { sequential: allocate(dtype, T * D), start };

  const tol = opts.tol ?? (dtype === 'float32' ? 1e-5 : 1e-8);
  if (!(tol > 0)) throw new UnrollError('INVALID_ARGUMENT', `solve: tol must be positive, got ${String(tol)}.`);
  const maxIterations = Math.min(T, opts.maxIterations ?? T);
  if (!Number.isInteger(maxIterations) || maxIterations < 1) {
    throw new UnrollError('INVALID_ARGUMENT', `solve: maxIterations must be a positive integer, got ${String(opts.maxIterations)}.`);
  }
  const stopOption: unknown = opts.stop ?? 'delta';
  if (stopOption !== 'delta' && stopOption !== 'merit') throw new UnrollError('INVALID_ARGUMENT', `solve: stop must be 'delta' or 'merit', got ${String(stopOption)}.`);
  const stop = stopOption;
  const isElk = method === 'elk' || method === 'quasi-elk';
  if (opts.lambda !== undefined && !isElk) {
    throw new UnrollError('INVALID_ARGUMENT', `solve: lambda applies to 'elk' and 'quasi-elk', not '${typeof method === 'string' ? method : method.name}'.`);
  }
  if (isElk && (opts.lambda === undefined || !(opts.lambda >= 0) || !Number.isFinite(opts.lambda))) {
    throw new UnrollError('INVALID_ARGUMENT', `solve: method '${method}' needs lambda ≥ 0 (the observation precision; 0 is DEER); pass { lambda }.`);
  }

  const window = opts.window;
  if (window !== undefined && (!Number.isInteger(window) || window < 1)) {
    throw new UnrollError('INVALID_ARGUMENT', `solve: window must be a positive integer number of steps, got ${String(window)}.`);
  }
  const strategy = strategyFor(method, opts);
  const structure = strategy.structure(D);
  const rows = Math.min(T, window ?? T);
  const bytes = rows * structure.width * (dtype === 'float32' ? 4 : 8);
  const budget = opts.memoryBudget ?? GiB;
  if (bytes > budget) {
    throw new UnrollError(
      'MEMORY_BUDGET',
      `solve: '${strategy.name}' stores ${rows}·${structure.width} = ${rows * structure.width} numbers (${(bytes / GiB).toFixed(2)} GiB) for the Ã_t, over the ${(budget / GiB).toFixed(2)} GiB budget. Use 'quasi-deer' (D per step), a window, or raise memoryBudget.`,
    );
  }
  const settings: RunSettings = {
    dtype,
    tol,
    residualTol: opts.residualTol ?? Math.sqrt(tol),
    stop,
    maxIterations,
    reset: opts.reset ?? true,
    resetThreshold: opts.resetThreshold ?? 1e8,
    fallback: (opts.fallback ?? 'none') === 'sequential',
    onIteration: opts.onIteration,
    window,
    elk: isElk ? { lambda: opts.lambda ?? 0, structure: method === 'elk' ? 'dense' : 'diagonal' } : undefined,
  };
  const guess = initialGuess(dyn, Float64Array.from(start), T, dtype, opts);
  const name = typeof method === 'string' ? method : method.name;
  return { run: new FixedPointRun(dyn, start, T, strategy, name, guess, settings, scratch) };
}
