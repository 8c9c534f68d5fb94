import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The built command, which also serves as the campaign's child process: work that can
 * hang (a malformed call that never returns), crash the process (a native abort in the
 * GPU driver), needs environment variables read at start-up (the Vulkan loader's) or
 * needs `--expose-gc` runs there, and the campaign survives to report it. From `src/`
 * (tests) and from `dist/` alike this is `apps/fuzz/dist/bin.js`.
 */
export function binPath(): string {
  const path = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
  if (!existsSync(path)) throw new Error(`the fuzz campaign's child processes run the built command ${path}: run \`pnpm --filter @unroll/fuzz build\` first.`);
  return path;
}

/** Why a request got no answer. */
export interface NoAnswer {
  readonly ok: false;
  readonly reason: 'timeout' | 'exit';
  /** Exit code or signal, and the end of the child's stderr. */
  readonly detail: string;
}

/** How to start a child. */
export interface ChildOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly execArgv?: readonly string[];
  /** How long the child may take to say it is ready (default 60 s). */
  readonly readyMs?: number;
}

interface Pending {
  resolve(answer: { ok: true; value: unknown } | NoAnswer): void;
  timer: NodeJS.Timeout;
}

/**
 * One forked child speaking a request/answer protocol over IPC: `{ id, ...request }` in,
 * `{ id, value }` out. A request that outlives its time limit kills the child (a hang
 * cannot be interrupted any other way); a child that dies fails its pending request with
 * its exit status and the end of its stderr.
 */
export class Child {
  readonly #process: ChildProcess;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #stderr = '';
  #exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  readonly #exited: Promise<void>;
  #ready: ((info: unknown) => void) | undefined;
  #killed = false;

  private constructor(proc: ChildProcess) {
    this.#process = proc;
    proc.stderr?.on('data', (chunk: Buffer) => {
      this.#stderr = (this.#stderr + chunk.toString()).slice(-4000);
    });
    // Drain stdout so a chatty child never blocks on a full pipe.
    proc.stdout?.on('data', () => undefined);
    proc.on('message', (message: { type?: string; info?: unknown; id?: number; value?: unknown }) => {
      if (message.type === 'ready') {
        this.#ready?.(message.info);
        return;
      }
      const pending = message.id === undefined ? undefined : this.#pending.get(message.id);
      if (pending === undefined || message.id === undefined) return;
      this.#pending.delete(message.id);
      clearTimeout(pending.timer);
      pending.resolve({ ok: true, value: message.value });
    });
    this.#exited = new Promise<void>((resolve) => {
      proc.on('exit', (code, signal) => {
        this.#exit = { code, signal };
        for (const [id, pending] of this.#pending) {
          clearTimeout(pending.timer);
          this.#pending.delete(id);
          pending.resolve({ ok: false, reason: 'exit', detail: this.#describeExit() });
        }
        resolve();
      });
    });
  }

  /** Forks `bin.js --child ROLE` and waits for its `ready` message, which carries `info`. */
  static async start(role: string, options: ChildOptions = {}): Promise<{ child: Child; info: unknown }> {
    const proc = fork(binPath(), ['--child', role], {
      execArgv: [...(options.execArgv ?? [])],
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      // Structured clone: typed arrays and special numbers (NaN, Infinity) survive the trip.
      serialization: 'advanced',
    });
    const child = new Child(proc);
    const readyMs = options.readyMs ?? 60_000;
    let timer: NodeJS.Timeout | undefined;
    const info = await Promise.race([
      new Promise<unknown>((resolve) => {
        child.#ready = resolve;
      }),
      child.#exited.then(() => {
        throw new Error(`child '${role}' ended before it was ready (${child.#describeExit()})`);
      }),
      new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => {
          child.#kill();
          reject(new Error(`child '${role}' was not ready within ${readyMs} ms (${child.#describeExit()})`));
        }, readyMs);
      }),
    ]).finally(() => {
      clearTimeout(timer);
    });
    return { child, info };
  }

  /** Whether the child is still running (false from the moment it is killed, not only once it has exited). */
  get alive(): boolean {
    return this.#exit === undefined && !this.#killed;
  }

  /** Kills the child now; requests sent after this get no answer, so none are. */
  #kill(): void {
    this.#killed = true;
    this.#process.kill('SIGKILL');
  }

  #describeExit(): string {
    const e = this.#exit;
    const status = e === undefined ? 'running' : e.signal !== null ? `killed by ${e.signal}` : `exit code ${String(e.code)}`;
    const tail = this.#stderr.trim().split('\n').slice(-6).join(' | ');
    return tail === '' ? status : `${status}; stderr: ${tail}`;
  }

  /** Sends a request; the answer, or why there is none (the child is killed on timeout). */
  request(message: Record<string, unknown>, timeoutMs: number): Promise<{ ok: true; value: unknown } | NoAnswer> {
    if (!this.alive) return Promise.resolve({ ok: false, reason: 'exit', detail: this.#describeExit() });
    const id = this.#nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        this.#kill();
        resolve({ ok: false, reason: 'timeout', detail: `no answer within ${timeoutMs} ms` });
      }, timeoutMs);
      this.#pending.set(id, { resolve, timer });
      this.#process.send({ ...message, id });
    });
  }

  /**
   * Closes the IPC channel and waits for the child to exit by itself: a child that keeps
   * running afterwards holds something open (a GPU device, a worker thread) and is
   * killed after `exitMs`.
   */
  async close(exitMs: number): Promise<{ exitedByItself: boolean; detail: string }> {
    if (this.#exit !== undefined) return { exitedByItself: true, detail: this.#describeExit() };
    if (this.#killed) {
      await this.#exited;
      return { exitedByItself: false, detail: this.#describeExit() };
    }
    if (this.#process.connected) this.#process.disconnect();
    let timer: NodeJS.Timeout | undefined;
    const exitedByItself = await Promise.race([
      this.#exited.then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => {
          resolve(false);
        }, exitMs);
      }),
    ]);
    clearTimeout(timer);
    if (!exitedByItself) {
      this.#kill();
      await this.#exited;
    }
    return { exitedByItself, detail: this.#describeExit() };
  }
}
