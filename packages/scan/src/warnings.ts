import { UnrollError } from './unroll-error.js';
import { describe, isObject } from './validate.js';

/**
 * Advice the library gives without failing — a solve that works but pays for something
 * avoidable (finite differences where a closed form would do). Every unroll package
 * reports it here, once per cause, never through `console`.
 */
export interface UnrollWarning {
  /** Stable identifier, e.g. `'FINITE_DIFFERENCES'`. */
  readonly code: string;
  /** What happened, what it costs, and what to do. */
  readonly message: string;
}

/** Receives every {@link UnrollWarning}. */
export type WarningHandler = (warning: UnrollWarning) => void;

/**
 * The default handler: Node's `process.emitWarning` (type `'UnrollWarning'`, so
 * `node --no-warnings` or a `process.on('warning')` listener govern it, as for Node's
 * own); silent where there is no such channel (browsers — install a handler there).
 */
function emitWarning(warning: UnrollWarning): void {
  const p = (globalThis as { process?: { emitWarning?: (message: string, options: { type: string; code: string }) => void } }).process;
  p?.emitWarning?.(warning.message, { type: 'UnrollWarning', code: warning.code });
}

let handler: WarningHandler = emitWarning;
/** Keys already warned about in this process. */
const warned = new Set<string>();

/**
 * Routes unroll's warnings to `next` (a logger, a test's collector, or `() => {}` to
 * silence them); `undefined` restores the default (Node's `process.emitWarning`).
 *
 * @returns the handler that was installed before, to put back later.
 * @example
 * ```ts
 * import { setWarningHandler, type UnrollWarning } from '@unroll/scan';
 * import { defineDynamics } from '@unroll/linearize';
 * import { solve } from '@unroll/solvers';
 *
 * // No closed-form derivative: DEER forms Ã_t from finite differences, and says so once.
 * const dyn = defineDynamics({ dim: 1, step: (t, s, so, out, oo) => { out[oo] = 0.5 * Math.tanh(s[so]) + 1; } });
 * const seen: UnrollWarning[] = [];
 * const previous = setWarningHandler((w) => { seen.push(w); });
 * try { solve(dyn, [0], 100, { method: 'deer' }); } finally { setWarningHandler(previous); }
 * seen.map((w) => w.code); // → ['FINITE_DIFFERENCES']
 * ```
 */
export function setWarningHandler(next: WarningHandler | undefined): WarningHandler {
  const candidate: unknown = next;
  if (candidate !== undefined && typeof candidate !== 'function') {
    throw new UnrollError('INVALID_ARGUMENT', `setWarningHandler: pass a function (warning) => void, or undefined for the default; got ${describe(candidate)}.`);
  }
  const previous = handler;
  handler = next ?? emitWarning;
  return previous;
}

/**
 * Gives `warning` to the handler unless one with the same `key` was given already in
 * this process (one warning per cause, not per call). A handler that throws does not
 * break the computation that warned.
 */
export function warnOnce(key: string, warning: UnrollWarning): void {
  const w: unknown = warning;
  if (typeof key !== 'string' || !isObject(w) || typeof (w as { code?: unknown }).code !== 'string' || typeof (w as { message?: unknown }).message !== 'string') {
    throw new UnrollError('INVALID_ARGUMENT', `warnOnce(key, warning): key must be a string and warning { code: string, message: string }; got ${typeof key === 'string' ? describe(w) : describe(key)}.`);
  }
  if (warned.has(key)) return;
  warned.add(key);
  try {
    handler(warning);
  } catch {
    // A failing logger must not fail a solve.
  }
}
