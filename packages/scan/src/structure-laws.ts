import { allocating, type FloatArray } from './float-array.js';
import { mulberry32 } from './mulberry32.js';
import type { Structure } from './structure.js';
import { UnrollError } from './unroll-error.js';
import { assertStructure, describe, optionsOf } from './validate.js';

/** Options of {@link checkStructureLaws}. */
export interface StructureLawOptions {
  /** Random trials per law (default 25). */
  readonly trials?: number;
  /** Seed of the random matrices and vectors (default 1): the same seed, the same check. */
  readonly seed?: number;
  /** Relative tolerance, `|x − y| ≤ tolerance · (1 + max(|x|, |y|))` (default 1e-9). */
  readonly tolerance?: number;
  /**
   * Draws one random element of the structure into `(out, oo)`. Default: every stored
   * number uniform in [−1, 1) — right for linear packings (dense, diagonal, blocks);
   * give one for packings with constraints (a permutation's indices, say).
   */
  readonly sample?: (random: () => number, out: FloatArray, oo: number) => void;
}

/** What {@link checkStructureLaws} found. */
export interface StructureLawReport {
  /** True when every law held in every trial. */
  readonly ok: boolean;
  /** One line per broken law: which law, the worst error seen, the trial. */
  readonly failures: readonly string[];
}

/**
 * Checks on random elements that a structure is a lawful matrix algebra — what every
 * scan over it silently assumes:
 * - **closure / product**: `apply(compose(A, B), x) = B·(A·x)` (a compose that leaves the
 *   structure — truncating fill-in, say — breaks this one);
 * - **associativity**: `compose(compose(A, B), C)` acts like `compose(A, compose(B, C))`;
 * - **identity** (unless `identity()` throws, as for `zero`): `I·x = x`, `A·I = I·A = A`;
 * - **linearity** of `apply`: `A(αx + y) = αAx + Ay`;
 * - `applyTranspose`, when present: `⟨y, A·x⟩ = ⟨Aᵀ·y, x⟩`;
 * - `scale`, when present: `apply(scale(A, k), x) = k·A·x`.
 *
 * Run it in your own tests for every structure you define:
 * ```ts
 * const report = checkStructureLaws(myStructure);
 * expect(report.failures).toEqual([]);
 * ```
 */
export function checkStructureLaws(structure: Structure, opts?: StructureLawOptions): StructureLawReport {
  assertStructure('checkStructureLaws', structure);
  const o = optionsOf('checkStructureLaws', opts);
  const { trials = 25, seed = 1, tolerance = 1e-9 } = o;
  if (typeof trials !== 'number' || !Number.isInteger(trials) || trials < 1) {
    throw new UnrollError('INVALID_ARGUMENT', `checkStructureLaws: trials must be a positive integer, got ${describe(trials)}.`);
  }
  if (typeof seed !== 'number' || !Number.isFinite(seed)) {
    throw new UnrollError('INVALID_ARGUMENT', `checkStructureLaws: seed must be a finite number, got ${describe(seed)}.`);
  }
  if (typeof tolerance !== 'number' || !(tolerance >= 0) || tolerance === Infinity) {
    throw new UnrollError('INVALID_ARGUMENT', `checkStructureLaws: tolerance must be a finite non-negative number, got ${describe(tolerance)}.`);
  }
  if (o.sample !== undefined && typeof o.sample !== 'function') {
    throw new UnrollError('INVALID_ARGUMENT', `checkStructureLaws: sample must be a function (random, out, oo) => void when given, got ${describe(o.sample)}.`);
  }
  const D = structure.dim;
  const W = structure.width;
  const next = mulberry32(seed);
  const random = (): number => next() / 4294967296;
  const sample =
    o.sample ??
    ((rand: () => number, out: FloatArray, oo: number) => {
      for (let i = 0; i < W; i++) out[oo + i] = 2 * rand() - 1;
    });
  const mat = (): Float64Array => {
    const m = new Float64Array(W);
    sample(random, m, 0);
    return m;
  };
  const vec = (): Float64Array => Float64Array.from({ length: D }, () => 2 * random() - 1);
  const apply = (m: FloatArray, x: FloatArray): Float64Array => {
    const y = new Float64Array(D);
    structure.apply(m, 0, x, 0, y, 0);
    return y;
  };
  const compose = (a: FloatArray, b: FloatArray): Float64Array => {
    const m = new Float64Array(W);
    structure.compose(a, 0, b, 0, m, 0);
    return m;
  };

  const worst = new Map<string, { error: number; trial: number }>();
  const record = (law: string, got: ArrayLike<number>, want: ArrayLike<number>, trial: number): void => {
    let error = 0;
    for (let i = 0; i < want.length; i++) {
      const g = got[i] ?? NaN;
      const w = want[i] ?? NaN;
      const e = Math.abs(g - w) / (1 + Math.max(Math.abs(g), Math.abs(w)));
      error = Number.isNaN(e) ? Infinity : Math.max(error, e);
    }
    const prev = worst.get(law);
    if (error > tolerance && (prev === undefined || error > prev.error)) worst.set(law, { error, trial });
  };

  // The first matrix allocated: a structure too large to hold one stops here, typed.
  let identityMatrix: Float64Array | undefined = allocating(`checkStructureLaws(${structure.name}(${D}))`, 8 * W, () => new Float64Array(W));
  try {
    structure.identity(identityMatrix, 0);
  } catch {
    identityMatrix = undefined;
  }

  for (let trial = 0; trial < trials; trial++) {
    const A = mat(), B = mat(), C = mat();
    const x = vec(), y = vec();
    const alpha = 2 * random() - 1;
    const Ax = apply(A, x);
    record('closure: apply(compose(A, B), x) = B·(A·x)', apply(compose(A, B), x), apply(B, Ax), trial);
    record('associativity: (A then B) then C = A then (B then C)', apply(compose(compose(A, B), C), x), apply(compose(A, compose(B, C)), x), trial);
    const mixed = x.map((v, i) => alpha * v + (y[i] ?? 0));
    const Ay = apply(A, y);
    record('linearity: A·(αx + y) = α·A·x + A·y', apply(A, mixed), Ax.map((v, i) => alpha * v + (Ay[i] ?? 0)), trial);
    if (identityMatrix !== undefined) {
      record('identity: I·x = x', apply(identityMatrix, x), x, trial);
      record('identity: compose(A, I) = A', apply(compose(A, identityMatrix), x), Ax, trial);
      record('identity: compose(I, A) = A', apply(compose(identityMatrix, A), x), Ax, trial);
    }
    if (structure.applyTranspose !== undefined) {
      const Aty = new Float64Array(D);
      structure.applyTranspose(A, 0, y, 0, Aty, 0);
      record('transpose: ⟨y, A·x⟩ = ⟨Aᵀ·y, x⟩', [dot(y, Ax)], [dot(Aty, x)], trial);
    }
    if (structure.scale !== undefined) {
      const scaled = new Float64Array(W);
      structure.scale(A, 0, alpha, scaled, 0);
      record('scale: apply(scale(A, k), x) = k·A·x', apply(scaled, x), Ax.map((v) => alpha * v), trial);
    }
  }
  const failures = [...worst].map(([law, { error, trial }]) => `${structure.name}: ${law} fails (relative error ${error.toExponential(2)} in trial ${trial})`);
  return { ok: failures.length === 0, failures };
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] ?? 0) * (b[i] ?? 0);
  return s;
}
