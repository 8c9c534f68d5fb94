import type * as fsModule from 'node:fs';
import type * as workerThreads from 'node:worker_threads';
import type { MessagePort, Worker } from 'node:worker_threads';
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

/** The started workers and the shared memory they all see. */
export interface Pool {
  readonly workers: PoolWorker[];
  readonly ready: Int32Array;
  readonly signals: Int32Array;
  readonly params: Int32Array;
  readonly control: Int32Array;
  readonly errorText: Uint8Array;
  /** Scratch for aggregates, carries and timings, grown on demand (growing rebinds). */
  scratch: { aggregates: Float64Array; carries: Float64Array; timings: Float64Array } | undefined;
  nextVersion: number;
}

const maxWorkers = 64;
const startTimeoutMs = 30_000;
let pool: Pool | undefined;

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
    throw new UnrollError('INVALID_ARGUMENT', `threads: at most ${maxWorkers + 1} threads are supported, got ${n + 1}.`);
  }
  pool ??= {
    workers: [],
    ready: new Int32Array(shared(4 * maxWorkers)),
    signals: new Int32Array(shared(4 * maxWorkers)),
    params: new Int32Array(shared(4 * Param.length * maxWorkers)),
    control: new Int32Array(shared(4 * Control.length)),
    errorText: new Uint8Array(shared(512)),
    scratch: undefined,
    nextVersion: 1,
  };
  const p = pool;
  if (p.workers.length < n) {
    const url = workerUrl(fs);
    for (let slot = p.workers.length; slot < n; slot++) {
      const { port1, port2 } = new wt.MessageChannel();
      const init: WorkerInit = { slot, ready: p.ready, signals: p.signals, params: p.params, control: p.control, errorText: p.errorText, port: port2 };
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
 * Stops the worker threads that `threads > 1` started. Optional — they never keep the
 * process alive — but frees their memory at once. Later threaded calls start new ones.
 */
export async function shutdownThreads(): Promise<void> {
  const current = pool;
  pool = undefined;
  if (current === undefined) return;
  current.workers.forEach((w, slot) => {
    current.params[slot * Param.length + Param.command] = Command.shutdown;
    Atomics.add(current.signals, slot, 1);
    Atomics.notify(current.signals, slot);
    w.port.close();
  });
  await Promise.all(current.workers.map((w) => w.worker.terminate()));
}
