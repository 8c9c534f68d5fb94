import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { fill, maxRelErr, randomMatrices, referenceRecurrence, uniform } from '../test/helpers.js';
import { impostor, pairRotation } from '../test/fixtures/rotation-structure.mjs';
import { checkStructureLaws, checkStructureModule, defineStructure, diagonal, linearRecurrence, permutation, sharedFloatArray, shutdownThreads, type Structure } from './index.js';
import { setBindTimeout, threadPoolState } from './thread-pool.js';
import { threadedRunCount } from './threaded-recurrence.js';

afterEach(() => {
  setBindTimeout(undefined);
});

afterAll(async () => {
  await shutdownThreads();
});

const threaded = { threads: 2, parallelThreshold: 0 } as const;
const fixtures = new URL('../test/fixtures/', import.meta.url);

function problem(s: Structure, T: number, seed: number) {
  const rand = uniform(seed);
  const A = randomMatrices(s, T, rand, 1);
  const b = fill(T * s.dim, rand);
  const s0 = Array.from(fill(s.dim, rand));
  return { A, b, s0 };
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function bits(x: Float64Array | Float32Array): string {
  return Buffer.from(x.buffer, x.byteOffset, x.byteLength).toString('base64');
}

const code = (c: string, message: RegExp) => expect.objectContaining({ code: c, message: expect.stringMatching(message) as string }) as Error;

describe('custom structures on worker threads', () => {
  it('pairRotation(D) from a module file obeys the structure laws, and its module address rebuilds it (checkStructureModule)', async () => {
    for (const D of [2, 4, 6]) {
      expect(checkStructureLaws(pairRotation(D), { seed: D }).failures).toEqual([]);
      expect((await checkStructureModule(pairRotation(D), { trials: 5 })).failures).toEqual([]);
    }
  });

  it('linearRecurrence(pairRotation(D), …, { threads: 2 }) runs on the workers and equals the dense sequential reference within rounding', () => {
    for (const [D, T] of [[2, 3001], [4, 20_000], [6, 777]] as const) {
      const s = pairRotation(D);
      const { A, b, s0 } = problem(s, T, D);
      const runs = threadedRunCount();
      const got = linearRecurrence(s, A, b, s0, threaded);
      expect(threadedRunCount()).toBe(runs + 1); // the threaded path ran
      expect(maxRelErr(got, referenceRecurrence(s, A, b, s0))).toBeLessThan(1e-9);
      expect(maxRelErr(got, linearRecurrence(s, A, b, s0))).toBeLessThan(1e-9);
    }
  });

  it('linearRecurrence(pairRotation(4), …, { threads: 2 or 3 }) gives the same bits on repeated calls, fresh structure objects or not', () => {
    const T = 50_000;
    const { A, b, s0 } = problem(pairRotation(4), T, 11);
    for (const threads of [2, 3]) {
      const reused = pairRotation(4);
      const first = linearRecurrence(reused, A, b, s0, { threads, parallelThreshold: 0 });
      for (let call = 0; call < 5; call++) {
        const s = call % 2 === 0 ? pairRotation(4) : reused;
        expect(bits(linearRecurrence(s, A, b, s0, { threads, parallelThreshold: 0 }))).toBe(bits(first));
      }
    }
  });

  it('linearRecurrence(…, { threads: 2 }) imports a structure module once per worker: switching structures rebinds, switching back reuses the loaded kernel', () => {
    const T = 4000;
    const rot = pairRotation(2);
    const diag = diagonal(2);
    const p1 = problem(rot, T, 1);
    const p2 = problem(diag, T, 2);
    for (let round = 0; round < 3; round++) {
      expect(maxRelErr(linearRecurrence(rot, p1.A, p1.b, p1.s0, threaded), linearRecurrence(rot, p1.A, p1.b, p1.s0))).toBeLessThan(1e-9);
      expect(maxRelErr(linearRecurrence(diag, p2.A, p2.b, p2.s0, threaded), linearRecurrence(diag, p2.A, p2.b, p2.s0))).toBeLessThan(1e-9);
    }
    // Same arrays, same structure: no new binding.
    const before = threadPoolState().bindings;
    linearRecurrence(diag, p2.A, p2.b, p2.s0, threaded);
    expect(threadPoolState().bindings).toBe(before);
  });

  it('linearRecurrence(custom, …, { threads: 2 }) works in place on shared arrays (out = b)', () => {
    const s = pairRotation(4);
    const T = 9000;
    const { A, b, s0 } = problem(s, T, 5);
    const want = linearRecurrence(s, A, b, s0);
    const inPlace = sharedFloatArray('float64', b.length);
    inPlace.set(b);
    expect(linearRecurrence(s, A, inPlace, s0, { ...threaded, out: inPlace })).toBe(inPlace);
    expect(maxRelErr(inPlace, want)).toBeLessThan(1e-9);
  });

  it('linearRecurrence(permutation(D), …, { threads: 2 }) rebuilds the built-in permutation on the workers', () => {
    const D = 5, T = 30_000;
    const s = permutation(D);
    const rand = uniform(3);
    const A = new Float64Array(T * D);
    for (let t = 0; t < T; t++) s.sample?.(() => (rand() + 1) / 2, A, t * D);
    const b = fill(T * D, rand);
    const s0 = [1, 2, 3, 4, 5];
    const got = linearRecurrence(s, A, b, s0, threaded);
    expect(maxRelErr(got, referenceRecurrence(s, A, b, s0))).toBeLessThan(1e-9);
  });

  it('linearRecurrence(inline custom, …, { threads: 2 }) is UNSUPPORTED with a message that says how to give it a module', () => {
    const inline = defineStructure({ ...pairRotation(2), name: 'inline', module: undefined as never });
    const { A, b, s0 } = problem(inline, 100, 1);
    expect(() => linearRecurrence(inline, A, b, s0, { threads: 2 })).toThrow(code('UNSUPPORTED', /no module address.*module: \{ url: import\.meta\.url, exportName: 'myStructure', args: \[D\] \}/));
    expect(maxRelErr(linearRecurrence(inline, A, b, s0), referenceRecurrence(inline, A, b, s0))).toBeLessThan(1e-12);
  });

  it('a spread copy of a built-in keeps its operations but not its kernel or module: on threads it is UNSUPPORTED, not run as the built-in', () => {
    const copy = defineStructure({ ...diagonal(2), name: 'my-diagonal' });
    expect('kernel' in copy).toBe(false);
    expect(copy.module).toBeUndefined();
    expect(typeof copy.transpose).toBe('function'); // an operation: copied
    const { A, b, s0 } = problem(copy, 64, 2);
    expect(() => linearRecurrence(copy, A, b, s0, { threads: 2 })).toThrow(code('UNSUPPORTED', /my-diagonal/));
  });

  it('linearRecurrence(…, { threads: 2 }) reports a module that cannot be imported, or lacks the export, as WORKER_FAILED naming the URL — and the pool keeps working', () => {
    const base = pairRotation(2);
    const { A, b, s0 } = problem(base, 500, 4);
    const missingFile = new URL('does-not-exist.mjs', fixtures).href;
    const noFile = defineStructure({ ...base, module: { url: missingFile, exportName: 'pairRotation', args: [2] } });
    expect(() => linearRecurrence(noFile, A, b, s0, threaded)).toThrow(code('WORKER_FAILED', new RegExp(`module ${escape(missingFile)}, export 'pairRotation': the worker could not import the module`)));
    const noExport = defineStructure({ ...base, module: { url: new URL('rotation-structure.mjs', fixtures).href, exportName: 'nothingHere', args: [2] } });
    expect(() => linearRecurrence(noExport, A, b, s0, threaded)).toThrow(code('WORKER_FAILED', /rotation-structure\.mjs.*exports no function 'nothingHere'/));
    // The workers are fine afterwards.
    expect(maxRelErr(linearRecurrence(base, A, b, s0, threaded), linearRecurrence(base, A, b, s0))).toBeLessThan(1e-9);
  });

  it('linearRecurrence(…, { threads: 2 }) refuses an address that rebuilds a different structure (WORKER_FAILED naming both)', () => {
    const s = impostor(2);
    const { A, b, s0 } = problem(s, 500, 6);
    expect(() => linearRecurrence(s, A, b, s0, threaded)).toThrow(code('WORKER_FAILED', /pairRotation\(2\) gave 'pair-rotation'.*not 'impostor'/));
  });

  it('linearRecurrence(…, { threads: 2 }) times out on a module whose import never finishes: WORKER_FAILED naming the URL, fresh workers next time', () => {
    setBindTimeout(300);
    const url = new URL('hanging-structure.mjs', fixtures).href;
    const stuck = defineStructure({ ...diagonal(2), name: 'diagonal', module: { url, exportName: 'stuck', args: [2] } });
    const { A, b, s0 } = problem(stuck, 500, 7);
    const generation = threadPoolState().generation;
    expect(() => linearRecurrence(stuck, A, b, s0, threaded)).toThrow(code('WORKER_FAILED', /did not load structure 'diagonal' from .*hanging-structure\.mjs.*within 0\.3 s/));
    setBindTimeout(undefined);
    const d = diagonal(2);
    expect(maxRelErr(linearRecurrence(d, A, b, s0, threaded), linearRecurrence(d, A, b, s0))).toBeLessThan(1e-9);
    expect(threadPoolState().generation).toBe(generation + 1);
  });
});
