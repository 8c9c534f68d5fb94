import type { BuiltinSpec } from './builtin-structures.js';
import type { FloatArray } from './float-array.js';

/** Slots of the shared control array one threaded recurrence uses. */
export const Control = {
  /** Workers that finished phase 1 (their segment's aggregate). */
  phase1Done: 0,
  /** Set to 1 by the main thread once the carries are written. */
  go: 1,
  /** Workers that finished phase 3 (their segment's states). */
  phase3Done: 2,
  /** Set to 1 by a worker that threw; its message is in the job's error bytes. */
  failed: 3,
  length: 4,
} as const;

/** What the main thread posts to one worker (all arrays share memory with the main thread). */
export interface WorkerJob {
  readonly control: Int32Array;
  readonly errorText: Uint8Array;
  readonly spec: BuiltinSpec;
  readonly A: FloatArray;
  readonly b: FloatArray;
  readonly out: FloatArray;
  /** Packed aggregates `(M_j, c_j)` of segments 0 … P−2, each `width + D` numbers. */
  readonly aggregates: Float64Array;
  /** Per worker slot: milliseconds its phase-1 aggregate took (for load balancing). */
  readonly timings: Float64Array;
  /** Carry j = the state just before segment j, D numbers each. */
  readonly carries: Float64Array;
  /** Phase 1: aggregate rows [aggregateFrom, aggregateTo) into slot `aggregateSlot` (skipped when empty). */
  readonly aggregateFrom: number;
  readonly aggregateTo: number;
  readonly aggregateSlot: number;
  /** Phase 3: states of rows [runFrom, runTo) starting from carry `runSlot`. */
  readonly runFrom: number;
  readonly runTo: number;
  readonly runSlot: number;
}
