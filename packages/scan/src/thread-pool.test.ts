import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { fill, maxRelErr, uniform } from '../test/helpers.js';
import { diagonal, linearRecurrence, sharedFloatArray, shutdownThreads } from './index.js';
import { setPinnedLimit, threadPoolState } from './thread-pool.js';

afterEach(() => {
  setPinnedLimit(undefined);
});

afterAll(async () => {
  await shutdownThreads();
});

const threaded = { threads: 2, parallelThreshold: 0 } as const;
const packageRoot = join(import.meta.dirname, '..');

/** A diagonal(D) problem over fresh arrays (ordinary, or shared when `shared`). */
function fresh(D: number, T: number, seed: number, shared = false) {
  const rand = uniform(seed);
  const make = (n: number) => (shared ? sharedFloatArray('float64', n) : new Float64Array(n));
  const A = make(T * D);
  const b = make(T * D);
  for (let i = 0; i < A.length; i++) {
    A[i] = 0.5 + 0.5 * rand();
    b[i] = rand();
  }
  return { A, b, s0: Array.from(fill(D, rand)) };
}

describe('thread pool memory', () => {
  it('linearRecurrence(…, { threads: 2 }) keeps RSS flat over 60 calls on fresh 600k-number arrays, ordinary or shared (child process)', () => {
    // Before the pool staged ordinary inputs and budgeted caller buffers, RSS grew by
    // about 14 MB a call (≈ 850 MB here) until shutdownThreads().
    const output = execFileSync(process.execPath, ['--expose-gc', join('bench', 'thread-memory.mjs'), '--calls', '60', '--json'], {
      cwd: packageRoot,
      encoding: 'utf8',
    });
    const results = JSON.parse(output) as { kind: string; beforeMB: number; peakMB: number; afterMB: number }[];
    expect(results.map((r) => r.kind)).toEqual(['ordinary', 'shared']);
    for (const r of results) {
      expect(r.peakMB - r.beforeMB, `${r.kind}: RSS ${r.beforeMB} MB → peak ${r.peakMB} MB`).toBeLessThan(300);
    }
  });

  it('linearRecurrence(…, { threads: 2 }) on fresh ordinary arrays binds the same staging buffers every call', () => {
    const D = 4, T = 20_000;
    linearRecurrence(diagonal(D), fresh(D, T, 1).A, fresh(D, T, 1).b, [0, 0, 0, 0], threaded);
    const first = threadPoolState();
    for (let call = 0; call < 20; call++) {
      const { A, b, s0 } = fresh(D, T, 100 + call);
      const got = linearRecurrence(diagonal(D), A, b, s0, threaded);
      expect(maxRelErr(got, linearRecurrence(diagonal(D), A, b, s0))).toBeLessThan(1e-9);
    }
    const last = threadPoolState();
    expect(last.generation).toBe(first.generation);
    expect(last.bindings).toBe(first.bindings); // no new message to the workers
    expect(last.stagingBytes).toBe(first.stagingBytes);
    expect(last.pinnedBytes).toBe(0);
  });

  it('linearRecurrence(…, { threads: 2 }) grows the staging buffers geometrically, not per call', () => {
    const D = 2;
    const sizes: number[] = [];
    let largest = 0;
    for (let T = 1000; T <= 64_000; T += 3000) {
      const { A, b, s0 } = fresh(D, T, T);
      linearRecurrence(diagonal(D), A, b, s0, threaded);
      sizes.push(threadPoolState().stagingBytes);
      largest = 8 * T * D;
    }
    // 22 growing calls, a handful of sizes; never more than twice what A, b and out need.
    expect(new Set(sizes).size).toBeLessThanOrEqual(7);
    expect(threadPoolState().stagingBytes).toBeLessThanOrEqual(2 * 3 * largest + 4096);
  });

  it('linearRecurrence(…, { threads: 2 }) reads reused shared arrays in place: no copy budget spent after the first call', () => {
    const D = 3, T = 10_000;
    const { A, b, s0 } = fresh(D, T, 7, true);
    const out = sharedFloatArray('float64', T * D);
    linearRecurrence(diagonal(D), A, b, s0, { ...threaded, out });
    const first = threadPoolState();
    for (let call = 0; call < 10; call++) {
      b[call] += 1; // the workers see the caller's memory, changed between calls
      linearRecurrence(diagonal(D), A, b, s0, { ...threaded, out });
      expect(maxRelErr(out, linearRecurrence(diagonal(D), A, b, s0))).toBeLessThan(1e-9);
    }
    const last = threadPoolState();
    expect(last.pinnedBytes).toBe(first.pinnedBytes);
    expect(last.bindings).toBe(first.bindings);
    expect(last.generation).toBe(first.generation);
  });

  it('linearRecurrence(…, { threads: 2 }) on fresh shared arrays bounds what the workers pin: one fresh generation, then copies until the event loop turns; results stay right', async () => {
    await shutdownThreads();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const D = 4, T = 8192; // 256 KiB per array
    const limit = 2 ** 20;
    setPinnedLimit(limit);
    const start = threadPoolState().generation;
    const loop = (calls: number, seed: number) => {
      for (let call = 0; call < calls; call++) {
        const { A, b, s0 } = fresh(D, T, seed + call, true);
        const out = call % 2 === 0 ? sharedFloatArray('float64', T * D) : undefined;
        const got = linearRecurrence(diagonal(D), A, b, s0, out === undefined ? threaded : { ...threaded, out });
        expect(maxRelErr(got, linearRecurrence(diagonal(D), A, b, s0))).toBeLessThan(1e-9);
        // Garbage within the limit, plus this call's own buffers (at most 3 × 256 KiB).
        expect(threadPoolState().pinnedBytes).toBeLessThanOrEqual(limit + 3 * 8 * T * D);
      }
    };
    loop(24, 500); // synchronous: one retirement, then the new buffers are copied
    expect(threadPoolState().generation).toBe(start + 2);
    await new Promise((resolve) => setTimeout(resolve, 50)); // the retired workers exit
    loop(24, 900); // the event loop has turned: past the limit again, a fresh generation
    expect(threadPoolState().generation).toBe(start + 3);
  });

  it('linearRecurrence(…, { threads: 2 }) uses reused shared buffers larger than the limit in place, and a new set of them after a fresh generation', async () => {
    await shutdownThreads();
    setPinnedLimit(1024);
    const D = 2, T = 50_000;
    const solve = (seed: number) => {
      const { A, b, s0 } = fresh(D, T, seed, true);
      const out = sharedFloatArray('float64', T * D);
      for (let iteration = 0; iteration < 3; iteration++) {
        linearRecurrence(diagonal(D), A, b, s0, { ...threaded, out });
        expect(maxRelErr(out, linearRecurrence(diagonal(D), A, b, s0))).toBeLessThan(1e-9);
        expect(threadPoolState().pinnedBytes).toBe(3 * 8 * T * D); // A, b and out, in place
      }
    };
    const start = threadPoolState().generation;
    solve(1);
    expect(threadPoolState().generation).toBe(start + 1);
    solve(2); // the first set is garbage now, past the limit: a fresh generation
    expect(threadPoolState().generation).toBe(start + 2);
    expect(threadPoolState().stagingBytes).toBeLessThan(4096); // nothing was copied
  });

  it('shutdownThreads() drops the workers and the staging buffers; the next threaded call starts afresh', async () => {
    const { A, b, s0 } = fresh(2, 5000, 3);
    linearRecurrence(diagonal(2), A, b, s0, threaded);
    await shutdownThreads();
    expect(threadPoolState()).toMatchObject({ workers: 0, stagingBytes: 0, pinnedBytes: 0 });
    expect(maxRelErr(linearRecurrence(diagonal(2), A, b, s0, threaded), linearRecurrence(diagonal(2), A, b, s0))).toBeLessThan(1e-9);
  });
});
