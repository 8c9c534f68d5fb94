import type { Dynamics } from '@unroll/linearize';
import { describeValue as describe, UnrollError } from '@unroll/scan';
import type { SolveOptions, SolveResult } from './solve-options.js';

/**
 * Somewhere else to run a solve, chosen with one option: `solveAsync(dyn, s0, T,
 * { backend: rt })`. A GPU runtime (`createGpuRuntime()` from `@unroll/gpu-runtime`) is
 * one: it runs the same driver (`driveFixedPoint`) on device buffers, with the same
 * options, defaults, validation and result fields — in float32, and refusing with
 * `UNSUPPORTED` what it cannot do (its README has the parity table).
 */
export interface SolveBackend {
  /** The same contract as `solveAsync` without `backend`. */
  solve(dyn: Dynamics, s0: ArrayLike<number>, T: number, opts?: SolveOptions): Promise<SolveResult>;
}

/** The backend option, checked: undefined (this CPU), or an object with a `solve` method. */
export function backendOf(where: string, opts: unknown): SolveBackend | undefined {
  if (typeof opts !== 'object' || opts === null || !('backend' in opts)) return undefined;
  const backend: unknown = (opts as { backend?: unknown }).backend;
  if (backend === undefined) return undefined;
  if (typeof backend !== 'object' || backend === null || typeof (backend as { solve?: unknown }).solve !== 'function') {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: backend must be a solve backend such as a GPU runtime (await createGpuRuntime() from @unroll/gpu-runtime), or omitted for this CPU; got ${describe(backend)}.`);
  }
  return backend as SolveBackend;
}

/** `solve` and `solveBatch` run here, synchronously: a backend is asynchronous. */
export function refuseBackend(where: string, opts: unknown): void {
  if (backendOf(where, opts) !== undefined) {
    throw new UnrollError('UNSUPPORTED', `${where}: a backend runs asynchronously; use await solveAsync(dyn, s0, T, { backend, … }) (or call backend.solve directly).`);
  }
}
