/**
 * A mistake on the command line (unknown option, bad value, unknown system): printed as one
 * line naming what to do, exit code 2 — the convention of Unix tools, so scripts can tell a
 * typo (2) from a run that failed (1).
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
