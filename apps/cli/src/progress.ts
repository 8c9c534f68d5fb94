import type { CompareProgress } from './compare.js';
import { formatNumber } from './format.js';
import { UsageError } from './usage-error.js';

/** Where progress goes: a stream with an optional TTY flag (stderr, so stdout stays data). */
export interface ProgressStream {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

/** How a `Progress` reports. */
export interface ProgressOptions {
  /** Report nothing at all (`--quiet`). */
  readonly quiet?: boolean;
  /** Off a terminal, the seconds between two progress lines while a step runs (default 5; 0: at every update). */
  readonly heartbeatSeconds?: number;
  /** The clock in milliseconds; `performance.now` unless a test steps it by hand. */
  readonly now?: () => number;
}

/** Seconds between progress lines off a terminal when `UNROLL_PROGRESS_SECONDS` does not say. */
const defaultHeartbeatSeconds = 5;

/**
 * The heartbeat interval `UNROLL_PROGRESS_SECONDS` asks for (CI logs may want more or
 * fewer lines), or the default.
 *
 * @throws {UsageError} when it is set to anything but a number ≥ 0.
 */
export function heartbeatSecondsFrom(env: NodeJS.ProcessEnv): number {
  const text = env['UNROLL_PROGRESS_SECONDS'];
  if (text === undefined || text === '') return defaultHeartbeatSeconds;
  const seconds = Number(text);
  if (!(Number.isFinite(seconds) && seconds >= 0)) throw new UsageError(`UNROLL_PROGRESS_SECONDS must be a number of seconds ≥ 0, got "${text}"; unset it for the default (${defaultHeartbeatSeconds}).`);
  return seconds;
}

/**
 * Progress of a long command. On a terminal: one live line, rewritten in place (at most
 * every 80 ms) and cleared when a step ends — so the table that follows is all that
 * stays. Elsewhere (a pipe, CI logs): one plain line per finished step, and while a step
 * runs one line every few seconds (`heartbeatSeconds`), so a log shows a long solve is
 * alive. Both show where a solve is against its bound ("iteration 37 / ≤ 2000"), the time
 * the step has taken and its rate.
 */
export class Progress implements CompareProgress {
  readonly #out: ProgressStream;
  readonly #tty: boolean;
  readonly #prefix: string;
  #limit: number | undefined;
  readonly #heartbeatMs: number;
  readonly #now: () => number;
  #lastWrite = Number.NEGATIVE_INFINITY;
  #lastLine = 0;
  #started = 0;

  constructor(out: ProgressStream, prefix: string, options: ProgressOptions = {}) {
    const quiet = options.quiet === true;
    this.#out = quiet ? { write: () => true } : out;
    this.#tty = out.isTTY === true && !quiet;
    this.#prefix = prefix;
    this.#heartbeatMs = (options.heartbeatSeconds ?? defaultHeartbeatSeconds) * 1000;
    this.#now = options.now ?? (() => performance.now());
  }

  #elapsed(): string {
    return `${((this.#now() - this.#started) / 1000).toFixed(1)} s`;
  }

  /** On a terminal: rewrite the live line (throttled). Elsewhere: a plain line when the heartbeat is due. */
  #report(text: string, force = false): void {
    const now = this.#now();
    if (this.#tty) {
      if (!force && now - this.#lastWrite < 80) return;
      this.#lastWrite = now;
      const columns = (this.#out as { columns?: number }).columns ?? 100;
      this.#out.write(`\r\x1b[2K${`${this.#prefix}: ${text}`.slice(0, columns - 1)}`);
    } else if (!force && now - this.#lastLine >= this.#heartbeatMs) {
      this.#lastLine = now;
      this.#out.write(`${this.#prefix}: ${text}\n`);
    }
  }

  /** A free-form status (a case study's "g = 1.2, T = 256"). */
  status(text: string): void {
    this.#report(`${text} · ${this.#elapsed()}`);
  }

  /** A step starts; a solve names the most iterations it may take (shown as "iteration 37 / ≤ 2000"). */
  begin(what: string, iterationLimit?: number): void {
    this.#limit = iterationLimit;
    this.#started = this.#lastLine = this.#now();
    this.#report(`${what} …`, true);
  }

  iteration(what: string, iteration: number, delta: number, merit: number): void {
    const seconds = (this.#now() - this.#started) / 1000;
    const rate = seconds > 0 ? ` · ${formatNumber(iteration / seconds)} it/s` : '';
    const bound = this.#limit === undefined ? '' : ` / ≤ ${this.#limit}`;
    // Where the solve is, first: a narrow terminal cuts the line's end, not its point.
    this.#report(`${what}: iteration ${iteration}${bound} · ${this.#elapsed()}${rate} · max change ${formatNumber(delta)} · merit ${formatNumber(merit)}`);
  }

  end(what: string, summary: string): void {
    if (this.#tty) this.#out.write('\r\x1b[2K');
    else this.#out.write(`${this.#prefix}: ${what}: ${summary} (${this.#elapsed()})\n`);
  }

  /** Clears the live line (before printing results). */
  clear(): void {
    if (this.#tty) this.#out.write('\r\x1b[2K');
  }
}
