import type { Dynamics } from '@unroll/linearize';
import { describeValue as describe, sharedFloatArray, UnrollError, type FloatArray } from '@unroll/scan';
import { driveFixedPoint } from '../fixed-point-driver.js';
import { initialGuess } from '../initial-guess.js';
import { defaultMethod, resolveMethod } from '../methods.js';
import { planSolve } from '../prepare-run.js';
import { runWorkAsync } from '../resumable-work.js';
import type { SolveBackend } from '../solve-backend.js';
import { throwIfAborted } from '../solve.js';
import type { SolveOptions, SolveResult } from '../solve-options.js';
import { solveWork, warnFiniteDifferences } from '../solve-work.js';
import type { SharedSolveMemory } from './chunk-solver.js';
import { PoolBackend } from './pool-backend.js';
import { ThreadTransport } from './thread-transport.js';
import type { ChunkTransport } from './transport.js';
import { workerModuleOf } from './worker-dynamics.js';

/** Options of {@link createCpuWorkers}. */
export interface CpuWorkersOptions {
  /** Worker threads P, each running one contiguous chunk of the trajectory (default: the machine's available parallelism). */
  readonly workers?: number;
}

/**
 * A pool of CPU worker threads that runs a solve in parallel over t — a backend of
 * `solveAsync`: `await solveAsync(dyn, s0, T, { backend: pool })`. Same driver, options,
 * defaults, validation and result fields as `solve` (the states equal `solve`'s to
 * rounding: chunk k > 0 starts from a state composed through the chunks' summaries).
 */
export interface CpuWorkers extends SolveBackend {
  /** Worker threads P. */
  readonly workers: number;
  /**
   * `solve` on the workers. The dynamics need a worker module (`withWorkerModule`,
   * `loadWorkerDynamics`); one solve runs at a time (later calls wait their turn). The
   * states are a float array over a `SharedArrayBuffer` (the iterate the workers wrote).
   *
   * @throws {UnrollError} as `solve`; `UNSUPPORTED` for what the pool does not run (ELK
   *   and its variants, custom strategies, `threads`, dynamics without a worker module);
   *   `INVALID_ARGUMENT` for a worker module that does not load or build a dynamics;
   *   `DIMENSION_MISMATCH` when it builds one of another dimension; `WORKER_FAILED` when
   *   the dynamics throw in a worker (the message holds their error); `ABORTED` when
   *   `signal` fires (checked after each round).
   */
  solve(dyn: Dynamics, s0: ArrayLike<number>, T: number, opts?: SolveOptions): Promise<SolveResult>;
  /** Stops the worker threads (a solve in flight rejects); the pool cannot be used afterwards. */
  destroy(): Promise<void>;
}

/**
 * Starts a pool of CPU worker threads for parallel-in-time solves (the workers start on
 * the first solve and never keep Node alive). Per iteration each worker evaluates,
 * linearizes and reduces its chunk of the trajectory to one affine element; the P
 * elements are scanned here, and each worker fixes up its states from its start state
 * (README: "A multi-core solve" — the speed-up model and what crosses per iteration).
 *
 * @example
 * ```ts
 * // not-run: resolves @unroll/systems from the working directory, where an app installs it (the pool's tests run this with the workspace's copy)
 * import { createCpuWorkers, loadWorkerDynamics, solveAsync } from '@unroll/solvers';
 *
 * const dyn = await loadWorkerDynamics({ system: 'gru', args: [{ dim: 8, inputDim: 0, seed: 1 }] });
 * const pool = createCpuWorkers({ workers: 2 });
 * try {
 *   const result = await solveAsync(dyn, new Float64Array(8), 200_000, { method: 'quasi-deer', backend: pool });
 *   result.converged; // → true, and result.states ≈ solve(dyn, …, { method: 'quasi-deer' }).states
 * } finally {
 *   await pool.destroy();
 * }
 * ```
 * @throws {UnrollError} `INVALID_ARGUMENT` for a `workers` that is not a positive integer.
 */
export function createCpuWorkers(options: CpuWorkersOptions = {}): CpuWorkers {
  const where = 'createCpuWorkers';
  const given: unknown = options;
  if (typeof given !== 'object' || given === null) throw new UnrollError('INVALID_ARGUMENT', `${where}: options must be an object such as { workers: 2 }, got ${describe(options)}.`);
  for (const key of Object.keys(options)) {
    if (key !== 'workers') throw new UnrollError('INVALID_ARGUMENT', `${where}: unknown option '${key}'; the option is workers.`);
  }
  const P: unknown = options.workers ?? defaultWorkers();
  if (typeof P !== 'number' || !Number.isInteger(P) || P < 1 || P > 256) {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: workers must be an integer from 1 to 256 (worker threads, usually the number of cores), got ${describe(P)}.`);
  }
  return new CpuWorkerPool(new ThreadTransport(P));
}

/**
 * A pool over any transport (the math does not know which): what `createCpuWorkers` does
 * with its worker threads, and what a transport between processes or machines would use.
 */
export function poolOver(transport: ChunkTransport): CpuWorkers {
  return new CpuWorkerPool(transport);
}

function defaultWorkers(): number {
  const p = (globalThis as { process?: Partial<typeof process> }).process;
  const os = typeof p?.getBuiltinModule === 'function' ? p.getBuiltinModule('node:os') : undefined;
  return Math.max(1, os?.availableParallelism() ?? 1);
}

/** The pool: the front end of a solve (the CPU's own validation), then the driver on a `PoolBackend`. */
class CpuWorkerPool implements CpuWorkers {
  readonly workers: number;
  readonly #transport: ChunkTransport;
  #queue: Promise<unknown> = Promise.resolve();
  #destroyed = false;

  constructor(transport: ChunkTransport) {
    this.#transport = transport;
    this.workers = transport.size;
  }

  solve(dyn: Dynamics, s0: ArrayLike<number>, T: number, opts: SolveOptions = {}): Promise<SolveResult> {
    const run = this.#queue.then(() => this.#solve(dyn, s0, T, opts));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async destroy(): Promise<void> {
    this.#destroyed = true;
    await this.#transport.close();
  }

  async #solve(dyn: Dynamics, s0: ArrayLike<number>, T: number, opts: SolveOptions): Promise<SolveResult> {
    const where = 'cpuWorkers.solve';
    if (this.#destroyed) throw new UnrollError('INVALID_ARGUMENT', `${where}: this pool was destroyed; create a new one with createCpuWorkers({ workers }).`);
    const given: unknown = opts;
    if (typeof given === 'object' && given !== null && (given as { backend?: unknown }).backend !== undefined) {
      throw new UnrollError('INVALID_ARGUMENT', `${where}: backend is the choice of this pool; pass it to solveAsync (solveAsync(dyn, s0, T, { backend: pool })), not to pool.solve.`);
    }
    const plan = planSolve(where, dyn, s0, T, opts);
    throwIfAborted(plan.opts.signal);
    const { run } = plan;
    // The rollout has nothing to parallelise over t: it runs here, as solve runs it.
    if (run === undefined) return runWorkAsync(solveWork(where, plan));
    const method = plan.opts.method === undefined ? defaultMethod(dyn.dim) : resolveMethod(where, plan.opts.method);
    if (method.kind !== 'fixed-point') throw new UnrollError('UNSUPPORTED', `${where}: method '${method.name}' has no iteration to parallelise.`);
    const s = run.settings;
    if (s.elk !== undefined) {
      throw new UnrollError('UNSUPPORTED', `${where}: '${run.name}' runs ELK's Kalman filter, which the worker pool does not split over t yet; run it with solve / solveAsync on this thread, or use quasi-DEER, DEER, Picard, Jacobi or clip-ELK on the pool.`);
    }
    const recipe = method.recipe;
    if (recipe === undefined) {
      throw new UnrollError('UNSUPPORTED', `${where}: '${run.name}' is a custom strategy, which a worker cannot rebuild (only built-in methods carry a recipe); run it with solve / solveAsync on this thread, or use a built-in method.`);
    }
    if (s.threads > 1) {
      throw new UnrollError('UNSUPPORTED', `${where}: threads sets the threads of one linear recurrence on this thread; the pool's parallelism is its ${this.workers} workers. Drop threads.`);
    }
    const dynamics = workerModuleOf(dyn);
    if (dynamics === undefined) {
      throw new UnrollError(
        'UNSUPPORTED',
        `${where}: these dynamics carry no worker module, so the workers cannot build them; attach one with withWorkerModule(dyn, { module: url, exportName, args }) — or { system: 'gru', args: [params] } for a reference system — or build them with await loadWorkerDynamics(descriptor).`,
      );
    }
    const D = dyn.dim, dtype = s.dtype, W = run.structure.width;
    if (s.changeEntries !== undefined && s.changeEntries > D) {
      throw new UnrollError('INVALID_ARGUMENT', `${where}: changeEntries (${s.changeEntries}) must be at most the dimension D = ${D}: the leading entries of each step the change is measured over.`);
    }
    const rows = Math.min(T, s.window ?? T);
    const memory = sharedMemory(where, dtype, T, D, W, rows, plan.start, s.init === 'zeros' ? undefined : initialGuess(dyn, Float64Array.from(plan.start), T, dtype, plan.opts));
    const { source, cost } = run.strategy.prepare(dyn);
    if (cost.calls.step > 0) warnFiniteDifferences(where, run.name, source, cost.calls.step, dyn);
    try {
      // Inside the try: workers that built the solve before another refused it drop it too.
      await this.#transport.open({ dynamics, dim: D, recipe, memory, controls: { tol: s.tol, reset: s.reset, resetThreshold: s.resetThreshold, change: s.change, changeEntries: s.changeEntries } });
      throwIfAborted(s.signal);
      const backend = new PoolBackend(where, dyn, T, run.structure, s, this.#transport, memory);
      const onIteration = s.onIteration;
      const outcome = await runWorkAsync(
        driveFixedPoint(
          where,
          backend,
          { ...s, T, exactLeadingRow: true, fallback: s.fallback, signal: s.signal },
          onIteration === undefined
            ? undefined
            : (m) => onIteration({ iteration: m.iteration, delta: m.delta, merit: m.merit, resets: m.resets, convergedPrefix: m.convergedPrefix, states: backend.states }),
        ),
      );
      return { ...outcome, states: backend.states, method: run.name, linearization: { source, callsPerStep: cost.calls } };
    } finally {
      await this.#transport.release();
    }
  }
}

/** The solve's memory in `SharedArrayBuffer`s, allocated once: every worker reads and writes it where it is. */
function sharedMemory(where: string, dtype: 'float64' | 'float32', T: number, D: number, W: number, rows: number, start: FloatArray, guess: FloatArray | undefined): SharedSolveMemory {
  if (typeof SharedArrayBuffer === 'undefined') throw new UnrollError('UNSUPPORTED', `${where}: SharedArrayBuffer is not available here; the worker pool needs it.`);
  const s0 = sharedFloatArray(dtype, D);
  s0.set(start);
  const current = sharedFloatArray(dtype, T * D);
  let sharedGuess: FloatArray | undefined;
  if (guess !== undefined) {
    sharedGuess = sharedFloatArray(dtype, T * D);
    sharedGuess.set(guess);
    current.set(guess);
  }
  return { s0, current, guess: sharedGuess, A: sharedFloatArray(dtype, Math.max(1, rows * W)), b: sharedFloatArray(dtype, rows * D) };
}
