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

  // The predictability paper's design (Table 1): Euler, h(s) = C s with a dense C, K = Cᵀ, and some coordinates substituted.
  const C = [-0.72030073, -0.26062233, 1.68156851];
  const dt = 0.01;
  const paperDesign = { output: [C], substitute: [1] };

  it('observer(system, { output: C, gain: Δt·Cᵀ, substitute }) is the hand-written Euler loop ż = f(z̃) + K(Cx − Cz̃), z̃ = z with y := x_y', () => {
    const obs = observer(system, { ...paperDesign, measurements: measurements(reference, s0, 3, paperDesign), gain: C.map((c) => [dt * c]) });
    const z0 = [4, -3, 30];
    const estimate = solve(obs, z0, T, { method: 'sequential' }).states;
    const [sigma, rho, beta] = [10, 28, 8 / 3];
    let z = z0.slice();
    let x = s0.slice();
    let worst = 0;
    for (let t = 1; t <= T; t++) {
      const zt = [z[0], x[1], z[2]];
      const e = C[0] * (x[0] - zt[0]) + C[1] * (x[1] - zt[1]) + C[2] * (x[2] - zt[2]);
      const f = [sigma * (zt[1] - zt[0]), zt[0] * (rho - zt[2]) - zt[1], zt[0] * zt[1] - beta * zt[2]];
      z = [0, 1, 2].map((i) => zt[i] + dt * (f[i] + C[i] * e));
      for (let i = 0; i < 3; i++) worst = Math.max(worst, Math.abs(estimate[(t - 1) * 3 + i] - z[i]) / (1 + Math.abs(z[i])));
      x = Array.from(reference.subarray((t - 1) * 3, t * 3));
    }
    expect(worst).toBeLessThan(1e-12);
    // And it locks onto the reference.
    expect(Math.hypot(...[0, 1, 2].map((i) => estimate[(T - 1) * 3 + i] - reference[(T - 1) * 3 + i]))).toBeLessThan(1e-8);
  });

  it('measurements(reference, s0, D, { output, substitute }) lays out C s then the substituted coordinates, from s_0 on', () => {
    const rows = measurements(reference, s0, 3, { output: [C, [0, 0, 2]], substitute: [2, 0] });
    expect(rows.length).toBe(4 * T);
    for (const t of [0, 1, 77, T - 1]) {
      const s = t === 0 ? s0 : Array.from(reference.subarray((t - 1) * 3, t * 3));
      const want = [C[0] * s[0] + C[1] * s[1] + C[2] * s[2], 2 * s[2], s[2], s[0]];
      want.forEach((v, k) => { expect(rows[t * 4 + k]).toBeCloseTo(v, 12); });
    }
  });

  it('a gain with substitution and a dense C has the exact Jacobian (central differences), also past the last measurement', () => {
    const layout = { output: [C, [1, 0.5, 0]], substitute: [0, 2] };
    const d = observer(system, { ...layout, measurements: measurements(reference, s0, 3, layout), gain: [[0.2, 0], [0.1, -0.3], [0.05, 0.4]] });
    for (const t of [1, 50, 400, T + 5]) {
      const s = new Float64Array([3, -2, 15]);
      const J = new Float64Array(9);
      d.jacobian(t, s, 0, J, 0);
      expect(relErr(J, centralJacobian(d, t, s))).toBeLessThan(1e-6);
    }
  });

  it('observer rejects bad designs with what to pass instead', () => {
    expect(() => observer(system, { observed: [3], measurements: y, substitution: true })).toThrow(/distinct coordinates/);
    expect(() => observer(system, { observed: [0], measurements: y })).toThrow(/choose one design/);
    expect(() => observer(system, { observed: [0], measurements: y, gain: [[1, 2]] })).toThrow(/3×1/);
    expect(() => observer(system, { observed: [0], measurements: y, gain: [[1], [0], [0]], substitution: true })).toThrow(/pass output \(or observed\), gain and substitute/);
    expect(() => observer(system, { observed: [0], output: [C], measurements: y, gain: [[1], [0], [0]] })).toThrow(/not both/);
    expect(() => observer(system, { substitute: [1], measurements: y, gain: [[1], [0], [0]] })).toThrow(/say what h is/);
    expect(() => observer(system, { output: [[1, 2]], measurements: y, gain: [[1], [0], [0]] })).toThrow(/output\[0\] has 2 entries, expected 3/);
    expect(() => observer(system, { ...paperDesign, measurements: y.subarray(0, 3), gain: C.map((c) => [c]) })).toThrow(/T·2 numbers/);
  });
});
