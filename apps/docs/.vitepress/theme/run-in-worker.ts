import type { ExampleResult } from '../../examples/context.js';
import type { WorkerReply, WorkerRequest } from './example-worker.js';

/** A run in a fresh Web Worker: its outcome, and a cancel that cannot be ignored. */
export interface WorkerRun {
  readonly done: Promise<{ result: ExampleResult; ms: number; device: string }>;
  cancel(): void;
}

/** How long a cancelled run may take to notice its AbortSignal before its worker is ended. */
const graceMs = 300;

export function runInWorker(request: Exclude<WorkerRequest, { kind: 'cancel' }>, onProgress: (fraction: number, note: string) => void): WorkerRun {
  const worker = new Worker(new URL('./example-worker.ts', import.meta.url), { type: 'module' });
  let settle: ((reply: WorkerReply) => void) | undefined;
  let cancelled = false;
  const done = new Promise<{ result: ExampleResult; ms: number; device: string }>((resolve, reject) => {
    settle = (reply) => {
      worker.terminate();
      // After Cancel, whatever the worker answered (an ABORTED error, or nothing yet) is a cancellation.
      if (cancelled) reject(new Error('cancelled'));
      else if (reply.kind === 'done') resolve({ result: reply.result, ms: reply.ms, device: reply.device });
      else if (reply.kind === 'error') reject(new Error(reply.message));
    };
  });
  worker.addEventListener('message', (event: MessageEvent<WorkerReply>) => {
    const reply = event.data;
    if (reply.kind === 'progress') onProgress(reply.fraction, reply.note);
    else settle?.(reply);
  });
  worker.addEventListener('error', (event) => {
    settle?.({ kind: 'error', message: event.message || 'the worker failed to start' });
  });
  worker.postMessage(request);
  return {
    done,
    cancel() {
      cancelled = true;
      worker.postMessage({ kind: 'cancel' } satisfies WorkerRequest);
      // A synchronous stretch of work cannot see the signal: end the worker after a grace period.
      setTimeout(() => {
        settle?.({ kind: 'error', message: 'cancelled' });
      }, graceMs);
    },
  };
}
