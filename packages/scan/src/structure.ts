import type { FloatArray } from './float-array.js';
import type { Monoid } from './monoid.js';
import type { RecurrenceKernel } from './recurrence-kernel.js';
import { UnrollError } from './unroll-error.js';
import { assertKalman, assertModule } from './capability-checks.js';
import { assertStructureWgsl, type StructureWgsl } from './structure-wgsl.js';
import { describe, isObject, maxArrayLength } from './validate.js';

/**
 * A family of D×D matrices closed under multiplication, stored in `width` numbers each —
 * the algebra a linear recurrence's transition matrices live in (dense, diagonal, …).
 *
 * Matrices are packed per step, one after another in a flat typed array (`T · width`
 * numbers: dense `[T][D][D]` row-major, diagonal `[T][D]`, identity and zero nothing,
 * block-diagonal `[T][D/B][B][B]`); every method takes `(array, offset)`
 * pairs and allocates nothing. `out` never overlaps an input.
 */
export interface Structure {
  /** Short name, e.g. `'dense'`, `'diagonal'`. */
  readonly name: string;
  /** The state dimension D. */
  readonly dim: number;
  /** Numbers stored per matrix (D² dense, D diagonal, 0 identity/zero). */
  readonly width: number;
  /** `out ← B·A` — A applied first (the order of `s_t = A_t s_{t−1}` then `B`). */
  compose(a: FloatArray, ao: number, b: FloatArray, bo: number, out: FloatArray, oo: number): void;
  /** `out ← A·x` for a D-vector x. */
  apply(a: FloatArray, ao: number, x: FloatArray, xo: number, out: FloatArray, oo: number): void;
  /** `out ← I` in this packing. Structures without an identity element (zero) throw. */
  identity(out: FloatArray, oo: number): void;
  /** `out ← Aᵀ·x` (needed by reverse-time recurrences such as gradients). */
  applyTranspose?(a: FloatArray, ao: number, x: FloatArray, xo: number, out: FloatArray, oo: number): void;
  /**
   * `out ← k·A` in this packing (out may be `a` itself). Present where the packing is
   * linear — dense, diagonal, block-diagonal, zero — and absent where `k·A` leaves the
   * structure (identity, permutations). Scale-ELK needs it.
   */
  scale?(a: FloatArray, ao: number, k: number, out: FloatArray, oo: number): void;
  /**
   * `out ← Aᵀ` in this packing (out never overlaps a). Present where the family is closed
   * under transposition (dense, diagonal, block-diagonal, identity, zero, permutations):
   * a reverse-time recurrence such as a gradient's adjoint λ_t = A_{t+1}ᵀ λ_{t+1} + g_t is
   * then stored in the same structure, T·width numbers.
   */
  transpose?(a: FloatArray, ao: number, out: FloatArray, oo: number): void;
  /**
   * The fast sequential recurrence kernel for this structure (built-ins ship one; without it
   * a generic kernel is made from `apply`). Each call returns a fresh kernel (kernels own
   * scratch); `linearRecurrence` calls it once per structure object and keeps the result.
   */
  kernel?(): RecurrenceKernel;
  /**
   * Draws one random element into `(out, oo)` from uniform numbers in [0, 1) — for packings
   * with constraints (a permutation's indices), so `checkStructureLaws` tests lawful
   * elements without being told how. Without it, every stored number is drawn from [−1, 1).
   */
  sample?(random: () => number, out: FloatArray, oo: number): void;
  /**
   * Where worker threads can rebuild this structure: an ES module URL, the name of a
   * factory it exports, and the factory's JSON arguments (`import(url)[export](...args)`
   * must return an equal structure). Without it, `threads > 1` refuses the structure.
   */
  readonly module?: StructureModule;
  /** Kalman filtering with transitions in this structure (ELK's inner solve, thesis eq. 30). */
  readonly kalman?: KalmanCapability;
  /**
   * The algebra in WGSL (`structure_apply`, `structure_compose`, `structure_identity`), so
   * the GPU runtime's scan runs this structure (see {@link StructureWgsl}). Built-ins with
   * no specialised GPU kernel ship one (block-diagonal).
   */
  readonly wgsl?: StructureWgsl;
}

/** A structure's address for worker threads: `(await import(url))[exportName](...args)`. */
export interface StructureModule {
  /**
   * The module's URL as a worker imports it — usually `import.meta.url` of the file that
   * defines the factory; it must be JavaScript Node loads by itself (not TypeScript).
   */
  readonly url: string;
  /** The name under which the module exports the factory. */
  readonly exportName: string;
  /** The factory's arguments (JSON primitives), e.g. `[D]`: the call must rebuild the same name, dim and width. */
  readonly args: readonly (number | string | boolean)[];
}

/**
 * The forward Kalman filter of the LGSSM whose transitions live in a structure:
 * s_t ~ N(A_t s_{t−1} + b_t, q·I), observations y_t ~ N(s_t, I/λ), s_0 known exactly.
 * Because Q and R are multiples of I, the filter stays in the structure's family (a
 * block-diagonal A gives independent dense filters per block).
 */
export interface KalmanCapability {
  /** Numbers per filtered covariance (dense D², diagonal D, block-diagonal D·B). */
  readonly covarianceWidth: number;
  /**
   * The built-in filters read A as D/B dense B×B blocks, row-major, one after another (1:
   * diagonal, D: dense): B. A backend that writes the filter itself (the GPU runtime) runs
   * it from here on any structure whose packing this is; undefined for a custom filter.
   */
  readonly blocks?: number;
  /**
   * Filtered means `[T][D]` into `means` (and covariances `[T][covarianceWidth]` when
   * given), T = b.length / D. λ = 0 must give the recurrence s_t = A_t s_{t−1} + b_t
   * exactly, also where a variance overflows.
   */
  filter(A: FloatArray, b: FloatArray, y: FloatArray, s0: ArrayLike<number>, lambda: number, q: number, means: FloatArray, covariances: FloatArray | undefined): void;
  /**
   * The parallel form (Särkkä & García-Fernández): scan elements of `width` numbers, their
   * associative combine, and how to read means and covariances back. Optional.
   */
  readonly parallel?: KalmanElements;
}

/** Scan elements of the parallel Kalman filter for one structure. */
export interface KalmanElements {
  /** Numbers per element (diagonal: 5D; a dense B×B block: 3B² + 2B, per block). */
  readonly width: number;
  /**
   * Writes the T elements `[T][width]` into `out` for the model of {@link KalmanCapability.filter}
   * (same arguments: A packed in the structure, b and y `[T][D]`, s0 of length D,
   * precision λ ≥ 0, process variance q > 0); T = b.length / D. The first element holds
   * the exact first filtered step (s0 is known), so the inclusive scan needs no prior.
   */
  build(A: FloatArray, b: FloatArray, y: FloatArray, s0: ArrayLike<number>, lambda: number, q: number, out: FloatArray): void;
  /** The associative combine of two elements (Särkkä & García-Fernández, Lemma 8), for {@link scan}. */
  readonly monoid: Monoid;
  /**
   * Reads the filtered means `[T][D]` (and covariances `[T][covarianceWidth]`, when given)
   * out of the T scanned elements.
   */
  read(elements: FloatArray, T: number, means: FloatArray, covariances: FloatArray | undefined): void;
}

/**
 * What {@link defineStructure} takes: a {@link Structure}'s fields. Spreading a built-in
 * (`{ ...diagonal(3), name: 'mine' }`) copies its operations but not its `kernel` and
 * `module`, which describe the built-in record itself: a copy with a changed operation
 * must not run the built-in's loops or be rebuilt on a worker as the built-in.
 */
export type StructureSpec = Structure;

/**
 * Declares a custom structure after checking its shape: positive integer `dim`,
 * non-negative integer `width`, the required functions, and the shape of each optional
 * capability given (`transpose`, `kernel`, `scale`, `sample` functions; `module` a URL,
 * an export name and JSON-primitive arguments; `kalman` a covariance width and a filter).
 * Closure under `compose`, the matrix laws and what each capability computes cannot be
 * checked here — `checkStructureLaws` checks them on random elements (and
 * `checkStructureModule` the module address).
 *
 * @example
 * A structure for 2×2 rotation-scalings `[[a, −b], [b, a]]`, stored as (a, b):
 * ```ts
 * import { checkStructureLaws, defineStructure } from '@unroll/scan';
 *
 * const rotation = defineStructure({
 *   name: 'rotation', dim: 2, width: 2,
 *   compose: (A, ao, B, bo, out, oo) => {
 *     const a = A[ao], b = A[ao + 1], c = B[bo], d = B[bo + 1];
 *     out[oo] = c * a - d * b; out[oo + 1] = c * b + d * a;
 *   },
 *   apply: (A, ao, x, xo, out, oo) => {
 *     out[oo] = A[ao] * x[xo] - A[ao + 1] * x[xo + 1];
 *     out[oo + 1] = A[ao + 1] * x[xo] + A[ao] * x[xo + 1];
 *   },
 *   identity: (out, oo) => { out[oo] = 1; out[oo + 1] = 0; },
 * });
 * checkStructureLaws(rotation).failures; // → [] — closed, associative, with an identity
 * ```
 * @throws {UnrollError} `INVALID_ARGUMENT` naming the field that is missing or wrong.
 */
export function defineStructure(spec: StructureSpec): Structure {
  if (!isObject(spec)) {
    throw new UnrollError('INVALID_ARGUMENT', `defineStructure(spec): spec must be an object { name, dim, width, compose, apply, identity }, got ${describe(spec)}.`);
  }
  const { name, dim, width } = spec;
  if (typeof name !== 'string' || name.length === 0) {
    throw new UnrollError('INVALID_ARGUMENT', 'defineStructure: give the structure a non-empty name.');
  }
  if (typeof dim !== 'number' || !Number.isInteger(dim) || dim < 1 || dim > maxArrayLength) {
    throw new UnrollError('INVALID_ARGUMENT', `defineStructure('${name}'): dim must be a positive integer, got ${describe(dim)}.`);
  }
  if (typeof width !== 'number' || !Number.isInteger(width) || width < 0 || width > maxArrayLength) {
    throw new UnrollError('INVALID_ARGUMENT', `defineStructure('${name}'): width must be a non-negative integer, got ${describe(width)}.`);
  }
  for (const fn of ['compose', 'apply', 'identity'] as const) {
    if (typeof spec[fn] !== 'function') {
      throw new UnrollError('INVALID_ARGUMENT', `defineStructure('${name}'): ${fn}(…) is required.`);
    }
  }
  for (const fn of ['applyTranspose', 'scale', 'transpose', 'kernel', 'sample'] as const) {
    const value: unknown = (spec as unknown as Partial<Record<string, unknown>>)[fn];
    if (value !== undefined && typeof value !== 'function') {
      throw new UnrollError('INVALID_ARGUMENT', `defineStructure('${name}'): ${fn} must be a function when given, got ${describe(value)}.`);
    }
  }
  if (spec.module !== undefined) assertModule(`defineStructure('${name}')`, spec.module);
  if (spec.kalman !== undefined) assertKalman(name, spec.kalman);
  if (spec.wgsl !== undefined) assertStructureWgsl(`defineStructure('${name}')`, spec.wgsl);
  return Object.freeze({ ...spec });
}
