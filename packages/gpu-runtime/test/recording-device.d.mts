/** What one submitted command buffer did (see recording-device.mjs). */
export interface RecordedSubmit {
  dispatches: number;
  workgroups: number;
  /** Bytes the bindings of its dispatches span (uniforms included), summed over dispatches. */
  boundBytes: number;
  copies: number;
  copiedBytes: number;
}

/** A WebGPU device stand-in that runs nothing and records the runtime's requests. */
export class RecordingDevice {
  /** `readValue`: every float a read-back returns (default 0). */
  constructor(readValue?: number);
  readonly readValue: number;
  readonly limits: { maxStorageBufferBindingSize: number; maxBufferSize: number; maxComputeWorkgroupsPerDimension: number; minStorageBufferOffsetAlignment: number; maxStorageBuffersPerShaderStage: number };
  readonly lost: Promise<never>;
  /** The WGSL of every shader module created, in order. */
  readonly sources: string[];
  readonly submits: RecordedSubmit[];
  readonly buffers: { size: number; label: string }[];
}
