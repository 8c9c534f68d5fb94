import { setWarningHandler, type UnrollWarning } from '@unroll/solvers';
import type { ProgressStream } from './progress.js';

/**
 * Shows the library's warnings (`UnrollWarning`, e.g. `FINITE_DIFFERENCES` for a user's
 * module without derivatives) as one line each on `err` — `unroll: note (CODE): …` —
 * instead of Node's default dump (`(node:1234) [CODE] UnrollWarning: … (Use node
 * --trace-warnings …)`), which speaks of the process rather than of the run. On a
 * terminal the live progress line is cleared first; the next update redraws it.
 *
 * @returns a function that puts the previous handler back.
 */
export function routeWarnings(err: ProgressStream): () => void {
  const previous = setWarningHandler((warning: UnrollWarning) => {
    err.write(`${err.isTTY === true ? '\r\x1b[2K' : ''}unroll: note (${warning.code}): ${warning.message}\n`);
  });
  return () => {
    setWarningHandler(previous);
  };
}
