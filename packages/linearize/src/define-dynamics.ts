import { UnrollError, checkArrayLength, checkInteger, checkRecord, describeValue, type FloatArray } from '@unroll/scan';
import { checkState } from './arguments.js';
import { resolveDerivatives } from './derivatives.js';
import type { Dynamics, JvpFunction, StateFunction } from './dynamics.js';
import { checkDynamicsBlock, type DynamicsBlock } from './dynamics-block.js';
import { checkDynamicsWgsl, type DynamicsWgslSpec } from './dynamics-wgsl.js';
import type { Strategy } from './strategy.js';

/** What {@link defineDynamics} takes. */
export interface DynamicsSpec {
  /** The state dimension D. */
  readonly dim: number;
  /** A name for messages and warnings (see `Dynamics.name`). */
  readonly name?: string;
  /** `out ← f_t(prev)`: D numbers at `(out, oo)` from the state at `(prev, po)`; t is 1-based. Required. */
  readonly step: StateFunction;
  /** `out ← ∂f_t/∂s (prev)`, D×D row-major; derived from D JVPs when absent. */
  readonly jacobian?: StateFunction;
  /** `out ← diag ∂f_t/∂s (prev)`, D numbers; derived from `jacobian` or D JVPs when absent. */
  readonly diagonal?: StateFunction;
  /** `out ← ∂f_t/∂s (prev) · v`, D numbers; central finite differences of `step` when absent. */
  readonly jvp?: JvpFunction;
  /** Parameter count and VJP, for gradients with respect to θ (see `Dynamics.vjpParams`). */
  readonly paramCount?: number;
  /** `out ← wᵀ ∂f_t/∂θ (prev)`, `paramCount` numbers (see `Dynamics.vjpParams`); needs `paramCount`. */
  readonly vjpParams?: Dynamics['vjpParams'];
  /** The exact Jacobian in a compact structure (see `Dynamics.jacobianStrategy`); checked against the Jacobian on the probe. */
  readonly jacobianStrategy?: Strategy;
  /**
   * The same dynamics in WGSL, for the GPU runtime: `source` defining `step` and
   * `diagonal` (optionally `jacobian` and `vjp`) in the fixed signatures of
   * {@link DynamicsWgsl}, and the `params` it reads as `params[i]`.
   */
  readonly wgsl?: DynamicsWgslSpec;
  /**
   * f — with its diagonal or Jacobian — for n consecutive steps at once (see
   * {@link DynamicsBlock}); checked against `step`, `diagonal` and `jacobian` on the probe.
   */
  readonly block?: DynamicsBlock;
  /** Where to probe the functions once (default: t = 1 at the zero state). */
  readonly probe?: {
    /** The time index of the probe call, an integer ≥ 1 (default 1). */
    readonly t?: number;
    /** The state `s_{t−1}` to probe at, D finite numbers (default zeros). */
    readonly state?: ArrayLike<number>;
  };
}

/** The result of {@link defineDynamics}: every derivative present, and `derivatives` saying how each is obtained. */
export type DefinedDynamics = Dynamics & Required<Pick<Dynamics, 'jacobian' | 'diagonal' | 'jvp' | 'derivatives'>>;

/**
 * Validates a user's dynamics and fills in what can be derived:
 * - a JVP by central finite differences when no `jvp` is given (see
 *   `finiteDifferenceJvp` for the step and its accuracy);
 * - a Jacobian column by column from D JVPs when no `jacobian` is given;
 * - a diagonal from the Jacobian when only that is given, else from D JVPs.
 * `derivatives` records which is which, and strategies report it.
 *
 * Checks: `dim` a positive integer; `step` present and the others functions if given;
 * one probe call of each at `probe` (default t = 1, zero state) writes exactly the
 * expected count of finite numbers — a wrong `dim` shows up as an unwritten or
 * overwritten slot. A `wgsl` capability must define `step` and `diagonal`, use no
 * `unroll_` identifier and read finite float32 `params` (see {@link DynamicsWgsl}).
 *
 * @example
 * ```ts
 * import { defineDynamics } from '@unroll/linearize';
 *
 * const rnn = defineDynamics({
 *   dim: 2,
 *   step: (t, s, so, out, oo) => { out[oo] = Math.tanh(0.5 * s[so + 1]); out[oo + 1] = Math.tanh(-0.5 * s[so]); },
 * });
 * rnn.derivatives; // → { jvp: 'finite-difference', jacobian: 'jvp', diagonal: 'jvp' }
 * ```
 * @throws {UnrollError} `INVALID_ARGUMENT` (spec not an object, bad dim, missing step, a
 *   non-function, a non-string name, probe.t not an integer ≥ 1, a `wgsl` without `step` or
 *   `diagonal`, with an `unroll_` identifier or non-numeric params), `DIMENSION_MISMATCH`
 *   (probe state of the wrong length, or a function writing the wrong number of values),
 *   `NON_FINITE` (NaN or ±Infinity in probe.state, from a probe call, or in float32 wgsl.params), `MEMORY_BUDGET`
 *   (dim, D² for a closed-form jacobian, or paramCount beyond 2^28 numbers).
 */
export function defineDynamics(spec: DynamicsSpec): DefinedDynamics {
  const given: unknown = spec;
  checkRecord('defineDynamics(spec)', 'spec', given, '{ dim, step(t, prev, po, out, oo) }');
  const name: unknown = given['name'];
  if (name !== undefined && typeof name !== 'string') {
    throw new UnrollError('INVALID_ARGUMENT', `defineDynamics: name must be a string (used in messages) or absent, got ${describeValue(name)}.`);
  }
  const label = `defineDynamics(${name === undefined ? '' : `'${name}'`})`;
  const D = spec.dim;
  if (typeof D !== 'number' || !Number.isInteger(D) || D < 1) {
    throw new UnrollError('INVALID_ARGUMENT', `${label}: dim must be a positive integer (the state dimension D), got ${describeValue(D)}.`);
  }
  checkArrayLength(label, `a state of dim = ${D}`, D, 'pass a smaller dim');
  if (typeof spec.step !== 'function') {
    throw new UnrollError('INVALID_ARGUMENT', `${label}: step(t, prev, po, out, oo) is required — it computes s_t = f_t(s_{t−1}); got ${describeValue(given['step'])}.`);
  }
  for (const fn of ['jacobian', 'diagonal', 'jvp', 'vjpParams'] as const) {
    if (given[fn] !== undefined && typeof given[fn] !== 'function') {
      throw new UnrollError('INVALID_ARGUMENT', `${label}: ${fn} must be a function when given, got ${describeValue(given[fn])}; omit it to have it derived.`);
    }
  }
  if (spec.jacobian !== undefined) {
    checkArrayLength(label, `a closed-form jacobian of dim = ${D} (D² entries)`, D * D, 'omit jacobian and give diagonal or jvp instead (quasi strategies need no D×D matrix)');
  }
  const probeSpec: unknown = given['probe'];
  if (probeSpec !== undefined) checkRecord(label, 'probe', probeSpec, '{ t: 1, state: [ …D numbers ] }');
  const t: unknown = spec.probe?.t === undefined ? 1 : spec.probe.t;
  checkInteger(label, 'probe.t', t, 1);
  const x = spec.probe?.state === undefined ? new Float64Array(D) : checkState(label, 'probe.state', spec.probe.state, D);
  if ((spec.vjpParams === undefined) !== (spec.paramCount === undefined)) {
    throw new UnrollError('INVALID_ARGUMENT', `${label}: give paramCount and vjpParams together.`);
  }
  if (spec.paramCount !== undefined) {
    checkInteger(label, 'paramCount', spec.paramCount, 1);
    checkArrayLength(label, `paramCount = ${spec.paramCount} parameters`, spec.paramCount, 'pass a smaller paramCount');
  }
  const wgsl = given['wgsl'] === undefined ? undefined : checkDynamicsWgsl(label, given['wgsl']);
  const v = new Float64Array(D).fill(1);

  probe(label, 'step', D, (out) => { spec.step(t, x, 0, out, 0); });
  if (spec.jacobian) {
    const jacobian = spec.jacobian;
    probe(label, 'jacobian', D * D, (out) => { jacobian(t, x, 0, out, 0); });
  }
  if (spec.diagonal) {
    const diagonal = spec.diagonal;
    probe(label, 'diagonal', D, (out) => { diagonal(t, x, 0, out, 0); });
  }
  if (spec.jvp) {
    const jvp = spec.jvp;
    probe(label, 'jvp', D, (out) => { jvp(t, x, 0, v, 0, out, 0); });
  }
  if (spec.vjpParams && spec.paramCount !== undefined) {
    const { vjpParams, paramCount } = spec;
    probe(label, 'vjpParams', paramCount, (out) => { vjpParams(t, x, 0, v, 0, out, 0); });
  }

  const base: Dynamics = {
    dim: D,
    ...(name === undefined ? {} : { name }),
    step: spec.step,
    ...(spec.jacobian === undefined ? {} : { jacobian: spec.jacobian }),
    ...(spec.diagonal === undefined ? {} : { diagonal: spec.diagonal }),
    ...(spec.jvp === undefined ? {} : { jvp: spec.jvp }),
    ...(spec.vjpParams === undefined || spec.paramCount === undefined ? {} : { vjpParams: spec.vjpParams, paramCount: spec.paramCount }),
  };
  const resolved = resolveDerivatives(base);
  if (spec.jacobianStrategy !== undefined) checkJacobianStrategy(label, spec.jacobianStrategy, base, t, x, resolved.jacobian.fn);
  const block =
    given['block'] === undefined
      ? undefined
      : checkDynamicsBlock(label, given['block'], D, t, x, {
          step: spec.step,
          diagonal: resolved.diagonal.fn,
          jacobian: resolved.jacobian.fn,
          // A derived derivative is itself approximate (finite differences: ~1e-7 relative).
          diagonalTol: resolved.diagonal.source === 'closed-form' || resolved.jacobian.source === 'closed-form' || resolved.jvp.source === 'closed-form' ? 1e-9 : 1e-5,
          jacobianTol: resolved.jacobian.source === 'closed-form' || resolved.jvp.source === 'closed-form' ? 1e-9 : 1e-5,
        });
  const jvpSource = resolved.jvp.source === 'finite-difference' ? 'finite-difference' : 'closed-form';
  const jacobianSource = resolved.jacobian.source === 'closed-form' ? 'closed-form' : 'jvp';
  const diagonalSource = resolved.diagonal.source === 'closed-form' ? 'closed-form' : resolved.diagonal.source === 'jacobian' ? 'jacobian' : 'jvp';
  return Object.freeze({
    ...base,
    ...(spec.jacobianStrategy === undefined ? {} : { jacobianStrategy: spec.jacobianStrategy }),
    ...(wgsl === undefined ? {} : { wgsl }),
    ...(block === undefined ? {} : { block }),
    jvp: resolved.jvp.fn,
    jacobian: resolved.jacobian.fn,
    diagonal: resolved.diagonal.fn,
    derivatives: Object.freeze({ jvp: jvpSource, jacobian: jacobianSource, diagonal: diagonalSource }),
  });
}

/** A value no real dynamics writes: marks the slots a probe call has not written. */
const unwritten = -1.2345678901234567e300;

/**
 * Calls `run` on a buffer one slot longer than `count`, pre-filled with a marker: every
 * slot must be written with a finite number, and the extra slot must stay untouched.
 */
function probe(label: string, fn: string, count: number, run: (out: FloatArray) => void): void {
  const out = new Float64Array(count + 1).fill(unwritten);
  try {
    run(out);
  } catch (error) {
    throw new UnrollError('INVALID_ARGUMENT', `${label}: ${fn} threw on the probe call: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  if (out[count] !== unwritten) {
    throw new UnrollError('DIMENSION_MISMATCH', `${label}: ${fn} wrote more than its ${count} outputs on the probe call — is dim right?`);
  }
  for (let i = 0; i < count; i++) {
    const value = out[i];
    if (value === unwritten) {
      throw new UnrollError('DIMENSION_MISMATCH', `${label}: ${fn} left output ${i} of ${count} unwritten on the probe call — is dim right?`);
    }
    if (!Number.isFinite(value)) {
      throw new UnrollError(
        'NON_FINITE',
        `${label}: ${fn} returned ${String(value)} at output ${i} on the probe call; the dynamics must be finite there (set probe.state to a typical state if this point is special).`,
      );
    }
  }
}

/**
 * A declared exact-Jacobian strategy must be a strategy for this D whose Ã_t, expanded to a
 * dense matrix through its structure's `apply`, is the Jacobian at the probe point (to
 * 1e-6 relative: a closed-form Jacobian agrees to rounding, a finite-difference one to its
 * own accuracy). A strategy that only approximates the Jacobian does not belong here.
 */
function checkJacobianStrategy(label: string, strategy: Strategy, dyn: Dynamics, t: number, x: FloatArray, jacobian: StateFunction): void {
  const given: unknown = strategy;
  const s = given as Partial<Strategy> | null;
  if (typeof s !== 'object' || s === null || typeof s.structure !== 'function' || typeof s.prepare !== 'function') {
    throw new UnrollError('INVALID_ARGUMENT', `${label}: jacobianStrategy must be a Strategy (defineStrategy, diagonal(), …), got ${describeValue(given)}.`);
  }
  const D = dyn.dim;
  const structure = strategy.structure(D);
  const packed = new Float64Array(Math.max(1, structure.width));
  strategy.prepare(dyn).fill(t, x, 0, packed, 0);
  const J = new Float64Array(D * D);
  jacobian(t, x, 0, J, 0);
  const unit = new Float64Array(D), column = new Float64Array(D);
  let scale = 0;
  for (let i = 0; i < D * D; i++) scale = Math.max(scale, Math.abs(J[i]));
  for (let j = 0; j < D; j++) {
    unit.fill(0);
    unit[j] = 1;
    structure.apply(packed, 0, unit, 0, column, 0);
    for (let i = 0; i < D; i++) {
      const error = Math.abs(column[i] - J[i * D + j]);
      if (!(error <= 1e-6 * Math.max(1, scale))) {
        throw new UnrollError(
          'INVALID_ARGUMENT',
          `${label}: jacobianStrategy '${strategy.name}' is not the exact Jacobian: entry (${i}, ${j}) is ${column[i]} but the Jacobian has ${J[i * D + j]} at the probe point. Declare only a strategy whose structure holds the whole Jacobian.`,
        );
      }
    }
  }
}
