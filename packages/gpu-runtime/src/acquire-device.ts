import { UnrollError } from '@unroll/scan';
import type { GpuLimits } from './gpu-context.js';

/** How {@link acquireDevice} finds a device. */
export interface AcquireOptions {
  readonly powerPreference?: GPUPowerPreference;
}

/**
 * Dawn's instance, created once per process and never dropped: if it were garbage
 * collected while its devices live, Dawn's Node binding frees memory they still use
 * (seen as random aborts in mutex code). The promise is what is kept, so runtimes created
 * concurrently share one instance too (keeping the instance itself, two concurrent first
 * calls would each create one and drop the other).
 */
let dawnInstance: Promise<GPU> | undefined;

/** The `GPU` entry point: the browser's `navigator.gpu`, else Dawn from the optional `webgpu` package. */
function findGpu(): Promise<GPU> {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (nav?.gpu !== undefined) return Promise.resolve(nav.gpu);
  dawnInstance ??= loadDawn();
  return dawnInstance;
}

async function loadDawn(): Promise<GPU> {
  let dawn: { create: (flags: string[]) => GPU };
  try {
    dawn = await import('webgpu');
  } catch (cause) {
    dawnInstance = undefined; // let a later call retry once the package is installed
    throw new UnrollError(
      'UNSUPPORTED',
      "createGpuRuntime: no WebGPU here. In a browser, use one with navigator.gpu; in Node, install the optional peer dependency 'webgpu' (npm install webgpu), or pass { device }.",
      { cause },
    );
  }
  return dawn.create([]);
}

/**
 * A device with the adapter's own storage-binding and buffer limits: WebGPU's defaults
 * (128 MiB bindings, 256 MiB buffers) are far below what most GPUs allow, and the
 * kernels plan around whatever is granted.
 */
export async function acquireDevice(opts: AcquireOptions): Promise<{ device: GPUDevice; adapter: GPUAdapter; name: string }> {
  const gpu = await findGpu();
  const adapter = await gpu.requestAdapter(opts.powerPreference === undefined ? {} : { powerPreference: opts.powerPreference });
  if (adapter === null) {
    throw new UnrollError(
      'UNSUPPORTED',
      'createGpuRuntime: WebGPU found no GPU adapter. On a Linux machine without a GPU, install a Vulkan driver — e.g. Debian’s chromium ships SwiftShader: set VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json and LD_LIBRARY_PATH=/usr/lib/chromium.',
    );
  }
  const l = adapter.limits;
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({
      requiredLimits: {
        maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
        maxBufferSize: l.maxBufferSize,
        maxStorageBuffersPerShaderStage: Math.min(l.maxStorageBuffersPerShaderStage, 10),
      },
    });
  } catch (cause) {
    throw new UnrollError('UNSUPPORTED', `createGpuRuntime: the GPU adapter refused to create a device (${cause instanceof Error ? cause.message : 'no reason given'}). Pass { device } to use one made elsewhere.`, { cause });
  }
  const info = adapter.info;
  const name = [info.vendor, info.architecture, info.device, info.description].filter((s) => s !== '').join(' ') || 'unknown adapter';
  return { device, adapter, name };
}

/** The limits the kernels plan around, optionally capped (to exercise windowed dispatches). */
export function limitsOf(device: GPUDevice, caps: { maxBindingBytes?: number | undefined; maxWorkgroupsPerDimension?: number | undefined }): GpuLimits {
  const l = device.limits;
  return {
    maxBindingBytes: Math.min(l.maxStorageBufferBindingSize, caps.maxBindingBytes ?? Infinity),
    maxBufferBytes: l.maxBufferSize,
    maxGroupsPerDimension: Math.min(l.maxComputeWorkgroupsPerDimension, caps.maxWorkgroupsPerDimension ?? Infinity),
    offsetAlignment: l.minStorageBufferOffsetAlignment,
    // WebGPU's default (and minimum) when a device does not say.
    maxStorageBuffers: typeof l.maxStorageBuffersPerShaderStage === 'number' ? l.maxStorageBuffersPerShaderStage : 8,
  };
}
