import { UnrollError, type FloatArray, type Structure } from '@unroll/scan';
import { acquireDevice, limitsOf } from './acquire-device.js';
import { GpuContext, type GpuLimits } from './gpu-context.js';
import type { GpuDynamics } from './gpu-dynamics.js';
import { compileDynamics, evaluateDynamics, type Evaluation, type EvaluationPoints } from './evaluate.js';
import { gpuSolve, type GpuSolveOptions, type GpuSolveResult } from './gpu-solve.js';
import { defaultChunk, RecurrencePlan, ScanPlan } from './scan-plan.js';
import { widthOf, type ScanKind } from './scan-kernels.js';
import { usage } from './usage.js';
import { maxDenseDim } from './dense-limit.js';
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
  /** Compiles a dynamics' kernels now, so WGSL errors surface before a solve. */
  compile(dynamics: GpuDynamics): Promise<void>;
  /** f_t, its Jacobian diagonal and (when defined) its Jacobian at given points — for checking a dynamics against its CPU version. */
  evaluate(dynamics: GpuDynamics, points: EvaluationPoints): Promise<Evaluation>;
  /** A whole fixed-point solve on the GPU (see {@link GpuSolveOptions}). */
  solve(dynamics: GpuDynamics, s0: ArrayLike<number>, T: number, options?: GpuSolveOptions): Promise<GpuSolveResult>;
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
 *   const r = await rt.solve(twins.gru({ dim: 8, inputDim: 0, seed: 1 }), new Float32Array(8), 100_000, { method: 'quasi-deer' });
 * } finally { rt.destroy(); }
 * ```
 */
export async function createGpuRuntime(options: GpuRuntimeOptions = {}): Promise<GpuRuntime> {
  const chunk = options.chunk ?? defaultChunk;
  if (!Number.isInteger(chunk) || chunk < 1) throw new UnrollError('INVALID_ARGUMENT', `createGpuRuntime: chunk must be a positive integer, got ${String(chunk)}.`);
  for (const key of ['maxBindingBytes', 'maxWorkgroupsPerDimension'] as const) {
    const v = options[key];
    if (v !== undefined && !(Number.isInteger(v) && v >= (key === 'maxBindingBytes' ? 1024 : 1))) {
      throw new UnrollError('INVALID_ARGUMENT', `createGpuRuntime: ${key} must be an integer ${key === 'maxBindingBytes' ? '≥ 1024' : '≥ 1'}, got ${String(v)}.`);
    }
  }
  const given = options.device;
  const { device, adapter, name } = given === undefined ? await acquireDevice(options) : { device: given, adapter: undefined, name: 'device given' };
  const ctx = new GpuContext(device, limitsOf(device, options), given === undefined, name, adapter);
  return new Runtime(ctx, chunk);
}

class Runtime implements GpuRuntime {
  readonly #ctx: GpuContext;
  readonly #chunk: number;

  constructor(ctx: GpuContext, chunk: number) {
    this.#ctx = ctx;
    this.#chunk = chunk;
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
    const E = widthOf(kind, D) + D;
    if (elements.length === 0 || elements.length % E !== 0) {
      throw new UnrollError('LENGTH_MISMATCH', `scan: ${elements.length} numbers is not a whole, non-zero number of ${kind} elements of ${E} (A then b, D = ${D}).`);
    }
    const T = elements.length / E;
    const input = ctx.storage(toF32(elements), 'scan elements');
    const out = ctx.buffer(elements.length * 4, usage.storage | usage.copySrc, 'scan output');
    let plan: ScanPlan | undefined;
    try {
      plan = await ScanPlan.create(ctx, { kind, D, S: 1, L: T, C: this.#chunk }, input, out);
      await ctx.allocated('scan');
      this.#run(plan);
      return await ctx.read(out, elements.length, 0, 'scan');
    } finally {
      plan?.destroy();
      ctx.release(input);
      ctx.release(out);
    }
  }

  async linearRecurrence(structure: Structure, A: FloatArray, b: FloatArray, s0: ArrayLike<number>): Promise<Float32Array> {
    const ctx = this.#ctx;
    ctx.check('linearRecurrence');
    const D = structure.dim;
    const kind = structure.name === 'zero' ? 'zero' : structure.name;
    if (kind !== 'diagonal' && kind !== 'identity' && kind !== 'dense' && kind !== 'zero') {
      throw new UnrollError('UNSUPPORTED', `linearRecurrence: the GPU runs the diagonal, identity, zero and dense structures, not '${structure.name}'; use the CPU linearRecurrence.`);
    }
    if (kind !== 'zero') checkKind('linearRecurrence', kind, D);
    if (s0.length === 0 || s0.length % D !== 0) {
      throw new UnrollError('DIMENSION_MISMATCH', `linearRecurrence: s0 has ${s0.length} numbers; it must hold D = ${D} per sequence.`);
    }
    const S = s0.length / D;
    if (b.length === 0 || b.length % (S * D) !== 0) {
      throw new UnrollError('LENGTH_MISMATCH', `linearRecurrence: b has ${b.length} numbers, not a whole non-zero number of steps of S·D = ${S}·${D}.`);
    }
    const T = b.length / (S * D);
    const W = kind === 'zero' ? 0 : widthOf(kind, D);
    if (A.length !== S * T * W) {
      throw new UnrollError('LENGTH_MISMATCH', `linearRecurrence: A has ${A.length} numbers; ${structure.name} needs S·T·W = ${S}·${T}·${W} = ${S * T * W}.`);
    }
    for (let i = 0; i < s0.length; i++) {
      if (!Number.isFinite(s0[i])) throw new UnrollError('NON_FINITE', `linearRecurrence: s0[${i}] is ${String(s0[i])}.`);
    }
    // A zero transition forgets the past: s_t = b_t.
    if (kind === 'zero') return toF32(b).slice();
    const bufB = ctx.storage(toF32(b), 'recurrence b');
    const bufA = W > 0 ? ctx.storage(toF32(A), 'recurrence A') : undefined;
    const bufS0 = ctx.storage(Float32Array.from(s0), 'recurrence s0');
    const out = ctx.buffer(b.length * 4, usage.storage | usage.copySrc, 'recurrence states');
    let plan: RecurrencePlan | undefined;
    try {
      plan = await RecurrencePlan.create(
        ctx,
        { kind, D, S, L: T, C: this.#chunk },
        bufA === undefined ? undefined : { buffer: bufA, stride: W, offset: 0 },
        { buffer: bufB, stride: D, offset: 0 },
        bufS0,
        out,
      );
      await ctx.allocated('linearRecurrence');
      this.#run(plan);
      return await ctx.read(out, b.length, 0, 'linearRecurrence');
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

  async compile(dynamics: GpuDynamics): Promise<void> {
    this.#ctx.check('compile');
    await compileDynamics(this.#ctx, dynamics);
  }

  evaluate(dynamics: GpuDynamics, points: EvaluationPoints): Promise<Evaluation> {
    return evaluateDynamics(this.#ctx, dynamics, points);
  }

  solve(dynamics: GpuDynamics, s0: ArrayLike<number>, T: number, options: GpuSolveOptions = {}): Promise<GpuSolveResult> {
    return gpuSolve(this.#ctx, this.#chunk, dynamics, s0, T, options);
  }

  measureScan(options: ScanMeasurementOptions): Promise<ScanMeasurement> {
    this.#ctx.check('measureScan');
    checkKind('measureScan', options.kind, options.D);
    return measureScan(this.#ctx, this.#chunk, options);
  }

  destroy(): void {
    this.#ctx.destroy();
  }
}

function checkKind(where: string, kind: unknown, D: number): asserts kind is ScanKind {
  if (kind !== 'diagonal' && kind !== 'identity' && kind !== 'dense') {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: kind must be 'diagonal', 'identity' or 'dense', got ${String(kind)}.`);
  }
  if (!Number.isInteger(D) || D < 1) throw new UnrollError('INVALID_ARGUMENT', `${where}: D must be a positive integer, got ${String(D)}.`);
  if (kind === 'dense' && D > maxDenseDim) {
    throw new UnrollError('UNSUPPORTED', `${where}: dense elements on the GPU need D ≤ ${maxDenseDim} (one D×D matrix per thread), got ${D}; use a diagonal approximation or the CPU scan.`);
  }
}


function toF32(a: FloatArray): Float32Array {
  return a instanceof Float32Array ? a : Float32Array.from(a);
}
