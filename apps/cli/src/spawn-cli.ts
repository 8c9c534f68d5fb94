import { spawn, spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The built CLI (`pnpm --filter @unroll/cli build`), which the spawned tests run. */
export const builtBin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));

/** What a spawned run left: its exit code (null when a signal ended it), stdout, stderr. */
export interface SpawnedRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly out: string;
  readonly err: string;
}

/**
 * Runs `unroll <args>` as a user would — a separate process, no terminal — from the built
 * CLI at `bin` (default: this package's `dist/bin.js`).
 */
export function spawnCli(args: readonly string[], options: { readonly bin?: string; readonly cwd?: string; readonly env?: NodeJS.ProcessEnv } = {}): SpawnedRun {
  const spawnOptions: SpawnSyncOptions = { encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0', ...options.env }, ...(options.cwd === undefined ? {} : { cwd: options.cwd }) };
  const r = spawnSync(process.execPath, [options.bin ?? builtBin, ...args], spawnOptions);
  return { code: r.status, signal: r.signal, out: String(r.stdout), err: String(r.stderr) };
}

/** A built CLI started in the background, for tests that act while it runs (Ctrl-C). */
export interface RunningCli {
  readonly pid: number;
  /** Resolves once stderr matches `pattern` (rejects if the run ends first). */
  waitForErr(pattern: RegExp): Promise<void>;
  /** Sends `signal` to the CLI's process only (not to its process group). */
  kill(signal: NodeJS.Signals): void;
  /** Resolves when the process has exited, with everything it wrote. */
  readonly done: Promise<SpawnedRun>;
}

/** Starts `unroll <args>` without waiting for it: no terminal, output collected. */
export function startCli(args: readonly string[], options: { readonly env?: NodeJS.ProcessEnv } = {}): RunningCli {
  const child = spawn(process.execPath, [builtBin, ...args], { env: { ...process.env, FORCE_COLOR: '0', ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '', err = '';
  const watchers: { pattern: RegExp; resolve: () => void }[] = [];
  child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => {
    err += s;
    for (const w of watchers.splice(0)) {
      if (w.pattern.test(err)) w.resolve();
      else watchers.push(w);
    }
  });
  const done = new Promise<SpawnedRun>((resolve) => child.on('close', (code, signal) => {
    resolve({ code, signal, out, err });
  }));
  const pid = child.pid;
  if (pid === undefined) throw new Error('the CLI did not start');
  return {
    pid,
    waitForErr: (pattern) =>
      new Promise((resolve, reject) => {
        if (pattern.test(err)) {
          resolve();
          return;
        }
        watchers.push({ pattern, resolve });
        void done.then(() => {
          reject(new Error(`the CLI exited before stderr matched ${String(pattern)}; stderr:\n${err}`));
        });
      }),
    kill: (signal) => process.kill(pid, signal),
    done,
  };
}
