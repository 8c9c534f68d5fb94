import { UnrollError } from '@unroll/scan';
import type { GpuContext } from './gpu-context.js';
import { describe } from './check-input.js';
import { dynamicsPrelude, maxGpuDim, type GpuDynamics } from './gpu-dynamics.js';
import { countLines, type KernelSpec } from './kernel.js';

/** A dynamics' WGSL behind its prelude, with where the user's lines sit for error messages. */
export function dynamicsSource(dyn: GpuDynamics): NonNullable<KernelSpec['dynamics']> {
  const prelude = dynamicsPrelude(dyn.dim);
  const firstLine = countLines(prelude);
  return { source: prelude + dyn.wgsl, name: dyn.name, firstLine, lastLine: firstLine + countLines(dyn.wgsl) - 1 };
}

/** Checks a dynamics is a {@link GpuDynamics} built by `defineGpuDynamics` (or shaped like one). */
export function checkDynamics(where: string, dyn: unknown): asserts dyn is GpuDynamics {
  const d = (typeof dyn === 'object' && dyn !== null ? dyn : {}) as Partial<Record<keyof GpuDynamics, unknown>>;
  const dim = d.dim;
  if (
    typeof d.wgsl !== 'string' ||
    !(d.params instanceof Float32Array) ||
    typeof dim !== 'number' ||
    !Number.isInteger(dim) ||
    dim < 1 ||
    dim > maxGpuDim ||
    typeof d.name !== 'string' ||
    typeof d.hasJacobian !== 'boolean'
  ) {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: expected GPU dynamics ({ dim ≤ ${maxGpuDim}, wgsl, params, name, hasJacobian }), got ${describe(dyn)}; build them with defineGpuDynamics or a twin.`);
  }
}

/** The dynamics' `params` on the device, and the group-1 bind group kernels read them through. */
export function uploadParams(ctx: GpuContext, dyn: GpuDynamics): { buffer: GPUBuffer; group: GPUBindGroup } {
  const buffer = ctx.storage(dyn.params, `${dyn.name} params`);
  const group = ctx.device.createBindGroup({
    layout: ctx.paramsLayout,
    entries: [{ binding: 0, resource: { buffer } }],
    label: `${dyn.name} params`,
  });
  return { buffer, group };
}
