import { spawn } from 'node:child_process';
import { constants } from 'node:os';

/** The signals a user or a process manager sends to stop a run: passed on to the child. */
const forwarded: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Runs this same command again in a child process with `env` (`--gpu`: the Vulkan loader
 * reads its variables at start-up only) and resolves to the exit code to leave with.
 *
 * The child gets its own process group, so a terminal's Ctrl-C reaches this process alone
 * and is passed on exactly once (twice would be "quit at once" to the child, losing the
 * rows it keeps at the first). Every stop signal is forwarded; when this process exits
 * for any reason while the child still runs, the child is killed — no run outlives its
 * command.
 */
export function rerunWithEnvironment(env: NodeJS.ProcessEnv): Promise<number> {
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], { env, stdio: 'inherit', detached: true });
  const running = () => child.exitCode === null && child.signalCode === null;
  const forward = (signal: NodeJS.Signals) => {
    if (running()) child.kill(signal);
  };
  const killOnExit = () => {
    if (running()) child.kill('SIGKILL');
  };
  for (const signal of forwarded) process.on(signal, forward);
  process.on('exit', killOnExit);
  return new Promise((resolve) => {
    child.on('error', (error) => {
      process.stderr.write(`unroll: could not restart with the GPU environment (${error.message}); run again with VK_ICD_FILENAMES set to your Vulkan driver's ICD file.\n`);
      resolve(1);
    });
    child.on('exit', (code, signal) => {
      for (const s of forwarded) process.off(s, forward);
      process.off('exit', killOnExit);
      // A child ended by a signal exits as a shell reports it: 128 + the signal's number.
      resolve(code ?? 128 + (signal === null ? 0 : constants.signals[signal]));
    });
  });
}
