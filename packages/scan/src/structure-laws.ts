import { allocating, type FloatArray } from './float-array.js';
import { genericKernel } from './generic-kernel.js';
import { mulberry32 } from './mulberry32.js';
import { scan } from './scan.js';
import type { Structure } from './structure.js';
import { UnrollError } from './unroll-error.js';
import { assertStructure, describe, optionsOf } from './validate.js';

/** Options of {@link checkStructureLaws} and {@link checkStructureModule}. */
export interface StructureLawOptions {
  /** Random trials per law (default 25). */
  readonly trials?: number;
  /** Seed of the random matrices and vectors (default 1): the same seed, the same check. */
  readonly seed?: number;
  /** Relative tolerance, `|x − y| ≤ tolerance · (1 + max(|x|, |y|))` (default 1e-9). */
  readonly tolerance?: number;
  /**
   * Draws one random element of the structure into `(out, oo)`. Default: the structure's
   * own `sample` capability, else every stored number uniform in [−1, 1) — right for
   * linear packings (dense, diagonal, blocks); give one for packings with constraints.
   */
  readonly sample?: (random: () => number, out: FloatArray, oo: number) => void;
}

/** What {@link checkStructureLaws} found. */
export interface StructureLawReport {
  /** True when every law held in every trial. */
  readonly ok: boolean;
  /** One line per broken law: the structure, the law (named by its capability), the worst error seen, the trial. */
  readonly failures: readonly string[];
}

/** Steps of the random recurrences the kernel and Kalman checks run. */
const checkSteps = 6;

/**
 * Checks on random elements that a structure is a lawful matrix algebra — what every
 * scan over it silently assumes — and that every optional capability it claims computes
 * what the operations say:
 * - **closure / product**: `apply(compose(A, B), x) = B·(A·x)` (a compose that leaves the
 *   structure — truncating fill-in, say — breaks this one);
 * - **associativity**: `compose(compose(A, B), C)` acts like `compose(A, compose(B, C))`;
 * - **identity** (unless `identity()` throws, as for `zero`): `I·x = x`, `A·I = I·A = A`;
 * - **linearity** of `apply`: `A(αx + y) = αAx + Ay`;
 * - `applyTranspose`: `⟨y, A·x⟩ = ⟨Aᵀ·y, x⟩`;
 * - `transpose`: `⟨A·x, y⟩ = ⟨x, Aᵀ·y⟩` with Aᵀ applied through `apply`, and
 *   `transpose(transpose(A)) = A` on the packed numbers;
 * - `scale`: `apply(scale(A, k), x) = k·A·x`;
 * - `kernel`: its `run`, `runReverse` and `aggregate` give what the generic kernel (made
 *   from `apply` and `compose`) gives, on random recurrences;
 * - `kalman`: with λ = 0 the filtered means are the recurrence `s_t = A_t s_{t−1} + b_t`;
 *   with λ = 1 the parallel form (when present) gives the sequential filter's means and
 *   covariances.
 *
 * The `module` address cannot be checked synchronously (it is an import): use
 * {@link checkStructureModule}, which resolves to a report of the same shape.
 *
 * A capability that throws is reported as a failure of that capability, not thrown.
 * Run it in your own tests for every structure you define:
 * ```ts
 * const report = checkStructureLaws(myStructure);
 * expect(report.failures).toEqual([]);
 * ```
 */
export function checkStructureLaws(structure: Structure, opts?: StructureLawOptions): StructureLawReport {
  const { trials, tolerance, mat, vec, random } = lawSetup('checkStructureLaws', structure, opts);
  const D = structure.dim;
  const W = structure.width;
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
  const laws = new LawRecord(structure.name, tolerance);

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
    laws.compare('closure: apply(compose(A, B), x) = B·(A·x)', apply(compose(A, B), x), apply(B, Ax), trial);
    laws.compare('associativity: (A then B) then C = A then (B then C)', apply(compose(compose(A, B), C), x), apply(compose(A, compose(B, C)), x), trial);
    const mixed = x.map((v, i) => alpha * v + (y[i] ?? 0));
    const Ay = apply(A, y);
    laws.compare('linearity: A·(αx + y) = α·A·x + A·y', apply(A, mixed), Ax.map((v, i) => alpha * v + (Ay[i] ?? 0)), trial);
    if (identityMatrix !== undefined) {
      laws.compare('identity: I·x = x', apply(identityMatrix, x), x, trial);
      laws.compare('identity: compose(A, I) = A', apply(compose(A, identityMatrix), x), Ax, trial);
      laws.compare('identity: compose(I, A) = A', apply(compose(identityMatrix, A), x), Ax, trial);
    }
    if (structure.applyTranspose !== undefined) {
      laws.attempt('applyTranspose', trial, () => {
        const Aty = new Float64Array(D);
        structure.applyTranspose?.(A, 0, y, 0, Aty, 0);
        laws.compare('applyTranspose: ⟨y, A·x⟩ = ⟨Aᵀ·y, x⟩', [dot(y, Ax)], [dot(Aty, x)], trial);
      });
    }
    if (structure.transpose !== undefined) {
      laws.attempt('transpose', trial, () => {
        const At = new Float64Array(W);
        structure.transpose?.(A, 0, At, 0);
        laws.compare('transpose: ⟨A·x, y⟩ = ⟨x, transpose(A)·y⟩', [dot(Ax, y)], [dot(x, apply(At, y))], trial);
        const Att = new Float64Array(W);
        structure.transpose?.(At, 0, Att, 0);
        laws.compare('transpose: transpose(transpose(A)) = A', Att, A, trial);
      });
    }
    if (structure.scale !== undefined) {
      laws.attempt('scale', trial, () => {
        const scaled = new Float64Array(W);
        structure.scale?.(A, 0, alpha, scaled, 0);
        laws.compare('scale: apply(scale(A, k), x) = k·A·x', apply(scaled, x), Ax.map((v) => alpha * v), trial);
      });
    }
  }
  if (structure.kernel !== undefined) checkKernel(structure, laws, trials, mat, vec);
  if (structure.kalman !== undefined) checkKalman(structure, laws, trials, mat, vec);
  return laws.report();
}

/**
 * Checks a structure's `module` address the way a worker thread uses it: imports
 * `module.url`, calls `module.exportName(...module.args)`, and compares what comes back
 * with `structure` — the same name, dim and width, the same module address, and the same
 * `apply` and `compose` on random elements. Resolves to a report like
 * {@link checkStructureLaws}'s (failures name the `module` capability; an import that
 * fails is a failure, never a rejection); a structure without `module` claims nothing and
 * passes. Arguments are checked at once: bad ones throw `INVALID_ARGUMENT` synchronously.
 *
 * ```ts
 * expect((await checkStructureModule(myStructure(4))).failures).toEqual([]);
 * ```
 */
export function checkStructureModule(structure: Structure, opts?: StructureLawOptions): Promise<StructureLawReport> {
  const setup = lawSetup('checkStructureModule', structure, opts);
  return moduleReport(structure, setup);
}

async function moduleReport(structure: Structure, setup: LawSetup): Promise<StructureLawReport> {
  const { trials, tolerance, mat, vec } = setup;
  const laws = new LawRecord(structure.name, tolerance);
  const module = structure.module;
  if (module === undefined) return laws.report();
  const where = `module ${module.url} export '${module.exportName}'`;
  let rebuilt: unknown;
  try {
    const exports = (await import(/* @vite-ignore */ module.url)) as Record<string, unknown>;
    const factory = exports[module.exportName];
    if (typeof factory !== 'function') {
      laws.fail(`module: ${where} is not a function exported by that module`);
      return laws.report();
    }
    rebuilt = (factory as (...a: unknown[]) => unknown)(...module.args);
  } catch (error) {
    laws.fail(`module: importing or calling ${where} threw (${error instanceof Error ? error.message : String(error)})`);
    return laws.report();
  }
  const r = rebuilt as Partial<Structure> | null | undefined;
  if (typeof r !== 'object' || r === null || r.name !== structure.name || r.dim !== structure.dim || r.width !== structure.width) {
    laws.fail(
      `module: ${where}(${module.args.map((a) => JSON.stringify(a)).join(', ')}) gives ${typeof r === 'object' && r !== null ? `'${String(r.name)}' (dim ${String(r.dim)}, width ${String(r.width)})` : describe(r)}, not '${structure.name}' (dim ${structure.dim}, width ${structure.width})`,
    );
    return laws.report();
  }
  const other = r as Structure;
  const same = other.module !== undefined && other.module.url === module.url && other.module.exportName === module.exportName && JSON.stringify(other.module.args) === JSON.stringify(module.args);
  if (!same) laws.fail(`module: the rebuilt structure's module address differs from the original's (${JSON.stringify(other.module)} vs ${JSON.stringify(module)})`);
  const D = structure.dim;
  const W = structure.width;
  for (let trial = 0; trial < trials; trial++) {
    const A = mat(), B = mat(), x = vec();
    laws.attempt('module', trial, () => {
      const want = new Float64Array(D), got = new Float64Array(D);
      structure.apply(A, 0, x, 0, want, 0);
      other.apply(A, 0, x, 0, got, 0);
      laws.compare('module: the rebuilt structure applies like the original', got, want, trial);
      const wantM = new Float64Array(W), gotM = new Float64Array(W);
      structure.compose(A, 0, B, 0, wantM, 0);
      other.compose(A, 0, B, 0, gotM, 0);
      laws.compare('module: the rebuilt structure composes like the original', gotM, wantM, trial);
    });
  }
  return laws.report();
}

/** Runs, reverse runs and aggregates of the claimed kernel against the generic kernel. */
function checkKernel(structure: Structure, laws: LawRecord, trials: number, mat: () => Float64Array, vec: () => Float64Array): void {
  const D = structure.dim;
  const W = structure.width;
  const T = checkSteps;
  const reference = genericKernel(structure);
  let kernel;
  try {
    kernel = structure.kernel?.();
  } catch (error) {
    laws.fail(`kernel: kernel() threw (${error instanceof Error ? error.message : String(error)})`);
    return;
  }
  if (typeof kernel !== 'object' || typeof kernel.run !== 'function' || typeof kernel.aggregate !== 'function' || kernel.dim !== D || kernel.width !== W) {
    laws.fail(`kernel: kernel() must return { dim: ${D}, width: ${W}, aggregateCost, run, aggregate }, got ${describe(kernel)}`);
    return;
  }
  const k = kernel;
  for (let trial = 0; trial < trials; trial++) {
    const A = new Float64Array(T * W);
    for (let t = 0; t < T; t++) A.set(mat(), t * W);
    const b = new Float64Array(T * D);
    for (let t = 0; t < T; t++) b.set(vec(), t * D);
    const s0 = vec();
    laws.attempt('kernel', trial, () => {
      const want = new Float64Array(T * D), got = new Float64Array(T * D);
      reference.run(A, b, s0, 0, want, 0, T);
      k.run(A, b, s0, 0, got, 0, T);
      laws.compare('kernel: run equals the generic kernel', got, want, trial);
      if (k.runReverse !== undefined) {
        reference.runReverse?.(A, b, s0, 0, want, 0, T);
        k.runReverse(A, b, s0, 0, got, 0, T);
        laws.compare('kernel: runReverse equals the generic kernel', got, want, trial);
      }
      // Aggregate rows [1, T): compare the maps through what they do to s0.
      const m = new Float64Array(W), c = new Float64Array(D), mr = new Float64Array(W), cr = new Float64Array(D);
      reference.aggregate(A, b, 1, T, mr, 0, cr, 0);
      k.aggregate(A, b, 1, T, m, 0, c, 0);
      const viaKernel = new Float64Array(D), viaReference = new Float64Array(D);
      structure.apply(m, 0, s0, 0, viaKernel, 0);
      structure.apply(mr, 0, s0, 0, viaReference, 0);
      laws.compare('kernel: aggregate equals the generic kernel (M·x + c)', viaKernel.map((v, i) => v + (c[i] ?? 0)), viaReference.map((v, i) => v + (cr[i] ?? 0)), trial);
    });
  }
}

/** λ = 0 is the recurrence; the parallel form (if any) is the sequential filter. */
function checkKalman(structure: Structure, laws: LawRecord, trials: number, mat: () => Float64Array, vec: () => Float64Array): void {
  const kalman = structure.kalman;
  if (kalman === undefined) return;
  const D = structure.dim;
  const W = structure.width;
  const T = checkSteps;
  const CW = kalman.covarianceWidth;
  const reference = genericKernel(structure);
  for (let trial = 0; trial < trials; trial++) {
    const A = new Float64Array(T * W);
    for (let t = 0; t < T; t++) A.set(mat(), t * W);
    const b = new Float64Array(T * D), y = new Float64Array(T * D);
    for (let t = 0; t < T; t++) {
      b.set(vec(), t * D);
      y.set(vec(), t * D);
    }
    const s0 = Array.from(vec());
    laws.attempt('kalman', trial, () => {
      const want = new Float64Array(T * D), means = new Float64Array(T * D);
      reference.run(A, b, Float64Array.from(s0), 0, want, 0, T);
      kalman.filter(A, b, y, s0, 0, 1, means, undefined);
      laws.compare('kalman: filter means at λ = 0 equal the recurrence', means, want, trial);
      const parallel = kalman.parallel;
      if (parallel !== undefined) {
        const covariances = new Float64Array(T * CW);
        kalman.filter(A, b, y, s0, 1, 1, means, covariances);
        const elements = new Float64Array(T * parallel.width);
        parallel.build(A, b, y, s0, 1, 1, elements);
        scan(elements, parallel.monoid, { out: elements });
        const pMeans = new Float64Array(T * D), pCov = new Float64Array(T * CW);
        parallel.read(elements, T, pMeans, pCov);
        laws.compare('kalman: parallel means at λ = 1 equal the filter', pMeans, means, trial);
        laws.compare('kalman: parallel covariances at λ = 1 equal the filter', pCov, covariances, trial);
      }
    });
  }
}

interface LawSetup {
  readonly trials: number;
  readonly tolerance: number;
  readonly random: () => number;
  readonly mat: () => Float64Array;
  readonly vec: () => Float64Array;
}

function lawSetup(where: string, structure: Structure, opts: StructureLawOptions | undefined): LawSetup {
  assertStructure(where, structure);
  const o = optionsOf(where, opts);
  const { trials = 25, seed = 1, tolerance = 1e-9 } = o;
  if (typeof trials !== 'number' || !Number.isInteger(trials) || trials < 1) {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: trials must be a positive integer, got ${describe(trials)}.`);
  }
  if (typeof seed !== 'number' || !Number.isFinite(seed)) {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: seed must be a finite number, got ${describe(seed)}.`);
  }
  if (typeof tolerance !== 'number' || !(tolerance >= 0) || tolerance === Infinity) {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: tolerance must be a finite non-negative number, got ${describe(tolerance)}.`);
  }
  if (o.sample !== undefined && typeof o.sample !== 'function') {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: sample must be a function (random, out, oo) => void when given, got ${describe(o.sample)}.`);
  }
  const D = structure.dim;
  const W = structure.width;
  const next = mulberry32(seed);
  const random = (): number => next() / 4294967296;
  const sample =
    o.sample ??
    (structure.sample === undefined
      ? (rand: () => number, out: FloatArray, oo: number) => {
          for (let i = 0; i < W; i++) out[oo + i] = 2 * rand() - 1;
        }
      : (rand: () => number, out: FloatArray, oo: number) => {
          structure.sample?.(rand, out, oo);
        });
  const mat = (): Float64Array => {
    const m = new Float64Array(W);
    sample(random, m, 0);
    return m;
  };
  const vec = (): Float64Array => Float64Array.from({ length: D }, () => 2 * random() - 1);
  return { trials, tolerance, random, mat, vec };
}

/** The worst error seen per law, and laws that failed outright. */
class LawRecord {
  private readonly worst = new Map<string, { error: number; trial: number }>();
  private readonly broken: string[] = [];

  constructor(
    private readonly name: string,
    private readonly tolerance: number,
  ) {}

  compare(law: string, got: ArrayLike<number>, want: ArrayLike<number>, trial: number): void {
    let error = got.length === want.length ? 0 : Infinity;
    for (let i = 0; i < want.length; i++) {
      const g = got[i] ?? NaN;
      const w = want[i] ?? NaN;
      const e = Math.abs(g - w) / (1 + Math.max(Math.abs(g), Math.abs(w)));
      error = Number.isNaN(e) ? Infinity : Math.max(error, e);
    }
    const prev = this.worst.get(law);
    if (error > this.tolerance && (prev === undefined || error > prev.error)) this.worst.set(law, { error, trial });
  }

  /** Runs `check`; a throw is a failure of `capability` (reported once). */
  attempt(capability: string, trial: number, check: () => void): void {
    try {
      check();
    } catch (error) {
      const line = `${capability}: threw in trial ${trial} (${error instanceof Error ? error.message : String(error)})`;
      if (!this.broken.some((b) => b.startsWith(`${capability}: threw`))) this.broken.push(line);
    }
  }

  fail(line: string): void {
    this.broken.push(line);
  }

  report(): StructureLawReport {
    const failures = [
      ...[...this.worst].map(([law, { error, trial }]) => `${this.name}: ${law} fails (relative error ${error.toExponential(2)} in trial ${trial})`),
      ...this.broken.map((line) => `${this.name}: ${line}`),
    ];
    return { ok: failures.length === 0, failures };
  }
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] ?? 0) * (b[i] ?? 0);
  return s;
}
