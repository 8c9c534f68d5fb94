import { checkArrayLength, checkFunction, checkInteger } from '@unroll/scan';
import type { Dynamics, JvpFunction, StateFunction } from '@unroll/linearize';

/**
 * `diagonal` and `jvp` read off a closed-form `jacobian` (exact, no finite differences),
 * for systems whose Jacobian is cheap next to their step (integrator steps, small D).
 * Scratch allocated once.
 */
export function fromJacobian(D: number, jacobian: NonNullable<Dynamics['jacobian']>): {
  /** `out ← diag J`: the Jacobian's diagonal, D numbers (one `jacobian` call). */
  diagonal: StateFunction;
  /** `out ← J v`, D numbers (one `jacobian` call and a D×D product). */
  jvp: JvpFunction;
} {
  checkInteger('fromJacobian(D, jacobian)', 'D', D, 1);
  checkArrayLength('fromJacobian(D, jacobian)', `the D×D scratch (D = ${D})`, D * D, 'pass a smaller D');
  checkFunction('fromJacobian(D, jacobian)', 'jacobian', jacobian, '(t, prev, po, out, oo) writing the D×D Jacobian');
  const J = new Float64Array(D * D);
  return {
    diagonal(t, prev, po, out, oo) {
      jacobian(t, prev, po, J, 0);
      for (let i = 0; i < D; i++) out[oo + i] = J[i * D + i];
    },
    jvp(t, prev, po, v, vo, out, oo) {
      jacobian(t, prev, po, J, 0);
      for (let i = 0; i < D; i++) {
        let acc = 0;
        for (let j = 0; j < D; j++) acc += J[i * D + j] * v[vo + j];
        out[oo + i] = acc;
      }
    },
  };
}
