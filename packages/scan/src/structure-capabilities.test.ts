import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fill, maxRelErr, randomMatrices, referenceRecurrence, toDense, uniform, type Matrix } from '../test/helpers.js';
import {
  affineMonoid,
  blockDiagonal,
  checkStructureLaws,
  checkStructureModule,
  defineStructure,
  dense,
  diagonal,
  identity,
  linearRecurrence,
  permutation,
  zero,
  type RecurrenceKernel,
  type Structure,
} from './index.js';
import { genericKernel } from './generic-kernel.js';

/** Every built-in structure at dimension D. */
function builtins(D: number): Structure[] {
  const list = [dense(D), diagonal(D), identity(D), zero(D), blockDiagonal(D, 1), blockDiagonal(D, D), permutation(D)];
  if (D % 2 === 0) list.push(blockDiagonal(D, 2));
  return list;
}

/** Random packed matrices for `s`: its own sampler where it has one (permutations), else uniform. */
function sampleMatrices(s: Structure, T: number, rand: () => number): Float64Array {
  if (s.sample === undefined) return randomMatrices(s, T, rand, 1);
  const A = new Float64Array(T * s.width);
  for (let t = 0; t < T; t++) s.sample(() => (rand() + 1) / 2, A, t * s.width);
  return A;
}

function transposeOf(m: Matrix): Matrix {
  return m[0].map((_, j) => m.map((row) => row[j]));
}

const dims = fc.integer({ min: 1, max: 6 });
const seeds = fc.integer({ min: 1, max: 2 ** 30 });
const code = (c: string, message: RegExp) => expect.objectContaining({ code: c, message: expect.stringMatching(message) as string }) as Error;

describe('structure capabilities', () => {
  it('transpose(A) of every built-in is the dense transpose of A, and transposing twice gives back the packed numbers', () => {
    fc.assert(
      fc.property(dims, seeds, (D, seed) => {
        const rand = uniform(seed);
        for (const s of builtins(D)) {
          expect(typeof s.transpose, s.name).toBe('function');
          const A = sampleMatrices(s, 1, rand);
          const At = new Float64Array(s.width);
          s.transpose?.(A, 0, At, 0);
          expect(maxRelErr(toDense(s, At, 0).flat(), transposeOf(toDense(s, A, 0)).flat()), `${s.name}(${D})`).toBe(0);
          const Att = new Float64Array(s.width);
          s.transpose?.(At, 0, Att, 0);
          expect(Array.from(Att)).toEqual(Array.from(A));
        }
      }),
    );
  });

  it('transpose(A) writes at an offset and leaves the rest of out alone', () => {
    const s = blockDiagonal(4, 2);
    const A = Float64Array.from({ length: 3 + s.width }, (_, i) => i);
    const out = new Float64Array(5 + s.width).fill(-1);
    s.transpose?.(A, 3, out, 5);
    expect(Array.from(out.slice(0, 5))).toEqual([-1, -1, -1, -1, -1]);
    // Blocks [[3, 4], [5, 6]] and [[7, 8], [9, 10]], each transposed in place.
    expect(Array.from(out.slice(5))).toEqual([3, 5, 4, 6, 7, 9, 8, 10]);
  });

  it('kernel() of every built-in runs, runs in reverse and aggregates like the generic kernel and the dense reference', () => {
    fc.assert(
      fc.property(dims, fc.integer({ min: 1, max: 40 }), seeds, (D, T, seed) => {
        const rand = uniform(seed);
        for (const s of builtins(D)) {
          const kernel = s.kernel?.();
          expect(kernel, s.name).toBeDefined();
          const k = kernel as RecurrenceKernel;
          const g = genericKernel(s);
          const A = sampleMatrices(s, T, rand);
          const b = fill(T * D, rand);
          const s0 = fill(D, rand);
          const got = new Float64Array(T * D), want = new Float64Array(T * D);
          k.run(A, b, s0, 0, got, 0, T);
          expect(maxRelErr(got, referenceRecurrence(s, A, b, s0)), `${s.name} run`).toBeLessThan(1e-12);
          k.runReverse?.(A, b, s0, 0, got, 0, T);
          g.runReverse?.(A, b, s0, 0, want, 0, T);
          expect(typeof k.runReverse, s.name).toBe('function');
          expect(maxRelErr(got, want), `${s.name} runReverse`).toBeLessThan(1e-12);
          // aggregate over all rows: M·s0 + c is the last state.
          const m = new Float64Array(s.width), c = new Float64Array(D), last = new Float64Array(D);
          k.aggregate(A, b, 0, T, m, 0, c, 0);
          s.apply(m, 0, s0, 0, last, 0);
          const ref = referenceRecurrence(s, A, b, s0).slice((T - 1) * D);
          expect(maxRelErr(last.map((v, i) => v + c[i]), ref), `${s.name} aggregate`).toBeLessThan(1e-11);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('kernel() returns a fresh kernel each call (each owns its scratch)', () => {
    const s = dense(3);
    expect(s.kernel?.()).not.toBe(s.kernel?.());
  });

  it('linearRecurrence(structure, …) runs the structure\'s own kernel() capability, made once per structure object', () => {
    let made = 0;
    let runs = 0;
    const base = diagonal(2);
    const counted = defineStructure({
      ...base,
      name: 'counted-diagonal',
      kernel: () => {
        made++;
        const k = genericKernel(base);
        return { ...k, run: (...args: Parameters<RecurrenceKernel['run']>) => { runs++; k.run(...args); } };
      },
    });
    const rand = uniform(3);
    const A = randomMatrices(base, 20, rand), b = fill(40, rand);
    for (let call = 0; call < 3; call++) {
      expect(maxRelErr(linearRecurrence(counted, A, b, [1, 2]), linearRecurrence(base, A, b, [1, 2]))).toBe(0);
    }
    expect(made).toBe(1);
    expect(runs).toBe(3);
  });

  it('linearRecurrence refuses a kernel() that returns no kernel, or one of another shape, with INVALID_ARGUMENT', () => {
    const b = new Float64Array(4);
    const A = new Float64Array(4);
    const wrongDim = defineStructure({ ...diagonal(2), name: 'wrong', kernel: () => diagonal(3).kernel?.() as RecurrenceKernel });
    expect(() => linearRecurrence(wrongDim, A, b, [0, 0])).toThrow(code('INVALID_ARGUMENT', /'wrong'\.kernel\(\) must return a RecurrenceKernel \{ dim: 2, width: 2/));
    const nothing = defineStructure({ ...diagonal(2), name: 'nothing', kernel: () => null as unknown as RecurrenceKernel });
    expect(() => linearRecurrence(nothing, A, b, [0, 0])).toThrow(code('INVALID_ARGUMENT', /got null/));
  });

  it('every built-in carries its module address (the package entry, the factory, its arguments) as a non-enumerable own capability, like kernel', () => {
    const cases: [Structure, string, number[]][] = [
      [dense(3), 'dense', [3]],
      [diagonal(4), 'diagonal', [4]],
      [identity(2), 'identity', [2]],
      [zero(5), 'zero', [5]],
      [blockDiagonal(6, 3), 'blockDiagonal', [6, 3]],
      [permutation(7), 'permutation', [7]],
    ];
    for (const [s, exportName, args] of cases) {
      expect(s.module).toMatchObject({ exportName, args });
      expect(s.module?.url).toMatch(/^file:.*\/index\.js$/);
      expect(Object.keys(s)).not.toContain('module');
      expect(Object.keys(s)).not.toContain('kernel');
      expect(Object.isFrozen(s)).toBe(true);
    }
  });

  it('checkStructureModule(built-in) imports the address and finds the same structure', async () => {
    for (const s of [dense(3), diagonal(4), identity(2), zero(2), blockDiagonal(4, 2), permutation(5)]) {
      const report = await checkStructureModule(s, { trials: 3 });
      expect(report.failures, s.name).toEqual([]);
    }
  });

  it('checkStructureModule reports an address that does not import, names no function, or rebuilds something else — naming the module capability', async () => {
    const base = diagonal(2);
    const missing = defineStructure({ ...base, name: 'diagonal', module: { url: 'file:///nowhere/structure.mjs', exportName: 'diagonal', args: [2] } });
    expect((await checkStructureModule(missing)).failures.join('\n')).toMatch(/^diagonal: module: importing or calling module file:\/\/\/nowhere\/structure\.mjs export 'diagonal' threw/);
    const url = diagonal(2).module?.url ?? '';
    const noExport = defineStructure({ ...base, name: 'diagonal', module: { url, exportName: 'nope', args: [2] } });
    expect((await checkStructureModule(noExport)).failures.join('\n')).toMatch(/module: .*'nope' is not a function exported/);
    const otherDim = defineStructure({ ...base, name: 'diagonal', module: { url, exportName: 'diagonal', args: [3] } });
    expect((await checkStructureModule(otherDim)).failures.join('\n')).toMatch(/module: .*\(3\) gives 'diagonal' \(dim 3, width 3\), not 'diagonal' \(dim 2, width 2\)/);
    const otherMatrix = defineStructure({ ...base, name: 'identity', width: 0, module: { url, exportName: 'identity', args: [2] } });
    expect((await checkStructureModule(otherMatrix)).failures.join('\n')).toMatch(/module: the rebuilt structure applies like the original fails/);
    // No address: nothing claimed, nothing to check.
    expect(await checkStructureModule(defineStructure({ ...base, name: 'inline' }))).toEqual({ ok: true, failures: [] });
    expect(() => checkStructureModule(base, { trials: 0 })).toThrow(code('INVALID_ARGUMENT', /checkStructureModule: trials/));
  });

  it('checkStructureLaws accepts every built-in, checking each capability it claims (transpose, kernel, scale, kalman)', () => {
    for (const D of [1, 2, 3, 4, 6]) {
      for (const s of builtins(D)) expect(checkStructureLaws(s, { seed: D, trials: 10 }).failures, `${s.name}(${D})`).toEqual([]);
    }
  });

  it('checkStructureLaws names the capability that is wrong: transpose, kernel (run, runReverse, aggregate, shape, a throw), kalman', () => {
    const d = diagonal(3);
    const failures = (s: Structure) => checkStructureLaws(s, { trials: 5 }).failures.join('\n');
    const notTransposed = defineStructure({ ...dense(3), name: 'lazy', transpose: (a, ao, out, oo) => { for (let i = 0; i < 9; i++) out[oo + i] = a[ao + i]; } });
    expect(failures(notTransposed)).toMatch(/lazy: transpose: ⟨A·x, y⟩ = ⟨x, transpose\(A\)·y⟩ fails/);
    const notInvolutive = defineStructure({ ...d, name: 'half', transpose: (a, ao, out, oo) => { for (let i = 0; i < 3; i++) out[oo + i] = a[ao + i] * (i === 0 ? 1 : 1 + 1e-3); } });
    expect(failures(notInvolutive)).toMatch(/half: transpose: transpose\(transpose\(A\)\) = A fails/);
    const kernelOf = (patch: Partial<RecurrenceKernel>) => () => ({ ...(d.kernel?.() as RecurrenceKernel), ...patch });
    const badRun = defineStructure({ ...d, name: 'bad-run', kernel: kernelOf({ run: (A, b, prev, po, out, t0, t1) => { genericKernel(d).run(A, b, prev, po, out, t0, t1); out[0] += 1; } }) });
    expect(failures(badRun)).toMatch(/bad-run: kernel: run equals the generic kernel fails/);
    const badReverse = defineStructure({ ...d, name: 'bad-reverse', kernel: kernelOf({ runReverse: (A, b, prev, po, out, t0, t1) => { genericKernel(d).run(A, b, prev, po, out, t0, t1); } }) });
    expect(failures(badReverse)).toMatch(/bad-reverse: kernel: runReverse equals the generic kernel fails/);
    const badAggregate = defineStructure({ ...d, name: 'bad-aggregate', kernel: kernelOf({ aggregate: (A, b, t0, t1, m, mo, c, co) => { genericKernel(d).aggregate(A, b, t0 + 1, t1, m, mo, c, co); } }) });
    expect(failures(badAggregate)).toMatch(/bad-aggregate: kernel: aggregate equals the generic kernel \(M·x \+ c\) fails/);
    const wrongShape = defineStructure({ ...d, name: 'wrong-shape', kernel: () => dense(3).kernel?.() as RecurrenceKernel });
    expect(failures(wrongShape)).toMatch(/wrong-shape: kernel: kernel\(\) must return \{ dim: 3, width: 3/);
    const throwing = defineStructure({ ...d, name: 'throwing', kernel: kernelOf({ run: () => { throw new Error('boom'); } }) });
    expect(failures(throwing)).toMatch(/throwing: kernel: threw in trial 0 \(boom\)/);
    const kalman = d.kalman;
    if (kalman !== undefined) {
      const offByOne = defineStructure({ ...d, name: 'bad-kalman', kalman: { covarianceWidth: 3, filter: (A, b, y, s0, lambda, q, means, cov) => { kalman.filter(A, b, y, s0, lambda, q, means, cov); means[0] += 1; } } });
      expect(failures(offByOne)).toMatch(/bad-kalman: kalman: filter means at λ = 0 equal the recurrence fails/);
    }
    const customKalman = defineStructure({
      ...d,
      name: 'recurrence-kalman',
      kalman: { covarianceWidth: 0, filter: (A, b, _y, s0, _lambda, _q, means) => { linearRecurrence(d, A, b, s0, { out: means }); } },
    });
    expect(checkStructureLaws(customKalman).failures).toEqual([]);
  });

  it('defineStructure checks the shape of every capability it is given, naming it', () => {
    const base = { name: 'x', dim: 2, width: 2, compose: () => undefined, apply: () => undefined, identity: () => undefined };
    const bad = (patch: object) => () => defineStructure({ ...base, ...patch });
    expect(bad({ transpose: 3 })).toThrow(code('INVALID_ARGUMENT', /defineStructure\('x'\): transpose must be a function when given, got 3/));
    expect(bad({ kernel: {} })).toThrow(code('INVALID_ARGUMENT', /kernel must be a function/));
    expect(bad({ sample: 'uniform' })).toThrow(code('INVALID_ARGUMENT', /sample must be a function/));
    expect(bad({ module: 'file:///x.mjs' })).toThrow(code('INVALID_ARGUMENT', /module must be an object.*module: \{ url: import\.meta\.url/));
    expect(bad({ module: { url: '', exportName: 'x', args: [] } })).toThrow(code('INVALID_ARGUMENT', /module\.url must be a non-empty string/));
    expect(bad({ module: { url: 'file:///x.mjs', exportName: 3, args: [] } })).toThrow(code('INVALID_ARGUMENT', /module\.exportName must be a non-empty string/));
    expect(bad({ module: { url: 'file:///x.mjs', exportName: 'x' } })).toThrow(code('INVALID_ARGUMENT', /module\.args must be an array/));
    expect(bad({ module: { url: 'file:///x.mjs', exportName: 'x', args: [{ D: 2 }] } })).toThrow(code('INVALID_ARGUMENT', /module\.args\[0\] is an object; arguments must be finite numbers, strings or booleans/));
    expect(bad({ module: { url: 'file:///x.mjs', exportName: 'x', args: [NaN] } })).toThrow(code('INVALID_ARGUMENT', /module\.args\[0\] is NaN/));
    expect(bad({ kalman: () => undefined })).toThrow(code('INVALID_ARGUMENT', /kalman must be an object \{ covarianceWidth, filter, parallel\? \}/));
    expect(bad({ kalman: { covarianceWidth: -1, filter: () => undefined } })).toThrow(code('INVALID_ARGUMENT', /kalman\.covarianceWidth must be a non-negative integer/));
    expect(bad({ kalman: { covarianceWidth: 2 } })).toThrow(code('INVALID_ARGUMENT', /kalman\.filter must be a function/));
    expect(bad({ kalman: { covarianceWidth: 2, filter: () => undefined, parallel: {} } })).toThrow(code('INVALID_ARGUMENT', /kalman\.parallel must be \{ width, build, monoid, read \}/));
    const ok = defineStructure({ ...base, transpose: () => undefined, module: { url: 'file:///x.mjs', exportName: 'x', args: [2, 'a', true] }, kalman: { covarianceWidth: 2, filter: () => undefined } });
    expect(ok.module?.args).toEqual([2, 'a', true]);
  });
});

describe('names a newcomer can confuse', () => {
  /** What @unroll/linearize's `diagonal()` returns: a Jacobian strategy, not a structure. */
  const strategy = { name: 'diagonal', structure: (D: number) => diagonal(D), prepare: () => ({ fill: () => undefined }) };
  const A = new Float64Array([0.5]), b = new Float64Array([1]);

  it('linearRecurrence, affineMonoid and checkStructureLaws given a Strategy say it is one and which Structure to pass', () => {
    const message = (where: string) => new RegExp(`^${where}: that is a Strategy from @unroll/linearize; ${where} needs a Structure such as diagonal\\(D\\) from @unroll/scan`);
    expect(() => linearRecurrence(strategy as never, A, b, [0])).toThrow(code('INVALID_ARGUMENT', message('linearRecurrence')));
    expect(() => affineMonoid(strategy as never)).toThrow(code('INVALID_ARGUMENT', message('affineMonoid')));
    expect(() => checkStructureLaws(strategy as never)).toThrow(code('INVALID_ARGUMENT', message('checkStructureLaws')));
  });

  it('linearRecurrence, affineMonoid and checkStructureLaws given a factory itself say to call it, with its arguments', () => {
    expect(() => linearRecurrence(diagonal as never, A, b, [0])).toThrow(code('INVALID_ARGUMENT', /^linearRecurrence: you passed the factory `diagonal` itself; call it: diagonal\(D\)\.$/));
    expect(() => affineMonoid(blockDiagonal as never)).toThrow(code('INVALID_ARGUMENT', /you passed the factory `blockDiagonal` itself; call it: blockDiagonal\(D, B\)/));
    expect(() => checkStructureLaws(permutation as never)).toThrow(code('INVALID_ARGUMENT', /call it: permutation\(D\)/));
    expect(() => linearRecurrence(dense as never, A, b, [0])).toThrow(code('INVALID_ARGUMENT', /call it: dense\(D\)/));
    function myFamily(D: number) {
      return diagonal(D);
    }
    expect(() => linearRecurrence(myFamily as never, A, b, [0])).toThrow(code('INVALID_ARGUMENT', /structure must be a Structure object, got the function `myFamily` itself; .*if the function makes one, call it/));
    expect(() => linearRecurrence((() => diagonal(1)) as never, A, b, [0])).toThrow(code('INVALID_ARGUMENT', /got the function/));
  });
});

describe('the WGSL capability', () => {
  it('defineStructure checks wgsl: the three functions, no reserved names', async () => {
    const { defineStructure, diagonal, blockDiagonal } = await import('./index.js');
    const base = { ...diagonal(2), name: 'mine' };
    expect(() => defineStructure({ ...base, wgsl: { source: 'fn structure_apply() {}' } })).toThrow(/does not define structure_compose, structure_identity/);
    expect(() => defineStructure({ ...base, wgsl: 'fn structure_apply' as never })).toThrow(/wgsl must be \{ source: string \}/);
    const all = 'fn structure_apply(a: Matrix, x: State) -> State { return x; } fn structure_compose(a: Matrix, b: Matrix) -> Matrix { return a; } fn structure_identity() -> Matrix { var m: Matrix; return m; }';
    expect(() => defineStructure({ ...base, wgsl: { source: `${all} fn unroll_x() {}` } })).toThrow(/unroll_/);
    expect(defineStructure({ ...base, wgsl: { source: all } }).wgsl?.source).toBe(all);
    // A built-in's WGSL describes its own operations: a spread copy does not inherit it.
    expect(blockDiagonal(4, 2).wgsl?.source).toMatch(/structure_B: u32 = 2u/);
    expect({ ...blockDiagonal(4, 2), name: 'copy' }.wgsl).toBeUndefined();
  });
});
