/**
 * WebGPU's buffer-usage and map-mode bits (WebGPU §3.4). Spelled out here because Dawn in
 * Node does not install the `GPUBufferUsage` globals unless asked to, and the runtime
 * must not touch globals.
 */
export const usage = {
  mapRead: 0x0001,
  copySrc: 0x0004,
  copyDst: 0x0008,
  uniform: 0x0040,
  storage: 0x0080,
} as const;

/** `GPUMapMode.READ`. */
export const mapRead = 0x0001;
