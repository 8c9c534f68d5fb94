import type * as fsModule from 'node:fs';
import type * as workerThreads from 'node:worker_threads';
import type { Worker } from 'node:worker_threads';
import { UnrollError, type UnrollErrorCode } from '@unroll/scan';
import type { WorkerRequest, WorkerResponse } from './thread-messages.js';
import type { ChunkCommand, ChunkReply, ChunkSetup, ChunkTransport } from './transport.js';

const errorCodes: readonly UnrollErrorCode[] = ['INVALID_ARGUMENT', 'LENGTH_MISMATCH', 'DIMENSION_MISMATCH', 'DTYPE_MISMATCH', 'NON_FINITE', 'UNSUPPORTED', 'WORKER_FAILED', 'MEMORY_BUDGET', 'ABORTED'];

interface Pending {
  readonly resolve: (value: unknown) => void;
  readonly reject: (e: unknown) => void;
  readonly worker: number;
  readonly what: string;
}

/**
 * The in-process transport: P `worker_threads` running cpu-worker.js, started on the first
 * solve. The solve's memory is `SharedArrayBuffer`s, sent once at `open` (shared, not
 * copied); a round is one `postMessage` each way per worker, carrying only the command
 * and the chunk's small reply. Workers are `unref`'d between rounds, so they never keep
 * Node alive, and referenced while a round is out, so an awaited solve is not cut short.
 */
export class ThreadTransport implements ChunkTransport {
  readonly size: number;
  #workers: Worker[] | undefined;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #closed = false;

  constructor(size: number) {
    this.size = size;
  }

  open(setup: ChunkSetup): Promise<void> {
    const workers = this.#start();
    return Promise.all(workers.map((_, i) => this.#send(i, (id) => ({ id, kind: 'open', setup }), 'setting up the solve'))).then(() => undefined);
  }

  round<C extends ChunkCommand>(commands: readonly C[]): Promise<ChunkReply<C>[]> {
    this.#start();
    return Promise.all(commands.map((command, i) => this.#send(i, (id) => ({ id, kind: 'command', command }), `its ${command.op} of rows ${command.t0}…${command.t1 - 1}`))) as Promise<ChunkReply<C>[]>;
  }

  async release(): Promise<void> {
    if (this.#workers === undefined) return;
    await Promise.all(this.#workers.map((_, i) => this.#send(i, (id) => ({ id, kind: 'release' }), 'releasing the solve'))).catch(() => undefined);
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#terminate(new UnrollError('INVALID_ARGUMENT', 'createCpuWorkers: the pool was destroyed while a solve was running.'));
  }

  /** The workers, started if there are none (the first solve, or after a crash). */
  #start(): Worker[] {
    if (this.#closed) throw new UnrollError('INVALID_ARGUMENT', 'createCpuWorkers: this pool was destroyed; create a new one with createCpuWorkers({ workers }).');
    if (this.#workers !== undefined) return this.#workers;
    const node = nodeModules();
    if (node === undefined) throw new UnrollError('UNSUPPORTED', 'createCpuWorkers: worker threads need Node (node:worker_threads); in a browser, use solveAsync on this thread or the GPU runtime.');
    const url = workerUrl(node.fs);
    const workers: Worker[] = [];
    for (let i = 0; i < this.size; i++) {
      // The worker inherits Node's flags, except those of a `-e` script (they refuse a file).
      const execArgv = (globalThis as { process?: { execArgv?: string[] } }).process?.execArgv?.filter((a) => !a.startsWith('--input-type')) ?? [];
      const w = new node.wt.Worker(url, { name: `unroll-cpu-worker-${i}`, execArgv });
      w.unref();
      w.on('message', (msg: WorkerResponse) => {
        this.#receive(msg);
      });
      w.on('error', (e: Error) => {
        void this.#terminate(new UnrollError('WORKER_FAILED', `createCpuWorkers: worker ${i} crashed: ${e.message}`, { cause: e }));
      });
      w.on('exit', (code: number) => {
        if (this.#workers === workers) void this.#terminate(new UnrollError('WORKER_FAILED', `createCpuWorkers: worker ${i} exited (code ${code}) during a solve; the next solve starts new workers.`));
      });
      workers.push(w);
    }
    this.#workers = workers;
    return workers;
  }

  #send(i: number, make: (id: number) => WorkerRequest, what: string): Promise<unknown> {
    const workers = this.#start();
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject, worker: i, what });
      workers[i].ref();
      workers[i].postMessage(make(id));
    });
  }

  #receive(msg: WorkerResponse): void {
    const p = this.#pending.get(msg.id);
    if (p === undefined) return;
    this.#pending.delete(msg.id);
    this.#unrefIdle(p.worker);
    if (msg.ok) p.resolve(msg.value);
    else {
      const e = msg.error;
      // A typed refusal in the worker (a bad module, a dimension mismatch) keeps its code;
      // anything else the worker threw (the dynamics' own error) is WORKER_FAILED.
      const code = errorCodes.find((c) => c === e.code && e.name === 'UnrollError');
      const message = code === undefined ? `createCpuWorkers: worker ${p.worker} threw during ${p.what}: ${e.name}: ${e.message}` : e.message;
      p.reject(new UnrollError(code ?? 'WORKER_FAILED', message, { cause: e }));
    }
  }

  #unrefIdle(i: number): void {
    for (const q of this.#pending.values()) if (q.worker === i) return;
    this.#workers?.[i]?.unref();
  }

  /** Rejects everything pending and stops the workers (a crash, or `close`). */
  async #terminate(reason: UnrollError): Promise<void> {
    const workers = this.#workers;
    this.#workers = undefined;
    for (const p of this.#pending.values()) p.reject(reason);
    this.#pending.clear();
    if (workers !== undefined) await Promise.all(workers.map((w) => w.terminate()));
  }
}

type Fs = typeof fsModule;

/** Node's built-in modules, fetched without a static import so browser bundles stay clean. */
function nodeModules(): { readonly wt: typeof workerThreads; readonly fs: Fs } | undefined {
  const p = (globalThis as { process?: Partial<typeof process> }).process;
  if (typeof p?.getBuiltinModule !== 'function') return undefined;
  return { wt: p.getBuiltinModule('node:worker_threads'), fs: p.getBuiltinModule('node:fs') };
}

/** The built worker script: next to this module once built (dist/), or dist/ from a source checkout. */
function workerUrl(fs: Fs): URL {
  const candidates = [new URL('./cpu-worker.js', import.meta.url), new URL('../../dist/cpu-worker.js', import.meta.url)];
  for (const url of candidates) if (fs.existsSync(url)) return url;
  throw new UnrollError('UNSUPPORTED', 'createCpuWorkers: the worker script cpu-worker.js is missing next to the library; build the package (pnpm --filter @unroll/solvers build).');
}
