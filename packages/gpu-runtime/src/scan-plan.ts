import { Dispatch, rowRange, type BindingPlan } from './dispatch.js';
import type { GpuContext } from './gpu-context.js';
import { usage } from './usage.js';
import { chunkKernel, monoidChunkKernel, widthOf, type ChunkMode, type ScanKind, type StructureAlgebra } from './scan-kernels.js';
import { ChainedPlan, type FusedUpdate } from './chained-plan.js';
import type { ScanConfig } from './scan-config.js';
import { UnrollError } from '@unroll/scan';

/** Where a kernel reads A_t or b_t: row r's part starts at `r·stride + offset` floats of `buffer`. */
export interface Source {
  readonly buffer: GPUBuffer;
  readonly stride: number;
  readonly offset: number;
}

/** Shape of one scan: S sequences of L elements of dimension D, chunks of C. */
export interface ScanShape {
  /** A built-in kind, or `'structure'`: any structure through its WGSL (`algebra`). */
  readonly kind: ScanKind | 'structure';
  readonly algebra?: StructureAlgebra;
  readonly D: number;
  readonly S: number;
  readonly L: number;
  readonly C: number;
  /** Dense, b = 0, and only each state's direction matters: rescale as it goes (see `chunkKernel`). */
  readonly projective?: boolean;
}

/** Default chunk length: enough sequential work per thread to hide memory latency, short enough for parallelism at T = 10⁴. */
export const defaultChunk = 32;

/**
 * Rows touched by chunks [i0, i1) (chunk g is chunk g mod N of sequence ⌊g/N⌋).
 */
function chunkRows(shape: ScanShape, N: number, i0: number, i1: number): readonly [number, number] {
  const first = Math.floor(i0 / N) * shape.L + (i0 % N) * shape.C;
  const lastChunk = i1 - 1;
  const last = Math.floor(lastChunk / N) * shape.L + Math.min(shape.L, ((lastChunk % N) + 1) * shape.C);
  return [first, last];
}

/** The non-element buffers of a chunk kernel: its output, and what the mode reads besides A and b. */
interface ChunkIo {
  readonly out: GPUBuffer;
  readonly s0?: GPUBuffer;
  readonly ends?: GPUBuffer;
  readonly carry?: GPUBuffer;
}

/**
 * The chunk kernels of one level, with their bindings: A and b rows of the chunks'
 * elements, and the mode's other inputs and output.
 */
async function chunkDispatch(
  ctx: GpuContext,
  shape: ScanShape,
  mode: ChunkMode,
  A: Source | undefined,
  B: Source,
  io: ChunkIo,
): Promise<Dispatch> {
  const { kind, D, S, L, C } = shape;
  const N = Math.ceil(L / C);
  const W = elementWidth(shape);
  const E = W + D;
  const rows = (i0: number, i1: number) => chunkRows(shape, N, i0, i1);
  const bindings: [string, BindingPlan][] = [
    ['B', { buffer: B.buffer, range: (i0, i1) => { const [r0, r1] = rows(i0, i1); return rowRange(r0, r1, B.stride, B.offset, D); } }],
  ];
  if (A !== undefined) bindings.push(['A', { buffer: A.buffer, range: (i0, i1) => { const [r0, r1] = rows(i0, i1); return rowRange(r0, r1, A.stride, A.offset, W); } }]);
  const out = io.out;
  if (mode === 'reduce') {
    bindings.push(['out', { buffer: out, range: (i0, i1) => [i0 * E, i1 * E] }]);
  } else {
    const width = mode === 'states' ? D : E;
    bindings.push(['out', { buffer: out, range: (i0, i1) => { const [r0, r1] = rows(i0, i1); return [r0 * width, r1 * width]; } }]);
  }
  if (mode === 'states') {
    const s0 = io.s0, ends = io.ends;
    if (s0 === undefined || ends === undefined) throw new Error('internal: states kernel without s0/ends');
    bindings.push(['s0', { buffer: s0, range: (i0, i1) => [Math.floor(i0 / N) * D, (Math.floor((i1 - 1) / N) + 1) * D] }]);
    bindings.push(['ends', { buffer: ends, range: (i0, i1) => [Math.max(0, i0 - 1) * D, Math.max(1, i1 - 1) * D] }]);
  }
  if (mode === 'elements') {
    const carry = io.carry;
    if (carry === undefined) throw new Error('internal: elements kernel without carry');
    bindings.push(['carry', { buffer: carry, range: (i0, i1) => [Math.max(0, i0 - 1) * E, Math.max(1, i1 - 1) * E] }]);
  }
  return Dispatch.create(ctx, chunkKernel(kind, D, mode, shape.projective === true, shape.algebra), S * N, Object.fromEntries(bindings), {
    L,
    N,
    C,
    sA: A?.stride ?? 0,
    oA: A?.offset ?? 0,
    sB: B.stride,
    oB: B.offset,
  });
}

/** Floats of the A part of one element of this shape. */
function elementWidth(shape: ScanShape): number {
  if (shape.kind !== 'structure') return widthOf(shape.kind, shape.D);
  if (shape.algebra === undefined) throw new Error('internal: a structure scan without its algebra');
  return shape.algebra.width;
}

/**
 * What both plans share: each level's dispatches and scratch buffers, the coarser level
 * below it, and encoding them in dependency order (alone, or reduce → coarser → replay).
 */
abstract class LevelPlan {
  protected readonly ctx: GpuContext;
  protected readonly dispatches: Dispatch[] = [];
  readonly #buffers: GPUBuffer[] = [];
  protected child: LevelPlan | undefined;

  protected constructor(ctx: GpuContext) {
    this.ctx = ctx;
  }

  /** `this` once `build` has finished; on failure everything built so far is freed. */
  protected async settle(build: Promise<void>): Promise<this> {
    try {
      await build;
    } catch (e) {
      this.destroy();
      throw e;
    }
    return this;
  }

  protected buffer(floats: number, label: string): GPUBuffer {
    const b = this.ctx.buffer(floats * 4, usage.storage | usage.copySrc, label);
    this.#buffers.push(b);
    return b;
  }

  /** Records every level's dispatches, in dependency order. */
  encode(pass: GPUComputePassEncoder): void {
    this.dispatches.forEach((d, k) => {
      if (k === 1) this.child?.encode(pass);
      d.encode(pass);
    });
  }

  /** Dispatch segments over all levels (more than one per kernel when bindings were windowed). */
  get segments(): number {
    return this.dispatches.reduce((n, d) => n + d.segments, 0) + (this.child?.segments ?? 0);
  }

  destroy(): void {
    for (const d of this.dispatches) d.destroy();
    for (const b of this.#buffers) this.ctx.release(b);
    this.child?.destroy();
    this.dispatches.length = 0;
    this.#buffers.length = 0;
    this.child = undefined;
  }
}

/**
 * The states of S linear recurrences s_t = A_t s_{t−1} + b_t (t = 1…L) on the GPU, by
 * reduce-then-scan: (1) each chunk of C steps composes its elements into one; (2) the
 * chunk elements form a recurrence L/C long, solved by this same plan recursively from
 * s_0, giving every chunk's end state; (3) each chunk replays its steps from the previous
 * chunk's end. Every level is a few plain dispatches — no workgroup ever waits on
 * another (WebGPU promises no forward progress between workgroups).
 */
export class RecurrencePlan extends LevelPlan {
  private constructor(ctx: GpuContext) {
    super(ctx);
  }

  static create(ctx: GpuContext, shape: ScanShape, A: Source | undefined, B: Source, s0: GPUBuffer, out: GPUBuffer): Promise<RecurrencePlan> {
    const plan = new RecurrencePlan(ctx);
    return plan.settle(plan.#build(shape, A, B, s0, out));
  }

  async #build(shape: ScanShape, A: Source | undefined, B: Source, s0: GPUBuffer, out: GPUBuffer): Promise<void> {
    const { kind, D, S, L, C } = shape;
    const N = Math.ceil(L / C);
    if (N === 1) {
      this.dispatches.push(await chunkDispatch(this.ctx, shape, 'states', A, B, { s0, ends: s0, out }));
      return;
    }
    const E = elementWidth(shape) + D;
    const agg = this.buffer(S * N * E, 'chunk elements');
    const ends = this.buffer(S * N * D, 'chunk end states');
    this.dispatches.push(await chunkDispatch(this.ctx, shape, 'reduce', A, B, { out: agg }));
    const up: Source | undefined = kind === 'identity' ? undefined : { buffer: agg, stride: E, offset: 0 };
    this.child = await RecurrencePlan.create(this.ctx, { ...shape, L: N }, up, { buffer: agg, stride: E, offset: E - D }, s0, ends);
    this.dispatches.push(await chunkDispatch(this.ctx, shape, 'states', A, B, { s0, ends, out }));
  }
}

/**
 * The inclusive scan of S sequences of L affine elements (packed `[A (W), b (D)]` rows,
 * like `affineMonoid` on the CPU): the same reduce-then-scan as {@link RecurrencePlan},
 * with prefix elements instead of states carried between chunks.
 */
export class ScanPlan extends LevelPlan {
  private constructor(ctx: GpuContext) {
    super(ctx);
  }

  static create(ctx: GpuContext, shape: ScanShape, elements: GPUBuffer, out: GPUBuffer): Promise<ScanPlan> {
    const plan = new ScanPlan(ctx);
    return plan.settle(plan.#build(shape, elements, out));
  }

  async #build(shape: ScanShape, elements: GPUBuffer, out: GPUBuffer): Promise<void> {
    const { kind, D, S, L, C } = shape;
    const N = Math.ceil(L / C);
    const W = elementWidth(shape);
    const E = W + D;
    const A: Source | undefined = kind === 'identity' ? undefined : { buffer: elements, stride: E, offset: 0 };
    const B: Source = { buffer: elements, stride: E, offset: W };
    if (N === 1) {
      this.dispatches.push(await chunkDispatch(this.ctx, shape, 'elements', A, B, { carry: elements, out }));
      return;
    }
    const agg = this.buffer(S * N * E, 'chunk elements');
    const prefixes = this.buffer(S * N * E, 'chunk prefixes');
    this.dispatches.push(await chunkDispatch(this.ctx, shape, 'reduce', A, B, { out: agg }));
    this.child = await ScanPlan.create(this.ctx, { ...shape, L: N }, agg, prefixes);
    this.dispatches.push(await chunkDispatch(this.ctx, shape, 'elements', A, B, { carry: prefixes, out }));
  }
}

/**
 * The inclusive scan of S sequences of L elements of any monoid written in WGSL (see
 * `monoidChunkKernel`): the same reduce-then-scan as {@link ScanPlan} — reduce each chunk,
 * scan the chunk aggregates recursively, replay each chunk from its predecessor's prefix.
 * What the dense Kalman filter of ELK runs on.
 */
export class MonoidScanPlan extends LevelPlan {
  private constructor(ctx: GpuContext) {
    super(ctx);
  }

  static create(ctx: GpuContext, shape: { readonly S: number; readonly L: number; readonly C: number }, algebra: StructureAlgebra, elements: GPUBuffer, out: GPUBuffer): Promise<MonoidScanPlan> {
    const plan = new MonoidScanPlan(ctx);
    return plan.settle(plan.#build(shape, algebra, elements, out));
  }

  async #build(shape: { readonly S: number; readonly L: number; readonly C: number }, algebra: StructureAlgebra, elements: GPUBuffer, out: GPUBuffer): Promise<void> {
    const { S, L, C } = shape;
    const N = Math.ceil(L / C);
    const E = algebra.width;
    const rows = (i0: number, i1: number): readonly [number, number] => {
      const first = Math.floor(i0 / N) * L + (i0 % N) * C;
      const lastChunk = i1 - 1;
      const last = Math.floor(lastChunk / N) * L + Math.min(L, ((lastChunk % N) + 1) * C);
      return [first * E, last * E];
    };
    const dispatch = async (mode: 'reduce' | 'elements', input: GPUBuffer, target: GPUBuffer, carry?: GPUBuffer) => {
      const bindings: Record<string, BindingPlan> = {
        in: { buffer: input, range: rows },
        out: mode === 'reduce' ? { buffer: target, range: (i0, i1) => [i0 * E, i1 * E] } : { buffer: target, range: rows },
      };
      if (carry !== undefined) bindings['carry'] = { buffer: carry, range: (i0, i1) => [Math.max(0, i0 - 1) * E, Math.max(1, i1 - 1) * E] };
      return Dispatch.create(this.ctx, monoidChunkKernel(mode, algebra), S * N, bindings, { L, N, C });
    };
    if (N === 1) {
      this.dispatches.push(await dispatch('elements', elements, out, elements));
      return;
    }
    const agg = this.buffer(S * N * E, 'monoid chunk aggregates');
    const prefixes = this.buffer(S * N * E, 'monoid chunk prefixes');
    this.dispatches.push(await dispatch('reduce', elements, agg));
    this.child = await MonoidScanPlan.create(this.ctx, { S, L: N, C }, algebra, agg, prefixes);
    this.dispatches.push(await dispatch('elements', elements, out, prefixes));
  }
}


/** A recurrence plan as its users see it: dispatches to encode, and whether the solve's update rode along. */
export interface Recurrence {
  encode(pass: GPUComputePassEncoder): void;
  destroy(): void;
  /** Dispatch segments (1 for the chained scan). */
  readonly segments: number;
  /** `'chained'` or `'reduce-then-scan'`: which kernels this recurrence runs. */
  readonly kernel: 'chained' | 'reduce-then-scan';
  /** Whether `update` was folded into the scan (the chained scan only); if not, the caller runs its own update. */
  readonly fusedUpdate: boolean;
  /** Whether `update.prefix` was folded in too; if not, the caller measures the prefix itself. */
  readonly fusedPrefix: boolean;
}

/**
 * The states of a recurrence (see {@link RecurrencePlan}) by the kernels `config` picks:
 * the single-pass chained scan for diagonal and identity elements where the device runs it
 * as one dispatch (`ChainedPlan`), with the solve's `update` folded in when one is given;
 * reduce-then-scan for every other kind, and wherever the chained scan does not fit.
 */
export async function createRecurrence(ctx: GpuContext, config: ScanConfig, shape: Omit<ScanShape, 'C'>, A: Source | undefined, B: Source, s0: GPUBuffer, out: GPUBuffer, update?: FusedUpdate): Promise<Recurrence> {
  const full: ScanShape = { ...shape, C: config.chunk };
  const { kind } = shape;
  if (config.kernel !== 'reduce-then-scan' && (kind === 'diagonal' || kind === 'identity') && shape.projective !== true) {
    const chained = { kind, D: shape.D, S: shape.S, L: shape.L, C: config.chunk };
    if (ChainedPlan.fits(ctx, chained, A, B)) {
      const plan = await ChainedPlan.create(ctx, chained, config.lookBack, A, B, s0, out, update);
      return asRecurrence(plan, 'chained', plan.fusedUpdate, plan.fusedPrefix);
    }
    if (config.kernel === 'chained') {
      throw new UnrollError('UNSUPPORTED', `scan: the chained scan of ${shape.S}·${shape.L} steps of D = ${shape.D} does not fit one dispatch on this device (a binding beyond ${ctx.limits.maxBindingBytes} bytes or too many tiles); use scan: 'auto' or 'reduce-then-scan'.`);
    }
  }
  const plan = await RecurrencePlan.create(ctx, full, A, B, s0, out);
  return asRecurrence(plan, 'reduce-then-scan', false, false);
}

function asRecurrence(plan: { encode(pass: GPUComputePassEncoder): void; destroy(): void; readonly segments: number }, kernel: Recurrence['kernel'], fusedUpdate: boolean, fusedPrefix: boolean): Recurrence {
  return {
    encode(pass) {
      plan.encode(pass);
    },
    destroy() {
      plan.destroy();
    },
    get segments() {
      return plan.segments;
    },
    kernel,
    fusedUpdate,
    fusedPrefix,
  };
}
