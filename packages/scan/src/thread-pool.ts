import type * as fsModule from 'node:fs';
import type * as workerThreads from 'node:worker_threads';
import type { MessagePort, Worker } from 'node:worker_threads';
import { allocating, type Dtype, type FloatArray } from './float-array.js';
import { Command, Control, Param, type Binding, type WorkerInit } from './threaded-protocol.js';
import { UnrollError } from './unroll-error.js';

/**
 * The worker threads behind `linearRecurrence(…, { threads })`: started on first use,
 * kept for later calls, and `unref`'d so they never keep a Node process alive.
 *
 * The threaded recurrence is synchronous (it blocks in `Atomics.wait` while workers run),
 * which Node allows on its main thread. Browsers forbid blocking the main thread, so
 * there the option throws a clear error instead of pretending.
 */

/** One started worker and what it currently has bound. */
export interface PoolWorker {
  readonly worker: Worker;
  /** The main thread's end of the worker's binding channel. */
  readonly port: MessagePort;
  bound: Binding | undefined;
}

/**
 * One generation of started workers and the shared memory they synchronise on.
 *
 * Memory a worker was sent stays alive while the worker holds a reference to it, and a
 * worker that only waits and runs kernels allocates so little that it never collects
 * the bindings it has dropped. So a generation counts the bytes of caller-owned shared
 * memory (and of pool buffers since replaced) its workers were ever sent, and is
 * replaced once what it no longer uses passes {@link pinnedLimit} (see {@link poolForCall}).
 */
export interface Pool {
  readonly workers: PoolWorker[];
  readonly ready: Int32Array;
  readonly signals: Int32Array;
  readonly acks: Int32Array;
  readonly params: Int32Array;
  readonly control: Int32Array;
  readonly errorText: Uint8Array;
  nextVersion: number;
  /** Shared buffers these workers were sent. */
  readonly sent: WeakSet<object>;
  /** Bytes of caller-owned buffers these workers were sent, and of pool buffers replaced since. */
  pinnedBytes: number;
}

const maxWorkers = 64;
/** The most threads `linearRecurrence` accepts: the main thread and 64 workers. */
export const maxThreads = maxWorkers + 1;
const startTimeoutMs = 30_000;
/** Default {@link pinnedLimit}: 64 MiB. */
const defaultPinnedLimit = 64 * 2 ** 20;
let pinnedLimit = defaultPinnedLimit;
let pool: Pool | undefined;
/** Pools started since the module loaded (a new one after a shutdown or a recycle). */
let generations = 0;
/** Workers being terminated (recycled generations), awaited by `shutdownThreads`. */
const retiring = new Set<Promise<void>>();

type Fs = typeof fsModule;

interface NodeModules {
  readonly wt: typeof workerThreads;
  readonly fs: Fs;
}

/** Node's built-in modules, fetched without a static import so browser bundles stay clean. */
function nodeModules(): NodeModules | undefined {
  const p = (globalThis as { process?: Partial<typeof process> }).process;
  if (typeof p?.getBuiltinModule !== 'function') return undefined;
  return { wt: p.getBuiltinModule('node:worker_threads'), fs: p.getBuiltinModule('node:fs') };
}

/** Where the built worker script is: next to this module once built, `dist/` from a source checkout. */
function workerUrl(fs: Fs): URL {
  const candidates = [new URL('./worker.js', import.meta.url), new URL('../dist/worker.js', import.meta.url)];
  for (const url of candidates) if (fs.existsSync(url)) return url;
  throw new UnrollError(
    'UNSUPPORTED',
    `threads > 1 needs the built worker script (looked for ${candidates.map((u) => u.pathname).join(' and ')}); run \`pnpm build\` in @unroll/scan first.`,
  );
}

/**
 * Throws `UNSUPPORTED` unless Node's worker_threads and SharedArrayBuffer are here.
 * Browsers have Web Workers, but a synchronous call may not block the page's main
 * thread waiting for them, so there the threaded path is refused, not faked.
 */
export function assertThreadsAvailable(): NodeModules {
  const modules = nodeModules();
  if (modules === undefined || typeof SharedArrayBuffer === 'undefined') {
    throw new UnrollError(
      'UNSUPPORTED',
      'threads > 1 runs on Node worker_threads (Node ≥ 20.16) with SharedArrayBuffer. This environment has none — in a browser the main thread may not block on workers; use threads: 1 (or the GPU runtime).',
    );
  }
  return modules;
}

const shared = (bytes: number): SharedArrayBuffer => new SharedArrayBuffer(bytes);

/** The pool with at least `n` started workers (n ≥ 1). */
export function acquirePool(n: number): Pool {
  const { wt, fs } = assertThreadsAvailable();
  if (n > maxWorkers) {
    throw new UnrollError('INVALID_ARGUMENT', `threads: at most ${maxThreads} threads are supported, got ${n + 1}.`);
  }
  if (pool === undefined) {
    generations++;
    pool = {
      workers: [],
      ready: new Int32Array(shared(4 * maxWorkers)),
      signals: new Int32Array(shared(4 * maxWorkers)),
      acks: new Int32Array(shared(4 * maxWorkers)),
      params: new Int32Array(shared(4 * Param.length * maxWorkers)),
      control: new Int32Array(shared(4 * Control.length)),
      errorText: new Uint8Array(shared(512)),
      nextVersion: 1,
      sent: new WeakSet(),
      pinnedBytes: 0,
    };
  }
  const p = pool;
  if (p.workers.length < n) {
    const url = workerUrl(fs);
    for (let slot = p.workers.length; slot < n; slot++) {
      const { port1, port2 } = new wt.MessageChannel();
      const init: WorkerInit = { slot, ready: p.ready, signals: p.signals, acks: p.acks, params: p.params, control: p.control, errorText: p.errorText, port: port2 };
      const worker = new wt.Worker(url, { workerData: init, transferList: [port2] });
      worker.unref();
      port1.unref();
      p.workers.push({ worker, port: port1, bound: undefined });
    }
    // Block until each new worker has loaded its script, so a broken install fails
    // here with a message instead of hanging a later wait.
    const deadline = Date.now() + startTimeoutMs;
    for (let i = 0; i < n; i++) {
      while (Atomics.load(p.ready, i) === 0) {
        if (Date.now() > deadline) {
          throw new UnrollError('WORKER_FAILED', `worker thread ${i} did not start within ${startTimeoutMs / 1000} s.`);
        }
        Atomics.wait(p.ready, i, 0, 50);
      }
    }
  }
  return p;
}

/**
 * The pool for one call with `n` workers, and which of the call's caller-owned shared
 * buffers (`buffers`: those of A, b and out that are shared) the workers may use in
 * place; the others go through the staging buffers — a copy, but nothing the workers
 * keep.
 *
 * Buffers the workers already have, and buffers that keep the generation's garbage —
 * bytes sent that the new binding no longer uses — within {@link pinnedLimit}, are used in
 * place; so a caller reusing its buffers, however large, never copies. Past the limit
 * the generation is retired and a fresh one takes the call's buffers in place — unless
 * the previously retired one has not been released yet. A terminated worker gives back
 * what it held only once the main thread's event loop has turned, which a synchronous
 * caller's loop never lets happen; in that case new buffers are copied instead, and at
 * most two generations' garbage (2 × the limit) is ever held.
 */
export function poolForCall(n: number, buffers: readonly ArrayBufferLike[]): { pool: Pool; inPlace: ReadonlySet<ArrayBufferLike> } {
  let p = acquirePool(n);
  const distinct = new Set(buffers);
  let added = 0;
  let current = 0;
  for (const buffer of distinct) {
    current += buffer.byteLength;
    if (!p.sent.has(buffer)) added += buffer.byteLength;
  }
  if (p.pinnedBytes + added - current > pinnedLimit) {
    if (retiring.size > 0) return { pool: p, inPlace: new Set([...distinct].filter((buffer) => p.sent.has(buffer))) };
    retire(p);
    pool = undefined;
    p = acquirePool(n);
  }
  for (const buffer of distinct) {
    if (p.sent.has(buffer)) continue;
    p.sent.add(buffer);
    p.pinnedBytes += buffer.byteLength;
  }
  return { pool: p, inPlace: distinct };
}

/** Default {@link bindTimeoutMs}: 30 s, as for starting a worker. */
const defaultBindTimeoutMs = 30_000;
let bindTimeout = defaultBindTimeoutMs;

/** How long the main thread waits for a worker to acknowledge a binding (import its structure's module). */
export function bindTimeoutMs(): number {
  return bindTimeout;
}

/** Sets {@link bindTimeoutMs} (undefined: back to 30 s). For tests. */
export function setBindTimeout(ms: number | undefined): void {
  bindTimeout = ms ?? defaultBindTimeoutMs;
}

/**
 * Retires the current generation (a worker that did not acknowledge a binding in time may
 * still be importing; its state is unknown): the next threaded call starts fresh workers.
 */
export function retireCurrentPool(): void {
  const current = pool;
  pool = undefined;
  if (current !== undefined) retire(current);
}

/** Tells a generation's workers to stop and terminates them; `shutdownThreads` awaits them. */
function retire(p: Pool): void {
  p.workers.forEach((w, slot) => {
    p.params[slot * Param.length + Param.command] = Command.shutdown;
    Atomics.add(p.signals, slot, 1);
    Atomics.notify(p.signals, slot);
    w.port.close();
  });
  for (const w of p.workers) {
    const done: Promise<void> = w.worker.terminate().then(
      () => void retiring.delete(done),
      () => void retiring.delete(done),
    );
    retiring.add(done);
  }
}

/** Which pool buffer: the staged inputs and output, and the phase-2 scratch. */
export type StagingRole = 'A' | 'b' | 'out' | 'aggregates' | 'carries';

interface StagingBuffer {
  readonly buffer: SharedArrayBuffer;
  float64?: Float64Array;
  float32?: Float32Array;
}

/**
 * The pool's own shared buffers, one per role, grown geometrically and otherwise reused
 * by every call (and kept across generations), so that calls on ordinary arrays bind
 * the same memory every time. Released by `shutdownThreads`.
 */
const staging = new Map<StagingRole, StagingBuffer>();

/**
 * A shared array of `dtype` over the pool's buffer for `role` with at least `length`
 * elements — the same array object on every call until the buffer has to grow.
 */
export function stagingArray(role: StagingRole, dtype: 'float64', length: number): Float64Array;
export function stagingArray(role: StagingRole, dtype: Dtype, length: number): FloatArray;
export function stagingArray(role: StagingRole, dtype: Dtype, length: number): FloatArray {
  const bytes = 8 * Math.max(1, length); // whole float64s, so either view fits
  let s = staging.get(role);
  if (s === undefined || s.buffer.byteLength < bytes) {
    const old = s?.buffer;
    const grown = Math.max(bytes, 2 * (old?.byteLength ?? 0));
    s = { buffer: allocating(`linearRecurrence(…, { threads })`, grown, () => shared(grown)) };
    staging.set(role, s);
    // The workers may still hold the replaced buffer: it counts against the limit.
    if (old !== undefined && pool?.sent.has(old) === true) pool.pinnedBytes += old.byteLength;
  }
  if (dtype === 'float32') return (s.float32 ??= new Float32Array(s.buffer));
  return (s.float64 ??= new Float64Array(s.buffer));
}

/**
 * What the pool holds now, for tests and diagnostics: the generation (pools started so
 * far), its workers, the bindings sent to them, the bytes of caller and replaced buffers
 * they may keep alive, and the size of the staging buffers.
 */
export function threadPoolState(): { generation: number; workers: number; bindings: number; pinnedBytes: number; stagingBytes: number } {
  let stagingBytes = 0;
  for (const s of staging.values()) stagingBytes += s.buffer.byteLength;
  const p = pool;
  return { generation: generations, workers: p?.workers.length ?? 0, bindings: p === undefined ? 0 : p.nextVersion - 1, pinnedBytes: p?.pinnedBytes ?? 0, stagingBytes };
}

/** Sets the garbage bytes a generation may pin before it is replaced (undefined: back to 64 MiB). For tests. */
export function setPinnedLimit(bytes: number | undefined): void {
  pinnedLimit = bytes ?? defaultPinnedLimit;
}

/**
 * Stops the worker threads that `threads > 1` started and drops the pool's shared
 * buffers. Optional — the workers never keep the process alive — but frees their memory
 * at once. Later threaded calls start new ones.
 */
export async function shutdownThreads(): Promise<void> {
  const current = pool;
  pool = undefined;
  staging.clear();
  if (current !== undefined) retire(current);
  await Promise.all([...retiring]);
}
