import type { BuiltinSpec } from './builtin-structures.js';
import { dtypeOf, isShared, sharedFloatArray, type FloatArray } from './float-array.js';
import type { RecurrenceKernel } from './recurrence-kernel.js';
import type { Structure } from './structure.js';
import { acquirePool, type Pool } from './thread-pool.js';
import { Command, Control, Param, spinLimit } from './threaded-protocol.js';
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
 * r starts at the kernel's estimate (`aggregateCost`) and is then learned per structure
 * from the measured phase-1 times of earlier calls, so the split tracks the machine.
 */
export function threadedRecurrence(
  structure: Structure,
  spec: BuiltinSpec,
  kernel: RecurrenceKernel,
  A: FloatArray,
  b: FloatArray,
  s0: Float64Array,
  out: FloatArray,
  T: number,
  threads: number,
): void {
  const D = structure.dim;
  const W = structure.width;
  const P = threads;
  const key = costKey(spec, b);
  const r = aggregateCost(key, kernel);
  const S = Math.floor(T / (r + P));
  const L0 = T - P * S;
  const pool = acquirePool(P - 1);
  const { control, errorText, params, signals } = pool;

  // Workers see only shared memory: inputs that are not shared are copied once.
  const dtype = dtypeOf(b);
  const sA = W === 0 || isShared(A) ? A : copyToShared(A);
  const sb = isShared(b) ? b : copyToShared(b);
  const sOut = isShared(out) ? out : sharedFloatArray(dtype, out.length);
  const stride = W + D;
  const { aggregates, carries, timings } = scratchFor(pool, (P - 1) * stride, P * D, P);
  const segStart = (j: number): number => L0 + j * S;

  for (let i = 0; i < Control.length; i++) Atomics.store(control, i, 0);
  for (let i = 1; i < P; i++) {
    const slot = i - 1;
    const w = pool.workers[slot];
    let bound = w.bound;
    if (bound?.A !== sA || bound.b !== sb || bound.out !== sOut || bound.aggregates !== aggregates || JSON.stringify(bound.spec) !== JSON.stringify(spec)) {
      // New arrays: send them (once) before the job that needs them.
      bound = { version: pool.nextVersion++, spec, A: sA, b: sb, out: sOut, aggregates, carries, timings };
      w.bound = bound;
      w.port.postMessage(bound);
    }
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
    const started = performance.now();
    kernel.run(sA, sb, s0, 0, sOut, 0, L0);
    const runMs = performance.now() - started;
    waitFor(control, Control.phase1Done, P - 1);
    if (Atomics.load(control, Control.failed) === 0) {
      if (L0 > 0) learn(key, r, runMs / L0, timings, P - 1, S);
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
    const bytes = errorText.slice();
    const end = bytes.indexOf(0);
    const message = new TextDecoder().decode(end < 0 ? bytes : bytes.slice(0, end));
    throw new UnrollError('WORKER_FAILED', `a worker thread failed: ${message}`);
  }
  if (sOut !== out) out.set(sOut);
}

/** The pool's scratch, grown (and so rebound) when this call needs more. */
function scratchFor(pool: Pool, aggregateLength: number, carryLength: number, timingLength: number): NonNullable<Pool['scratch']> {
  const s = pool.scratch;
  if (s !== undefined && s.aggregates.length >= aggregateLength && s.carries.length >= carryLength && s.timings.length >= timingLength) return s;
  const grown = {
    aggregates: new Float64Array(new SharedArrayBuffer(8 * Math.max(aggregateLength, 2 * (s?.aggregates.length ?? 0)))),
    carries: new Float64Array(new SharedArrayBuffer(8 * Math.max(carryLength, 2 * (s?.carries.length ?? 0)))),
    timings: new Float64Array(new SharedArrayBuffer(8 * Math.max(timingLength, s?.timings.length ?? 0))),
  };
  pool.scratch = grown;
  return grown;
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


/** Learned aggregate-to-run cost ratios, per structure and dtype. */
const learnedCost = new Map<string, number>();

function costKey(spec: BuiltinSpec, b: FloatArray): string {
  return `${JSON.stringify(spec)}:${dtypeOf(b)}`;
}

/** The current estimate of r for this structure: learned, else the kernel's guess. */
function aggregateCost(key: string, kernel: RecurrenceKernel): number {
  return learnedCost.get(key) ?? kernel.aggregateCost;
}

/**
 * Folds this call's measured ratio into the estimate. Calls too short to time
 * reliably (under ~0.5 ms per phase) teach nothing.
 */
function learn(key: string, r: number, runMsPerRow: number, timings: Float64Array, workers: number, rows: number): void {
  if (!(runMsPerRow > 0) || rows <= 0) return;
  let aggregateMs = 0;
  for (let i = 0; i < workers; i++) aggregateMs = Math.max(aggregateMs, timings[i]);
  if (aggregateMs < 0.5 || runMsPerRow * rows < 0.5) return;
  const observed = aggregateMs / rows / runMsPerRow;
  learnedCost.set(key, Math.min(1000, Math.max(0.05, 0.5 * r + 0.5 * observed)));
}

/**
 * Whether P threads can beat one on this problem: enough work to amortise waking the
 * workers (`minWork` numbers), a few rows per thread, and a predicted speedup
 * (r + P)/(r + 1) of at least 10 %. Dense transitions with large D fail the last test
 * on two threads — the aggregate's matrix products cost D + 1 steps — and run on one.
 * `minWork` 0 forces threads whenever the rows allow.
 */
export function shouldThread(spec: BuiltinSpec, kernel: RecurrenceKernel, b: FloatArray, T: number, threads: number, minWork: number): boolean {
  if (threads < 2 || T < 4 * threads || T >= 2 ** 31) return false;
  if (minWork <= 0) return true;
  if (T * (kernel.width + kernel.dim) < minWork) return false;
  const r = aggregateCost(costKey(spec, b), kernel);
  return (r + threads) / (r + 1) >= 1.1;
}

function copyToShared(x: FloatArray): FloatArray {
  const y = sharedFloatArray(dtypeOf(x), x.length);
  y.set(x);
  return y;
}
