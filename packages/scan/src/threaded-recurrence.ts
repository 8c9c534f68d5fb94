import type { BuiltinSpec } from './builtin-structures.js';
import { dtypeOf, isShared, sharedFloatArray, type FloatArray } from './float-array.js';
import type { RecurrenceKernel } from './recurrence-kernel.js';
import type { Structure } from './structure.js';
import { acquireWorkers } from './thread-pool.js';
import { Control, type WorkerJob } from './threaded-protocol.js';
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
 * An aggregate step costs `r = kernel.aggregateCost` run steps, so with segments of
 * S = T / (r + P) rows and L₀ = r·S phase 1 takes L₀ run-steps on every thread and the
 * whole recurrence takes about (r + 1)·S: a speedup of (r + P)/(r + 1) over one thread
 * (1.5× for diagonal on two threads when memory keeps up; more where one thread is
 * latency-bound). The plain three-phase scheme, which aggregates every chunk, cannot
 * beat one thread on two cores when r ≈ 1.
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
  const S = Math.floor(T / (kernel.aggregateCost + P));
  const L0 = T - P * S;
  const workers = acquireWorkers(P - 1);

  // Workers see only shared memory: inputs that are not shared are copied once.
  const dtype = dtypeOf(b);
  const sA = W === 0 || isShared(A) ? A : copyToShared(A);
  const sb = isShared(b) ? b : copyToShared(b);
  const sOut = isShared(out) ? out : sharedFloatArray(dtype, out.length);

  const stride = W + D;
  const control = new Int32Array(new SharedArrayBuffer(4 * Control.length));
  const errorText = new Uint8Array(new SharedArrayBuffer(512));
  const aggregates = new Float64Array(new SharedArrayBuffer(8 * Math.max(1, (P - 1) * stride)));
  const carries = new Float64Array(new SharedArrayBuffer(8 * P * D));
  const segStart = (j: number): number => L0 + j * S;

  for (let i = 1; i < P; i++) {
    const job: WorkerJob = {
      control,
      errorText,
      spec,
      A: sA,
      b: sb,
      out: sOut,
      aggregates,
      carries,
      aggregateFrom: segStart(i - 1),
      aggregateTo: segStart(i),
      aggregateSlot: i - 1,
      runFrom: segStart(i),
      runTo: i === P - 1 ? T : segStart(i + 1),
      runSlot: i,
    };
    workers[i - 1]?.postMessage(job);
  }

  try {
    // Phase 1 (main): the leading rows straight from s0.
    kernel.run(sA, sb, s0, 0, sOut, 0, L0);
    waitFor(control, Control.phase1Done, P - 1, errorText);

    // Phase 2 (main): carries into each segment.
    if (L0 > 0) for (let i = 0; i < D; i++) carries[i] = sOut[(L0 - 1) * D + i];
    else carries.set(s0);
    for (let j = 0; j + 1 < P; j++) {
      const m = j * stride;
      structure.apply(aggregates, m, carries, j * D, carries, (j + 1) * D);
      for (let i = 0; i < D; i++) carries[(j + 1) * D + i] += aggregates[m + W + i];
    }
  } finally {
    // Release the workers even when phase 1 failed, so none is left waiting.
    Atomics.store(control, Control.go, 1);
    Atomics.notify(control, Control.go);
  }

  // Phase 3 (main): segment 0.
  kernel.run(sA, sb, carries, 0, sOut, segStart(0), segStart(1));
  waitFor(control, Control.phase3Done, P - 1, errorText);
  if (sOut !== out) out.set(sOut);
}

function copyToShared(x: FloatArray): FloatArray {
  const y = sharedFloatArray(dtypeOf(x), x.length);
  y.set(x);
  return y;
}

function waitFor(control: Int32Array, index: number, target: number, errorText: Uint8Array): void {
  for (;;) {
    if (Atomics.load(control, Control.failed) !== 0) {
      const bytes = errorText.slice();
      const end = bytes.indexOf(0);
      const message = new TextDecoder().decode(end < 0 ? bytes : bytes.slice(0, end));
      throw new UnrollError('WORKER_FAILED', `a worker thread failed: ${message}`);
    }
    const v = Atomics.load(control, index);
    if (v >= target) return;
    Atomics.wait(control, index, v, 100);
  }
}
