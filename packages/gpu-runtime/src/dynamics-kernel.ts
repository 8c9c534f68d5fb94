import type { GpuContext } from './gpu-context.js';
import { checkGpuDynamics, dynamicsPrelude, type GpuDynamics } from './gpu-dynamics.js';
import { countLines, type KernelSpec } from './kernel.js';

/** A dynamics' WGSL behind its prelude, with where the user's lines sit for error messages. */
export function dynamicsSource(dyn: GpuDynamics): NonNullable<KernelSpec['dynamics']> {
  const prelude = dynamicsPrelude(dyn.dim);
  const firstLine = countLines(prelude);
  return { source: prelude + dyn.wgsl, name: dyn.name, firstLine, lastLine: firstLine + countLines(dyn.wgsl) - 1 };
}

/** Checks a dynamics is a {@link GpuDynamics} (as `gpuDynamicsOf` or `defineGpuDynamics` make them). */
export function checkDynamics(where: string, dyn: unknown): asserts dyn is GpuDynamics {
  checkGpuDynamics(where, dyn);
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
