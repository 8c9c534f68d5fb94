import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fixtureModule } from '../../test/worker-build.js';
import { solve } from '../solve.js';
import { ChunkHost } from './chunk-host.js';
import { poolOver } from './cpu-workers.js';
import type { ChunkCommand, ChunkReply, ChunkSetup, ChunkTransport } from './transport.js';
import { loadWorkerDynamics } from './worker-dynamics.js';

/**
 * A transport with no threads and no shared memory: P hosts in this thread, each with its
 * own copy of the solve's memory, and every reply, summary and start state copied as a
 * message between machines would be. The trajectory is the one thing a shared-memory
 * transport does not move; here each round moves exactly the rows a remote host would
 * need and owns (its chunk, and the border row before it) — so the pool's math is shown
 * to need nothing beyond the interface.
 */
class CopyingTransport implements ChunkTransport {
  readonly size: number;
  readonly #hosts: ChunkHost[] = [];
  #main: ChunkSetup | undefined;
  #copies: ChunkSetup[] = [];
  /** Numbers sent and received in rounds (not counting trajectory rows). */
  crossed = 0;

  constructor(size: number) {
    this.size = size;
    for (let i = 0; i < size; i++) this.#hosts.push(new ChunkHost());
  }

  async open(setup: ChunkSetup): Promise<void> {
    this.#main = setup;
    this.#copies = this.#hosts.map(() => ({ ...setup, memory: { ...setup.memory, current: setup.memory.current.slice(), A: setup.memory.A.slice(), b: setup.memory.b.slice() } }));
    await Promise.all(this.#hosts.map((h, i) => h.open(this.#copies[i])));
  }

  round<C extends ChunkCommand>(commands: readonly C[]): Promise<ChunkReply<C>[]> {
    const main = this.#main;
    if (main === undefined) throw new Error('round before open');
    const D = main.dim;
    const replies = commands.map((command, i) => {
      const mine = this.#copies[i].memory;
      // Send the rows this host reads: its chunk and the border row before it.
      const from = Math.max(0, command.t0 - 1) * D, to = command.t1 * D;
      mine.current.set(main.memory.current.subarray(from, to), from);
      const copy = structuredClone(command);
      this.crossed += 'start' in copy ? copy.start.length : 0;
      const reply = structuredClone(this.#hosts[i].run(copy)) as ChunkReply<C>;
      const summary = (reply as { summary?: ArrayLike<number> }).summary;
      this.crossed += summary?.length ?? 0;
      // Bring back the chunk's rows the host changed.
      if (command.op === 'update') main.memory.current.set(mine.current.subarray(command.t0 * D, command.t1 * D), command.t0 * D);
      return reply;
    });
    return Promise.resolve(replies);
  }

  release(): Promise<void> {
    for (const h of this.#hosts) h.release();
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

describe('the transport seam', () => {
  it('a transport that copies every message, with separate memory per host, gives solve\'s states and iterations', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 500 }), fc.constantFrom('quasi-deer', 'deer', 'jacobi', 'picard'), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 60 }), async (seed, method, P, T) => {
        const dyn = await loadWorkerDynamics({ module: fixtureModule, exportName: 'tanhRnn', args: [3, seed, 0.8] });
        const transport = new CopyingTransport(P);
        const pooled = await poolOver(transport).solve(dyn, [0.1, 0.2, 0.3], T, { method });
        const one = solve(dyn, [0.1, 0.2, 0.3], T, { method });
        expect(pooled.iterations).toBe(one.iterations);
        expect(pooled.converged).toBe(one.converged);
        let err = 0;
        for (let i = 0; i < one.states.length; i++) err = Math.max(err, Math.abs(pooled.states[i] - one.states[i]));
        expect(err).toBeLessThanOrEqual(1e-12);
        // Per iteration at most P − 1 summaries of W + D numbers and P start states of D.
        const W = method === 'deer' ? 9 : method === 'quasi-deer' ? 3 : 0;
        expect(transport.crossed).toBeLessThanOrEqual(pooled.iterations * ((P - 1) * (W + 3) + P * 3));
      }),
      { numRuns: 40, seed: 7 },
    );
  });
});
