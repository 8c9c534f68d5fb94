/**
 * Worker-thread entry of the threaded linear recurrence (the scheme is described in
 * threaded-recurrence.ts, the protocol in threaded-protocol.ts). Loaded by URL from
 * `dist/worker.js`; not part of the public API.
 *
 * Built-in and custom structures take one path here: the binding names the structure's
 * module address, the worker imports it once, calls the factory, checks that it rebuilt
 * the structure the main thread has, and runs `structure.kernel?.() ?? genericKernel(s)`.
 */
import { genericKernel } from './generic-kernel.js';
import type { RecurrenceKernel } from './recurrence-kernel.js';
import type { Structure } from './structure.js';
import { Command, Control, Param, spinLimit, type Binding, type BoundStructure, type WorkerInit } from './threaded-protocol.js';

const wt = process.getBuiltinModule('node:worker_threads');
const { slot, ready, signals, acks, params, control, errorText, port } = wt.workerData as WorkerInit;
const base = slot * Param.length;

/** Kernels by structure key: each address is imported and its kernel made once per worker. */
const kernels = new Map<string, RecurrenceKernel>();

async function loadKernel(bound: BoundStructure): Promise<RecurrenceKernel> {
  const cached = kernels.get(bound.key);
  if (cached !== undefined) return cached;
  const { url, exportName, args } = bound.module;
  const where = `structure '${bound.name}': module ${url}, export '${exportName}'`;
  let exports: Record<string, unknown>;
  try {
    exports = (await import(/* @vite-ignore */ url)) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`${where}: the worker could not import the module (${error instanceof Error ? error.message : String(error)}). The URL must be importable from a worker thread (a file: URL of a JavaScript module).`, { cause: error });
  }
  const factory = exports[exportName];
  if (typeof factory !== 'function') {
    throw new Error(`${where}: the module exports no function '${exportName}' (found ${Object.keys(exports).join(', ') || 'no exports'}).`);
  }
  const s = (factory as (...a: unknown[]) => unknown)(...args) as Partial<Structure> | null | undefined;
  if (s?.name !== bound.name || s.dim !== bound.dim || s.width !== bound.width) {
    throw new Error(
      `${where}: ${exportName}(${args.map((a) => JSON.stringify(a)).join(', ')}) gave ${s === null || typeof s !== 'object' ? String(s) : `'${String(s.name)}' (dim ${String(s.dim)}, width ${String(s.width)})`}, not '${bound.name}' (dim ${bound.dim}, width ${bound.width}); the address must rebuild the structure it belongs to.`,
    );
  }
  const structure = s as Structure;
  const kernel = structure.kernel?.() ?? genericKernel(structure);
  kernels.set(bound.key, kernel);
  return kernel;
}

function signal(index: number): void {
  Atomics.add(control, index, 1);
  Atomics.notify(control, index);
}

function writeError(error: unknown): void {
  const text = new TextEncoder().encode(error instanceof Error ? error.message : String(error));
  errorText.fill(0);
  errorText.set(text.slice(0, errorText.length));
}

function fail(error: unknown): void {
  writeError(error);
  Atomics.store(control, Control.failed, 1);
  // Wake every waiter so the main thread sees the failure at once.
  for (let i = 0; i < Control.length; i++) Atomics.notify(control, i);
}

let binding: Binding | undefined;
let kernel: RecurrenceKernel | undefined;

/**
 * Reads bindings off the port up to `version` (posted before the signal), makes the
 * structure's kernel (importing its module the first time), and acknowledges in `acks`.
 */
async function bind(version: number): Promise<void> {
  try {
    binding = undefined;
    kernel = undefined;
    let received: Binding | undefined;
    while (received?.version !== version) {
      const message = wt.receiveMessageOnPort(port);
      if (message === undefined) throw new Error(`binding ${version} was signalled but never posted`);
      received = message.message as Binding;
    }
    kernel = await loadKernel(received.structure);
    binding = received;
    Atomics.store(acks, slot, version);
  } catch (error) {
    writeError(error);
    Atomics.store(acks, slot, -version);
  }
  Atomics.notify(acks, slot);
}

function runJob(): void {
  let ok = true;
  try {
    const version = params[base + Param.bindVersion];
    if (binding?.version !== version) throw new Error(`job for binding ${version}, but this worker holds ${binding === undefined ? 'none' : String(binding.version)}`);
    const from = params[base + Param.aggregateFrom];
    const to = params[base + Param.aggregateTo];
    if (kernel !== undefined && to > from) {
      const o = params[base + Param.aggregateSlot] * (kernel.width + kernel.dim);
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
 * The worker's whole life: sleep until signalled, bind or run the job, repeat. It sleeps
 * with `Atomics.waitAsync`, so the worker's event loop still turns between jobs (V8's
 * foreground tasks, such as parts of garbage collection, run there, and so do imports).
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
    const command = params[base + Param.command];
    if (command === Command.shutdown) break;
    if (command === Command.bind) await bind(params[base + Param.bindVersion]);
    else runJob();
  }
  clearInterval(keepAlive);
  port.close();
}

void serve();
