import type { ProgressStream } from './progress.js';

/** The exit code of a run stopped by Ctrl-C: 128 + SIGINT's number, as shells report it. */
export const interruptedExitCode = 130;

/** A Ctrl-C listener for one command; `dispose` gives SIGINT back to Node's default. */
export interface InterruptListener {
  /** Aborted at the first Ctrl-C (SIGINT). */
  readonly signal: AbortSignal;
  dispose(): void;
}

/**
 * Listens for Ctrl-C while a command computes rows: the first aborts `signal`, so the
 * command can print (and write) the rows finished so far and exit 130; a second one quits
 * at once, for a user who does not want to wait even for that.
 */
export function listenForInterrupt(err: ProgressStream): InterruptListener {
  const controller = new AbortController();
  const onSigint = (): void => {
    if (controller.signal.aborted) process.exit(interruptedExitCode);
    err.write('\nunroll: interrupted — keeping the rows finished so far (Ctrl-C again to quit at once)\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', onSigint);
    },
  };
}

/**
 * Gives the event loop a turn, so that a Ctrl-C that arrived during synchronous work (an
 * LLE estimate, a case study) is heard before the next one starts.
 */
export function heedInterrupts(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
