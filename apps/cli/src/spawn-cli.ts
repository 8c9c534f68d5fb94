import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
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
