import { initialGuess, type IterationInfo, type Method, type SolveOptions, type SolveResult } from '@unroll/solvers';
import { UnrollError, isFloatArray } from '@unroll/scan';
import { Dispatch, rowRange, type BindingPlan } from './dispatch.js';
import { checkDynamics, uploadParams } from './dynamics-kernel.js';
import type { GpuContext } from './gpu-context.js';
import type { GpuDynamics } from './gpu-dynamics.js';
import { ReductionChain } from './reduction.js';
import { RecurrencePlan } from './scan-plan.js';
import { widthOf } from './scan-kernels.js';
import { linearizeKernel, rolloutKernel, updateKernel, type Linearization } from './solve-kernels.js';
import { mapRead, usage } from './usage.js';
import { maxDenseDim } from './dense-limit.js';

/** The methods that run on the GPU. */
export type GpuMethod = Extract<Method, 'sequential' | 'deer' | 'quasi-deer' | 'picard' | 'jacobi' | 'scale-elk' | 'clip-elk'>;

/**
 * What `onIteration` receives on the GPU: the CPU's `convergedPrefix` is not computed there,
 * and the iterate stays on the device (reading it back each iteration would cost a transfer).
 */
export type GpuIterationInfo = Omit<IterationInfo, 'convergedPrefix' | 'states'>;

/**
 * Options of `runtime.solve`: the CPU `SolveOptions` that make sense in f32 on a GPU (same
 * meaning and defaults, `tol` 1e-5 as for float32), plus `clip`.
 */
export interface GpuSolveOptions
  extends Pick<SolveOptions, 'k' | 'tol' | 'stop' | 'residualTol' | 'maxIterations' | 'init' | 'seed' | 'reset' | 'resetThreshold' | 'fallback' | 'signal'> {
  /** Default `'quasi-deer'` (the GPU's workhorse: O(D) per step). `'deer'` and `'scale-elk'` need D ≤ 16 and a `jacobian`. */
  readonly method?: GpuMethod;
  /** `'clip-elk'`: clip each diagonal entry to [lo, hi] (default [−1, 1], thesis §4.5.2). */
  readonly clip?: { readonly lo?: number; readonly hi?: number };
  /** Called after each iteration (one small read-back each); return `false` to stop. */
  readonly onIteration?: (info: GpuIterationInfo) => void | boolean;
}

/** What `runtime.solve` returns: the CPU `SolveResult`, in f32, for S sequences. */
export interface GpuSolveResult extends SolveResult {
  /** `[S][T][D]`. */
  readonly states: Float32Array;
  /** Sequences solved together (s0.length / D). */
  readonly sequences: number;
}

const gpuMethods: readonly GpuMethod[] = ['sequential', 'deer', 'quasi-deer', 'picard', 'jacobi', 'scale-elk', 'clip-elk'];

interface Settings {
  readonly method: GpuMethod;
  readonly kind: Linearization;
  readonly k: number;
  readonly lo: number;
  readonly hi: number;
  readonly tol: number;
  readonly residualTol: number;
  readonly stop: 'delta' | 'merit';
  readonly maxIterations: number;
  readonly reset: boolean;
  readonly resetThreshold: number;
}

function settingsOf(dyn: GpuDynamics, T: number, opts: GpuSolveOptions): Settings {
  const method: unknown = opts.method ?? 'quasi-deer';
  if (typeof method !== 'string' || !(gpuMethods as readonly string[]).includes(method)) {
    const hint = method === 'elk' || method === 'quasi-elk' ? ' (the Kalman-smoother ELK runs on the CPU; on the GPU use clip-elk or scale-elk)' : typeof method === 'object' ? ' (custom strategies run on the CPU solvers)' : '';
    throw new UnrollError('UNSUPPORTED', `solve: the GPU runs ${gpuMethods.join(', ')}; got ${typeof method === 'string' ? `'${method}'` : String(method)}${hint}.`);
  }
  const m = method as GpuMethod;
  const kind: Linearization = m === 'jacobi' ? 'jacobi' : m === 'picard' ? 'picard' : m === 'deer' || m === 'scale-elk' ? 'dense' : 'diagonal';
  if (kind === 'dense') {
    if (!dyn.hasJacobian) throw new UnrollError('UNSUPPORTED', `solve: '${m}' needs the dynamics' WGSL to define \`fn jacobian(t: u32, s: State) -> Jacobian\`; or use 'quasi-deer'.`);
    if (dyn.dim > maxDenseDim) throw new UnrollError('UNSUPPORTED', `solve: '${m}' keeps D×D Jacobians per thread and needs D ≤ ${maxDenseDim} on the GPU (D = ${dyn.dim}); use 'quasi-deer' or 'clip-elk'.`);
  }
  let k = 0;
  if (m === 'scale-elk') {
    if (opts.k === undefined || !(opts.k >= 0 && opts.k <= 1)) throw new UnrollError('INVALID_ARGUMENT', `solve: 'scale-elk' needs k ∈ [0, 1] (Ã_t = (1 − k)·J); got ${String(opts.k)}.`);
    k = opts.k;
  } else if (opts.k !== undefined) {
    throw new UnrollError('INVALID_ARGUMENT', `solve: k applies to 'scale-elk', not '${m}'.`);
  }
  const huge = 3e38;
  let lo = -huge, hi = huge;
  if (m === 'clip-elk') {
    lo = opts.clip?.lo ?? -1;
    hi = opts.clip?.hi ?? 1;
    if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo <= hi)) throw new UnrollError('INVALID_ARGUMENT', `solve: clip needs finite lo ≤ hi, got [${String(lo)}, ${String(hi)}].`);
  } else if (opts.clip !== undefined) {
    throw new UnrollError('INVALID_ARGUMENT', `solve: clip applies to 'clip-elk', not '${m}'.`);
  }
  const tol = opts.tol ?? 1e-5;
  if (!(tol > 0) || !Number.isFinite(tol)) throw new UnrollError('INVALID_ARGUMENT', `solve: tol must be positive and finite, got ${String(tol)}.`);
  const maxIterations = Math.min(T, opts.maxIterations ?? T);
  if (!Number.isInteger(maxIterations) || maxIterations < 1) throw new UnrollError('INVALID_ARGUMENT', `solve: maxIterations must be a positive integer, got ${String(opts.maxIterations)}.`);
  const stop: unknown = opts.stop ?? 'delta';
  if (stop !== 'delta' && stop !== 'merit') throw new UnrollError('INVALID_ARGUMENT', `solve: stop must be 'delta' or 'merit', got ${String(stop)}.`);
  const resetThreshold = opts.resetThreshold ?? 1e8;
  if (!(resetThreshold > 0)) throw new UnrollError('INVALID_ARGUMENT', `solve: resetThreshold must be positive, got ${String(resetThreshold)}.`);
  return { method: m, kind, k, lo, hi, tol, residualTol: opts.residualTol ?? Math.sqrt(tol), stop, maxIterations, reset: opts.reset ?? true, resetThreshold };
}

/** Host mirror of the record the kernels reduce into: one pair per reducing kernel. */
interface Record4 {
  readonly merit: number;
  readonly maxResidual: number;
  readonly resets: number;
  readonly delta: number;
}

const fromSentinel = (x: number): number => (x >= 3e38 ? Infinity : x);

/**
 * The fixed-point loop of `@unroll/solvers`, resident on the GPU: per iteration one
 * command buffer — linearize (f, Ã, b, residual), scan, reset-and-compare — and one
 * 16-byte read-back of (merit, max residual, resets, max change). Iterates ping-pong
 * between two state buffers, so the iterate a `'merit'` stop accepts is never overwritten.
 */
export async function gpuSolve(ctx: GpuContext, chunk: number, dyn: GpuDynamics, s0In: ArrayLike<number>, T: number, opts: GpuSolveOptions): Promise<GpuSolveResult> {
  ctx.check('solve');
  checkDynamics('solve', dyn);
  const D = dyn.dim;
  if (!Number.isInteger(T) || T < 1) throw new UnrollError('INVALID_ARGUMENT', `solve: T must be a positive integer number of steps, got ${String(T)}.`);
  if (s0In.length === 0 || s0In.length % D !== 0) {
    throw new UnrollError('DIMENSION_MISMATCH', `solve: s0 has ${s0In.length} entries; it must hold D = ${D} per sequence (S·D for a batch of S).`);
  }
  const S = s0In.length / D;
  const s0 = new Float32Array(S * D);
  for (let i = 0; i < s0.length; i++) {
    const v = s0In[i] ?? NaN;
    if (!Number.isFinite(v)) throw new UnrollError('NON_FINITE', `solve: s0[${i}] is ${String(v)}; the initial state must be finite.`);
    s0[i] = v;
  }
  const settings = settingsOf(dyn, T, opts);
  const fallback: unknown = opts.fallback ?? 'none';
  if (fallback !== 'sequential' && fallback !== 'none') {
    throw new UnrollError('INVALID_ARGUMENT', `solve: fallback must be 'sequential' or 'none', got ${String(fallback)}.`);
  }
  const init = opts.init ?? 'zeros';
  const n = S * T * D;
  const guess =
    init === 'jacobi'
      ? new Float32Array(n)
      : Float32Array.from(initialGuess({ dim: D, step: () => undefined }, Float64Array.from(s0), S * T, 'float64', { init: isFloatArray(init) ? Float64Array.from(init) : init, seed: opts.seed ?? 0 }));
  const run = new SolveRun(ctx, chunk, dyn, S, T, settings);
  try {
    await run.prepare(s0, guess, init === 'jacobi');
    await ctx.allocated('solve');
    return await run.iterate(opts);
  } finally {
    run.destroy();
  }
}

/** Every buffer and dispatch of one solve, created once and destroyed together. */
class SolveRun {
  readonly #ctx: GpuContext;
  readonly #chunk: number;
  readonly #dyn: GpuDynamics;
  readonly #S: number;
  readonly #T: number;
  readonly #s: Settings;
  readonly #buffers: GPUBuffer[] = [];
  readonly #owned: { destroy(): void }[] = [];
  #states: [GPUBuffer, GPUBuffer] | undefined;
  #record: GPUBuffer | undefined;
  #staging: GPUBuffer | undefined;
  /** Per parity p (iterate in states[p]): linearize(+reduce), scan, update(+reduce). */
  readonly #linearize: { encode(pass: GPUComputePassEncoder): void }[] = [];
  readonly #iteration: { encode(pass: GPUComputePassEncoder): void }[][] = [[], []];
  #rollout: Dispatch | undefined;
  #params: GPUBindGroup | undefined;
  #s0: GPUBuffer | undefined;

  constructor(ctx: GpuContext, chunk: number, dyn: GpuDynamics, S: number, T: number, s: Settings) {
    this.#ctx = ctx;
    this.#chunk = chunk;
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
    const states: [GPUBuffer, GPUBuffer] = [this.#keep(ctx.buffer(n * 4, rw, 'iterate 0')), this.#keep(ctx.buffer(n * 4, rw, 'iterate 1'))];
    this.#states = states;
    this.#record = this.#keep(ctx.buffer(16, usage.storage | usage.copySrc, 'solve record'));
    this.#staging = this.#keep(ctx.buffer(16, usage.mapRead | usage.copyDst, 'solve record read-back'));
    if (s.method === 'sequential') {
      this.#rollout = this.#own(await this.#rolloutDispatch(states[0]));
      return;
    }
    const bufGuess = this.#keep(ctx.storage(guess, 'initial guess'));
    const W = s.kind === 'diagonal' ? D : s.kind === 'dense' ? D * D : 0;
    const bufA = W > 0 ? this.#keep(ctx.buffer(S * T * W * 4, usage.storage, 'solve A')) : undefined;
    const bufB = s.kind === 'jacobi' ? undefined : this.#keep(ctx.buffer(n * 4, usage.storage, 'solve b'));
    const rows = (buffer: GPUBuffer, width: number, before = 0): BindingPlan => ({ buffer, range: (i0, i1) => rowRange(Math.max(0, i0 - before), i1, width, 0, width) });
    const seqs = (buffer: GPUBuffer): BindingPlan => ({ buffer, range: (i0, i1) => [Math.floor(i0 / T) * D, (Math.floor((i1 - 1) / T) + 1) * D] });
    const record = this.#record;
    const values = { T, k: s.k, lo: s.lo, hi: s.hi };
    const linearizeInto = async (cur: GPUBuffer, target: GPUBuffer, slot: number, kind: Linearization) => {
      const groups = Dispatch.groupsFor(S * T, 1);
      const chain = this.#own(await ReductionChain.create(ctx, groups, record, slot));
      const part: BindingPlan = { buffer: chain.target.buffer, range: (_i0, _i1, g0, g1) => [2 * (chain.target.offset + g0), 2 * (chain.target.offset + g1)] };
      const bindings: Record<string, BindingPlan> = { s0: seqs(bufS0), cur: rows(cur, D, 1), B: rows(target, D), part };
      if (bufA !== undefined && (kind === 'diagonal' || kind === 'dense')) bindings['A'] = rows(bufA, W);
      const d = this.#own(await Dispatch.create(ctx, linearizeKernel(dyn, kind), S * T, bindings, { ...values, partOffset: chain.target.offset }, params.group));
      return {
        encode: (pass: GPUComputePassEncoder) => {
          d.encode(pass);
          chain.encode(pass);
        },
      };
    };
    for (const p of [0, 1] as const) {
      const cur = states[p], next = states[1 - p];
      const lin = await linearizeInto(cur, bufB ?? next, 0, s.kind);
      this.#linearize.push(lin);
      const steps: { encode(pass: GPUComputePassEncoder): void }[] = [lin];
      if (bufB !== undefined) {
        const kind = s.kind === 'picard' ? 'identity' : s.kind === 'dense' ? 'dense' : 'diagonal';
        steps.push(
          this.#own(
            await RecurrencePlan.create(
              ctx,
              { kind, D, S, L: T, C: this.#chunk },
              bufA === undefined ? undefined : { buffer: bufA, stride: widthOf(kind, D), offset: 0 },
              { buffer: bufB, stride: D, offset: 0 },
              bufS0,
              next,
            ),
          ),
        );
      }
      const chain = this.#own(await ReductionChain.create(ctx, Dispatch.groupsFor(n, 1), record, 1));
      const part: BindingPlan = { buffer: chain.target.buffer, range: (_i0, _i1, g0, g1) => [2 * (chain.target.offset + g0), 2 * (chain.target.offset + g1)] };
      const entries = (buffer: GPUBuffer): BindingPlan => ({ buffer, range: (i0, i1) => [i0, i1] });
      const upd = this.#own(
        await Dispatch.create(ctx, updateKernel(), n, { cur: entries(cur), next: entries(next), guess: entries(bufGuess), part }, { partOffset: chain.target.offset, reset: s.reset ? 1 : 0, threshold: s.resetThreshold }),
      );
      steps.push({
        encode: (pass) => {
          upd.encode(pass);
          chain.encode(pass);
        },
      });
      this.#iteration[p] = steps;
    }
    await ctx.allocated('solve');
    if (jacobiInit) {
      // 'jacobi' init (as on the CPU): s_1 = f_1(s_0), s_t = f_t(0) — one Jacobi sweep over zeros.
      const sweep = await linearizeInto(states[1], bufGuess, 0, 'jacobi');
      this.#submit([sweep]);
    }
    const encoder = ctx.device.createCommandEncoder();
    encoder.copyBufferToBuffer(bufGuess, 0, states[0], 0, n * 4);
    ctx.device.queue.submit([encoder.finish()]);
  }

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

  #submit(work: readonly { encode(pass: GPUComputePassEncoder): void }[], readRecord = false): void {
    const encoder = this.#ctx.device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    for (const w of work) w.encode(pass);
    pass.end();
    if (readRecord && this.#record !== undefined && this.#staging !== undefined) encoder.copyBufferToBuffer(this.#record, 0, this.#staging, 0, 16);
    this.#ctx.device.queue.submit([encoder.finish()]);
  }

  async #readRecord(): Promise<Record4> {
    const staging = this.#staging;
    if (staging === undefined) throw new Error('internal: no record');
    await this.#ctx.guard(staging.mapAsync(mapRead), 'solve');
    const r = new Float32Array(staging.getMappedRange(0, 16)).slice();
    staging.unmap();
    const N = this.#S * this.#T;
    return { merit: fromSentinel(r[0]) / N, maxResidual: fromSentinel(r[1]), resets: r[2], delta: fromSentinel(r[3]) };
  }

  async iterate(opts: GpuSolveOptions): Promise<GpuSolveResult> {
    const s = this.#s, states = this.#states;
    if (states === undefined) throw new Error('internal: iterate before prepare');
    const trace = { delta: [] as number[], merit: [] as number[], resets: [] as number[] };
    const result = async (parity: 0 | 1, iterations: number, converged: boolean, fellBack: boolean): Promise<GpuSolveResult> => ({
      states: await this.#ctx.read(states[parity], this.#S * this.#T * this.#dyn.dim, 0, 'solve'),
      iterations,
      converged,
      method: s.method,
      fellBack,
      trace,
      sequences: this.#S,
    });
    if (s.method === 'sequential' && this.#rollout !== undefined) {
      this.#submit([this.#rollout]);
      return result(0, 0, true, false);
    }
    let parity: 0 | 1 = 0;
    let iterations = 0;
    let converged: boolean;
    for (;;) {
      if (opts.signal?.aborted === true) throw new UnrollError('ABORTED', `solve: aborted after ${iterations} iterations.`, { cause: opts.signal.reason });
      this.#submit(this.#iteration[parity] ?? [], true);
      const r = await this.#readRecord();
      if (s.stop === 'merit' && r.merit < s.tol) {
        converged = true;
        break;
      }
      iterations++;
      trace.delta.push(r.delta);
      trace.merit.push(r.merit);
      trace.resets.push(r.resets);
      const keepGoing = opts.onIteration?.({ iteration: iterations, delta: r.delta, merit: r.merit, resets: r.resets });
      parity = parity === 0 ? 1 : 0;
      const small = s.stop === 'delta' && r.delta < s.tol;
      if (small || keepGoing === false || iterations >= s.maxIterations) {
        // The residual of the final iterate (one more linearization): a small step alone is
        // not trusted — resets can freeze a wrong trajectory (DESIGN.md §1).
        this.#submit([this.#linearize[parity] ?? { encode: () => undefined }], true);
        const last = await this.#readRecord();
        converged = small ? last.maxResidual <= s.residualTol : s.stop === 'merit' ? last.merit < s.tol : last.maxResidual <= s.tol;
        break;
      }
    }
    if (!converged && opts.fallback === 'sequential') {
      const rollout = this.#own(await this.#rolloutDispatch(states[parity]));
      this.#submit([rollout]);
      return result(parity, iterations, true, true);
    }
    return result(parity, iterations, converged, false);
  }

  destroy(): void {
    for (const x of this.#owned) x.destroy();
    for (const b of this.#buffers) this.#ctx.release(b);
    this.#owned.length = 0;
    this.#buffers.length = 0;
  }
}
