import {
  checkOptionsObject,
  defaultMethod,
  driveFixedPoint,
  exactAfterT,
  resolveMethod,
  initialGuess,
  methodNames,
  resolveRunControls,
  runWorkAsync,
  solveOptionKeys,
  type FinalResidual,
  type FixedPointBackend,
  type IterationInfo,
  type Method,
  type RunControls,
  type SolveOptions,
  type SolveResult,
  type UpdateMeasure,
  type Work,
} from '@unroll/solvers';
import type { Strategy } from '@unroll/linearize';
import { UnrollError, isFloatArray } from '@unroll/scan';
import { checkFloats, describe, finiteF32, maxIndex, positiveInteger } from './check-input.js';
import { fromMark } from './kernel.js';
import { Dispatch, rowRange, type BindingPlan } from './dispatch.js';
import { checkDynamics, uploadParams } from './dynamics-kernel.js';
import type { GpuContext } from './gpu-context.js';
import type { GpuDynamics } from './gpu-dynamics.js';
import { ReductionChain } from './reduction.js';
import { createRecurrence, MonoidScanPlan, RecurrencePlan, type Recurrence } from './scan-plan.js';
import type { FusedUpdate } from './chained-plan.js';
import type { ScanConfig } from './scan-config.js';
import { kalmanAlgebra, kalmanElementsKernel, kalmanMeansKernel } from './kalman-kernels.js';
import { kalmanGainKernel, linearizeKernel, meanSquareKernel, prefixKernel, riccatiKernel, rolloutKernel, updateKernel, windowEntryKernel, windowPrefixKernel, windowStartKernel, windowUpdateKernel, type CustomLinearization, type Linearization } from './solve-kernels.js';
import type { KernelSpec } from './kernel.js';
import { mapRead, usage } from './usage.js';
import { maxDenseDim } from './dense-limit.js';

/** The built-in methods' names that run on the GPU (aliases, as on the CPU). */
export type GpuMethod = Method;

/**
 * What `onIteration` receives on the GPU: the CPU's `IterationInfo` without `states` (the
 * iterate stays on the device; reading it back each iteration would cost a transfer).
 */
export type GpuIterationInfo = Omit<IterationInfo, 'states'>;

/**
 * Options of `runtime.solve`: the CPU's `SolveOptions` — same keys, meanings, defaults and
 * validation (one resolution, `resolveRunControls`; `tol` 1e-5 as for float32), and the
 * same method values (`deer()`, `quasiDeer()`, `picard()`, `jacobi()`, `scaleElk({ k })`,
 * `clipElk({ lo, hi })`, or their names). What the GPU cannot do yet is refused with
 * `UNSUPPORTED` and the reason (README: parity table).
 */
export interface GpuSolveOptions extends Omit<SolveOptions, 'onIteration' | 'dtype' | 'backend'> {
  /** Called after each iteration (one small read-back each); return `false` to stop. */
  readonly onIteration?: (info: GpuIterationInfo) => void | boolean;
  /** The GPU computes in float32 only; `'float32'` is accepted, anything else refused. */
  readonly dtype?: 'float32';
  /**
   * Iterations per read-back of the convergence record (default 1). With k > 1 one command
   * buffer runs k iterations over a ring of k + 1 iterates and one read-back returns their
   * k records, which the driver then takes one by one — the same iterations, trace and
   * states, k times fewer round trips, k − 1 more iterates of memory. Not with `window`.
   */
  readonly readEvery?: number;
}

/** What `runtime.solve` returns: the CPU `SolveResult`, in f32, for S sequences. */
export interface GpuSolveResult extends SolveResult {
  /** `[S][T][D]`. */
  readonly states: Float32Array;
  /** Sequences solved together (s0.length / D). */
  readonly sequences: number;
}

/**
 * The methods of the one table (`methodNames`) that run on the GPU: all of them (dense
 * ELK up to D = 8). Names that need a parameter are values in a solve: `elk({ lambda })`,
 * `elk({ lambda, base: 'diagonal' })`, `scaleElk({ k })`.
 */
export const gpuMethods: readonly GpuMethod[] = methodNames;

/** `SolveOptions` keys the GPU does not serve (yet), and what to do instead. */
export const cpuOnlyOptions: Readonly<Record<string, string>> = {
  threads: 'threads are CPU worker threads for the inner recurrence; the GPU runs its own parallel scan — remove threads',
  backend: 'this already is a backend — remove backend (or call solveAsync(dyn, s0, T, { backend: runtime }))',
  changeEntries: "the GPU's change kernels measure all D entries of each step — remove changeEntries, or run the solve on the CPU solvers (@unroll/solvers' solve)",
};

/** The option keys `runtime.solve` accepts: the CPU's (`solveOptionKeys`, one list) less the CPU-only ones. */
export const gpuSolveOptionKeys: readonly string[] = [...solveOptionKeys.filter((key) => !(key in cpuOnlyOptions)), 'readEvery'];

interface Settings extends Omit<RunControls, 'onIteration'> {
  readonly onIteration: GpuSolveOptions['onIteration'];
  /** The method's name, as results carry it. */
  readonly method: string;
  /** `'sequential'`, or how the method's Ã_t is formed on the device. */
  readonly kind: Linearization | 'sequential';
  readonly k: number;
  readonly lo: number;
  readonly hi: number;
  /** quasi-ELK: the Kalman filter's observation precision λ (thesis eq. 30); undefined for the recurrence. */
  readonly lambda: number | undefined;
  /** A custom strategy whose structure and fill carry WGSL (kind `'structure'`). */
  readonly custom: CustomLinearization | undefined;
  /** ELK with block-diagonal Ã_t: the block size B of its Kalman filter (D for dense); undefined otherwise. */
  readonly kalmanBlock: number | undefined;
  /** Sliding window: rows iterated at once, < T; undefined: all T. */
  readonly window: number | undefined;
  /** Iterations per read-back of the record (`readEvery`). */
  readonly readEvery: number;
  /** Cap on the Ã_t's bytes (Infinity unless `memoryBudget` was given). */
  readonly budget: number;
}

/**
 * Validates the options once, as the CPU does — the same option keys, the same method
 * table (`resolveMethod`, `defaultMethod`) and run controls (`resolveRunControls`), so both
 * backends accept and refuse the same values with the same words — then what only the GPU
 * decides: float32, the dense limit and the WGSL Jacobian, and the methods it cannot run.
 */
export function settingsOf(dyn: GpuDynamics, T: number, raw: unknown): Settings {
  if (typeof raw === 'object' && raw !== null) {
    for (const [key, why] of Object.entries(cpuOnlyOptions)) {
      if (key in raw && (raw as Record<string, unknown>)[key] !== undefined) throw new UnrollError('UNSUPPORTED', `solve: ${key} is not available on the GPU: ${why}.`);
    }
    for (const [key, value] of [['lambda', 'elk({ lambda })'], ['k', 'scaleElk({ k })'], ['clip', 'clipElk({ lo, hi })']] as const) {
      if (key in raw) throw new UnrollError('INVALID_ARGUMENT', `solve: '${key}' is a parameter of its method, not a solve option: pass method: ${value} (from @unroll/solvers).`);
    }
  }
  const opts = checkOptionsObject<GpuSolveOptions>('solve', raw as GpuSolveOptions | undefined, gpuSolveOptionKeys);
  const dtype: unknown = opts.dtype;
  if (dtype !== undefined && dtype !== 'float32') {
    throw dtype === 'float64'
      ? new UnrollError('UNSUPPORTED', "solve: the GPU computes in float32 only; float64 solves run on the CPU solvers (@unroll/solvers' solve with { dtype: 'float64' }). Remove dtype or pass 'float32'.")
      : new UnrollError('INVALID_ARGUMENT', `solve: dtype must be 'float32' on the GPU (or omitted), got ${describe(dtype)}.`);
  }
  // The same default as on the CPU: DEER while dense is cheap and the dynamics give the
  // exact Jacobian (here: a WGSL `jacobian`), quasi-DEER otherwise.
  const method = opts.method === undefined ? defaultMethod(dyn.dim, dyn.hasJacobian) : resolveMethod('solve', opts.method);
  const controls = resolveRunControls('solve', opts, T, 'float32', exactAfterT(method));
  const windowGiven: unknown = opts.window;
  if (windowGiven !== undefined && (typeof windowGiven !== 'number' || !Number.isInteger(windowGiven) || windowGiven < 1)) {
    throw new UnrollError('INVALID_ARGUMENT', `solve: window must be a positive integer number of steps, got ${describe(windowGiven)}.`);
  }
  const window = windowGiven === undefined || windowGiven >= T ? undefined : windowGiven;
  const readEvery: unknown = opts.readEvery ?? 1;
  if (typeof readEvery !== 'number' || !Number.isInteger(readEvery) || readEvery < 1 || readEvery > 64) {
    throw new UnrollError('INVALID_ARGUMENT', `solve: readEvery must be an integer in [1, 64] (iterations per read-back of the record), got ${describe(readEvery)}.`);
  }
  if (readEvery > 1 && window !== undefined) throw new UnrollError('UNSUPPORTED', 'solve: readEvery > 1 runs iterations ahead over a ring of iterates; a sliding window updates one iterate in place — use one or the other.');
  const settings = { ...controls, onIteration: opts.onIteration, method: method.name, budget: opts.memoryBudget === undefined ? Infinity : controls.memoryBudget, window, readEvery };
  if (method.kind === 'sequential') return { ...settings, kind: 'sequential', k: 0, lo: -huge, hi: huge, lambda: undefined, custom: undefined, kalmanBlock: undefined };
  const recipe = method.recipe;
  const lambda = method.inner.kind === 'kalman' ? method.inner.lambda : undefined;
  if (lambda !== undefined && recipe === undefined) {
    // A custom base: its filter runs on the GPU when the structure's Kalman capability
    // reads Ã_t as dense blocks (built-in block-diagonal filters say so with `blocks`).
    const custom = customOf(method.name, method.strategy, dyn);
    const B = method.strategy.structure(dyn.dim).kalman?.blocks;
    if (B === undefined || !Number.isInteger(B) || B < 1 || dyn.dim % B !== 0 || custom.algebra.width !== dyn.dim * B) {
      throw new UnrollError(
        'UNSUPPORTED',
        `solve: '${method.name}' runs the Kalman filter in a custom structure whose kalman capability is not block-diagonal (no \`blocks\`), which has no WGSL form yet; give the structure a built-in filter (blockDiagonalKalman(D, B) from @unroll/scan), use elk({ lambda }) or elk({ lambda, base: 'diagonal' }), or run it on the CPU solvers (@unroll/solvers).`,
      );
    }
    if (B > maxKalmanDim) throw new UnrollError('UNSUPPORTED', `solve: '${method.name}' filters ${B}×${B} blocks; the GPU keeps three of them per Kalman element in a thread and needs B ≤ ${maxKalmanDim}.`);
    return { ...settings, kind: 'structure', k: 0, lo: -huge, hi: huge, lambda, custom, kalmanBlock: B };
  }
  if (lambda !== undefined && recipe?.jacobian === 'full' && dyn.dim > maxKalmanDim) {
    throw new UnrollError('UNSUPPORTED', `solve: '${method.name}' keeps three D×D matrices per Kalman element in a GPU thread and needs D ≤ ${maxKalmanDim} (D = ${dyn.dim}); use quasi-ELK, elk({ lambda, base: 'diagonal' }), or the CPU solvers.`);
  }
  if (recipe === undefined) return { ...settings, kind: 'structure', k: 0, lo: -huge, hi: huge, lambda: undefined, custom: customOf(method.name, method.strategy, dyn), kalmanBlock: undefined };
  const kind: Linearization = recipe.jacobian === 'zero' ? 'jacobi' : recipe.jacobian === 'identity' ? 'picard' : recipe.jacobian === 'full' ? 'dense' : 'diagonal';
  if (kind === 'dense') {
    if (!dyn.hasJacobian) throw new UnrollError('UNSUPPORTED', `solve: '${method.name}' needs the dynamics' WGSL to define \`fn jacobian(t: u32, s: State) -> Jacobian\`; or use 'quasi-deer'.`);
    if (dyn.dim > maxDenseDim) throw new UnrollError('UNSUPPORTED', `solve: '${method.name}' keeps D×D Jacobians per thread and needs D ≤ ${maxDenseDim} on the GPU (D = ${dyn.dim}); use 'quasi-deer' or 'clip-elk'.`);
  }
  return { ...settings, kind, k: recipe.k ?? 0, lo: recipe.clip?.lo ?? -huge, hi: recipe.clip?.hi ?? huge, lambda, custom: undefined, kalmanBlock: lambda !== undefined && kind === 'dense' ? dyn.dim : undefined };
}

/** Floats of one Ã_t on the device for these settings. */
function aWidth(s: Pick<Settings, 'kind' | 'custom'>, D: number): number {
  return s.kind === 'diagonal' ? D : s.kind === 'dense' ? D * D : s.kind === 'structure' ? (s.custom?.algebra.width ?? 0) : 0;
}

/** Largest D of dense ELK on the GPU: a thread combines two Kalman elements of 3D² + 2D numbers and inverts a D×D matrix. */
export const maxKalmanDim = 8;

/** Widest packed matrix a custom structure may have on the GPU: a thread keeps three in private memory. */
export const maxStructureWidth = 1024;

/**
 * A custom strategy on the GPU: its structure's algebra (`structure.wgsl`) and its fill
 * (`strategy.wgsl`), spliced into the kernels — or the typed refusal naming the missing
 * capability.
 */
function customOf(name: string, strategy: Strategy, dyn: GpuDynamics): CustomLinearization {
  const structure = strategy.structure(dyn.dim);
  const refuse = (why: string) =>
    new UnrollError('UNSUPPORTED', `solve: '${name}' is a custom strategy; on the GPU ${why}. Run it on the CPU solvers (@unroll/solvers), or use a built-in method (${gpuMethods.join(', ')}).`);
  const fill: unknown = (strategy.wgsl as { source?: unknown } | undefined)?.source;
  if (typeof fill !== 'string') throw refuse('the strategy needs a wgsl capability defining fn strategy_fill(t: u32, s: State) -> Matrix (see Strategy.wgsl in @unroll/linearize)');
  const source: unknown = (structure.wgsl as { source?: unknown } | undefined)?.source;
  if (typeof source !== 'string') throw refuse(`its structure '${structure.name}' needs a wgsl capability (structure_apply, structure_compose, structure_identity; see StructureWgsl in @unroll/scan)`);
  if (structure.width < 1 || structure.width > maxStructureWidth) throw refuse(`its structure stores ${structure.width} numbers per matrix; the GPU runs structures of 1 to ${maxStructureWidth}`);
  if (/\bjacobian\s*\(/.test(fill) && !dyn.hasJacobian) throw refuse("its fill calls jacobian(…), which the dynamics' WGSL does not define");
  if (/\bvjp\s*\(/.test(fill) && !/\bfn\s+vjp\s*\(/.test(dyn.wgsl)) throw refuse("its fill calls vjp(…) (Hutchinson's estimate does), which the dynamics' WGSL does not define: add fn vjp(t: u32, s: State, v: State) -> State");
  return { algebra: { name: structure.name, width: structure.width, source }, fill };
}

/** Beyond every f32 Ã entry a solve keeps: "no clipping". */
const huge = 3e38;

/** Host mirror of the record the kernels reduce into: one pair per reducing kernel. */
interface Record4 {
  readonly merit: number;
  readonly maxResidual: number;
  readonly resets: number;
  readonly delta: number;
  /** Leading steps (of every sequence) that moved less than tol; measured only for `onIteration` and windows. */
  readonly convergedPrefix: number;
  /** Windows: resets in the window's first row (a reset row is not exact). */
  readonly firstRowResets: number;
}

/** Bytes of the record: three (sum, max) pairs of f32 — linearize, update, prefix. */
const recordBytes = 24;

/** Whether every entry of `a` is finite. */
function allFinite(a: Float32Array): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return false;
  return true;
}

/**
 * The fixed-point loop of `@unroll/solvers`, resident on the GPU: per iteration one
 * command buffer — linearize (f, Ã, b, residual), scan, reset-and-compare — and one
 * small read-back of (merit, max residual, resets, max change, and the converged prefix
 * when `onIteration` reads it). Iterates ping-pong between two state buffers, so the
 * iterate a `'merit'` stop accepts is never overwritten.
 */
export async function gpuSolve(ctx: GpuContext, config: ScanConfig, dyn: GpuDynamics, s0In: unknown, T: unknown, opts: unknown): Promise<GpuSolveResult> {
  ctx.check('solve');
  checkDynamics('solve', dyn);
  const D = dyn.dim;
  const steps = positiveInteger('solve', 'T (the number of steps)', T, maxIndex, ' (the GPU indexes steps with u32)');
  const s0 = finiteF32('solve', 's0', s0In);
  if (s0.length === 0 || s0.length % D !== 0) {
    throw new UnrollError('DIMENSION_MISMATCH', `solve: s0 has ${s0.length} entries; it must hold D = ${D} per sequence (S·D for a batch of S).`);
  }
  const S = s0.length / D;
  const settings = settingsOf(dyn, steps, opts);
  const n = S * steps * D;
  checkFloats('solve', `the trajectory (S·T·D = ${S}·${steps}·${D})`, n, ctx.limits.maxBufferBytes);
  // Floats of Ã_t per step: none for Jacobi, Picard and the sequential rollout.
  // quasi-ELK adds, per entry, the variances' Möbius matrices (4) and their states (2).
  // ELK adds per entry: diagonal — the variances' Möbius matrices (4) and states (2);
  // dense — the Kalman elements and their prefixes (2·(3D² + 2D)).
  const kb = settings.kalmanBlock;
  const W = aWidth(settings, D) + (settings.lambda === undefined ? 0 : kb !== undefined ? 2 * (D / kb) * (3 * kb * kb + 2 * kb) : 6 * D);
  const rowsHeld = settings.window ?? steps;
  const aBytes = S * rowsHeld * W * 4;
  if (aBytes > settings.budget) {
    throw new UnrollError(
      'MEMORY_BUDGET',
      `solve: the Ã_t of '${settings.method}' take ${(aBytes / 2 ** 20).toFixed(1)} MiB (S·T·${settings.kind === 'dense' ? 'D²' : 'D'}·4 bytes), beyond memoryBudget = ${settings.budget} bytes. Use ${settings.kind === 'dense' ? "'quasi-deer' (diagonal Ã_t)" : "'picard' or 'jacobi' (no Ã_t)"}, a shorter T or fewer sequences, or raise memoryBudget.`,
    );
  }
  checkFloats('solve', `the Ã_t of '${settings.method}'`, S * rowsHeld * W, ctx.limits.maxBufferBytes);
  if (settings.window !== undefined && n * 4 > ctx.limits.maxBindingBytes) {
    throw new UnrollError('UNSUPPORTED', `solve: a sliding window binds the whole trajectory (S·T·D·4 = ${n * 4} bytes), beyond this device's ${ctx.limits.maxBindingBytes}-byte storage binding; drop window, or use a shorter T or fewer sequences.`);
  }
  const init = settings.init;
  let guess: Float32Array;
  if (isFloatArray(init)) {
    if (init.length !== n) throw new UnrollError('LENGTH_MISMATCH', `solve: init has ${init.length} numbers; a warm start needs S·T·D = ${S}·${steps}·${D} = ${n}.`);
    guess = finiteF32('solve', 'init', init);
  } else if (init === 'random') {
    // The CPU's guess for the same seed (S·T rows), rounded to f32.
    // (A random guess does not read s0: the first sequence's stands in for the batch's.)
    guess = Float32Array.from(initialGuess({ dim: D, step: () => undefined }, Float64Array.from({ length: D }, (_, i) => s0[i] ?? 0), S * steps, 'float64', { init, seed: settings.seed }));
  } else {
    guess = new Float32Array(n); // 'zeros', and the zeros the 'jacobi' sweep starts from
  }
  const run = new SolveRun(ctx, config, dyn, S, steps, settings);
  try {
    await run.prepare(s0, guess, init === 'jacobi');
    await ctx.allocated('solve');
    return await run.iterate();
  } finally {
    run.destroy();
  }
}

/** Every buffer and dispatch of one solve, created once and destroyed together. */
class SolveRun {
  readonly #ctx: GpuContext;
  readonly #chunk: number;
  readonly #config: ScanConfig;
  readonly #dyn: GpuDynamics;
  readonly #S: number;
  readonly #T: number;
  readonly #s: Settings;
  readonly #buffers: GPUBuffer[] = [];
  readonly #owned: { destroy(): void }[] = [];
  /** The iterates: a ring of readEvery + 1 buffers (two without a batch: ping-pong). */
  #states: GPUBuffer[] | undefined;
  #record: GPUBuffer | undefined;
  #staging: GPUBuffer | undefined;
  /** Per parity p (iterate in states[p]): linearize(+reduce), scan, update(+reduce). */
  readonly #linearize: { encode(pass: GPUComputePassEncoder): void }[] = [];
  readonly #iteration: { encode(pass: GPUComputePassEncoder): void }[][] = [];
  #rollout: Dispatch | undefined;
  #params: GPUBindGroup | undefined;
  #s0: GPUBuffer | undefined;

  constructor(ctx: GpuContext, config: ScanConfig, dyn: GpuDynamics, S: number, T: number, s: Settings) {
    this.#ctx = ctx;
    this.#chunk = config.chunk;
    this.#config = config;
    this.#dyn = dyn;
    this.#S = S;
    this.#T = T;
    this.#s = s;
  }

  #keep(b: GPUBuffer): GPUBuffer {
    this.#buffers.push(b);
    return b;
  }

  #own<X extends { destroy(): void }>(x: X): X {
    this.#owned.push(x);
    return x;
  }

  async prepare(s0: Float32Array, guess: Float32Array, jacobiInit: boolean): Promise<void> {
    const ctx = this.#ctx, dyn = this.#dyn, D = dyn.dim, S = this.#S, T = this.#T, s = this.#s;
    const n = S * T * D;
    const params = uploadParams(ctx, dyn);
    this.#keep(params.buffer);
    this.#params = params.group;
    const bufS0 = this.#keep(ctx.storage(s0, 'solve s0'));
    this.#s0 = bufS0;
    const rw = usage.storage | usage.copySrc | usage.copyDst;
    const R = s.readEvery + 1;
    const states = Array.from({ length: R }, (_, p) => this.#keep(ctx.buffer(n * 4, rw, `iterate ${p}`)));
    const [first, second] = states as [GPUBuffer, GPUBuffer];
    this.#states = states;
    // One record (three reduced pairs) per ring position.
    this.#record = this.#keep(ctx.buffer(R * recordBytes, usage.storage | usage.copySrc, 'solve record'));
    this.#staging = this.#keep(ctx.buffer(R * recordBytes, usage.mapRead | usage.copyDst, 'solve record read-back'));
    if (s.kind === 'sequential') {
      this.#rollout = this.#own(await this.#rolloutDispatch(first));
      return;
    }
    const bufGuess = this.#keep(ctx.storage(guess, 'initial guess'));
    const W = aWidth(s, D);
    // A sliding window holds (Ã_t, b_t) for its w rows per sequence, not all T.
    const held = s.window ?? T;
    const bufA = W > 0 ? this.#keep(ctx.buffer(S * held * W * 4, usage.storage, 'solve A')) : undefined;
    const bufB = s.kind === 'jacobi' && s.window === undefined ? undefined : this.#keep(ctx.buffer(S * held * D * 4, usage.storage, 'solve b'));
    const rows = (buffer: GPUBuffer, width: number, before = 0): BindingPlan => ({ buffer, range: (i0, i1) => rowRange(Math.max(0, i0 - before), i1, width, 0, width) });
    const seqs = (buffer: GPUBuffer): BindingPlan => ({ buffer, range: (i0, i1) => [Math.floor(i0 / T) * D, (Math.floor((i1 - 1) / T) + 1) * D] });
    const record = this.#record;
    const values = { T, k: s.k, lo: s.lo, hi: s.hi };
    // change: 'mean-square' measures whole steps: one thread per row of D entries.
    const rowsOf = (buffer: GPUBuffer): BindingPlan => ({ buffer, range: (i0, i1) => [i0 * D, i1 * D] });
    const meanSquareValues = { D, T, w: T, reset: s.reset ? 1 : 0, threshold: s.resetThreshold, tol: s.tol };
    const linearizeInto = async (cur: GPUBuffer, target: GPUBuffer, slot: number, kind: Linearization | 'measure') => {
      const groups = Dispatch.groupsFor(S * T, 1);
      const chain = this.#own(await ReductionChain.create(ctx, groups, record, slot));
      const part: BindingPlan = { buffer: chain.target.buffer, range: (_i0, _i1, g0, g1) => [2 * (chain.target.offset + g0), 2 * (chain.target.offset + g1)] };
      const bindings: Record<string, BindingPlan> = { s0: seqs(bufS0), cur: rows(cur, D, 1), B: rows(target, D), part };
      if (bufA !== undefined && (kind === 'diagonal' || kind === 'dense' || kind === 'structure')) bindings['A'] = rows(bufA, W);
      const d = this.#own(await Dispatch.create(ctx, linearizeKernel(dyn, kind, kind === 'structure' ? s.custom : undefined), S * T, bindings, { ...values, partOffset: chain.target.offset }, params.group));
      return {
        encode: (pass: GPUComputePassEncoder) => {
          d.encode(pass);
          chain.encode(pass);
        },
      };
    };
    if (s.window !== undefined && bufB !== undefined) {
      this.#measure = await linearizeInto(first, second, 0, 'measure');
      await this.#prepareWindow(s.window, bufS0, bufGuess, bufA, bufB, params.group);
      await ctx.allocated('solve');
      if (jacobiInit) this.#submit([await linearizeInto(second, bufGuess, 0, 'jacobi')]);
      const encoder = ctx.device.createCommandEncoder();
      encoder.copyBufferToBuffer(bufGuess, 0, first, 0, n * 4);
      ctx.device.queue.submit([encoder.finish()]);
      return;
    }
    for (let p = 0; p < R; p++) {
      const cur = states[p] ?? first, next = states[(p + 1) % R] ?? second;
      const lin = await linearizeInto(cur, bufB ?? next, 3 * p, s.kind);
      this.#linearize.push(lin);
      const steps: { encode(pass: GPUComputePassEncoder): void }[] = [lin];
      const lambda = s.lambda;
      const denseElk = lambda !== undefined && s.kalmanBlock !== undefined;
      if (lambda !== undefined && bufA !== undefined && bufB !== undefined) {
        steps.push(...(denseElk ? await this.#denseKalman(bufA, bufB, cur, next, lambda) : await this.#kalmanGains(bufA, bufB, cur, lambda)));
      }
      // The update folds into a chained scan's replay (one dispatch fewer and one read of
      // the new iterate fewer), and so does onIteration's converged prefix; 'mean-square'
      // measures whole rows, so it keeps its own passes.
      let fusedChain: ReductionChain | undefined;
      let fusedPrefixChain: ReductionChain | undefined;
      const fuse: FusedUpdate | undefined =
        s.change === 'mean-square'
          ? undefined
          : {
              cur,
              guess: bufGuess,
              reset: s.reset,
              threshold: s.resetThreshold,
              partFor: async (groups) => {
                fusedChain = this.#own(await ReductionChain.create(ctx, groups, record, 3 * p + 1));
                return fusedChain.target;
              },
              ...(s.onIteration === undefined
                ? {}
                : {
                    prefix: {
                      tol: s.tol,
                      partFor: async (groups: number) => {
                        fusedPrefixChain = this.#own(await ReductionChain.create(ctx, groups, record, 3 * p + 2));
                        return fusedPrefixChain.target;
                      },
                    },
                  }),
            };
      let scan: Recurrence | undefined;
      if (bufB !== undefined && !denseElk) {
        const kind = s.kind === 'picard' ? 'identity' : s.kind === 'dense' ? 'dense' : s.kind === 'structure' ? 'structure' : 'diagonal';
        scan = this.#own(
          await createRecurrence(
            ctx,
            this.#config,
            { kind, D, S, L: T, ...(s.custom === undefined ? {} : { algebra: s.custom.algebra }) },
            bufA === undefined ? undefined : { buffer: bufA, stride: W, offset: 0 },
            { buffer: bufB, stride: D, offset: 0 },
            bufS0,
            next,
            fuse,
          ),
        );
      }
      const entries = (buffer: GPUBuffer): BindingPlan => ({ buffer, range: (i0, i1) => [i0, i1] });
      const fused = scan?.fusedUpdate === true && fusedChain !== undefined;
      if (scan !== undefined && fused && fusedChain !== undefined) {
        const [plan, chain, prefixChain] = [scan, fusedChain, fusedPrefixChain];
        steps.push({
          encode: (pass) => {
            plan.encode(pass);
            chain.encode(pass);
            prefixChain?.encode(pass);
          },
        });
      } else {
        if (scan !== undefined) steps.push(scan);
        const chain = this.#own(await ReductionChain.create(ctx, Dispatch.groupsFor(n, 1), record, 3 * p + 1));
        const part: BindingPlan = { buffer: chain.target.buffer, range: (_i0, _i1, g0, g1) => [2 * (chain.target.offset + g0), 2 * (chain.target.offset + g1)] };
        const upd = this.#own(
          s.change === 'mean-square'
            ? await Dispatch.create(ctx, meanSquareKernel('update', false), S * T, { cur: rowsOf(cur), next: rowsOf(next), guess: rowsOf(bufGuess), part }, { ...meanSquareValues, partOffset: chain.target.offset })
            : await Dispatch.create(ctx, updateKernel(), n, { cur: entries(cur), next: entries(next), guess: entries(bufGuess), part }, { partOffset: chain.target.offset, reset: s.reset ? 1 : 0, threshold: s.resetThreshold }),
        );
        steps.push({
          encode: (pass) => {
            upd.encode(pass);
            chain.encode(pass);
          },
        });
      }
      if (s.onIteration !== undefined && !(fused && scan?.fusedPrefix === true)) {
        // convergedPrefix costs one more pass over the iterate: only when someone reads it.
        const prefixChain = this.#own(await ReductionChain.create(ctx, Dispatch.groupsFor(n, 1), record, 3 * p + 2));
        const prefixPart: BindingPlan = { buffer: prefixChain.target.buffer, range: (_i0, _i1, g0, g1) => [2 * (prefixChain.target.offset + g0), 2 * (prefixChain.target.offset + g1)] };
        const prefix = this.#own(
          s.change === 'mean-square'
            ? await Dispatch.create(ctx, meanSquareKernel('prefix', false), S * T, { cur: rowsOf(cur), next: rowsOf(next), guess: rowsOf(bufGuess), part: prefixPart }, { ...meanSquareValues, partOffset: prefixChain.target.offset })
            : await Dispatch.create(ctx, prefixKernel(), n, { cur: entries(cur), next: entries(next), part: prefixPart }, { partOffset: prefixChain.target.offset, D, T, tol: s.tol }),
        );
        steps.push({
          encode: (pass) => {
            prefix.encode(pass);
            prefixChain.encode(pass);
          },
        });
      }
      this.#iteration[p] = steps;
    }
    await ctx.allocated('solve');
    if (jacobiInit) {
      // 'jacobi' init (as on the CPU): s_1 = f_1(s_0), s_t = f_t(0) — one Jacobi sweep over zeros.
      const sweep = await linearizeInto(second, bufGuess, 0, 'jacobi');
      this.#submit([sweep]);
    }
    const encoder = ctx.device.createCommandEncoder();
    encoder.copyBufferToBuffer(bufGuess, 0, first, 0, n * 4);
    ctx.device.queue.submit([encoder.finish()]);
  }

  /**
   * quasi-ELK's filter on the device: the Möbius matrices of every coordinate's variance
   * (`riccatiKernel`), their projective scan (the filtered variances, in parallel over
   * time), and the gains that rewrite (Ã_t, b_t) into the recurrence of the filtered means
   * (`kalmanGainKernel`) — which the ordinary diagonal scan then solves.
   */
  async #kalmanGains(bufA: GPUBuffer, bufB: GPUBuffer, cur: GPUBuffer, lambda: number): Promise<{ encode(pass: GPUComputePassEncoder): void }[]> {
    const ctx = this.#ctx, D = this.#dyn.dim, S = this.#S, T = this.#T;
    const lanes = S * D;
    if (this.#elk === undefined) {
      const M = this.#keep(ctx.buffer(lanes * T * 16, usage.storage, 'elk variance maps'));
      const V = this.#keep(ctx.buffer(lanes * T * 8, usage.storage, 'elk variances'));
      // Every lane starts from v_0 = 0, i.e. (0, 1); b = 0 (one shared pair, stride 0).
      const start = this.#keep(ctx.storage(Float32Array.from({ length: 2 * lanes }, (_, k) => k % 2), 'elk variance start'));
      const zero = this.#keep(ctx.storage(new Float32Array(2), 'elk zero'));
      // Rows r of the maps are (lane q·D + i, step t); they read a_t of whole sequences q.
      const sequenceOf = (r: number): number => Math.floor(Math.floor(r / T) / D);
      const riccati = this.#own(
        await Dispatch.create(
          ctx,
          riccatiKernel(),
          lanes * T,
          {
            A: { buffer: bufA, range: (r0, r1) => [sequenceOf(r0) * T * D, (sequenceOf(r1 - 1) + 1) * T * D] },
            M: { buffer: M, range: (r0, r1) => [r0 * 4, r1 * 4] },
          },
          { D, T, lambda },
        ),
      );
      const variances = this.#own(await RecurrencePlan.create(ctx, { kind: 'dense', D: 2, S: lanes, L: T, C: this.#chunk, projective: true }, { buffer: M, stride: 4, offset: 0 }, { buffer: zero, stride: 0, offset: 0 }, start, V));
      this.#elk = { V, riccati, variances };
    }
    const { V, riccati, variances } = this.#elk;
    const entries = (buffer: GPUBuffer): BindingPlan => ({ buffer, range: (i0, i1) => [i0, i1] });
    const gain = this.#own(
      await Dispatch.create(ctx, kalmanGainKernel(), S * T * D, {
        V: { buffer: V, range: (k0, k1) => [Math.floor(k0 / (T * D)) * D * T * 2, (Math.floor((k1 - 1) / (T * D)) + 1) * D * T * 2] },
        cur: entries(cur),
        A: entries(bufA),
        B: entries(bufB),
      }, { D, T, lambda }),
    );
    return [riccati, variances, gain];
  }

  /**
   * ELK's dense filter on the device: every step's Kalman element (`kalmanElementsKernel`),
   * their inclusive scan over the Särkkä–García-Fernández monoid (`MonoidScanPlan` with
   * `kalmanAlgebra`), and the filtered means read off the prefixes into the candidate.
   */
  async #denseKalman(bufA: GPUBuffer, bufB: GPUBuffer, cur: GPUBuffer, next: GPUBuffer, lambda: number): Promise<{ encode(pass: GPUComputePassEncoder): void }[]> {
    const ctx = this.#ctx, D = this.#dyn.dim, S = this.#S, T = this.#T;
    const B = this.#s.kalmanBlock ?? D;
    const E = (D / B) * (3 * B * B + 2 * B);
    const s0 = this.#s0;
    if (s0 === undefined) throw new Error('internal: dense ELK before s0');
    if (this.#denseElk === undefined) {
      const elements = this.#keep(ctx.buffer(S * T * E * 4, usage.storage, 'elk elements'));
      const prefixes = this.#keep(ctx.buffer(S * T * E * 4, usage.storage, 'elk filtered elements'));
      const scan = this.#own(await MonoidScanPlan.create(ctx, { S, L: T, C: this.#chunk }, kalmanAlgebra(D, B), elements, prefixes));
      this.#denseElk = { elements, prefixes, scan };
    }
    const { elements, prefixes, scan } = this.#denseElk;
    const rows = (buffer: GPUBuffer, width: number): BindingPlan => ({ buffer, range: (i0, i1) => rowRange(i0, i1, width, 0, width) });
    const seqs: BindingPlan = { buffer: s0, range: (i0, i1) => [Math.floor(i0 / T) * D, (Math.floor((i1 - 1) / T) + 1) * D] };
    const build = this.#own(await Dispatch.create(ctx, kalmanElementsKernel(D, false, B), S * T, { s0: seqs, cur: rows(cur, D), A: rows(bufA, D * B), B: rows(bufB, D), E: rows(elements, E) }, { T, lambda }));
    const means = this.#own(await Dispatch.create(ctx, kalmanMeansKernel(D, B), S * T * D, { P: { buffer: prefixes, range: (k0, k1) => [Math.floor(k0 / D) * E, (Math.floor((k1 - 1) / D) + 1) * E] }, next: { buffer: next, range: (k0, k1) => [k0, k1] } }, {}));
    return [build, scan, means];
  }

  /** Dense ELK's elements and prefixes, and their scan, shared by both parities. */
  #denseElk: { readonly elements: GPUBuffer; readonly prefixes: GPUBuffer; readonly scan: MonoidScanPlan } | undefined;

  /** quasi-ELK's buffers and the dispatches both parities share. */
  #elk: { readonly V: GPUBuffer; readonly riccati: Dispatch; readonly variances: RecurrencePlan } | undefined;

  async #rolloutDispatch(out: GPUBuffer): Promise<Dispatch> {
    const D = this.#dyn.dim, T = this.#T;
    const s0 = this.#s0, params = this.#params;
    if (s0 === undefined || params === undefined) throw new Error('internal: rollout before prepare');
    return Dispatch.create(
      this.#ctx,
      rolloutKernel(this.#dyn),
      this.#S,
      { s0: { buffer: s0, range: (i0, i1) => [i0 * D, i1 * D] }, out: { buffer: out, range: (i0, i1) => [i0 * T * D, i1 * T * D] } },
      { T },
      params,
    );
  }

  /**
   * Encodes `work` in one compute pass and submits it; `read` copies the records of the
   * ring positions [first, first + count) (24 bytes each) to the staging buffer, at the
   * same offsets, for `#readRecords`.
   */
  #submit(work: readonly { encode(pass: GPUComputePassEncoder): void }[], read?: { readonly first: number; readonly count: number }): void {
    const encoder = this.#ctx.device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    for (const w of work) w.encode(pass);
    pass.end();
    if (read !== undefined && this.#record !== undefined && this.#staging !== undefined) {
      const R = this.ring;
      const wraps = read.first + read.count > R;
      const offset = wraps ? 0 : read.first * recordBytes;
      encoder.copyBufferToBuffer(this.#record, offset, this.#staging, offset, wraps ? this.#record.size : read.count * recordBytes);
    }
    this.#ctx.device.queue.submit([encoder.finish()]);
  }

  /** The record of ring position `position`, its merit averaged over `rows` steps (all S·T unless a window's). */
  async #readRecord(rows = this.#S * this.#T, position = 0): Promise<Record4> {
    return (await this.#readRecords(rows, [position]))[0] ?? unreachable();
  }

  /** The records of the given ring positions, from one read-back. */
  async #readRecords(rows: number, positions: readonly number[]): Promise<Record4[]> {
    const staging = this.#staging;
    if (staging === undefined) throw new Error('internal: no record');
    await this.#ctx.guard(staging.mapAsync(mapRead), 'solve');
    const all = new Float32Array(staging.getMappedRange(0, staging.size)).slice();
    staging.unmap();
    return positions.map((p) => {
      const o = 6 * p;
      const at = (k: number) => all[o + k] ?? NaN;
      return { merit: fromMark(at(0)) / rows, maxResidual: fromMark(at(1)), resets: at(2), delta: fromMark(at(3)), convergedPrefix: Math.max(0, this.#T - at(5)), firstRowResets: at(4) };
    });
  }

  /** The merit over the whole trajectory and every state, from one linearization that writes nothing. */
  #measure: { encode(pass: GPUComputePassEncoder): void } | undefined;

  /** Sliding windows: the window's (ws, n) on the device, and the passes of a windowed iteration. */
  #window:
    | {
        readonly win: GPUBuffer;
        /** PASO's window entry (`windowEntry: 'previous'`), run before a linearization that brings in new rows. */
        readonly entry: { encode(pass: GPUComputePassEncoder): void } | undefined;
        readonly linearize: { encode(pass: GPUComputePassEncoder): void }[];
        readonly solve: { encode(pass: GPUComputePassEncoder): void }[];
        readonly update: { encode(pass: GPUComputePassEncoder): void }[];
      }
    | undefined;

  /** Rows that have been inside a window (`windowEntry: 'previous'`). */
  #entered = 0;

  /**
   * A sliding window of w rows (PASO-style: iterate only the w steps after the converged prefix) on the device: (Ã_t, b_t) for
   * those rows only, compactly; the recurrence from the state before the window into a
   * candidate; the update in place on the one iterate (rows outside the window keep their
   * values, as on the CPU). Where the window stands lives in a small buffer rewritten each
   * iteration, so every pass is built once.
   */
  async #prepareWindow(w: number, bufS0: GPUBuffer, bufGuess: GPUBuffer, bufA: GPUBuffer | undefined, bufB: GPUBuffer, paramsGroup: GPUBindGroup): Promise<void> {
    const ctx = this.#ctx, dyn = this.#dyn, D = dyn.dim, S = this.#S, T = this.#T, s = this.#s;
    const states = this.#states, record = this.#record;
    if (states === undefined || record === undefined) throw new Error('internal: window before the iterate');
    const cur = states[0] ?? unreachable();
    const W = aWidth(s, D);
    // (ws, n, entry from, entry to): where the window stands, and which rows enter it now.
    const win = this.#keep(ctx.buffer(16, usage.storage | usage.copyDst, 'window'));
    const start = this.#keep(ctx.buffer(S * D * 4, usage.storage, 'window start'));
    const cand = this.#keep(ctx.buffer(S * w * D * 4, usage.storage, 'window candidate'));
    const whole = (buffer: GPUBuffer): BindingPlan => ({ buffer, range: () => [0, buffer.size / 4] });
    const rows = (buffer: GPUBuffer, width: number): BindingPlan => ({ buffer, range: (i0, i1) => rowRange(i0, i1, width, 0, width) });
    const entries = (buffer: GPUBuffer): BindingPlan => ({ buffer, range: (i0, i1) => [i0, i1] });
    const reduced = async (kernel: KernelSpec, items: number, slot: number, bindings: Record<string, BindingPlan>, values: Record<string, number>, group?: GPUBindGroup) => {
      const chain = this.#own(await ReductionChain.create(ctx, Dispatch.groupsFor(items, 1), record, slot));
      const part: BindingPlan = { buffer: chain.target.buffer, range: (_i0, _i1, g0, g1) => [2 * (chain.target.offset + g0), 2 * (chain.target.offset + g1)] };
      const d = this.#own(await Dispatch.create(ctx, kernel, items, { ...bindings, part }, { ...values, partOffset: chain.target.offset }, group));
      return {
        encode: (pass: GPUComputePassEncoder) => {
          d.encode(pass);
          chain.encode(pass);
        },
      };
    };
    const linBindings: Record<string, BindingPlan> = { s0: whole(bufS0), cur: whole(cur), win: whole(win), B: rows(bufB, D) };
    if (bufA !== undefined) linBindings['A'] = rows(bufA, W);
    const lin = await reduced(linearizeKernel(dyn, s.kind === 'sequential' ? 'jacobi' : s.kind, s.custom, true), S * w, 0, linBindings, { T, w, k: s.k, lo: s.lo, hi: s.hi }, paramsGroup);
    const startPass = this.#own(await Dispatch.create(ctx, windowStartKernel(), S * D, { s0: whole(bufS0), cur: whole(cur), win: whole(win), start: whole(start) }, { D, T }));
    const kind = s.kind === 'picard' ? 'identity' : s.kind === 'dense' ? 'dense' : s.kind === 'structure' ? 'structure' : 'diagonal';
    const lambda = s.lambda;
    const denseElk = lambda !== undefined && s.kalmanBlock !== undefined;
    const scan = s.kind === 'jacobi' || denseElk
      ? undefined
      : this.#own(await createRecurrence(ctx, this.#config, { kind, D, S, L: w, ...(s.custom === undefined ? {} : { algebra: s.custom.algebra }) }, bufA === undefined ? undefined : { buffer: bufA, stride: W, offset: 0 }, { buffer: bufB, stride: D, offset: 0 }, start, cand));
    // ELK under a window: the same filters over the window's w compact rows, observing the
    // iterate at the window's place and starting from the state before it.
    const filter = lambda === undefined || bufA === undefined ? [] : denseElk ? await this.#windowDenseKalman(w, lambda, bufA, bufB, cur, win, start, cand) : await this.#windowKalmanGains(w, lambda, bufA, bufB, cur, win);
    const windowValues = { D, T, w, reset: s.reset ? 1 : 0, threshold: s.resetThreshold, tol: s.tol };
    // Jacobi's candidate is f itself: the linearization wrote it to b.
    const candidate = scan === undefined && !denseElk ? bufB : cand;
    const io = { cand: entries(candidate), cur: whole(cur), guess: whole(bufGuess), win: whole(win) };
    const meanSquare = s.change === 'mean-square';
    const rowIo = { cand: { buffer: candidate, range: (i0: number, i1: number): readonly [number, number] => [i0 * D, i1 * D] }, cur: whole(cur), guess: whole(bufGuess), win: whole(win) };
    const prefix = meanSquare ? await reduced(meanSquareKernel('prefix', true), S * w, 2, rowIo, windowValues) : await reduced(windowPrefixKernel(), S * w * D, 2, io, windowValues);
    const update = meanSquare ? await reduced(meanSquareKernel('update', true), S * w, 1, rowIo, windowValues) : await reduced(windowUpdateKernel(), S * w * D, 1, io, windowValues);
    const entry = s.windowEntry === 'previous' ? this.#own(await Dispatch.create(ctx, windowEntryKernel(), S * w * D, { win: whole(win), cur: whole(cur) }, { D, T, w })) : undefined;
    this.#window = { win, entry, linearize: [lin], solve: scan === undefined && !denseElk ? [] : [startPass, ...filter, ...(scan === undefined ? [] : [scan])], update: [prefix, update] };
  }

  /** quasi-ELK's variances and gains over a window's w compact rows (see `#kalmanGains`). */
  async #windowKalmanGains(w: number, lambda: number, bufA: GPUBuffer, bufB: GPUBuffer, cur: GPUBuffer, win: GPUBuffer): Promise<{ encode(pass: GPUComputePassEncoder): void }[]> {
    const ctx = this.#ctx, D = this.#dyn.dim, S = this.#S, T = this.#T;
    const lanes = S * D;
    const M = this.#keep(ctx.buffer(lanes * w * 16, usage.storage, 'elk variance maps'));
    const V = this.#keep(ctx.buffer(lanes * w * 8, usage.storage, 'elk variances'));
    const startV = this.#keep(ctx.storage(Float32Array.from({ length: 2 * lanes }, (_, k) => k % 2), 'elk variance start'));
    const zero = this.#keep(ctx.storage(new Float32Array(2), 'elk zero'));
    const sequenceOf = (r: number): number => Math.floor(Math.floor(r / w) / D);
    const whole = (buffer: GPUBuffer): BindingPlan => ({ buffer, range: () => [0, buffer.size / 4] });
    const entries = (buffer: GPUBuffer): BindingPlan => ({ buffer, range: (i0, i1) => [i0, i1] });
    const riccati = this.#own(await Dispatch.create(ctx, riccatiKernel(), lanes * w, { A: { buffer: bufA, range: (r0, r1) => [sequenceOf(r0) * w * D, (sequenceOf(r1 - 1) + 1) * w * D] }, M: { buffer: M, range: (r0, r1) => [r0 * 4, r1 * 4] } }, { D, T: w, lambda }));
    const variances = this.#own(await RecurrencePlan.create(ctx, { kind: 'dense', D: 2, S: lanes, L: w, C: this.#chunk, projective: true }, { buffer: M, stride: 4, offset: 0 }, { buffer: zero, stride: 0, offset: 0 }, startV, V));
    const gain = this.#own(
      await Dispatch.create(ctx, kalmanGainKernel(true), S * w * D, { V: { buffer: V, range: (k0, k1) => [Math.floor(k0 / (w * D)) * D * w * 2, (Math.floor((k1 - 1) / (w * D)) + 1) * D * w * 2] }, cur: whole(cur), win: whole(win), A: entries(bufA), B: entries(bufB) }, { D, T: w, lambda, trajectory: T }),
    );
    return [riccati, variances, gain];
  }

  /** Dense ELK's elements, scan and means over a window's w compact rows (see `#denseKalman`). */
  async #windowDenseKalman(w: number, lambda: number, bufA: GPUBuffer, bufB: GPUBuffer, cur: GPUBuffer, win: GPUBuffer, start: GPUBuffer, cand: GPUBuffer): Promise<{ encode(pass: GPUComputePassEncoder): void }[]> {
    const ctx = this.#ctx, D = this.#dyn.dim, S = this.#S, T = this.#T;
    const B = this.#s.kalmanBlock ?? D;
    const E = (D / B) * (3 * B * B + 2 * B);
    const elements = this.#keep(ctx.buffer(S * w * E * 4, usage.storage, 'elk elements'));
    const prefixes = this.#keep(ctx.buffer(S * w * E * 4, usage.storage, 'elk filtered elements'));
    const scan = this.#own(await MonoidScanPlan.create(ctx, { S, L: w, C: this.#chunk }, kalmanAlgebra(D, B), elements, prefixes));
    const whole = (buffer: GPUBuffer): BindingPlan => ({ buffer, range: () => [0, buffer.size / 4] });
    const rows = (buffer: GPUBuffer, width: number): BindingPlan => ({ buffer, range: (i0, i1) => rowRange(i0, i1, width, 0, width) });
    const build = this.#own(await Dispatch.create(ctx, kalmanElementsKernel(D, true, B), S * w, { s0: whole(start), cur: whole(cur), win: whole(win), A: rows(bufA, D * B), B: rows(bufB, D), E: rows(elements, E) }, { T: w, lambda, trajectory: T }));
    const means = this.#own(await Dispatch.create(ctx, kalmanMeansKernel(D, B), S * w * D, { P: { buffer: prefixes, range: (k0, k1) => [Math.floor(k0 / D) * E, (Math.floor((k1 - 1) / D) + 1) * E] }, next: { buffer: cand, range: (k0, k1) => [k0, k1] } }, {}));
    return [build, scan, means];
  }

  /** Windowed: linearize rows [ws, ws + n) of every sequence; the record's merit is over those rows. */
  windowLinearize(ws: number, n: number): Promise<Record4> {
    const w = this.#window;
    if (w === undefined) throw new Error('internal: no window');
    // PASO's window entry: rows entering the window for the first time start from the
    // previous window's last state (the first window keeps the guess).
    const entering = this.#s.windowEntry === 'previous' && ws + n > this.#entered;
    const from = entering ? this.#entered : 0, to = entering ? ws + n : 0;
    if (entering) this.#entered = ws + n;
    this.#ctx.device.queue.writeBuffer(w.win, 0, new Uint32Array([ws, n, from, to]));
    this.#submit(entering && from > 0 && w.entry !== undefined ? [w.entry, ...w.linearize] : w.linearize, { first: 0, count: 1 });
    return this.#readRecord(this.#S * n);
  }

  /** Windowed: the recurrence of the window into the candidate. */
  windowSolve(): void {
    const w = this.#window;
    if (w === undefined) throw new Error('internal: no window');
    if (w.solve.length > 0) this.#submit(w.solve);
  }

  /** Windowed: the prefix and the update in place; the record's change, resets, prefix and first-row resets. */
  windowUpdate(): Promise<Record4> {
    const w = this.#window;
    if (w === undefined) throw new Error('internal: no window');
    this.#submit(w.update, { first: 0, count: 1 });
    return this.#readRecord();
  }

  /** The merit and max residual of the whole current iterate (a windowed run's one iterate). */
  measureAll(): Promise<Record4> {
    const m = this.#measure;
    if (m === undefined) throw new Error('internal: no measure');
    this.#submit([m], { first: 0, count: 1 });
    return this.#readRecord();
  }

  /**
   * Iterates to the stopping rule — `driveFixedPoint` of `@unroll/solvers`, the CPU's
   * driver itself, with this run as its backend (`GpuBackend`) — and reads the states back.
   * "Converged" means what it means on the CPU: every state finite and the stopping rule's
   * residual check passed; the fallback rollout (and `'sequential'`) is converged only if
   * it is finite.
   */
  async iterate(): Promise<GpuSolveResult> {
    const s = this.#s, states = this.#states;
    if (states === undefined) throw new Error('internal: iterate before prepare');
    if (s.kind === 'sequential' && this.#rollout !== undefined) {
      this.#submit([this.#rollout]);
      const out = await this.#ctx.read(states[0] ?? unreachable(), this.#S * this.#T * this.#dyn.dim, 0, 'solve');
      return { states: out, iterations: 0, converged: allFinite(out), method: s.method, fellBack: false, trace: { delta: [], merit: [], resets: [] }, sequences: this.#S };
    }
    const backend = s.window === undefined ? new GpuBackend(this, s.readEvery, s.maxIterations) : new WindowedGpuBackend(this);
    const onIteration = s.onIteration;
    const outcome = await runWorkAsync(
      driveFixedPoint(
        'solve',
        backend,
        { T: this.#T, tol: s.tol, residualTol: s.residualTol, stop: s.stop, maxIterations: s.maxIterations, window: s.window, windowAdvance: s.windowAdvance, exactLeadingRow: s.lambda === undefined, fallback: s.fallback, signal: s.signal },
        onIteration === undefined ? undefined : (m) => onIteration({ iteration: m.iteration, delta: m.delta, merit: m.merit, resets: m.resets, convergedPrefix: m.convergedPrefix }),
      ),
    );
    const out = backend.states ?? (await this.read());
    return { ...outcome, states: out, method: s.method, sequences: this.#S };
  }

  /** Where the current iterate lies in the ring of iterates (`states[parity]`). */
  parity = 0;

  /** Ring positions: readEvery + 1 (2 = ping-pong). */
  get ring(): number {
    return this.#states?.length ?? 2;
  }

  /**
   * `count` iterations in one command buffer from the current iterate — each: linearize (f,
   * Ã, b, residual), scan into the next ring position, reset-and-compare — and their records
   * from one read-back, in order. The ring has one more position than a batch, so every
   * iterate of the batch (and the one it started from) is still there when the driver stops
   * inside it.
   */
  iterationRecords(count: number): Promise<Record4[]> {
    const R = this.ring;
    const positions = Array.from({ length: count }, (_, i) => (this.parity + i) % R);
    this.#submit(positions.flatMap((p) => this.#iteration[p] ?? []), { first: this.parity, count });
    return this.#readRecords(this.#S * this.#T, positions);
  }

  /** The merit and residual of the current iterate alone (one linearization, no solve). */
  measureRecord(): Promise<Record4> {
    this.#submit([this.#linearize[this.parity] ?? { encode: () => undefined }], { first: this.parity, count: 1 });
    return this.#readRecord(this.#S * this.#T, this.parity);
  }

  /** The current iterate, read back. */
  read(): Promise<Float32Array> {
    const states = this.#states;
    if (states === undefined) throw new Error('internal: read before prepare');
    return this.#ctx.read(states[this.parity] ?? unreachable(), this.#S * this.#T * this.#dyn.dim, 0, 'solve');
  }

  /** Overwrites the current iterate with the sequential rollout. */
  async rollout(): Promise<void> {
    const states = this.#states;
    if (states === undefined) throw new Error('internal: rollout before prepare');
    const rollout = this.#own(await this.#rolloutDispatch(states[this.parity] ?? unreachable()));
    this.#submit([rollout]);
  }

  destroy(): void {
    for (const x of this.#owned) x.destroy();
    for (const b of this.#buffers) this.#ctx.release(b);
    this.#owned.length = 0;
    this.#buffers.length = 0;
  }
}

/**
 * The GPU backend of the one driver (`driveFixedPoint`, `FixedPointBackend`). Its iterates
 * ping-pong between two state buffers, and one command buffer does an iteration's
 * linearize, scan and update at once, so `linearize` submits the whole iteration and reads
 * its record (merit, max residual, resets, max change); `solve` has nothing left to do, and
 * `update` flips to the new iterate. A `'merit'` stop accepts the iterate just measured,
 * which the ping-pong left intact.
 */
class GpuBackend implements FixedPointBackend {
  readonly #run: SolveRun;
  /** Records of iterations already run on the device, not yet taken by the driver (`readEvery` > 1). */
  readonly #queue: Record4[] = [];
  /** Iterations run on the device so far. */
  #ran = 0;
  readonly #batch: number;
  readonly #maxIterations: number;
  /** The record of the iteration the driver is in. */
  #record: Record4 | undefined;
  /** The current iterate was the one the last record measured (no update since). */
  #measured = false;
  /** The final states, read back by `residual` or `fallback`. */
  states: Float32Array | undefined;

  constructor(run: SolveRun, batch: number, maxIterations: number) {
    this.#run = run;
    this.#batch = batch;
    this.#maxIterations = maxIterations;
  }

  // eslint-disable-next-line require-yield -- s0 was checked finite on upload, and there is no window on the GPU.
  *windowStartFinite(): Work<boolean> {
    return true;
  }

  *linearize(): Work<number> {
    if (this.#queue.length === 0) {
      // Never more iterations than the driver may take.
      const count = Math.max(1, Math.min(this.#batch, this.#maxIterations - this.#ran));
      this.#queue.push(...((yield this.#run.iterationRecords(count)) as Record4[]));
      this.#ran += count;
    }
    const r = this.#queue.shift() ?? unreachable();
    this.#record = r;
    this.#measured = true;
    return r.merit;
  }

  /** Fused into linearize's command buffer. */
  *solve(): Work<void> {}

  // eslint-disable-next-line require-yield -- the update ran on the device with linearize.
  *update(ws: number): Work<UpdateMeasure> {
    const r = this.#record;
    if (r === undefined) throw new Error('internal: update before linearize');
    this.#run.parity = (this.#run.parity + 1) % this.#run.ring;
    this.#measured = false;
    return { delta: r.delta, resets: r.resets, convergedPrefix: Math.max(ws, r.convergedPrefix), firstRowReset: false };
  }

  *residual(): Work<FinalResidual> {
    // The iterate a 'merit' stop accepts was measured by the linearization that stopped it.
    const r = this.#measured && this.#record !== undefined ? this.#record : ((yield this.#run.measureRecord()) as Record4);
    return yield* this.#final(r);
  }

  *fallback(): Work<boolean> {
    yield this.#run.rollout();
    return (yield* this.#final(undefined)).finite;
  }

  /** Reads the states back (the run's result) with the measured record's verdict inputs. */
  *#final(r: Record4 | undefined): Work<FinalResidual> {
    const out = (yield this.#run.read()) as Float32Array;
    this.states = out;
    return { merit: r?.merit ?? NaN, maxResidual: r?.maxResidual ?? NaN, finite: allFinite(out) };
  }
}

/**
 * The GPU backend under a sliding window: one iterate, updated in place on the window's
 * rows, so linearize (which a `'merit'` stop may accept) is its own command buffer and
 * read-back, and solve and update follow — two read-backs per iteration. The state a
 * window starts from is not read back: a non-finite one makes the window's change NaN,
 * which never converges.
 */
class WindowedGpuBackend implements FixedPointBackend {
  readonly #run: SolveRun;
  /** The final states, read back by `residual` or `fallback`. */
  states: Float32Array | undefined;

  constructor(run: SolveRun) {
    this.#run = run;
  }

  // eslint-disable-next-line require-yield -- see the class comment.
  *windowStartFinite(): Work<boolean> {
    return true;
  }

  *linearize(ws: number, we: number): Work<number> {
    const r = (yield this.#run.windowLinearize(ws, we - ws)) as Record4;
    return r.merit;
  }

  // eslint-disable-next-line require-yield -- a submission; nothing to wait for.
  *solve(): Work<void> {
    this.#run.windowSolve();
  }

  *update(ws: number, we: number): Work<UpdateMeasure> {
    const r = (yield this.#run.windowUpdate()) as Record4;
    // No entry of the window moved by tol: the prefix ends at the window's end (the rows
    // after it were not looked at), as on the CPU.
    return { delta: r.delta, resets: r.resets, convergedPrefix: Math.min(we, Math.max(ws, r.convergedPrefix)), firstRowReset: r.firstRowResets > 0 };
  }

  *residual(): Work<FinalResidual> {
    return yield* this.#final((yield this.#run.measureAll()) as Record4);
  }

  *fallback(): Work<boolean> {
    yield this.#run.rollout();
    return (yield* this.#final(undefined)).finite;
  }

  /** Reads the one iterate back (the run's result) with the measured record's verdict inputs. */
  *#final(r: Record4 | undefined): Work<FinalResidual> {
    const out = (yield this.#run.read()) as Float32Array;
    this.states = out;
    return { merit: r?.merit ?? NaN, maxResidual: r?.maxResidual ?? NaN, finite: allFinite(out) };
  }
}

/** For invariants the types cannot see (an index that is in range by construction). */
function unreachable(): never {
  throw new Error('internal: unreachable');
}
