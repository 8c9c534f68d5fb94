import type { Dynamics } from '@unroll/linearize';
import { UnrollError, type FloatArray, type Structure } from '@unroll/scan';
import { acquireDevice, limitsOf } from './acquire-device.js';
import { GpuContext, type GpuLimits } from './gpu-context.js';
import { gpuDynamicsOf, type GpuDynamics } from './gpu-dynamics.js';
import { compileDynamics, evaluateDynamics, type Evaluation, type EvaluationPoints } from './evaluate.js';
import { gpuSolve, type GpuSolveOptions, type GpuSolveResult } from './gpu-solve.js';
import { gpuGradient, type GpuGradientResult } from './gpu-gradient.js';
import { createRecurrence, defaultChunk, ScanPlan, type Recurrence } from './scan-plan.js';
import type { LookBack } from './chained-kernel.js';
import type { ScanConfig, ScanKernel } from './scan-config.js';
import { widthOf, type ScanKind } from './scan-kernels.js';
import { usage } from './usage.js';
import { checkFloats, describe, finiteF32, optionsObject, positiveInteger, toF32 } from './check-input.js';
import { checkKind } from './check-kind.js';
import { measureScan, type ScanMeasurement, type ScanMeasurementOptions } from './measure-scan.js';

/** Options of {@link createGpuRuntime}. */
export interface GpuRuntimeOptions {
  /** Run on this device (the runtime then never destroys it). Default: a new device. */
  readonly device?: GPUDevice;
  /** Adapter preference when the runtime picks the device. */
  readonly powerPreference?: GPUPowerPreference;
  /** Steps each scan thread walks sequentially (default 32). */
  readonly chunk?: number;
  /**
   * Cap on storage-binding bytes below the device's own (arrays beyond it are processed
   * a window at a time). For testing the windowed path; leave unset otherwise.
   */
  readonly maxBindingBytes?: number;
  /** Cap on workgroups per grid dimension below the device's 65535 (for testing 2-D grids). */
  readonly maxWorkgroupsPerDimension?: number;
  /**
   * Which kernels solve diagonal and identity recurrences (quasi-DEER, Picard, clip-/scale-ELK,
   * quasi-ELK's means, `linearRecurrence`): `'auto'` (default) the single-pass chained scan
   * where the device runs it as one dispatch, else reduce-then-scan; `'chained'` or
   * `'reduce-then-scan'` force one (for tests and benchmarks; `'chained'` is refused with
   * `UNSUPPORTED` where it does not fit). Other kinds always run reduce-then-scan.
   */
  readonly scan?: ScanKernel;
  /**
   * The chained scan's look-back (for tests and benchmarks): `'bounded'` (default) polls a
   * predecessor's status a bounded number of times, then reduces its steps itself;
   * `'eager'` never polls twice; `'pure'` waits without bound (needs forward progress
   * between workgroups, which WebGPU does not promise); `'fallback'` never reads a status.
   */
  readonly lookBack?: LookBack;
}

/** One WebGPU device with unroll's kernels: scans, linear recurrences and whole solves. */
export interface GpuRuntime {
  /** The adapter's description. */
  readonly adapter: string;
  /** The limits the kernels plan around. */
  readonly limits: GpuLimits;
  /** Buffers the runtime holds right now (0 between calls: every call frees its own). */
  readonly liveBuffers: number;
  /**
   * Inclusive scan of affine elements packed `[A (W), b (D)]` per step — the GPU twin of
   * `scan(elements, affineMonoid(structure))`. W = D (diagonal), 0 (identity), D² (dense,
   * D ≤ 16). f32; float64 input is rounded.
   */
  scan(elements: FloatArray, kind: ScanKind, D: number): Promise<Float32Array>;
  /**
   * The states `[T][D]` of `s_t = A_t s_{t−1} + b_t` — the GPU twin of
   * `linearRecurrence(structure, A, b, s0)` for the `diagonal`, `identity`, `zero` and
   * `dense` (D ≤ 16) structures of `@unroll/scan`. With `s0` holding S·D numbers, A and b
   * hold S sequences one after the other and all S are solved in one dispatch.
   */
  linearRecurrence(structure: Structure, A: FloatArray, b: FloatArray, s0: ArrayLike<number>): Promise<Float32Array>;
  /**
   * Compiles a dynamics' kernels now, so WGSL errors surface before a solve. `dynamics`,
   * here and in `evaluate` and `solve`: a `Dynamics` that carries `wgsl` (every system of
   * `@unroll/systems` with a GPU form, or your own `defineDynamics({ …, wgsl })`) — the same
   * object the CPU solvers take — or WGSL-only dynamics from `defineGpuDynamics`. A
   * Dynamics without `wgsl` is refused with `UNSUPPORTED`.
   */
  compile(dynamics: Dynamics | GpuDynamics): Promise<void>;
  /** f_t, its Jacobian diagonal and (when defined) its Jacobian at given points — for checking a dynamics' WGSL against its TypeScript. */
  evaluate(dynamics: Dynamics | GpuDynamics, points: EvaluationPoints): Promise<Evaluation>;
  /** A whole fixed-point solve on the GPU (see {@link GpuSolveOptions}). */
  solve(dynamics: Dynamics | GpuDynamics, s0: ArrayLike<number>, T: number, options?: GpuSolveOptions): Promise<GpuSolveResult>;
  /**
   * The exact backward pass of a solved trajectory (`@unroll/solvers`' `gradient` without
   * parameters): the adjoints dL/ds_t of L = Σ_t ℓ_t(s_t) given `dLds` (∂ℓ_t/∂s_t, `[S][T][D]`)
   * by one reverse-time recurrence over the transposed Jacobians — dense, D ≤ 16, from the
   * dynamics' WGSL `jacobian` — and dL/ds_0. `states` is the solved trajectory.
   */
  gradient(dynamics: Dynamics | GpuDynamics, s0: ArrayLike<number>, states: ArrayLike<number>, dLds: ArrayLike<number>): Promise<GpuGradientResult>;
  /** Times the recurrence kernels on device-resident random inputs (for benchmarks and for choosing `chunk`). */
  measureScan(options: ScanMeasurementOptions): Promise<ScanMeasurement>;
  /** Frees every buffer (and the device, unless it was passed in). Later calls reject with `DEVICE_LOST`. */
  destroy(): void;
}

/**
 * A GPU runtime on a WebGPU device: `navigator.gpu` in a browser, Dawn (the optional
 * `webgpu` package) in Node, or the `device` given.
 *
 * @example
 * ```ts
 * const rt = await createGpuRuntime();
 * try {
 *   // gru from @unroll/systems carries its WGSL: the same object runs on the CPU solvers.
 *   const r = await rt.solve(gru({ dim: 8, inputDim: 0, seed: 1 }), new Float32Array(8), 100_000, { method: 'quasi-deer' });
 * } finally { rt.destroy(); }
 * ```
 */
export async function createGpuRuntime(options?: GpuRuntimeOptions): Promise<GpuRuntime> {
  const where = 'createGpuRuntime';
  const o = optionsObject(where, 'options', options, runtimeOptionKeys, "{ powerPreference: 'high-performance' }");
  const chunk = o['chunk'] === undefined ? defaultChunk : positiveInteger(where, 'chunk (steps each scan thread walks)', o['chunk'], maxChunk);
  for (const key of ['maxBindingBytes', 'maxWorkgroupsPerDimension'] as const) {
    const v = o[key];
    const min = key === 'maxBindingBytes' ? 1024 : 1;
    if (v !== undefined && !(typeof v === 'number' && Number.isInteger(v) && v >= min)) {
      throw new UnrollError('INVALID_ARGUMENT', `${where}: ${key} must be an integer ≥ ${min}, got ${describe(v)}.`);
    }
  }
  const powerPreference = o['powerPreference'];
  if (powerPreference !== undefined && powerPreference !== 'low-power' && powerPreference !== 'high-performance') {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: powerPreference must be 'low-power' or 'high-performance' (or omitted), got ${describe(powerPreference)}.`);
  }
  const given = o['device'];
  if (given !== undefined && !isGpuDevice(given)) {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: device must be a GPUDevice (from adapter.requestDevice()), got ${describe(given)}; omit it to let the runtime create one.`);
  }
  const scanKernel = o['scan'] ?? 'auto';
  if (scanKernel !== 'auto' && scanKernel !== 'chained' && scanKernel !== 'reduce-then-scan') {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: scan must be 'auto', 'chained' or 'reduce-then-scan' (or omitted), got ${describe(scanKernel)}.`);
  }
  const lookBack = o['lookBack'] ?? 'bounded';
  if (lookBack !== 'bounded' && lookBack !== 'eager' && lookBack !== 'pure' && lookBack !== 'fallback') {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: lookBack must be 'bounded', 'eager', 'pure' or 'fallback' (or omitted), got ${describe(lookBack)}.`);
  }
  const config: ScanConfig = { chunk, kernel: scanKernel, lookBack };
  const caps = { maxBindingBytes: o['maxBindingBytes'] as number | undefined, maxWorkgroupsPerDimension: o['maxWorkgroupsPerDimension'] as number | undefined };
  if (given !== undefined) return new Runtime(new GpuContext(given, limitsOf(given, caps), false, 'device given'), config);
  const { device, adapter, name } = await acquireDevice(powerPreference === undefined ? {} : { powerPreference });
  try {
    return new Runtime(new GpuContext(device, limitsOf(device, caps), true, name, adapter), config);
  } catch (e) {
    device.destroy();
    throw e;
  }
}

const runtimeOptionKeys = ['device', 'powerPreference', 'chunk', 'maxBindingBytes', 'maxWorkgroupsPerDimension', 'scan', 'lookBack'];

/** Longest chunk a scan thread walks (the kernels' counters are u32; far beyond any useful value). */
const maxChunk = 65536;

/** Whether `x` looks like a WebGPU device (there is no GPUDevice class to test against in Node). */
function isGpuDevice(x: unknown): x is GPUDevice {
  if (typeof x !== 'object' || x === null) return false;
  const d = x as Partial<Record<keyof GPUDevice, unknown>>;
  return (
    typeof d.createBuffer === 'function' &&
    typeof d.createShaderModule === 'function' &&
    typeof d.createComputePipeline === 'function' &&
    typeof d.pushErrorScope === 'function' &&
    typeof d.destroy === 'function' &&
    typeof d.limits === 'object' &&
    d.limits !== null &&
    typeof d.queue === 'object' &&
    d.queue !== null &&
    typeof (d.lost as { then?: unknown } | undefined)?.then === 'function'
  );
}

class Runtime implements GpuRuntime {
  readonly #ctx: GpuContext;
  readonly #chunk: number;
  readonly #config: ScanConfig;

  constructor(ctx: GpuContext, config: ScanConfig) {
    this.#ctx = ctx;
    this.#chunk = config.chunk;
    this.#config = config;
  }

  get adapter(): string {
    return this.#ctx.adapterName;
  }

  get limits(): GpuLimits {
    return this.#ctx.limits;
  }

  get liveBuffers(): number {
    return this.#ctx.liveBuffers;
  }

  async scan(elements: FloatArray, kind: ScanKind, D: number): Promise<Float32Array> {
    const ctx = this.#ctx;
    ctx.check('scan');
    checkKind('scan', kind, D);
    const data = toF32('scan', 'elements', elements);
    const E = widthOf(kind, D) + D;
    if (data.length === 0 || data.length % E !== 0) {
      throw new UnrollError('LENGTH_MISMATCH', `scan: ${data.length} numbers is not a whole, non-zero number of ${kind} elements of ${E} (A then b, D = ${D}).`);
    }
    const T = data.length / E;
    checkFloats('scan', 'elements', data.length, ctx.limits.maxBufferBytes);
    const input = ctx.storage(data, 'scan elements');
    const out = ctx.buffer(data.length * 4, usage.storage | usage.copySrc, 'scan output');
    let plan: ScanPlan | undefined;
    try {
      plan = await ScanPlan.create(ctx, { kind, D, S: 1, L: T, C: this.#chunk }, input, out);
      await ctx.allocated('scan');
      this.#run(plan);
      return await ctx.read(out, data.length, 0, 'scan');
    } finally {
      plan?.destroy();
      ctx.release(input);
      ctx.release(out);
    }
  }

  async linearRecurrence(structure: Structure, A: FloatArray, b: FloatArray, s0: ArrayLike<number>): Promise<Float32Array> {
    const ctx = this.#ctx;
    const where = 'linearRecurrence';
    ctx.check(where);
    const st: unknown = structure;
    if (typeof st !== 'object' || st === null || typeof (st as Partial<Structure>).name !== 'string' || typeof (st as Partial<Structure>).dim !== 'number') {
      throw new UnrollError('INVALID_ARGUMENT', `${where}: structure must be a Structure of @unroll/scan (diagonal(D), identity(D), zero(D) or dense(D)), got ${describe(st)}.`);
    }
    const D = structure.dim;
    const kind = structure.name;
    if (kind !== 'diagonal' && kind !== 'identity' && kind !== 'dense' && kind !== 'zero') {
      throw new UnrollError('UNSUPPORTED', `${where}: the GPU runs the diagonal, identity, zero and dense structures, not '${structure.name}'; use the CPU linearRecurrence.`);
    }
    if (kind === 'zero') positiveInteger(where, 'structure.dim', D);
    else checkKind(where, kind, D);
    const aF32 = toF32(where, 'A', A);
    const bF32 = toF32(where, 'b', b);
    const start = finiteF32(where, 's0', s0);
    if (start.length === 0 || start.length % D !== 0) {
      throw new UnrollError('DIMENSION_MISMATCH', `${where}: s0 has ${start.length} numbers; it must hold D = ${D} per sequence.`);
    }
    const S = start.length / D;
    if (bF32.length === 0 || bF32.length % (S * D) !== 0) {
      throw new UnrollError('LENGTH_MISMATCH', `${where}: b has ${bF32.length} numbers, not a whole non-zero number of steps of S·D = ${S}·${D}.`);
    }
    const T = bF32.length / (S * D);
    const W = kind === 'zero' ? 0 : widthOf(kind, D);
    if (aF32.length !== S * T * W) {
      throw new UnrollError('LENGTH_MISMATCH', `${where}: A has ${aF32.length} numbers; ${structure.name} needs S·T·W = ${S}·${T}·${W} = ${S * T * W}.`);
    }
    // A zero transition forgets the past: s_t = b_t.
    if (kind === 'zero') return bF32 === b ? bF32.slice() : bF32;
    checkFloats(where, 'b', bF32.length, ctx.limits.maxBufferBytes);
    checkFloats(where, 'A', aF32.length, ctx.limits.maxBufferBytes);
    const bufB = ctx.storage(bF32, 'recurrence b');
    const bufA = W > 0 ? ctx.storage(aF32, 'recurrence A') : undefined;
    const bufS0 = ctx.storage(start, 'recurrence s0');
    const out = ctx.buffer(bF32.length * 4, usage.storage | usage.copySrc, 'recurrence states');
    let plan: Recurrence | undefined;
    try {
      plan = await createRecurrence(
        ctx,
        this.#config,
        { kind, D, S, L: T },
        bufA === undefined ? undefined : { buffer: bufA, stride: W, offset: 0 },
        { buffer: bufB, stride: D, offset: 0 },
        bufS0,
        out,
      );
      await ctx.allocated('linearRecurrence');
      this.#run(plan);
      return await ctx.read(out, bF32.length, 0, 'linearRecurrence');
    } finally {
      plan?.destroy();
      for (const buf of [bufA, bufB, bufS0, out]) if (buf !== undefined) ctx.release(buf);
    }
  }

  #run(plan: { encode(pass: GPUComputePassEncoder): void }): void {
    const encoder = this.#ctx.device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    plan.encode(pass);
    pass.end();
    this.#ctx.device.queue.submit([encoder.finish()]);
  }

  async compile(dynamics: Dynamics | GpuDynamics): Promise<void> {
    this.#ctx.check('compile');
    await compileDynamics(this.#ctx, gpuDynamicsOf('compile', dynamics));
  }

  async evaluate(dynamics: Dynamics | GpuDynamics, points: EvaluationPoints): Promise<Evaluation> {
    this.#ctx.check('evaluate');
    return evaluateDynamics(this.#ctx, gpuDynamicsOf('evaluate', dynamics), points);
  }

  async solve(dynamics: Dynamics | GpuDynamics, s0: ArrayLike<number>, T: number, options?: GpuSolveOptions): Promise<GpuSolveResult> {
    this.#ctx.check('solve');
    return gpuSolve(this.#ctx, this.#config, gpuDynamicsOf('solve', dynamics), s0, T, options);
  }

  async gradient(dynamics: Dynamics | GpuDynamics, s0: ArrayLike<number>, states: ArrayLike<number>, dLds: ArrayLike<number>): Promise<GpuGradientResult> {
    this.#ctx.check('gradient');
    return gpuGradient(this.#ctx, this.#chunk, gpuDynamicsOf('gradient', dynamics), s0, states, dLds);
  }

  async measureScan(options: ScanMeasurementOptions): Promise<ScanMeasurement> {
    this.#ctx.check('measureScan');
    return measureScan(this.#ctx, this.#config, options);
  }

  destroy(): void {
    this.#ctx.destroy();
  }
}

