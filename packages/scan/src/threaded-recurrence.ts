import { dtypeOf, isShared, type FloatArray } from './float-array.js';
import type { RecurrenceKernel } from './recurrence-kernel.js';
import type { Structure, StructureModule } from './structure.js';
import { bindTimeoutMs, poolForCall, retireCurrentPool, stagingArray, type Pool, type StagingRole } from './thread-pool.js';
import { Command, Control, Param, spinLimit, type BoundStructure } from './threaded-protocol.js';
import { UnrollError } from './unroll-error.js';

/**
 * The chunked three-phase scan of a linear recurrence on P threads (the main thread and
 * P − 1 workers), shaped so that no thread idles:
 *
 *     rows:  [ 0 ………… L₀ ) [ seg 0 ) [ seg 1 ) … [ seg P−1 )
 *     phase 1   main: states of [0, L₀) from s₀      worker i: aggregate (M, c) of seg i−1
 *     phase 2   main: carry₀ = s_{L₀}, carry_{j+1} = M_j carry_j + c_j
 *     phase 3   main: states of seg 0                 worker i: states of seg i
 *
 * An aggregate step costs r run steps, so with segments of S = T / (r + P) rows and
 * L₀ = r·S phase 1 takes L₀ run-steps on every thread and the whole recurrence takes
 * about (r + 1)·S: a speedup of (r + P)/(r + 1) over one thread (1.5× for diagonal on
 * two threads when memory keeps up; more where one thread is latency-bound, as for
 * D = 1). The plain three-phase scheme, which aggregates every chunk, cannot beat one
 * thread on two cores when r ≈ 1.
 *
 * r is the kernel's fixed estimate (`aggregateCost`), so the split — and with it every
 * rounding — depends only on the structure, the dtype, T and P: the same call gives the
 * same bits every time. (Learning r from measured timings tracked the machine a little
 * better, but made results differ from call to call.)
 *
 * Workers see only shared memory. Caller arrays backed by a `SharedArrayBuffer` are used
 * in place while the pool admits them (see `poolForCall`); ordinary ones are copied into the
 * pool's staging buffers (and the states copied back), which are reused from call to
 * call so the workers' binding stays put.
 *
 * Workers rebuild the structure from its `module` address — built-ins and custom
 * structures alike — when a binding names a new one, before any job runs on it.
 */
export function threadedRecurrence(
  structure: Structure,
  module: StructureModule,
  kernel: RecurrenceKernel,
  A: FloatArray,
  b: FloatArray,
  s0: Float64Array,
  out: FloatArray,
  T: number,
  threads: number,
  reverse = false,
): void {
  const D = structure.dim;
  const W = structure.width;
  const P = threads;
  const { S, L0 } = split(kernel, T, P);
  runs++;
  const dtype = dtypeOf(b);

  // Reverse time runs forward over row-reversed copies in the staging buffers — the same
  // split and arithmetic as the forward call on flipped arrays — so nothing is in place.
  const callerShared: ArrayBufferLike[] = [];
  if (!reverse) for (const x of W === 0 ? [b, out] : [A, b, out]) if (isShared(x)) callerShared.push(x.buffer);
  const { pool, inPlace } = poolForCall(P - 1, callerShared);
  const { control, errorText, params, signals } = pool;

  const stage = (role: StagingRole, x: FloatArray, rowWidth: number, copy: boolean): FloatArray => {
    if (inPlace.has(x.buffer)) return x;
    const y = stagingArray(role, dtype, x.length);
    if (copy && reverse) copyRowsReversed(x, y, T, rowWidth);
    else if (copy) y.set(x);
    return y;
  };
  const sb = stage('b', b, D, true);
  // Identity and zero store no transitions: the kernels never read A.
  const sA = W === 0 ? sb : stage('A', A, W, true);
  const sOut = stage('out', out, D, false);
  const stride = W + D;
  const aggregates = stagingArray('aggregates', 'float64', (P - 1) * stride);
  const carries = stagingArray('carries', 'float64', P * D);
  const segStart = (j: number): number => L0 + j * S;

  for (let i = 0; i < Control.length; i++) Atomics.store(control, i, 0);
  const target = boundStructure(structure, module);
  const pending: number[] = [];
  for (let slot = 0; slot + 1 < P; slot++) {
    const w = pool.workers[slot];
    const bound = w.bound;
    if (bound?.A !== sA || bound.b !== sb || bound.out !== sOut || bound.aggregates !== aggregates || bound.carries !== carries || bound.structure.key !== target.key) {
      // New arrays or a new structure: send them (once), and let the worker import the
      // structure's module, before the job that needs them.
      const binding = { version: pool.nextVersion++, structure: target, A: sA, b: sb, out: sOut, aggregates, carries };
      w.bound = binding;
      w.port.postMessage(binding);
      for (const x of [sA, sb, sOut, aggregates, carries]) pool.sent.add(x.buffer);
      const o = slot * Param.length;
      params[o + Param.command] = Command.bind;
      params[o + Param.bindVersion] = binding.version;
      Atomics.add(signals, slot, 1);
      Atomics.notify(signals, slot);
      pending.push(slot);
    }
  }
  if (pending.length > 0) awaitBindings(pool, pending, target);
  for (let i = 1; i < P; i++) {
    const slot = i - 1;
    const bound = pool.workers[slot].bound;
    if (bound === undefined) throw new UnrollError('WORKER_FAILED', `worker thread ${slot} holds no binding after binding it.`);
    const o = slot * Param.length;
    params[o + Param.command] = Command.job;
    params[o + Param.bindVersion] = bound.version;
    params[o + Param.aggregateFrom] = segStart(i - 1);
    params[o + Param.aggregateTo] = segStart(i);
    params[o + Param.aggregateSlot] = i - 1;
    params[o + Param.runFrom] = segStart(i);
    params[o + Param.runTo] = i === P - 1 ? T : segStart(i + 1);
    params[o + Param.runSlot] = i;
    Atomics.add(signals, slot, 1);
    Atomics.notify(signals, slot);
  }

  // Whatever happens on this thread, release the workers and wait until every one has
  // finished the call: a call must never leave a worker running into the next one.
  let failure: unknown = undefined;
  try {
    // Phase 1 (main): the leading rows straight from s0.
    kernel.run(sA, sb, s0, 0, sOut, 0, L0);
    waitFor(control, Control.phase1Done, P - 1);
    if (Atomics.load(control, Control.failed) === 0) {
      // Phase 2 (main): carries into each segment.
      if (L0 > 0) for (let i = 0; i < D; i++) carries[i] = sOut[(L0 - 1) * D + i];
      else carries.set(s0);
      for (let j = 0; j + 1 < P; j++) {
        const m = j * stride;
        structure.apply(aggregates, m, carries, j * D, carries, (j + 1) * D);
        for (let i = 0; i < D; i++) carries[(j + 1) * D + i] += aggregates[m + W + i];
      }
    }
  } catch (error) {
    failure = error;
    Atomics.store(control, Control.failed, 1);
  }
  Atomics.store(control, Control.go, 1);
  Atomics.notify(control, Control.go);
  try {
    // Phase 3 (main): segment 0.
    if (Atomics.load(control, Control.failed) === 0) kernel.run(sA, sb, carries, 0, sOut, segStart(0), segStart(1));
  } catch (error) {
    failure ??= error;
    Atomics.store(control, Control.failed, 1);
  }
  waitFor(control, Control.phase3Done, P - 1);
  if (failure !== undefined) throw failure instanceof Error ? failure : new Error('linearRecurrence failed', { cause: failure });
  if (Atomics.load(control, Control.failed) !== 0) {
    throw new UnrollError('WORKER_FAILED', `a worker thread failed: ${readErrorText(errorText)}`);
  }
  if (reverse) copyRowsReversed(sOut, out, T, D);
  else if (sOut !== out) copyRows(sOut, out);
}

let runs = 0;

/** How many threaded recurrences this module has started (tests check which path ran). */
export function threadedRunCount(): number {
  return runs;
}

/**
 * Segment length S and leading rows L₀ for P threads: fixed by the kernel's cost ratio,
 * T and P alone (never by timings), so repeated calls split — and round — identically.
 */
export function split(kernel: RecurrenceKernel, T: number, P: number): { S: number; L0: number } {
  const S = Math.floor(T / (kernel.aggregateCost + P));
  return { S, L0: T - P * S };
}

const boundStructures = new WeakMap<Structure, BoundStructure>();

/** What workers are sent about `structure`, made once per structure object. */
function boundStructure(structure: Structure, module: StructureModule): BoundStructure {
  let b = boundStructures.get(structure);
  if (b?.module !== module) {
    const { name, dim, width } = structure;
    const m = { url: module.url, exportName: module.exportName, args: [...module.args] };
    b = { key: JSON.stringify([m.url, m.exportName, m.args, name, dim, width]), module: m, name, dim, width };
    boundStructures.set(structure, b);
  }
  return b;
}

/**
 * Waits until every worker in `slots` has acknowledged its new binding — imported the
 * structure's module and made its kernel — or failed to; all of them, so none is left
 * importing into the next call. A failure is `WORKER_FAILED` with the worker's reason
 * (which names the URL); past {@link bindTimeoutMs} the generation is retired, since a
 * worker still importing is in no known state.
 */
function awaitBindings(pool: Pool, slots: readonly number[], target: BoundStructure): void {
  const deadline = Date.now() + bindTimeoutMs();
  let failure: string | undefined;
  for (const slot of slots) {
    const w = pool.workers[slot];
    const version = w.bound?.version ?? 0;
    for (;;) {
      const v = Atomics.load(pool.acks, slot);
      if (v === version) break;
      if (v === -version) {
        failure ??= readErrorText(pool.errorText);
        w.bound = undefined;
        break;
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        retireCurrentPool();
        throw new UnrollError(
          'WORKER_FAILED',
          `a worker thread did not load structure '${target.name}' from ${target.module.url} (export '${target.module.exportName}') within ${bindTimeoutMs() / 1000} s; the threads were restarted. Check that importing that module finishes (no top-level await that waits on the main thread).`,
        );
      }
      Atomics.wait(pool.acks, slot, v, Math.min(left, 100));
    }
  }
  if (failure !== undefined) throw new UnrollError('WORKER_FAILED', `a worker thread could not rebuild the structure: ${failure}`);
}

function readErrorText(errorText: Uint8Array): string {
  const bytes = errorText.slice();
  const end = bytes.indexOf(0);
  return new TextDecoder().decode(end < 0 ? bytes : bytes.slice(0, end));
}

/** Rows 0 … T−1 of `from` (`width` numbers each) into rows T−1 … 0 of `to`. */
function copyRowsReversed(from: FloatArray, to: FloatArray, T: number, width: number): void {
  for (let t = 0; t < T; t++) {
    const src = t * width;
    const dst = (T - 1 - t) * width;
    for (let i = 0; i < width; i++) to[dst + i] = from[src + i];
  }
}

/** out ← the first out.length numbers of a (longer) staging array. */
function copyRows(from: FloatArray, out: FloatArray): void {
  const view = from instanceof Float32Array ? new Float32Array(from.buffer, 0, out.length) : new Float64Array(from.buffer, 0, out.length);
  out.set(view);
}

/** Waits until `control[index]` reaches `target` (each worker adds one when done): spins briefly, then sleeps. */
function waitFor(control: Int32Array, index: number, target: number): void {
  for (let spin = 0; spin < spinLimit; spin++) if (Atomics.load(control, index) >= target) return;
  for (;;) {
    const v = Atomics.load(control, index);
    if (v >= target) return;
    Atomics.wait(control, index, v, 100);
  }
}

/**
 * Whether P threads can beat one on this problem: enough work to amortise waking the
 * workers (`minWork` numbers), a few rows per thread, and a predicted speedup
 * (r + P)/(r + 1) of at least 10 %. Dense transitions with large D fail the last test
 * on two threads — the aggregate's matrix products cost D + 1 steps — and run on one.
 * `minWork` 0 forces threads whenever the rows allow. A function of the kernel, T, P
 * and `minWork` only: the decision never changes between identical calls.
 */
export function shouldThread(kernel: RecurrenceKernel, T: number, threads: number, minWork: number): boolean {
  if (threads < 2 || T < 4 * threads || T >= 2 ** 31) return false;
  if (minWork <= 0) return true;
  if (T * (kernel.width + kernel.dim) < minWork) return false;
  const r = kernel.aggregateCost;
  return (r + threads) / (r + 1) >= 1.1;
}
