import { spawnSync } from 'node:child_process';

export interface RunOptions {
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly timeoutMs?: number;
}

/**
 * Runs a command to completion and returns its stdout. A non-zero exit, a signal or a
 * timeout throws with the command line, where it ran and the tail of both streams, so a
 * failing step in the lane reads as what a user would have seen.
 */
export function runCommand(command: string, args: readonly string[], options: RunOptions): string {
  const result = spawnSync(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 300_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error === undefined && result.status === 0) return result.stdout;
  const tail = (text: string) => text.split('\n').slice(-40).join('\n');
  const why = result.error !== undefined ? result.error.message : result.signal !== null ? `killed by ${result.signal}` : `exit code ${String(result.status)}`;
  throw new Error(
    `\`${[command, ...args].join(' ')}\` in ${options.cwd} failed (${why}).\n--- stdout\n${tail(result.stdout)}\n--- stderr\n${tail(result.stderr)}`,
  );
}
