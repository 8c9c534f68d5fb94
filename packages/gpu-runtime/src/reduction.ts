import { Dispatch, type BindingPlan } from './dispatch.js';
import type { GpuContext } from './gpu-context.js';
import { reduceFan, reduceKernel } from './solve-kernels.js';
import { usage } from './usage.js';

/**
 * Folds the per-workgroup (sum, max) partials of a reducing kernel down to one pair at
 * `slot` of the record buffer: ⌈n/4096⌉ pairs per level (each thread folds `reduceFan`
 * pairs), one level up to 4096 partials and three at 10⁹ entries.
 * The producing kernel writes its partials where {@link ReductionChain.target} says.
 */
export class ReductionChain {
  readonly #ctx: GpuContext;
  readonly #levels: Dispatch[] = [];
  readonly #buffers: GPUBuffer[] = [];
  /** Where the producer writes its partials: a scratch buffer, or the record itself. */
  readonly target: { readonly buffer: GPUBuffer; readonly offset: number };

  private constructor(ctx: GpuContext, target: { buffer: GPUBuffer; offset: number }) {
    this.#ctx = ctx;
    this.target = target;
  }

  /** A chain for a producer with `groups` workgroups, ending at pair `slot` of `record`. */
  static async create(ctx: GpuContext, groups: number, record: GPUBuffer, slot: number): Promise<ReductionChain> {
    if (groups <= 1) return new ReductionChain(ctx, { buffer: record, offset: slot });
    const scratch = [0, 1].map((k) => ctx.buffer(groups * 8, usage.storage, `partials ${k}`));
    const [a, b] = scratch as [GPUBuffer, GPUBuffer];
    const chain = new ReductionChain(ctx, { buffer: a, offset: 0 });
    chain.#buffers.push(a, b);
    try {
      let n = groups;
      let from = a;
      let to = b;
      while (n > 1) {
        const threads = Math.ceil(n / reduceFan);
        const next = Dispatch.groupsFor(threads, 1);
        const last = next === 1;
        const pairs = n;
        const input: BindingPlan = { buffer: from, range: (i0, i1) => [2 * i0 * reduceFan, 2 * Math.min(pairs, i1 * reduceFan)] };
        const out = last ? record : to;
        const offset = last ? slot : 0;
        const part: BindingPlan = { buffer: out, range: (_i0, _i1, g0, g1) => [2 * (offset + g0), 2 * (offset + g1)] };
        chain.#levels.push(await Dispatch.create(ctx, reduceKernel(), threads, { in: input, part }, { partOffset: offset, n: pairs }));
        n = next;
        [from, to] = [to, from];
      }
    } catch (e) {
      chain.destroy();
      throw e;
    }
    return chain;
  }

  encode(pass: GPUComputePassEncoder): void {
    for (const level of this.#levels) level.encode(pass);
  }

  destroy(): void {
    for (const d of this.#levels) d.destroy();
    for (const b of this.#buffers) this.#ctx.release(b);
    this.#levels.length = 0;
    this.#buffers.length = 0;
  }
}
