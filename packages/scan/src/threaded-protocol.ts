import type { MessagePort } from 'node:worker_threads';
import type { FloatArray } from './float-array.js';
import type { StructureModule } from './structure.js';

/**
 * The shared-memory protocol between the main thread and the recurrence workers.
 *
 * Each worker runs one loop for its whole life: it sleeps on its signal slot, reads its
 * job's parameters from shared memory, runs phase 1, waits for the main thread's `go`,
 * runs phase 3, and sleeps again. The arrays a job works on (A, b, out, scratch) and the
 * structure's module address are sent once by message — a *binding* — and reused while
 * they stay the same, so a repeated call costs two wake-ups, not a message. They stay the
 * same for ordinary inputs (the pool's staging buffers hold them) and for a caller reusing
 * its own shared arrays.
 *
 * A binding is acknowledged: the main thread posts it, signals `Command.bind`, and waits
 * (with a timeout) until the worker writes the binding's version into its `acks` slot —
 * after importing the structure's module (asynchronously, once per address) and making
 * its kernel — or minus the version, with a message in the error bytes, when it could
 * not. Jobs therefore never wait on an import: by the time one is signalled, the worker
 * holds the binding and the kernel it needs.
 */

/** Slots of the per-call control array (reset by the main thread before each call). */
export const Control = {
  /** Workers that finished phase 1 (their segment's aggregate). */
  phase1Done: 0,
  /** Set to 1 by the main thread once the carries are written (or the call failed). */
  go: 1,
  /** Workers that finished the call (phase 3 done, or skipped after a failure). */
  phase3Done: 2,
  /** Set to 1 by whichever thread failed; a worker's message is in the error bytes. */
  failed: 3,
  length: 4,
} as const;

/**
 * Per-worker job parameters, `Param.length` int32 slots per worker. Integers on purpose:
 * row bounds read as doubles made the kernels' index arithmetic double-typed and the
 * worker's loops twice as slow. (Threaded calls therefore need T < 2^31 rows.)
 */
export const Param = {
  command: 0,
  /** `Command.bind`: the version to read and acknowledge; `Command.job`: the version the job runs on. */
  bindVersion: 1,
  /** Phase 1: aggregate rows [aggregateFrom, aggregateTo) into slot `aggregateSlot`. */
  aggregateFrom: 2,
  aggregateTo: 3,
  aggregateSlot: 4,
  /** Phase 3: states of rows [runFrom, runTo) from carry `runSlot`. */
  runFrom: 5,
  runTo: 6,
  runSlot: 7,
  length: 8,
} as const;

export const Command = { job: 1, shutdown: 2, bind: 3 } as const;

/**
 * Atomic loads a thread spins through before sleeping on a barrier (a few
 * microseconds): the threads are balanced to arrive together, and a futex wake-up costs
 * tens of microseconds.
 */
export const spinLimit = 4096;

/** What a worker is started with (`workerData`, its port transferred). */
export interface WorkerInit {
  readonly slot: number;
  /** Set to 1 at `slot` once the worker's script has loaded. */
  readonly ready: Int32Array;
  /** Bumped at `slot` by the main thread to hand the worker a job (or a binding). */
  readonly signals: Int32Array;
  /** At `slot`: the binding version the worker holds, or its negative when binding it failed. */
  readonly acks: Int32Array;
  readonly params: Int32Array;
  readonly control: Int32Array;
  readonly errorText: Uint8Array;
  readonly port: MessagePort;
}

/** What a worker needs to rebuild a structure, and what the rebuilt one must match. */
export interface BoundStructure {
  /** Identifies the address and the expected shape: equal keys, same structure. */
  readonly key: string;
  readonly module: StructureModule;
  readonly name: string;
  readonly dim: number;
  readonly width: number;
}

/** The structure and the arrays a job reads and writes, all in shared memory, sent when they change. */
export interface Binding {
  readonly version: number;
  readonly structure: BoundStructure;
  readonly A: FloatArray;
  readonly b: FloatArray;
  readonly out: FloatArray;
  /** Packed aggregates `(M_j, c_j)`, `width + D` numbers per slot. */
  readonly aggregates: Float64Array;
  /** Carry j = the state just before segment j, D numbers each. */
  readonly carries: Float64Array;
}
