import { UnrollError, type Structure } from '@unroll/scan';
import { ChunkSolver } from './chunk-solver.js';
import { strategyFromRecipe } from './strategy-recipe.js';
import type { ChunkCommand, ChunkSetup } from './transport.js';
import { buildFromModule } from './worker-dynamics.js';
import type { RecurrenceKernel } from '@unroll/scan';

/**
 * The worker side of any transport: builds a solve's `ChunkSolver` from its setup (the
 * dynamics from their module, the strategy from the method's recipe) and runs commands
 * on it. A worker thread (cpu-worker.ts) wires it to its port; a worker process or a
 * remote machine would wire it to theirs.
 */
export class ChunkHost {
  #solver: ChunkSolver | undefined;

  /** Builds the solve's chunk solver. @throws {UnrollError} when the module does not give a dynamics of the right dimension. */
  async open(setup: ChunkSetup): Promise<void> {
    this.#solver = undefined;
    const where = 'createCpuWorkers: a worker';
    const dyn = await buildFromModule(where, setup.dynamics);
    if (dyn.dim !== setup.dim) {
      throw new UnrollError('DIMENSION_MISMATCH', `${where}: ${setup.dynamics.exportName}(…) from ${setup.dynamics.url} built a dynamics of dim ${dyn.dim}, but the solve's dynamics has dim ${setup.dim}; the worker module must build the same system (check its args).`);
    }
    const strategy = strategyFromRecipe(setup.recipe);
    const structure: Structure = strategy.structure(dyn.dim);
    const kernel: RecurrenceKernel | undefined = structure.kernel?.();
    if (kernel === undefined) throw new UnrollError('UNSUPPORTED', `${where}: structure '${structure.name}' has no recurrence kernel.`);
    this.#solver = new ChunkSolver(dyn, strategy.prepare(dyn), structure, kernel, setup.memory, setup.controls);
  }

  /** Runs one command of a round. */
  run(command: ChunkCommand): unknown {
    const s = this.#solver;
    if (s === undefined) throw new UnrollError('WORKER_FAILED', 'createCpuWorkers: a worker got a command before its solve was set up.');
    switch (command.op) {
      case 'linearize':
        return s.linearize(command.ws, command.t0, command.t1, command.summarize);
      case 'update':
        return s.update(command.ws, command.t0, command.t1, command.start);
      case 'residual':
        return s.residual(command.t0, command.t1);
    }
  }

  /** Drops the solve (and the worker's references to its memory). */
  release(): void {
    this.#solver = undefined;
  }
}
