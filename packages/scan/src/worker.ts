/**
 * Worker-thread entry of the threaded linear recurrence (the scheme is described in
 * threaded-recurrence.ts, the protocol in threaded-protocol.ts). Loaded by URL from
 * `dist/worker.js`; not part of the public API.
 */
import { kernelFor } from './kernel-for.js';
import type { RecurrenceKernel } from './recurrence-kernel.js';
import { Command, Control, Param, spinLimit, type Binding, type WorkerInit } from './threaded-protocol.js';

const wt = process.getBuiltinModule('node:worker_threads');
const { slot, ready, signals, params, control, errorText, port } = wt.workerData as WorkerInit;
const base = slot * Param.length;

const kernels = new Map<string, RecurrenceKernel>();
function cachedKernel(binding: Binding): RecurrenceKernel {
  const key = JSON.stringify(binding.spec);
  let k = kernels.get(key);
  if (k === undefined) {
    k = kernelFor(binding.spec);
    kernels.set(key, k);
  }
  return k;
}

function signal(index: number): void {
  Atomics.add(control, index, 1);
  Atomics.notify(control, index);
}

function fail(error: unknown): void {
  const text = new TextEncoder().encode(error instanceof Error ? error.message : String(error));
  errorText.fill(0);
  errorText.set(text.slice(0, errorText.length));
  Atomics.store(control, Control.failed, 1);
  // Wake every waiter so the main thread sees the failure at once.
  for (let i = 0; i < Control.length; i++) Atomics.notify(control, i);
}

let binding: Binding | undefined;
let kernel: RecurrenceKernel | undefined;

/** Reads bindings off the port until the job's version has arrived (it was posted before the job). */
function bind(version: number): void {
  while (binding?.version !== version) {
    const received = wt.receiveMessageOnPort(port);
    if (received === undefined) {
      Atomics.wait(signals, slot, Atomics.load(signals, slot), 1);
      continue;
    }
    binding = received.message as Binding;
    kernel = cachedKernel(binding);
  }
}

function runJob(): void {
  let ok = true;
  try {
    bind(params[base + Param.bindVersion]);
    const from = params[base + Param.aggregateFrom];
    const to = params[base + Param.aggregateTo];
    if (binding !== undefined && kernel !== undefined && to > from) {
      const o = (params[base + Param.aggregateSlot]) * (kernel.width + kernel.dim);
      kernel.aggregate(binding.A, binding.b, from, to, binding.aggregates, o, binding.aggregates, o + kernel.width);
    }
  } catch (error) {
    ok = false;
    fail(error);
  }
  signal(Control.phase1Done);
  // The main thread's phase 1 is sized to end with ours: spin a moment before sleeping.
  for (let spin = 0; spin < spinLimit && Atomics.load(control, Control.go) === 0; spin++);
  while (Atomics.load(control, Control.go) === 0) Atomics.wait(control, Control.go, 0);
  if (ok && Atomics.load(control, Control.failed) === 0 && binding !== undefined && kernel !== undefined) {
    try {
      const runSlot = params[base + Param.runSlot];
      kernel.run(binding.A, binding.b, binding.carries, runSlot * kernel.dim, binding.out, params[base + Param.runFrom], params[base + Param.runTo]);
    } catch (error) {
      fail(error);
    }
  }
  signal(Control.phase3Done);
}

/**
 * The worker's whole life: sleep until signalled, run the job, repeat. It sleeps with
 * `Atomics.waitAsync`, so the worker's event loop still turns between jobs (V8's
 * foreground tasks, such as parts of garbage collection, run there).
 */
async function serve(): Promise<void> {
  // A pending waitAsync does not keep a worker's event loop alive; this timer does (the
  // main thread unrefs the worker, so it never keeps the process alive).
  const keepAlive = setInterval(() => undefined, 2 ** 30);
  // Read the signal before announcing readiness: the first job may be signalled the
  // moment the main thread sees `ready`.
  let seen = Atomics.load(signals, slot);
  Atomics.store(ready, slot, 1);
  Atomics.notify(ready, slot);
  for (;;) {
    const waiting = Atomics.waitAsync(signals, slot, seen);
    if (waiting.async) await waiting.value;
    const now = Atomics.load(signals, slot);
    if (now === seen) continue;
    seen = now;
    if (params[base + Param.command] === Command.shutdown) break;
    runJob();
  }
  clearInterval(keepAlive);
  port.close();
}

void serve();
