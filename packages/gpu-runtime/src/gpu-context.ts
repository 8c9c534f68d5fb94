import { UnrollError } from '@unroll/scan';
import { mapRead, usage } from './usage.js';

/** The device limits the kernels plan around (bytes, counts). */
export interface GpuLimits {
  /** Largest storage-buffer binding; bigger arrays are bound a window at a time. */
  readonly maxBindingBytes: number;
  /** Largest buffer the device creates. */
  readonly maxBufferBytes: number;
  /** Workgroups per dispatch dimension (65535 on every WebGPU device). */
  readonly maxGroupsPerDimension: number;
  /** `minStorageBufferOffsetAlignment`: binding windows start at multiples of it. */
  readonly offsetAlignment: number;
  /** `maxStorageBuffersPerShaderStage`: storage bindings one kernel may have (8 unless the device was created with more). */
  readonly maxStorageBuffers: number;
}

/** A compiled kernel, as returned by {@link GpuContext.pipeline}. */
export interface CompiledKernel {
  readonly pipeline: GPUComputePipeline;
}

/** Where compile messages point: the user's WGSL starts after `preludeLines` lines. */
export interface SourceMap {
  readonly name: string;
  readonly firstLine: number;
  readonly lastLine: number;
}

/**
 * One device and everything allocated on it: buffers are tracked so `destroy()` frees
 * them all, pipelines are cached by their source, and device loss turns every later or
 * pending call into a `DEVICE_LOST` error instead of a hang.
 */
export class GpuContext {
  readonly device: GPUDevice;
  readonly limits: GpuLimits;
  readonly adapterName: string;
  readonly #owned: boolean;
  readonly #buffers = new Set<GPUBuffer>();
  readonly #pipelines = new Map<string, Promise<GPUComputePipeline>>();
  readonly #layouts = new Map<string, GPUBindGroupLayout>();
  /** Outcomes of allocations not yet checked by {@link GpuContext.allocated}. */
  #allocations: Promise<string | undefined>[] = [];
  #lostReason: string | undefined;
  #destroyed = false;
  /**
   * Rejecters of the calls {@link GpuContext.guard} is waiting on. A set, not
   * `Promise.race` against one long-lived "lost" promise: every race would leave a
   * reaction on that promise until the device is lost, so a runtime kept for many solves
   * would accumulate one per read-back.
   */
  readonly #pending = new Set<(e: UnrollError) => void>();

  /** Held so the adapter outlives its device (Dawn's Node binding needs that). */
  readonly adapter: GPUAdapter | undefined;

  constructor(device: GPUDevice, limits: GpuLimits, owned: boolean, adapterName: string, adapter?: GPUAdapter) {
    this.device = device;
    this.adapter = adapter;
    this.limits = limits;
    this.#owned = owned;
    this.adapterName = adapterName;
    // The device's lost promise outlives this context when the device was given (and is
    // kept by its owner): its handler reaches the context through a slot that destroy()
    // empties, so a destroyed runtime is never kept alive by the device.
    const slot: { ctx: GpuContext | undefined } = { ctx: this };
    this.#slot = slot;
    device.lost.then(
      (info) => {
        const ctx = slot.ctx;
        if (ctx !== undefined) ctx.#onLost(info.message === '' ? info.reason : `${info.reason}: ${info.message}`);
      },
      () => undefined,
    );
  }

  readonly #slot: { ctx: GpuContext | undefined };

  #onLost(reason: string): void {
    this.#lostReason = reason;
    this.#rejectPending('GPU work');
  }

  #rejectPending(where: string): void {
    const pending = [...this.#pending];
    this.#pending.clear();
    for (const reject of pending) reject(this.#lostError(where));
  }

  get destroyed(): boolean {
    return this.#destroyed;
  }

  /** Calls waiting in {@link GpuContext.guard} (0 between calls; for leak checks). */
  get pendingGuards(): number {
    return this.#pending.size;
  }

  #lostError(where: string): UnrollError {
    return this.#destroyed
      ? new UnrollError('DEVICE_LOST', `${where}: this GPU runtime was destroyed; create a new one with createGpuRuntime().`)
      : new UnrollError('DEVICE_LOST', `${where}: the GPU device was lost (${this.#lostReason ?? 'unknown reason'}); pending work is void. Create a new runtime to continue.`);
  }

  /** Throws `DEVICE_LOST` when the device is gone or the runtime destroyed. */
  check(where: string): void {
    if (this.#destroyed || this.#lostReason !== undefined) throw this.#lostError(where);
  }

  /** Settles with `work`, or rejects with `DEVICE_LOST` as soon as the device is lost or the runtime destroyed. */
  guard<T>(work: Promise<T>, where: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.#destroyed || this.#lostReason !== undefined) {
        work.catch(() => undefined);
        reject(this.#lostError(where));
        return;
      }
      const onLost = (e: UnrollError) => {
        reject(e);
      };
      this.#pending.add(onLost);
      work.then(
        (value) => {
          this.#pending.delete(onLost);
          resolve(value);
        },
        (e: unknown) => {
          this.#pending.delete(onLost);
          // The device's own rejection passes through unchanged unless the device is gone.
          // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
          reject(this.#destroyed || this.#lostReason !== undefined ? this.#lostError(where) : e);
        },
      );
    });
  }

  /** A tracked buffer of `bytes` (rounded up to 4; at least 16). */
  buffer(bytes: number, use: number, label: string): GPUBuffer {
    this.check(label);
    const size = Math.max(16, Math.ceil(bytes / 4) * 4);
    if (size > this.limits.maxBufferBytes) {
      throw new UnrollError(
        'MEMORY_BUDGET',
        `${label}: needs a ${(size / 2 ** 20).toFixed(1)} MiB buffer but this device allows ${(this.limits.maxBufferBytes / 2 ** 20).toFixed(1)} MiB per buffer. Use a shorter T, fewer sequences per batch, or a diagonal method.`,
      );
    }
    // Dawn reports a refused allocation only through error scopes (the buffer object comes
    // back regardless), so each one is checked and surfaced by `allocated()`.
    this.device.pushErrorScope('out-of-memory');
    this.device.pushErrorScope('validation');
    const buffer = this.device.createBuffer({ size, usage: use, label });
    const validation = this.device.popErrorScope();
    const memory = this.device.popErrorScope();
    this.#allocations.push(
      Promise.all([validation, memory]).then(([v, m]) => {
        const e = m ?? v;
        return e === null ? undefined : `${label} (${(size / 2 ** 20).toFixed(1)} MiB): ${e.message}`;
      }),
    );
    this.#buffers.add(buffer);
    return buffer;
  }

  /** A storage buffer holding `data` (f32). */
  storage(data: Float32Array, label: string, extra = 0): GPUBuffer {
    const buffer = this.buffer(data.byteLength, usage.storage | usage.copyDst | usage.copySrc | extra, label);
    if (data.length > 0) this.device.queue.writeBuffer(buffer, 0, data.buffer, data.byteOffset, data.byteLength);
    return buffer;
  }

  /** A uniform buffer holding `data`. */
  uniform(data: ArrayBuffer, label: string): GPUBuffer {
    const buffer = this.buffer(data.byteLength, usage.uniform | usage.copyDst, label);
    this.device.queue.writeBuffer(buffer, 0, data);
    return buffer;
  }

  /**
   * Throws `MEMORY_BUDGET` if any buffer created since the last call was refused by the
   * device (out of memory, or past a limit the adapter advertised but cannot honour).
   * Every operation calls it after allocating and before dispatching.
   */
  async allocated(where: string): Promise<void> {
    const pending = this.#allocations;
    this.#allocations = [];
    const refused = (await this.guard(Promise.all(pending), where)).filter((m): m is string => m !== undefined);
    if (refused.length > 0) {
      throw new UnrollError('MEMORY_BUDGET', `${where}: the device refused ${refused.length === 1 ? 'a buffer' : `${refused.length} buffers`} — ${refused.join('; ')}. Use a shorter T, fewer sequences, a smaller D or a diagonal method.`);
    }
  }

  release(buffer: GPUBuffer): void {
    if (this.#buffers.delete(buffer)) buffer.destroy();
  }

  /** Buffers currently allocated (for leak checks). */
  get liveBuffers(): number {
    return this.#buffers.size;
  }

  /**
   * The bind-group layout of a kernel's group 0: a uniform block, then storage arrays
   * with the given access (cached; explicit layouts let unused bindings stay bound).
   */
  kernelLayout(access: readonly ('read' | 'read_write')[]): GPUBindGroupLayout {
    const key = access.join(',');
    let layout = this.#layouts.get(key);
    if (layout === undefined) {
      const compute = 0x4; // GPUShaderStage.COMPUTE
      layout = this.device.createBindGroupLayout({
        entries: [
          { binding: 0, visibility: compute, buffer: { type: 'uniform' } },
          ...access.map((a, k) => ({ binding: k + 1, visibility: compute, buffer: { type: a === 'read' ? ('read-only-storage' as const) : ('storage' as const) } })),
        ],
      });
      this.#layouts.set(key, layout);
    }
    return layout;
  }

  /** Group 1 of kernels that run user dynamics: its `params` array. */
  get paramsLayout(): GPUBindGroupLayout {
    let layout = this.#layouts.get('params');
    if (layout === undefined) {
      layout = this.device.createBindGroupLayout({ entries: [{ binding: 0, visibility: 0x4, buffer: { type: 'read-only-storage' } }] });
      this.#layouts.set('params', layout);
    }
    return layout;
  }

  /**
   * The pipeline for `code` (cached). Compile errors become `SHADER_COMPILE` errors that
   * quote the compiler and, for lines inside `source`, the line number in the user's WGSL.
   */
  pipeline(code: string, layouts: readonly GPUBindGroupLayout[], source?: SourceMap): Promise<GPUComputePipeline> {
    this.check('compile');
    const cached = this.#pipelines.get(code);
    if (cached !== undefined) return cached;
    const made = this.#compile(code, layouts, source);
    this.#pipelines.set(code, made);
    made.catch(() => this.#pipelines.delete(code));
    return made;
  }

  async #compile(code: string, layouts: readonly GPUBindGroupLayout[], source: SourceMap | undefined): Promise<GPUComputePipeline> {
    const device = this.device;
    device.pushErrorScope('validation');
    const module = device.createShaderModule({ code });
    const info = await this.guard(module.getCompilationInfo(), 'compile');
    const scoped = await device.popErrorScope();
    const errors = info.messages.filter((m) => m.type === 'error');
    if (errors.length > 0 || scoped !== null) {
      const lines = errors.map((m) => {
        const inUser = source !== undefined && m.lineNum >= source.firstLine && m.lineNum <= source.lastLine;
        const where = inUser ? `${source.name} WGSL line ${m.lineNum - source.firstLine + 1}:${m.linePos}` : `runtime kernel line ${m.lineNum}:${m.linePos}`;
        return `${where}: ${m.message}`;
      });
      if (lines.length === 0 && scoped !== null) lines.push(scoped.message);
      throw new UnrollError('SHADER_COMPILE', `WGSL did not compile:\n${lines.join('\n')}`);
    }
    // The synchronous constructor inside an error scope: Dawn's Node binding aborts the
    // process in createComputePipelineAsync (seen with Dawn on SwiftShader).
    device.pushErrorScope('validation');
    const pipeline = device.createComputePipeline({ layout: device.createPipelineLayout({ bindGroupLayouts: [...layouts] }), compute: { module, entryPoint: 'main' } });
    const rejected = await this.guard(device.popErrorScope(), 'compile');
    if (rejected !== null) throw new UnrollError('SHADER_COMPILE', `WGSL compiled but the pipeline was rejected: ${rejected.message}`);
    return pipeline;
  }

  /** Copies `floats` f32 from `buffer` at `offset` floats and returns them. */
  async read(buffer: GPUBuffer, floats: number, offset = 0, where = 'read'): Promise<Float32Array> {
    this.check(where);
    const out = new Float32Array(floats);
    if (floats === 0) return out;
    const staging = this.buffer(floats * 4, usage.mapRead | usage.copyDst, `${where} staging`);
    try {
      const encoder = this.device.createCommandEncoder();
      encoder.copyBufferToBuffer(buffer, offset * 4, staging, 0, floats * 4);
      this.device.queue.submit([encoder.finish()]);
      await this.guard(staging.mapAsync(mapRead), where);
      out.set(new Float32Array(staging.getMappedRange(0, floats * 4)));
      staging.unmap();
    } finally {
      this.release(staging);
    }
    return out;
  }

  /** Frees every buffer and, when the runtime created it, the device. Idempotent. */
  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.#slot.ctx = undefined;
    this.#rejectPending('GPU work');
    for (const b of this.#buffers) b.destroy();
    this.#buffers.clear();
    this.#pipelines.clear();
    this.#layouts.clear();
    if (this.#owned) this.device.destroy();
  }
}
