import { UnrollError } from './unroll-error.js';
import { describe, isObject } from './validate.js';

/**
 * A structure's algebra in WGSL, for the GPU runtime (`@unroll/gpu-runtime`), which splices
 * it into its scan and linearization kernels — so a structure the runtime has never seen
 * runs on the GPU unchanged. The runtime declares before it
 *
 * ```wgsl
 * const D: u32;                    // the state dimension
 * const W: u32;                    // the structure's width (numbers per matrix), ≥ 1
 * alias State = array<f32, D>;
 * alias Matrix = array<f32, W>;    // one packed matrix, as the TypeScript packs it
 * ```
 *
 * and `source` defines, in the same packing as the structure's TypeScript operations,
 *
 * ```wgsl
 * fn structure_apply(a: Matrix, x: State) -> State       // A·x
 * fn structure_compose(a: Matrix, b: Matrix) -> Matrix   // B·A (a first), as `compose`
 * fn structure_identity() -> Matrix
 * ```
 *
 * plus any helpers, whose names should start with `structure_` (identifiers starting with
 * `unroll_` are the runtime's). The GPU computes in f32.
 */
export interface StructureWgsl {
  /** WGSL defining `structure_apply`, `structure_compose` and `structure_identity` (and helpers). */
  readonly source: string;
}

const declares = (source: string, fn: string): boolean => new RegExp(`\\bfn\\s+${fn}\\s*\\(`).test(source);

/** The functions a {@link StructureWgsl} must define. */
export const structureWgslFunctions = ['structure_apply', 'structure_compose', 'structure_identity'] as const;

/** Throws `INVALID_ARGUMENT` unless `wgsl` is a {@link StructureWgsl} that defines the three functions. */
export function assertStructureWgsl(where: string, wgsl: unknown): asserts wgsl is StructureWgsl {
  const how = 'give wgsl: { source } defining fn structure_apply(a: Matrix, x: State) -> State, fn structure_compose(a: Matrix, b: Matrix) -> Matrix (b·a) and fn structure_identity() -> Matrix';
  const source: unknown = isObject(wgsl) ? (wgsl as { source?: unknown }).source : undefined;
  if (typeof source !== 'string') throw new UnrollError('INVALID_ARGUMENT', `${where}: wgsl must be { source: string }, got ${describe(wgsl)}; ${how}.`);
  const missing = structureWgslFunctions.filter((fn) => !declares(source, fn));
  if (missing.length > 0) throw new UnrollError('INVALID_ARGUMENT', `${where}: wgsl.source does not define ${missing.join(', ')}; ${how}.`);
  if (/\bunroll_/.test(source)) throw new UnrollError('INVALID_ARGUMENT', `${where}: wgsl.source uses an identifier starting with unroll_, which the GPU runtime reserves; rename it (e.g. structure_…).`);
}

/** The WGSL of `diagonal(D)`: the D diagonal entries (W = D), multiplied entry by entry. */
export function diagonalWgsl(): StructureWgsl {
  return Object.freeze({
    source: `
fn structure_apply(a: Matrix, x: State) -> State {
  var out: State;
  for (var i = 0u; i < D; i++) { out[i] = a[i] * x[i]; }
  return out;
}
fn structure_compose(a: Matrix, b: Matrix) -> Matrix {
  var out: Matrix;
  for (var i = 0u; i < D; i++) { out[i] = b[i] * a[i]; }
  return out;
}
fn structure_identity() -> Matrix {
  var out: Matrix;
  for (var i = 0u; i < D; i++) { out[i] = 1.0; }
  return out;
}`,
  });
}

/** The WGSL of `blockDiagonal(D, B)`: B×B blocks, row-major, one after the other. */
export function blockDiagonalWgsl(B: number): StructureWgsl {
  return Object.freeze({
    source: `
const structure_B: u32 = ${B}u;
fn structure_apply(a: Matrix, x: State) -> State {
  var out: State;
  for (var k = 0u; k < D / structure_B; k++) {
    for (var i = 0u; i < structure_B; i++) {
      var acc = 0.0;
      for (var j = 0u; j < structure_B; j++) { acc += a[k * structure_B * structure_B + i * structure_B + j] * x[k * structure_B + j]; }
      out[k * structure_B + i] = acc;
    }
  }
  return out;
}
fn structure_compose(a: Matrix, b: Matrix) -> Matrix {
  var out: Matrix;
  for (var k = 0u; k < D / structure_B; k++) {
    let o = k * structure_B * structure_B;
    for (var i = 0u; i < structure_B; i++) {
      for (var j = 0u; j < structure_B; j++) {
        var acc = 0.0;
        for (var l = 0u; l < structure_B; l++) { acc += b[o + i * structure_B + l] * a[o + l * structure_B + j]; }
        out[o + i * structure_B + j] = acc;
      }
    }
  }
  return out;
}
fn structure_identity() -> Matrix {
  var out: Matrix;
  for (var k = 0u; k < D / structure_B; k++) {
    for (var i = 0u; i < structure_B; i++) { out[k * structure_B * structure_B + i * structure_B + i] = 1.0; }
  }
  return out;
}`,
  });
}
