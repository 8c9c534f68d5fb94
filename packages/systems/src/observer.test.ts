import { solve } from '@unroll/solvers';
import { describe, expect, it } from 'vitest';
import { centralJacobian, relErr } from '../test/derivative-check.js';
import { lorenz63, measurements, observer } from './index.js';

describe('observer', () => {
  const T = 3000;
  const system = lorenz63({ integrator: 'euler', dt: 0.01 });
  const s0 = [1, 1, 1];
  const reference = solve(system, s0, T, { method: 'sequential' }).states;
  const y = measurements(reference, s0, 3, [0]);

  it('a substitution observer of Lorenz-63 driven by x synchronises with the reference (Pecora–Carroll)', () => {
    const obs = observer(system, { observed: [0], measurements: y, substitution: true });
    const estimate = solve(obs, [5, -5, 20], T, { method: 'sequential' }).states;
    const err = (t: number) => Math.hypot(...[0, 1, 2].map((i) => estimate[(t - 1) * 3 + i] - reference[(t - 1) * 3 + i]));
    expect(err(1)).toBeGreaterThan(1);
    expect(err(T)).toBeLessThan(1e-6);
  });

  it('DEER converges on the stable observer in far fewer iterations than on the chaotic system', () => {
    const obs = observer(system, { observed: [0], measurements: y, substitution: true });
    const onObserver = solve(obs, [5, -5, 20], T, { method: 'deer', stop: 'merit', tol: 1e-16 });
    const onSystem = solve(system, s0, T, { method: 'deer', stop: 'merit', tol: 1e-16 });
    expect(onObserver.converged).toBe(true);
    expect(onObserver.iterations).toBeLessThan(onSystem.iterations / 5);
  });

  it('both designs have exact Jacobians (central differences)', () => {
    const designs = [
      observer(system, { observed: [0], measurements: y, substitution: true }),
      observer(system, { observed: [0, 2], measurements: measurements(reference, s0, 3, [0, 2]), gain: [[0.5, 0], [0.1, 0.2], [0, 0.7]] }),
    ];
    for (const d of designs) {
      for (const t of [1, 50, 400]) {
        const s = new Float64Array([3, -2, 15]);
        const J = new Float64Array(9);
        d.jacobian(t, s, 0, J, 0);
        expect(relErr(J, centralJacobian(d, t, s))).toBeLessThan(1e-6);
      }
    }
  });

  it('observer rejects bad designs', () => {
    expect(() => observer(system, { observed: [3], measurements: y, substitution: true })).toThrow(/distinct coordinates/);
    expect(() => observer(system, { observed: [0], measurements: y })).toThrow(/choose one design/);
    expect(() => observer(system, { observed: [0], measurements: y, gain: [[1, 2]] })).toThrow(/3×1/);
  });
});
