import { defineDynamics, type DefinedDynamics, type DynamicsSpec } from '@unroll/linearize';

/**
 * Small valid inputs the malformed calls start from: each call gets fresh ones, so a
 * function that mutates its input cannot affect the next case.
 */

/** State dimension of the fixtures. */
export const D = 2;
/** Steps of the fixtures' trajectories. */
export const T = 6;

/** The spec of a 2-D tanh RNN with closed-form Jacobian (valid for `defineDynamics`). */
export function rnnSpec(): DynamicsSpec {
  return {
    dim: D,
    name: 'tiny-rnn',
    step(t, s, so, out, oo) {
      out[oo] = Math.tanh(0.5 * (s[so + 1] ?? 0) + 0.1 * t);
      out[oo + 1] = Math.tanh(-0.4 * (s[so] ?? 0));
    },
    jacobian(t, s, so, out, oo) {
      const a = Math.tanh(0.5 * (s[so + 1] ?? 0) + 0.1 * t), b = Math.tanh(-0.4 * (s[so] ?? 0));
      out[oo] = 0;
      out[oo + 1] = 0.5 * (1 - a * a);
      out[oo + 2] = -0.4 * (1 - b * b);
      out[oo + 3] = 0;
    },
  };
}

/** The tiny RNN as a Dynamics. */
export function rnn(): DefinedDynamics {
  return defineDynamics(rnnSpec());
}

/** A valid initial state. */
export const s0 = (): number[] => [0.1, -0.2];

/** The rollout of {@link rnn} from {@link s0}: a valid converged trajectory `[T][D]`. */
export function states(): Float64Array {
  const dyn = rnn();
  const out = new Float64Array(T * D);
  dyn.step(1, Float64Array.from(s0()), 0, out, 0);
  for (let t = 2; t <= T; t++) dyn.step(t, out, (t - 2) * D, out, (t - 1) * D);
  return out;
}

/** Filled float64 array. */
export const filled = (n: number, v: number): Float64Array => new Float64Array(n).fill(v);
