/**
 * Worker-thread entry of the threaded linear recurrence (see threaded-recurrence.ts for
 * the scheme). Loaded by URL from `dist/worker.js`; not part of the public API.
 */
import type { MessagePort } from 'node:worker_threads';
import { kernelFor } from './kernel-for.js';
import type { RecurrenceKernel } from './recurrence-kernel.js';
import { Control, type WorkerJob } from './threaded-protocol.js';

const wt = process.getBuiltinModule('node:worker_threads');
const { ready, slot } = wt.workerData as { ready: Int32Array; slot: number };
const port = wt.parentPort as MessagePort;

const kernels = new Map<string, RecurrenceKernel>();
function cachedKernel(job: WorkerJob): RecurrenceKernel {
  const key = JSON.stringify(job.spec);
  let k = kernels.get(key);
  if (k === undefined) {
    k = kernelFor(job.spec);
    kernels.set(key, k);
  }
  return k;
}

function signal(control: Int32Array, index: number): void {
  Atomics.add(control, index, 1);
  Atomics.notify(control, index);
}

port.on('message', (job: WorkerJob) => {
  const { control } = job;
  try {
    const kernel = cachedKernel(job);
    const D = kernel.dim;
    const stride = kernel.width + D;
    if (job.aggregateTo > job.aggregateFrom) {
      const o = job.aggregateSlot * stride;
      const started = performance.now();
      kernel.aggregate(job.A, job.b, job.aggregateFrom, job.aggregateTo, job.aggregates, o, job.aggregates, o + kernel.width);
      job.timings[job.aggregateSlot] = performance.now() - started;
    }
    signal(control, Control.phase1Done);
    while (Atomics.load(control, Control.go) === 0) Atomics.wait(control, Control.go, 0);
    if (Atomics.load(control, Control.failed) !== 0) return;
    kernel.run(job.A, job.b, job.carries, job.runSlot * D, job.out, job.runFrom, job.runTo);
    signal(control, Control.phase3Done);
  } catch (error) {
    const text = new TextEncoder().encode(error instanceof Error ? error.message : String(error));
    job.errorText.set(text.slice(0, job.errorText.length));
    Atomics.store(control, Control.failed, 1);
    // Wake every waiter so the main thread sees the failure at once.
    for (let i = 0; i < Control.length; i++) Atomics.notify(control, i);
  }
});

Atomics.store(ready, slot, 1);
Atomics.notify(ready, slot);
