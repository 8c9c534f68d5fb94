import type { OptionSpecs } from './args.js';
import type { ProgressStream } from './progress.js';

/** Where a command writes: results to `out`, progress and diagnostics to `err`. */
export interface Io {
  readonly out: ProgressStream;
  readonly err: ProgressStream;
}

/** One subcommand of `unroll`. */
export interface Command {
  readonly name: string;
  /** One line for `unroll --help`. */
  readonly summary: string;
  /** Usage line(s) after `unroll `, e.g. `compare --system <name> [options]`. */
  readonly usage: string;
  readonly options: OptionSpecs;
  /** Examples for `--help`. */
  readonly examples: readonly string[];
  /** Runs the command; resolves to the exit code (0 ok, 1 a failed run). Throws `UsageError` for bad arguments. */
  run(argv: readonly string[], io: Io): Promise<number>;
}
