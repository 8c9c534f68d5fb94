import { chainedGeometry, chainedKernel, defaultSpin, epochsFor, statusWords, type LookBack } from './chained-kernel.js';
import { Dispatch, rowRange, type BindingPlan } from './dispatch.js';
import type { GpuContext } from './gpu-context.js';
import type { Source } from './scan-plan.js';
import { usage } from './usage.js';

/**
 * The solve's update folded into the chained scan's replay (see `chainedKernel`): the
 * current iterate and the guess it resets to, and where the (resets, max change) partials
 * go — `partFor(tiles)` makes the reduction chain for that many workgroups and says where.
 */
export interface FusedUpdate {
  readonly cur: GPUBuffer;
  readonly guess: GPUBuffer;
  readonly reset: boolean;
  readonly threshold: number;
  partFor(groups: number): Promise<{ readonly buffer: GPUBuffer; readonly offset: number }>;
  /** `onIteration`'s converged prefix too (see `prefixKernel`): entries that moved by `tol` or more, partials where `partFor` says. */
  readonly prefix?: { readonly tol: number; partFor(groups: number): Promise<{ readonly buffer: GPUBuffer; readonly offset: number }> };
}

/** What a chained scan solves: S sequences of L steps of dimension D, diagonal or identity. */
export interface ChainedShape {
  readonly kind: 'diagonal' | 'identity';
  readonly D: number;
  readonly S: number;
  readonly L: number;
  /** Steps per thread wanted (capped at `maxChainedChunk`). */
  readonly C: number;
}

/** Floats [lo, hi) of a buffer fit one binding of this device (offset aligned down). */
function fitsBinding(ctx: GpuContext, [lo, hi]: readonly [number, number]): boolean {
  const { maxBindingBytes, offsetAlignment } = ctx.limits;
  const start = Math.floor((lo * 4) / offsetAlignment) * offsetAlignment;
  return hi * 4 - start <= maxBindingBytes;
}

/** Whole-range binding plans: the chained scan is one dispatch of one segment, its look-back may read any tile. */
const fixed = (buffer: GPUBuffer, range: readonly [number, number]): BindingPlan => ({ buffer, range: () => range });

/**
 * The single-pass chained scan (`chainedKernel`) of one recurrence as one dispatch, with its
 * tile counter and status words (zeroed at creation and never cleared again: the tags
 * carry the run). `undefined` when this device cannot run it as one dispatch — a binding
 * beyond `maxStorageBufferBindingSize` or more tiles than a 2-D grid holds — where the
 * caller takes reduce-then-scan instead.
 */
export class ChainedPlan {
  readonly #ctx: GpuContext;
  readonly #buffers: GPUBuffer[] = [];
  #dispatch: Dispatch | undefined;
  /** Workgroups (tiles) of the one dispatch. */
  readonly tiles: number;
  /** Whether the update was folded in (the device allows the kernel its 8 or 9 storage bindings). */
  fusedUpdate = false;
  /** Whether the converged prefix was folded in too. */
  fusedPrefix = false;

  private constructor(ctx: GpuContext, tiles: number) {
    this.#ctx = ctx;
    this.tiles = tiles;
  }

  /** Whether the chained scan of this shape fits one dispatch on this device. */
  static fits(ctx: GpuContext, shape: ChainedShape, A: Source | undefined, B: Source): boolean {
    const { D, S, L } = shape;
    const g = chainedGeometry(D, S, L, shape.C);
    const rows = S * L;
    const ranges: (readonly [number, number])[] = [rowRange(0, rows, B.stride, B.offset, D), [0, rows * D], [0, 1 + g.tiles * g.columns * statusWords]];
    if (A !== undefined) ranges.push(rowRange(0, rows, A.stride, A.offset, D));
    return g.tiles <= ctx.limits.maxGroupsPerDimension ** 2 && g.tiles < 2 ** 31 && ranges.every((r) => fitsBinding(ctx, r));
  }

  static async create(ctx: GpuContext, shape: ChainedShape, lookBack: LookBack, A: Source | undefined, B: Source, s0: GPUBuffer, out: GPUBuffer, wanted?: FusedUpdate): Promise<ChainedPlan> {
    const { kind, D, S, L } = shape;
    const g = chainedGeometry(D, S, L, shape.C);
    const plan = new ChainedPlan(ctx, g.tiles);
    // Storage bindings: [A], b, s0, the states, the statuses; the update adds the iterate,
    // the guess and its partials; the prefix its own partials unless they share the
    // record with the update's (one tile). What the device does not allow stays a pass of
    // its own (the caller's).
    const plain = (kind === 'diagonal' ? 1 : 0) + 4;
    const max = ctx.limits.maxStorageBuffers;
    const update = wanted !== undefined && plain + 3 <= max ? wanted : undefined;
    const prefix = update?.prefix !== undefined && plain + 3 + (g.tiles > 1 ? 1 : 0) <= max ? update.prefix : undefined;
    plan.fusedUpdate = update !== undefined;
    plan.fusedPrefix = prefix !== undefined;
    try {
      // The tile counter, then the statuses (zeros: no tag, as the kernel expects).
      const statusFloats = 1 + g.tiles * g.columns * statusWords;
      const status = ctx.buffer(statusFloats * 4, usage.storage, 'chained scan counter and statuses');
      plan.#buffers.push(status);
      const rows = S * L;
      let shared = false;
      const bindings: Record<string, BindingPlan> = {
        B: fixed(B.buffer, rowRange(0, rows, B.stride, B.offset, D)),
        s0: fixed(s0, [0, S * D]),
        out: fixed(out, [0, rows * D]),
        status: fixed(status, [0, statusFloats]),
      };
      if (kind === 'diagonal') {
        if (A === undefined) throw new Error('internal: a diagonal chained scan without A');
        bindings['A'] = fixed(A.buffer, rowRange(0, rows, A.stride, A.offset, D));
      }
      const values: Record<string, number> = {
        L,
        sA: A?.stride ?? 0,
        oA: A?.offset ?? 0,
        sB: B.stride,
        oB: B.offset,
        tiles: g.tiles,
        lanes: g.lanes,
        epochs: epochsFor(g.tiles),
        spin: lookBack === 'pure' ? 0xffffffff : lookBack === 'bounded' ? defaultSpin : 0,
        readStatus: lookBack === 'fallback' ? 0 : 1,
      };
      if (update !== undefined) {
        const part = await update.partFor(g.tiles);
        bindings['cur'] = fixed(update.cur, [0, rows * D]);
        bindings['guess'] = fixed(update.guess, [0, rows * D]);
        bindings['part'] = fixed(part.buffer, [2 * part.offset, 2 * (part.offset + g.tiles)]);
        Object.assign(values, { partOffset: part.offset, reset: update.reset ? 1 : 0, threshold: update.threshold });
        if (prefix !== undefined) {
          const prefixPart = await prefix.partFor(g.tiles);
          if (prefixPart.buffer === part.buffer) {
            // Both chains end in the record (one tile): one binding spans both slots.
            shared = true;
            const lo = Math.min(part.offset, prefixPart.offset), hi = Math.max(part.offset, prefixPart.offset) + g.tiles;
            bindings['part'] = fixed(part.buffer, [2 * lo, 2 * hi]);
          } else {
            bindings['prefixPart'] = fixed(prefixPart.buffer, [2 * prefixPart.offset, 2 * (prefixPart.offset + g.tiles)]);
          }
          Object.assign(values, { prefixOffset: prefixPart.offset, tol: prefix.tol });
        }
      }
      // One item per tile, 64 lanes each: one workgroup per tile.
      plan.#dispatch = await Dispatch.create(ctx, chainedKernel(kind, D, g, update === undefined ? 'none' : prefix === undefined ? 'update' : 'update+prefix', shared), g.tiles, bindings, values);
      if (plan.#dispatch.segments !== 1 || plan.#dispatch.groups !== g.tiles) throw new Error('internal: a chained scan split into segments');
    } catch (e) {
      plan.destroy();
      throw e;
    }
    return plan;
  }

  encode(pass: GPUComputePassEncoder): void {
    this.#dispatch?.encode(pass);
  }

  /** Always 1: the chained scan is one dispatch. */
  get segments(): number {
    return this.#dispatch?.segments ?? 0;
  }

  destroy(): void {
    this.#dispatch?.destroy();
    this.#dispatch = undefined;
    for (const b of this.#buffers) this.#ctx.release(b);
    this.#buffers.length = 0;
  }
}
