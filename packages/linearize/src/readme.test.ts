import { describe, expect, it } from 'vitest';
import { defineDynamics, diagonal } from './index.js';

describe('README example', () => {
  it('defineDynamics + diagonal() give the README numbers: derived provenance, source, cost and Ã_1', () => {
    const rnn = defineDynamics({
      dim: 2,
      step: (t, s, so, out, oo) => {
        out[oo] = Math.tanh(0.5 * s[so + 1] + 0.1 * t);
        out[oo + 1] = Math.tanh(-0.5 * s[so]);
      },
    });
    expect(rnn.derivatives).toEqual({ jvp: 'finite-difference', jacobian: 'jvp', diagonal: 'jvp' });
    const lin = diagonal().prepare(rnn);
    const A = new Float64Array(2);
    lin.fill(1, new Float64Array([0.3, -0.7]), 0, A, 0);
    // f_1 is off-diagonal in s: ∂f_1,0/∂s_0 = ∂f_1,1/∂s_1 = 0.
    expect(Math.abs(A[0])).toBeLessThan(1e-12);
    expect(Math.abs(A[1])).toBeLessThan(1e-12);
    expect(lin.source).toBe('diagonal from 2 finite-difference JVPs');
    expect(lin.cost).toEqual({ storedPerStep: 2, calls: { step: 4, jvp: 0, jacobian: 0, diagonal: 0 } });
  });
});
