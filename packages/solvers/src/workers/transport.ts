import type { LinearizationRecipe } from '../methods.js';
import type { ChunkControls, ChunkLinearization, ChunkResidual, ChunkUpdate, SharedSolveMemory } from './chunk-solver.js';
import type { FloatArray } from '@unroll/scan';
import type { ResolvedWorkerModule } from './worker-dynamics.js';

/** What every worker of a pool solve is given once, when the solve starts. */
export interface ChunkSetup {
  /** Where the worker builds the dynamics from. */
  readonly dynamics: ResolvedWorkerModule;
  /** The state dimension the dynamics must have. */
  readonly dim: number;
  /** How Ã_t is formed (the method's recipe). */
  readonly recipe: LinearizationRecipe;
  /** The solve's memory: shared (never copied) by a shared-memory transport. */
  readonly memory: SharedSolveMemory;
  /** The run controls the update reads. */
  readonly controls: ChunkControls;
}

/** One worker's part of a round: rows `[t0, t1)` of the window starting at `ws`. */
export type ChunkCommand =
  | {
      /** Evaluate, linearize and (if `summarize`) reduce the chunk to its affine summary. */
      readonly op: 'linearize';
      readonly ws: number;
      readonly t0: number;
      readonly t1: number;
      readonly summarize: boolean;
    }
  | {
      /** Fix up the chunk's states from `start` (D numbers), reset, measure, take. */
      readonly op: 'update';
      readonly ws: number;
      readonly t0: number;
      readonly t1: number;
      readonly start: FloatArray;
    }
  | {
      /** Measure the residual of the chunk's rows. */
      readonly op: 'residual';
      readonly t0: number;
      readonly t1: number;
    };

/** The reply to a command. */
export type ChunkReply<C extends ChunkCommand> = C['op'] extends 'linearize' ? ChunkLinearization : C['op'] extends 'update' ? ChunkUpdate : ChunkResidual;

/**
 * How a pool's main side reaches its workers — everything that crosses between them goes
 * through these four calls, so a transport between processes or machines can replace the
 * in-process one (`threadTransport`) without touching the math (`ChunkSolver` on the
 * worker side, the pool backend on the main side). Per iteration two rounds cross: the
 * linearization's P summaries (W + D numbers each) come back, and P start states (D
 * each) go out with the update; the residual sweep is one more round at the end.
 *
 * A shared-memory transport hands the workers the trajectory once (`open`); one between
 * machines would also exchange the chunk borders (one row of D numbers per chunk) with
 * each round, since chunk k linearizes its first row at the last row of chunk k − 1.
 */
export interface ChunkTransport {
  /** Workers available (P): a round has at most this many commands. */
  readonly size: number;
  /** Starts the workers if needed and gives each the solve's setup; resolves when all have built the dynamics. */
  open(setup: ChunkSetup): Promise<void>;
  /** Sends command i to worker i and resolves to their replies, in order; rejects with the first failure. */
  round<C extends ChunkCommand>(commands: readonly C[]): Promise<ChunkReply<C>[]>;
  /** Ends the solve: the workers drop its memory. */
  release(): Promise<void>;
  /** Stops the workers; the transport cannot be used afterwards. */
  close(): Promise<void>;
}
