import type { Dynamics } from '@unroll/linearize';
import { planSolve } from './prepare-run.js';
import { backendOf } from './solve-backend.js';
import { runWorkAsync } from './resumable-work.js';
import { throwIfAborted } from './solve.js';
import { solveWork } from './solve-work.js';
import type { SolveOptions, SolveResult } from './solve-options.js';

/**
 * Longest stretch of work between two turns of the event loop. An iteration pauses at
 * points every few thousand numbers of work, so even a single long iteration (large T,
 * an expensive f) gives timers, input and `signal` their turn about this often.
 */
const sliceMs = 8;

/**
 * A macrotask that is not clamped: `setTimeout(0)` waits ≥ 1 ms in Node and ≥ 4 ms in
 * nested browser timers, which made a solve yield rarely and slowly. `setImmediate`
 * (Node) and a `MessageChannel` message (browsers, workers) run after pending timers
 * and I/O without a minimum delay.
 */
const nextMacrotask: () => Promise<void> =
  typeof setImmediate === 'function'
    ? () => new Promise((resolve) => setImmediate(resolve))
    : () =>
        new Promise((resolve) => {
          const channel = new MessageChannel();
          // The DOM's MessagePort (the only kind here: Node has setImmediate).
          const port = channel.port1 as unknown as { onmessage: (() => void) | null; close(): void };
          port.onmessage = () => {
            port.close();
            resolve();
          };
          channel.port2.postMessage(undefined);
        });

/**
 * `solve` — or, with `backend`, the same solve on that backend (a GPU runtime) —
 * giving the event loop a turn every few milliseconds of work (also inside a
 * long iteration), so a page stays responsive, timers fire on time, and `signal` can stop
 * it: an abort rejects with `UnrollError('ABORTED')`. Same result as `solve`, bit for bit.
 *
 * @example
 * ```ts
 * import { defineDynamics } from '@unroll/linearize';
 * import { solveAsync } from '@unroll/solvers';
 *
 * const dyn = defineDynamics({
 *   dim: 1,
 *   step: (t, s, so, out, oo) => { out[oo] = 0.9 * Math.tanh(s[so]) + Math.sin(0.1 * t); },
 *   diagonal: (t, s, so, out, oo) => { out[oo] = 0.9 * (1 - Math.tanh(s[so]) ** 2); },
 * });
 * const controller = new AbortController();        // e.g. behind a Cancel button
 * const result = await solveAsync(dyn, [0], 100_000, { method: 'quasi-deer', signal: controller.signal });
 * result.converged; // → true
 *
 * // A signal that has fired rejects the promise with UnrollError('ABORTED'):
 * await solveAsync(dyn, [0], 100_000, { signal: AbortSignal.abort() }).catch((e) => e.code); // → 'ABORTED'
 * ```
 */
export async function solveAsync(dyn: Dynamics, s0: ArrayLike<number>, T: number, opts: SolveOptions = {}): Promise<SolveResult> {
  const backend = backendOf('solveAsync', opts);
  if (backend !== undefined) {
    // Everything but the choice of backend is the backend's to validate, as its own options.
    const { backend: _chosen, ...rest } = opts;
    return backend.solve(dyn, s0, T, rest);
  }
  const plan = planSolve('solveAsync', dyn, s0, T, opts);
  const signal = plan.opts.signal;
  throwIfAborted(signal);
  let sliceStart = performance.now();
  const pause = async (): Promise<void> => {
    if (performance.now() - sliceStart < sliceMs) return;
    await nextMacrotask();
    throwIfAborted(signal);
    sliceStart = performance.now();
  };
  return runWorkAsync(solveWork('solveAsync', plan), pause);
}
