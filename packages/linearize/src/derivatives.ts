import { checkArrayLength, type FloatArray } from '@unroll/scan';
import { checkDynamics } from './dynamics-checks.js';
import type { Dynamics, JvpFunction, StateFunction } from './dynamics.js';
import { finiteDifferenceJvp } from './finite-difference-jvp.js';

/** Calls into the dynamics that one linearization of one step makes. */
export interface CallCounts {
  /** Calls of `step` (a finite-difference JVP counts as two). */
  readonly step: number;
  /** Calls of a closed-form `jvp`. */
  readonly jvp: number;
  /** Calls of a closed-form `jacobian`. */
  readonly jacobian: number;
  /** Calls of a closed-form `diagonal`. */
  readonly diagonal: number;
}

export const noCalls: CallCounts = { step: 0, jvp: 0, jacobian: 0, diagonal: 0 };

export function scaleCalls(c: CallCounts, k: number): CallCounts {
  return { step: k * c.step, jvp: k * c.jvp, jacobian: k * c.jacobian, diagonal: k * c.diagonal };
}

/** One derivative, ready to call, with where it comes from and what one call costs. */
export interface Resolved<F> {
  /** The derivative, with the signature of the `Dynamics` method it stands for; allocates nothing per call. */
  readonly fn: F;
  /** Where it comes from (see {@link DerivativeSource}). */
  readonly source: 'closed-form' | 'finite-difference' | 'jvp' | 'jacobian';
  /** Calls into the dynamics one call of `fn` makes. */
  readonly calls: CallCounts;
}

/** Every derivative of a dynamics, closed-form where it has one, derived otherwise. */
export interface ResolvedDerivatives {
  /** `out ← J v`: closed-form, or central differences of `step`. */
  readonly jvp: Resolved<JvpFunction>;
  /** `out ← J` (D×D row-major): closed-form, or D JVPs. */
  readonly jacobian: Resolved<StateFunction>;
  /** `out ← diag J` (D numbers): closed-form, from a closed-form Jacobian, or D JVPs. */
  readonly diagonal: Resolved<StateFunction>;
}

/**
 * Resolves the derivatives of `dyn`, deriving what is missing: a JVP by central
 * differences, a Jacobian column by column from D JVPs, a diagonal from the Jacobian
 * (when there is a closed-form one) or from D JVPs. Allocates the scratch each derived
 * function needs once, here — call it once per solve, not per step.
 */
export function resolveDerivatives(dyn: Dynamics): ResolvedDerivatives {
  checkDynamics('resolveDerivatives(dyn)', dyn);
  const D = dyn.dim;
  const recorded = dyn.derivatives;

  const jvp: Resolved<JvpFunction> =
    dyn.jvp !== undefined
      ? {
          fn: dyn.jvp.bind(dyn),
          source: recorded?.jvp ?? 'closed-form',
          calls: recorded?.jvp === 'finite-difference' ? { ...noCalls, step: 2 } : { ...noCalls, jvp: 1 },
        }
      : { fn: finiteDifferenceJvp(dyn), source: 'finite-difference', calls: { ...noCalls, step: 2 } };

  const jacobian: Resolved<StateFunction> =
    dyn.jacobian !== undefined && recorded?.jacobian !== 'jvp'
      ? { fn: dyn.jacobian.bind(dyn), source: 'closed-form', calls: { ...noCalls, jacobian: 1 } }
      : { fn: jacobianFromJvp(D, jvp.fn), source: 'jvp', calls: scaleCalls(jvp.calls, D) };

  let diagonal: Resolved<StateFunction>;
  if (dyn.diagonal !== undefined && recorded?.diagonal !== 'jacobian' && recorded?.diagonal !== 'jvp') {
    diagonal = { fn: dyn.diagonal.bind(dyn), source: 'closed-form', calls: { ...noCalls, diagonal: 1 } };
  } else if (jacobian.source === 'closed-form') {
    checkArrayLength(
      'resolveDerivatives(dyn)',
      `reading the diagonal off the closed-form jacobian (a D×D scratch, dim = ${D})`,
      D * D,
      'give the dynamics a closed-form diagonal (or a jvp) so no D×D matrix is needed',
    );
    diagonal = { fn: diagonalFromJacobian(D, jacobian.fn), source: 'jacobian', calls: jacobian.calls };
  } else {
    diagonal = { fn: diagonalFromJvp(D, jvp.fn), source: 'jvp', calls: scaleCalls(jvp.calls, D) };
  }
  return { jvp, jacobian, diagonal };
}

/** The Jacobian column by column: column j is `J e_j`. D JVPs. */
export function jacobianFromJvp(D: number, jvp: JvpFunction): StateFunction {
  const e = new Float64Array(D);
  const col = new Float64Array(D);
  return (t: number, prev: FloatArray, po: number, out: FloatArray, oo: number) => {
    for (let j = 0; j < D; j++) {
      e[j] = 1;
      jvp(t, prev, po, e, 0, col, 0);
      e[j] = 0;
      for (let i = 0; i < D; i++) out[oo + i * D + j] = col[i];
    }
  };
}

/** The diagonal read off a full Jacobian (D² scratch). */
export function diagonalFromJacobian(D: number, jacobian: StateFunction): StateFunction {
  const full = new Float64Array(D * D);
  return (t: number, prev: FloatArray, po: number, out: FloatArray, oo: number) => {
    jacobian(t, prev, po, full, 0);
    for (let i = 0; i < D; i++) out[oo + i] = full[i * D + i];
  };
}

/** The diagonal entry by entry: entry i is `(J e_i)_i`. D JVPs. */
export function diagonalFromJvp(D: number, jvp: JvpFunction): StateFunction {
  const e = new Float64Array(D);
  const col = new Float64Array(D);
  return (t: number, prev: FloatArray, po: number, out: FloatArray, oo: number) => {
    for (let i = 0; i < D; i++) {
      e[i] = 1;
      jvp(t, prev, po, e, 0, col, 0);
      e[i] = 0;
      out[oo + i] = col[i];
    }
  };
}
