import type { CompareProgress } from './compare.js';
import { formatNumber } from './format.js';

/** Where progress goes: a stream with an optional TTY flag (stderr, so stdout stays data). */
export interface ProgressStream {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

/**
 * Progress of a long command. On a terminal: one live line, rewritten in place (at most
 * every 80 ms) and cleared when a step ends — so the table that follows is all that
 * stays. Elsewhere (a pipe, CI logs): one plain line per finished step, nothing rewritten.
 */
export class Progress implements CompareProgress {
  readonly #out: ProgressStream;
  readonly #tty: boolean;
  readonly #prefix: string;
  #lastWrite = 0;
  #started = 0;

  constructor(out: ProgressStream, prefix: string, quiet = false) {
    this.#out = quiet ? { write: () => true } : out;
    this.#tty = out.isTTY === true && !quiet;
    this.#prefix = prefix;
  }

  #live(text: string, force = false): void {
    if (!this.#tty) return;
    const now = performance.now();
    if (!force && now - this.#lastWrite < 80) return;
    this.#lastWrite = now;
    const columns = (this.#out as { columns?: number }).columns ?? 100;
    this.#out.write(`\r\x1b[2K${`${this.#prefix}: ${text}`.slice(0, columns - 1)}`);
  }

  /** A free-form status (a case study's "g = 1.2, T = 256"). */
  status(text: string): void {
    this.#live(text);
  }

  begin(what: string): void {
    this.#started = performance.now();
    this.#live(`${what} …`, true);
  }

  iteration(what: string, iteration: number, delta: number, merit: number): void {
    this.#live(`${what}: iteration ${iteration}, max change ${formatNumber(delta)}, merit ${formatNumber(merit)}`);
  }

  end(what: string, summary: string): void {
    const seconds = ((performance.now() - this.#started) / 1000).toFixed(1);
    if (this.#tty) this.#out.write('\r\x1b[2K');
    else this.#out.write(`${this.#prefix}: ${what}: ${summary} (${seconds} s)\n`);
  }

  /** Clears the live line (before printing results). */
  clear(): void {
    if (this.#tty) this.#out.write('\r\x1b[2K');
  }
}
