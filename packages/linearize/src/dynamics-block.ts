import { UnrollError, checkArrayLength, describeValue, type FloatArray } from '@unroll/scan';

/**
 * A dynamics evaluated a block of consecutive steps at a time: f — and, where the
 * strategy needs it, its diagonal or Jacobian — for the n steps `t0 … t0 + n − 1` from
 * one pass over their n previous states. The fixed-point iteration is parallel over t
 * (every s_t^{(i)} depends only on the previous iterate), so a solver may evaluate f for
 * many steps at once; a dynamics that can — a recurrent cell as one blocked matrix
 * product, reusing each weight it loads for several rows — gives this capability, and
 * the CPU solver calls it in blocks sized for the cache. Optional: a dynamics without
 * it is evaluated one step at a time, unchanged.
 *
 * Layout: row k = 0 … n−1 is step `t = t0 + k`; its previous state s_{t−1} is at
 * `prev[po + k·D …]`, its f at `out[oo + k·D …]`, its diagonal at `diag[dOff + k·D …]`
 * and its Jacobian (D×D row-major) at `jac[jo + k·D² …]`. Outputs never overlap `prev`.
 * The numbers must equal the per-step functions' (`step`, `diagonal`, `jacobian`) up to
 * rounding: `defineDynamics` checks that on its probe.
 */
export interface DynamicsBlock {
  /** `out` rows ← f_t(prev rows), t = t0 … t0 + n − 1. */
  readonly step: (t0: number, n: number, prev: FloatArray, po: number, out: FloatArray, oo: number) => void;
  /** f and diag ∂f_t/∂s together (quasi-DEER's Ã_t with its b_t, one evaluation of f). */
  readonly stepDiagonal?: (t0: number, n: number, prev: FloatArray, po: number, out: FloatArray, oo: number, diag: FloatArray, dOff: number) => void;
  /** f and the Jacobian ∂f_t/∂s together (DEER's Ã_t with its b_t, one evaluation of f). */
  readonly stepJacobian?: (t0: number, n: number, prev: FloatArray, po: number, out: FloatArray, oo: number, jac: FloatArray, jo: number) => void;
}

type StateFn = (t: number, p: FloatArray, po: number, o: FloatArray, oo: number) => void;

/**
 * The per-step functions a block is held to, with the relative tolerance of each: 1e-9
 * for closed forms (a blocked product sums in another order), looser where the per-step
 * derivative is itself derived by finite differences.
 */
export interface PerStep {
  readonly step: StateFn;
  readonly diagonal: StateFn;
  readonly jacobian: StateFn;
  readonly diagonalTol: number;
  readonly jacobianTol: number;
}

/** The padding's marker: a value no real dynamics writes. */
const unwritten = -1.2345678901234567e300;

/** Rows of the consistency probe: two different rows, so a block that ignores k shows. */
const probeRows = 3;

/**
 * Checks a {@link DynamicsBlock} against the per-step functions on `probeRows` rows built
 * from the probe state (scaled differently per row): shape, finiteness and agreement to
 * the tolerances of `perStep`. Returns it frozen, its methods bound.
 */
export function checkDynamicsBlock(
  label: string,
  block: unknown,
  D: number,
  t: number,
  x: FloatArray,
  perStep: PerStep,
): DynamicsBlock {
  if (typeof block !== 'object' || block === null || typeof (block as { step?: unknown }).step !== 'function') {
    throw new UnrollError('INVALID_ARGUMENT', `${label}: block must be { step(t0, n, prev, po, out, oo), stepDiagonal?, stepJacobian? } — f for n consecutive steps at once — or absent; got ${describeValue(block)}.`);
  }
  const b = block as Record<string, unknown>;
  for (const fn of ['stepDiagonal', 'stepJacobian'] as const) {
    if (b[fn] !== undefined && typeof b[fn] !== 'function') {
      throw new UnrollError('INVALID_ARGUMENT', `${label}: block.${fn} must be a function when given, got ${describeValue(b[fn])}.`);
    }
  }
  const given = block as DynamicsBlock;
  const n = probeRows;
  const prev = new Float64Array(n * D);
  for (let k = 0; k < n; k++) for (let i = 0; i < D; i++) prev[k * D + i] = x[i] * (1 - 0.25 * k) + 0.05 * k * (i % 3 === 0 ? 1 : -1);
  const expectF = new Float64Array(n * D);
  for (let k = 0; k < n; k++) perStep.step(t + k, prev, k * D, expectF, k * D);
  // `got` may be longer than `expect` (its padding): only expect.length entries are compared.
  const compare = (what: string, got: Float64Array, expect: Float64Array, tol: number) => {
    for (let i = 0; i < expect.length; i++) {
      const g = got[i], e = expect[i];
      // NaN-safe: a NaN where the per-step function has a number fails (!(… <= …)).
      if (!(Math.abs(g - e) <= tol * (1 + Math.abs(e)))) {
        throw new UnrollError(
          'INVALID_ARGUMENT',
          `${label}: block.${what} disagrees with the per-step function at row ${Math.floor(i / (expect.length / n))} (t = ${t + Math.floor(i / (expect.length / n))}), entry ${i % (expect.length / n)}: ${g} vs ${e}; row k of a block is step t0 + k from prev row k (stride D).`,
        );
      }
    }
  };
  const run = (what: string, count: number, call: (out: Float64Array, extra: Float64Array) => void, expect: Float64Array, expectExtra?: Float64Array, extraTol = 1e-9) => {
    // One slot of padding after each output, holding a value no dynamics writes: a block
    // that writes past n rows is caught (NaN would not do: a stray write may be NaN).
    const out = new Float64Array(n * D + 1).fill(unwritten);
    const extra = new Float64Array(count + 1).fill(unwritten);
    try {
      call(out, extra);
    } catch (error) {
      throw new UnrollError('INVALID_ARGUMENT', `${label}: block.${what} threw on the probe (t0 = ${t}, n = ${n}): ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    if (out[n * D] !== unwritten || extra[count] !== unwritten) {
      throw new UnrollError('INVALID_ARGUMENT', `${label}: block.${what} wrote past its n = ${n} rows; write rows k = 0 … n−1 only.`);
    }
    compare(what, out, expect, 1e-9);
    if (expectExtra !== undefined) compare(what, extra, expectExtra, extraTol);
  };
  run('step', 0, (out) => { given.step(t, n, prev, 0, out, 0); }, expectF);
  if (given.stepDiagonal !== undefined) {
    const expectDiag = new Float64Array(n * D);
    for (let k = 0; k < n; k++) perStep.diagonal(t + k, prev, k * D, expectDiag, k * D);
    run('stepDiagonal', n * D, (out, diag) => { given.stepDiagonal?.(t, n, prev, 0, out, 0, diag, 0); }, expectF, expectDiag, perStep.diagonalTol);
  }
  if (given.stepJacobian !== undefined) {
    checkArrayLength(label, `block.stepJacobian's probe (${n} Jacobians of dim² = ${D}² numbers)`, n * D * D + 1, 'omit stepJacobian (quasi strategies need no D×D matrix)');
    const expectJac = new Float64Array(n * D * D);
    for (let k = 0; k < n; k++) perStep.jacobian(t + k, prev, k * D, expectJac, k * D * D);
    run('stepJacobian', n * D * D, (out, jac) => { given.stepJacobian?.(t, n, prev, 0, out, 0, jac, 0); }, expectF, expectJac, perStep.jacobianTol);
  }
  return Object.freeze({
    step: given.step.bind(block),
    ...(given.stepDiagonal === undefined ? {} : { stepDiagonal: given.stepDiagonal.bind(block) }),
    ...(given.stepJacobian === undefined ? {} : { stepJacobian: given.stepJacobian.bind(block) }),
  });
}
