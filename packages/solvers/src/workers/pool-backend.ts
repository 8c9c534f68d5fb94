import { UnrollError, type FloatArray, type Structure } from '@unroll/scan';
import type { FixedPointBackend, UpdateMeasure } from '../fixed-point-backend.js';
import { nanMax } from '../nan-max.js';
import type { Work } from '../resumable-work.js';
import { isAllFinite, rolloutInBlocks } from '../sequential-rollout.js';
import type { FinalResidual } from '../stopping-policy.js';
import type { Dynamics } from '@unroll/linearize';
import type { RunSettings } from '../cpu-backend.js';
import { chunkStarts, splitRows, type Chunk } from './chunk-plan.js';
import type { SharedSolveMemory } from './chunk-solver.js';
import type { ChunkCommand, ChunkReply, ChunkTransport } from './transport.js';
import { enterWindow } from '../iteration-rows.js';

/**
 * The worker pool's backend of the fixed-point driver (`driveFixedPoint`): the iteration
 * parallel over t. Each window is split into P contiguous chunks, and per iteration
 *
 *     linearize  (round 1, in every worker) f_t, Ã_t, b_t and the merit of its chunk, then
 *                the chunk's affine summary (A_c, b_c) — eq. 4 of the unifying framework,
 *                and the first level of a two-level scan;
 *     solve      (here) the sequential scan over the P summaries: each chunk's start state;
 *     update     (round 2, in every worker) the fix-up — the recurrence over the chunk
 *                from its start state — then resets, change and converged prefix, as
 *                the CPU backend's update, on the chunk's rows.
 *
 * The candidate is never materialised between `solve` and `update`: `solve` computes what
 * the chunks need (P start states), and the fix-up writes the states where `update`
 * measures them, in one pass. What the driver sees is the CPU backend's contract.
 */
export class PoolBackend implements FixedPointBackend {
  readonly #where: string;
  readonly #dyn: Dynamics;
  readonly #T: number;
  readonly #D: number;
  readonly #structure: Structure;
  readonly #settings: RunSettings;
  readonly #transport: ChunkTransport;
  readonly #mem: SharedSolveMemory;
  readonly #start: FloatArray;
  #current: FloatArray;
  #chunks: Chunk[] = [];
  #summaries: FloatArray[] = [];
  #starts: FloatArray[] = [];
  /** Rows that have been inside a window (for `windowEntry: 'previous'`). */
  #entered = 0;

  constructor(where: string, dyn: Dynamics, T: number, structure: Structure, settings: RunSettings, transport: ChunkTransport, mem: SharedSolveMemory) {
    this.#where = where;
    this.#dyn = dyn;
    this.#T = T;
    this.#D = dyn.dim;
    this.#structure = structure;
    this.#settings = settings;
    this.#transport = transport;
    this.#mem = mem;
    this.#current = mem.current;
    this.#start = mem.s0 instanceof Float32Array ? new Float32Array(this.#D) : new Float64Array(this.#D);
  }

  /** The current trajectory `[T][D]` (shared memory; the fallback's rollout after `fallback`). */
  get states(): FloatArray {
    return this.#current;
  }

  // eslint-disable-next-line require-yield -- D numbers, here: nothing to wait for.
  *windowStartFinite(ws: number): Work<boolean> {
    const D = this.#D;
    for (let i = 0; i < D; i++) this.#start[i] = ws === 0 ? this.#mem.s0[i] : this.#current[(ws - 1) * D + i];
    return isAllFinite(this.#start, 0, D);
  }

  *linearize(ws: number, we: number): Work<number> {
    const D = this.#D, cur = this.#current;
    if (this.#settings.windowEntry === 'previous') this.#entered = enterWindow(cur, D, this.#entered, we);
    this.#chunks = splitRows(ws, we, this.#transport.size);
    const last = this.#chunks.length - 1;
    const replies = yield* this.#round(this.#chunks.map(({ t0, t1 }, k) => ({ op: 'linearize' as const, ws, t0, t1, summarize: k < last })));
    let merit = 0;
    this.#summaries = [];
    for (const r of replies) {
      merit += r.meritSum;
      if (r.summary !== undefined) this.#summaries.push(r.summary);
    }
    return merit / (we - ws);
  }

  // eslint-disable-next-line require-yield -- P small elements, here.
  *solve(): Work<void> {
    this.#starts = chunkStarts(this.#structure, this.#start, this.#summaries);
  }

  *update(ws: number, we: number): Work<UpdateMeasure> {
    const replies = yield* this.#round(this.#chunks.map(({ t0, t1 }, k) => ({ op: 'update' as const, ws, t0, t1, start: this.#starts[k] })));
    let delta = 0, resets = 0, prefix = -1;
    for (let k = 0; k < replies.length; k++) {
      const r = replies[k], c = this.#chunks[k];
      delta = nanMax(delta, r.delta);
      resets += r.resets;
      if (prefix < 0 && r.prefix < c.t1 - c.t0) prefix = c.t0 + r.prefix;
    }
    return { delta, resets, convergedPrefix: prefix < 0 ? we : prefix, firstRowReset: replies[0].firstRowReset };
  }

  *residual(): Work<FinalResidual> {
    const replies = yield* this.#round(splitRows(0, this.#T, this.#transport.size).map(({ t0, t1 }) => ({ op: 'residual' as const, t0, t1 })));
    let merit = 0, maxResidual = 0, finite = true;
    for (const r of replies) {
      merit += r.meritSum;
      maxResidual = nanMax(maxResidual, r.maxResidual);
      finite &&= r.finite;
    }
    return { merit: merit / this.#T, maxResidual, finite };
  }

  /** The sequential rollout, here, into a new array (the workers are not needed for it). */
  *fallback(): Work<boolean> {
    const states = this.#current instanceof Float32Array ? new Float32Array(this.#T * this.#D) : new Float64Array(this.#T * this.#D);
    yield* rolloutInBlocks(this.#dyn, this.#mem.s0, this.#T, states, Math.max(1, Math.floor(2 ** 10 / this.#D)));
    this.#current = states;
    return isAllFinite(states, 0, states.length);
  }

  /** One round on the transport, awaited by the driver's runner; an abort that fired meanwhile stops here. */
  *#round<C extends ChunkCommand>(commands: C[]): Work<ChunkReply<C>[]> {
    const replies = (yield this.#transport.round(commands)) as ChunkReply<C>[];
    const signal = this.#settings.signal;
    if (signal?.aborted === true) throw new UnrollError('ABORTED', `${this.#where}: aborted by its signal.`, { cause: signal.reason });
    return replies;
  }
}
