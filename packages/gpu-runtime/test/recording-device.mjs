// A stand-in for a WebGPU device that runs nothing and records everything the runtime
// asks of it: the WGSL of every pipeline, every buffer, and per submitted command buffer
// the dispatches, the workgroups and the bytes their bindings span. Read-backs return
// `readValue` in every float (0 by default: a record of zeros reads as a converged first
// iteration; 1 keeps a solve iterating). It lets the kernels'
// WGSL be snapshot-tested and the dispatch plan be counted without Dawn — fast, and on
// machines with no Vulkan driver at all. Plain JavaScript so the benchmarks (which run the
// built package) use it too.

export class RecordingDevice {
  constructor(readValue = 0) {
    this.readValue = readValue;
  }
  limits = {
    maxStorageBufferBindingSize: 2 ** 31 - 4,
    maxBufferSize: 2 ** 32,
    maxComputeWorkgroupsPerDimension: 65535,
    minStorageBufferOffsetAlignment: 256,
    // What createGpuRuntime requests of a device it creates.
    maxStorageBuffersPerShaderStage: 10,
  };
  /** Never settles: this device is never lost. */
  lost = new Promise(() => undefined);
  sources = [];
  submits = [];
  buffers = [];
  queue = {
    submit: (buffers) => {
      this.submits.push(...buffers);
    },
    writeBuffer: () => undefined,
    onSubmittedWorkDone: () => Promise.resolve(),
  };

  pushErrorScope() {}
  popErrorScope() {
    return Promise.resolve(null);
  }
  createBuffer(desc) {
    this.buffers.push({ size: desc.size, label: desc.label ?? '' });
    return {
      size: desc.size,
      label: desc.label ?? '',
      mapAsync: () => Promise.resolve(),
      getMappedRange: (offset = 0, size) => new Float32Array((size ?? desc.size - offset) / 4).fill(this.readValue).buffer,
      unmap: () => undefined,
      destroy: () => undefined,
    };
  }
  createShaderModule(desc) {
    this.sources.push(desc.code);
    return { getCompilationInfo: () => Promise.resolve({ messages: [] }) };
  }
  createBindGroupLayout() {
    return {};
  }
  createPipelineLayout() {
    return {};
  }
  createComputePipeline() {
    return {};
  }
  createBindGroup(desc) {
    return { bytes: desc.entries.reduce((n, e) => n + (e.resource.size ?? e.resource.buffer.size), 0) };
  }
  createCommandEncoder() {
    const record = { dispatches: 0, workgroups: 0, boundBytes: 0, copies: 0, copiedBytes: 0 };
    return {
      beginComputePass: () => {
        const groups = [];
        return {
          setPipeline: () => undefined,
          setBindGroup: (index, group) => {
            groups[index] = group;
          },
          dispatchWorkgroups: (x, y = 1, z = 1) => {
            record.dispatches++;
            record.workgroups += x * y * z;
            record.boundBytes += groups.reduce((n, g) => n + g.bytes, 0);
          },
          end: () => undefined,
        };
      },
      copyBufferToBuffer: (_from, _fo, _to, _too, size) => {
        record.copies++;
        record.copiedBytes += size;
      },
      finish: () => record,
    };
  }
  destroy() {}
}
