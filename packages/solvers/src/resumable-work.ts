import { UnrollError } from '@unroll/scan';

/**
 * Work that runs in steps: a generator that yields `undefined` at a pause point (the
 * caller may give the event loop a turn there) or a promise it needs settled (an
 * asynchronous backend's device read-back); the promise's value is sent back in. CPU
 * work never yields a promise, so it also runs to its end synchronously (`runWork`).
 */
export type Work<R> = Generator<Promise<unknown> | undefined, R, unknown>;

/**
 * Runs work to its end at once.
 *
 * @throws {UnrollError} `UNSUPPORTED` if the work needs to wait for a promise (an
 *   asynchronous backend): run it with `runWorkAsync`.
 */
export function runWork<R>(work: Work<R>): R {
  for (;;) {
    const next = work.next();
    if (next.done === true) return next.value;
    if (next.value !== undefined) {
      // Nothing can be awaited here: settle the promise quietly and refuse.
      next.value.catch(() => undefined);
      throw new UnrollError('UNSUPPORTED', 'this work waits on an asynchronous backend; run it with runWorkAsync.');
    }
  }
}

/**
 * Runs work to its end, awaiting the promises it yields (sending their values back in,
 * or throwing their rejections into it) and calling `pause` at its pause points.
 */
export async function runWorkAsync<R>(work: Work<R>, pause?: () => Promise<void> | void): Promise<R> {
  let sent: unknown = undefined;
  let failed = false;
  let failure: unknown;
  for (;;) {
    const next = failed ? work.throw(failure) : work.next(sent);
    failed = false;
    sent = undefined;
    if (next.done === true) return next.value;
    if (next.value === undefined) {
      await pause?.();
      continue;
    }
    try {
      sent = await next.value;
    } catch (e) {
      failed = true;
      failure = e;
    }
  }
}
