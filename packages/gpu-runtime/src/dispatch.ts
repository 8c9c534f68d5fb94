import { UnrollError } from '@unroll/scan';
import type { GpuContext } from './gpu-context.js';
import { kernelSource, standardUniforms, workgroupSize, type KernelSpec } from './kernel.js';

/**
 * What a binding needs for a range of items: floats [lo, hi) of its buffer. Items map
 * to contiguous ranges, so a dispatch can bind only the window its items touch.
 */
export interface BindingPlan {
  readonly buffer: GPUBuffer;
  /** Floats touched by items [i0, i1), whose workgroups are [g0, g1) of this dispatch. */
  range(i0: number, i1: number, g0: number, g1: number): readonly [number, number];
}

interface Segment {
  readonly bindGroup: GPUBindGroup;
  readonly groups: readonly [number, number];
}

/** Rows [r0, r1) of `width` floats starting at `offset`, with `stride` floats per row. */
export function rowRange(r0: number, r1: number, stride: number, offset: number, width: number): readonly [number, number] {
  return [r0 * stride + offset, (r1 - 1) * stride + offset + width];
}

/** A binding read or written whole: small buffers that never need a window. */
export function whole(buffer: GPUBuffer): BindingPlan {
  return { buffer, range: () => [0, buffer.size / 4] };
}

/**
 * One kernel over `items` items, split into segments so that no binding exceeds the
 * device's `maxStorageBufferBindingSize` and no grid dimension exceeds its workgroup
 * limit. Each segment binds windows of the buffers (offsets aligned to
 * `minStorageBufferOffsetAlignment`) and tells the kernel where each window starts.
 */
export class Dispatch {
  readonly #ctx: GpuContext;
  readonly #pipeline: GPUComputePipeline;
  readonly #segments: Segment[] = [];
  readonly #uniformBuffers: GPUBuffer[] = [];
  readonly #layout: GPUBindGroupLayout;
  readonly #extra: GPUBindGroup | undefined;
  /** Workgroups of all segments together (one partial each, for reducing kernels). */
  readonly groups: number;

  private constructor(ctx: GpuContext, pipeline: GPUComputePipeline, layout: GPUBindGroupLayout, extra: GPUBindGroup | undefined, groups: number) {
    this.#ctx = ctx;
    this.#pipeline = pipeline;
    this.#layout = layout;
    this.#extra = extra;
    this.groups = groups;
  }

  /** Workgroups `items` items of `lanes` threads take. */
  static groupsFor(items: number, lanes: number): number {
    return Math.ceil((items * lanes) / workgroupSize);
  }

  static async create(
    ctx: GpuContext,
    spec: KernelSpec,
    items: number,
    bindings: Readonly<Record<string, BindingPlan>>,
    values: Readonly<Record<string, number>>,
    paramsGroup?: GPUBindGroup,
  ): Promise<Dispatch> {
    const source = kernelSource(spec);
    const layout = ctx.kernelLayout(spec.storage.map((s) => s.access));
    const layouts = spec.dynamics === undefined ? [layout] : [layout, ctx.paramsLayout];
    const pipeline = await ctx.pipeline(source, layouts, spec.dynamics === undefined ? undefined : { name: spec.dynamics.name, firstLine: spec.dynamics.firstLine, lastLine: spec.dynamics.lastLine });
    const plans = spec.storage.map((s) => {
      if (!(s.name in bindings)) throw new Error(`internal: ${spec.label} has no binding '${s.name}'`);
      return bindings[s.name];
    });
    const total = Dispatch.groupsFor(items, spec.lanes);
    const d = new Dispatch(ctx, pipeline, layout, paramsGroup, total);
    const { maxBindingBytes, offsetAlignment } = ctx.limits;
    // Items per segment: every item in one segment unless some window outgrows the limit.
    const maxGroups = ctx.limits.maxGroupsPerDimension ** 2;
    const fits = (i0: number, i1: number): boolean => {
      const g0 = Math.floor((i0 * spec.lanes) / workgroupSize);
      const g1 = g0 + Dispatch.groupsFor(i1 - i0, spec.lanes);
      return g1 - g0 <= maxGroups && plans.every((p) => {
        const [lo, hi] = p.range(i0, i1, g0, g1);
        const start = Math.floor((lo * 4) / offsetAlignment) * offsetAlignment;
        return hi * 4 - start <= maxBindingBytes;
      });
    };
    // Segments start on whole workgroups so each workgroup's partial has one home.
    const quantum = workgroupSize / gcd(workgroupSize, spec.lanes);
    let i0 = 0;
    let g0 = 0;
    while (i0 < items || (items === 0 && d.#segments.length === 0)) {
      let n = items - i0;
      if (!fits(i0, i0 + n)) {
        let lo = 0, hi = n;
        while (hi - lo > 1) {
          const mid = Math.floor((lo + hi) / 2);
          if (fits(i0, i0 + mid)) lo = mid;
          else hi = mid;
        }
        n = lo - (lo % quantum);
        if (n === 0) n = Math.min(lo, items - i0);
        if (n === 0 || !fits(i0, i0 + n)) {
          throw new UnrollError('MEMORY_BUDGET', `${spec.label}: one item needs more than this device's ${maxBindingBytes}-byte storage binding; use fewer steps per sequence or a smaller state.`);
        }
      }
      const groups = Dispatch.groupsFor(n, spec.lanes);
      d.#segments.push(d.#segment(spec, i0, n, g0, groups, plans, values));
      i0 += n;
      g0 += groups;
      if (items === 0) break;
    }
    return d;
  }

  #segment(spec: KernelSpec, i0: number, n: number, g0: number, groups: number, plans: readonly BindingPlan[], values: Readonly<Record<string, number>>): Segment {
    const { maxGroupsPerDimension, offsetAlignment } = this.#ctx.limits;
    const gx = Math.max(1, Math.min(groups, maxGroupsPerDimension));
    const gy = Math.max(1, Math.ceil(groups / gx));
    const entries: GPUBindGroupEntry[] = [];
    const bases: number[] = [];
    plans.forEach((p, k) => {
      const [lo, hi] = p.range(i0, i0 + n, g0, g0 + groups);
      const bufferBytes = p.buffer.size;
      const start = Math.min(Math.floor((Math.max(0, lo) * 4) / offsetAlignment) * offsetAlignment, Math.floor((bufferBytes - 4) / offsetAlignment) * offsetAlignment);
      const end = Math.min(bufferBytes, Math.max(start + 4, Math.ceil(hi) * 4));
      entries.push({ binding: k + 1, resource: { buffer: p.buffer, offset: start, size: end - start } });
      bases.push(start / 4);
    });
    const fields = [...standardUniforms.map((_, k) => [gx, i0, n, g0][k] ?? 0), ...bases];
    const u32 = new Uint32Array(Math.ceil((fields.length + spec.uniforms.length) / 4) * 4);
    const f32 = new Float32Array(u32.buffer);
    fields.forEach((v, k) => (u32[k] = v));
    spec.uniforms.forEach(([name, type], k) => {
      if (!(name in values)) throw new Error(`internal: ${spec.label} has no value for uniform '${name}'`);
      const v = values[name];
      if (type === 'u32') u32[fields.length + k] = v;
      else f32[fields.length + k] = v;
    });
    const uniform = this.#ctx.uniform(u32.buffer, `${spec.label} uniforms`);
    this.#uniformBuffers.push(uniform);
    entries.unshift({ binding: 0, resource: { buffer: uniform } });
    const bindGroup = this.#ctx.device.createBindGroup({ layout: this.#layout, entries, label: spec.label });
    return { bindGroup, groups: [n === 0 ? 0 : gx, n === 0 ? 0 : gy] };
  }

  /** Records the dispatch (every segment) into `pass`. */
  encode(pass: GPUComputePassEncoder): void {
    pass.setPipeline(this.#pipeline);
    if (this.#extra !== undefined) pass.setBindGroup(1, this.#extra);
    for (const s of this.#segments) {
      if (s.groups[0] === 0) continue;
      pass.setBindGroup(0, s.bindGroup);
      pass.dispatchWorkgroups(s.groups[0], s.groups[1]);
    }
  }

  /** Segments this dispatch was split into (1 unless a binding or the grid overflowed). */
  get segments(): number {
    return this.#segments.length;
  }

  destroy(): void {
    for (const b of this.#uniformBuffers) this.#ctx.release(b);
    this.#uniformBuffers.length = 0;
  }
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}
