import { UnrollError } from '@unroll/scan';
import type { GpuContext } from './gpu-context.js';
import { dynamicsPrelude, type GpuDynamics } from './gpu-dynamics.js';
import { countLines, type KernelSpec } from './kernel.js';

/** A dynamics' WGSL behind its prelude, with where the user's lines sit for error messages. */
export function dynamicsSource(dyn: GpuDynamics): NonNullable<KernelSpec['dynamics']> {
  const prelude = dynamicsPrelude(dyn.dim);
  const firstLine = countLines(prelude);
  return { source: prelude + dyn.wgsl, name: dyn.name, firstLine, lastLine: firstLine + countLines(dyn.wgsl) - 1 };
}

/** Checks a dynamics is a {@link GpuDynamics} built by `defineGpuDynamics` (or shaped like one). */
export function checkDynamics(where: string, dyn: GpuDynamics): void {
  // Runtime guard for untyped callers.
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
  if (typeof dyn !== 'object' || dyn === null || typeof dyn.wgsl !== 'string' || !(dyn.params instanceof Float32Array) || !Number.isInteger(dyn.dim) || dyn.dim < 1) {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: expected GPU dynamics ({ dim, wgsl, params, … }); build them with defineGpuDynamics or a twin.`);
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
