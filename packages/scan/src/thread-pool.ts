import type * as fsModule from 'node:fs';
import type * as workerThreads from 'node:worker_threads';
import type { Worker } from 'node:worker_threads';
import { UnrollError } from './unroll-error.js';

/**
 * The worker threads behind `linearRecurrence(…, { threads })`: started on first use,
 * kept for later calls, and `unref`'d so they never keep a Node process alive.
 *
 * The threaded recurrence is synchronous (it blocks in `Atomics.wait` while workers run),
 * which Node allows on its main thread. Browsers forbid blocking the main thread, so
 * there the option throws a clear error instead of pretending.
 */

interface Pool {
  readonly workers: Worker[];
  /** One slot per worker: set to 1 by the worker once its script has loaded. */
  readonly ready: Int32Array;
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

/** `n` started workers (n ≥ 1), starting more if needed. */
export function acquireWorkers(n: number): readonly Worker[] {
  const modules = assertThreadsAvailable();
  if (n > maxWorkers) {
    throw new UnrollError('INVALID_ARGUMENT', `threads: at most ${maxWorkers + 1} threads are supported, got ${n + 1}.`);
  }
  const { wt, fs } = modules;
  pool ??= { workers: [], ready: new Int32Array(new SharedArrayBuffer(4 * maxWorkers)) };
  const { workers, ready } = pool;
  if (workers.length < n) {
    const url = workerUrl(fs);
    for (let i = workers.length; i < n; i++) {
      const w = new wt.Worker(url, { workerData: { ready, slot: i } });
      w.unref();
      workers.push(w);
    }
    // Block until each new worker has loaded its script, so a broken install fails
    // here with a message instead of hanging a later wait.
    const deadline = Date.now() + startTimeoutMs;
    for (let i = 0; i < n; i++) {
      while (Atomics.load(ready, i) === 0) {
        if (Date.now() > deadline) {
          throw new UnrollError('WORKER_FAILED', `worker thread ${i} did not start within ${startTimeoutMs / 1000} s.`);
        }
        Atomics.wait(ready, i, 0, 50);
      }
    }
  }
  return workers.slice(0, n);
}

/**
 * Stops the worker threads that `threads > 1` started. Optional — they never keep the
 * process alive — but frees their memory at once. Later threaded calls start new ones.
 */
export async function shutdownThreads(): Promise<void> {
  const current = pool;
  pool = undefined;
  if (current === undefined) return;
  await Promise.all(current.workers.map((w) => w.terminate()));
}
