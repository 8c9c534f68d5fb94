import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { centralJacobian, relErr } from '../test/derivative-check.js';
import { abcFlow, chuaCircuit, kawczynskiStrizhak, noseHoover, sprottB, thomas, UnrollError, vallisElNino } from './index.js';

type V = readonly [number, number, number];
/** The vector fields as the predictability paper's Table 1 (dysts) writes them, restated here independently. */
const chuaG = (x: number) => -0.71429 * x + 0.5 * (-1.142857 + 0.71429) * (Math.abs(x + 1) - Math.abs(x - 1));
const fields = [
  { name: 'thomas', make: thomas, f: ([x, y, z]: V) => [-1.85 * x + 10 * Math.sin(y), -1.85 * y + 10 * Math.sin(z), -1.85 * z + 10 * Math.sin(x)] },
  { name: 'abcFlow', make: abcFlow, f: ([x, y, z]: V) => [1.73205 * Math.sin(z) + Math.cos(y), 1.41421 * Math.sin(x) + 1.73205 * Math.cos(z), Math.sin(y) + 1.41421 * Math.cos(x)] },
  { name: 'sprottB', make: sprottB, f: ([x, y, z]: V) => [y * z, x - y, 1 - x * y] },
  { name: 'kawczynskiStrizhak', make: kawczynskiStrizhak, f: ([x, y, z]: V) => [0.49 * (y - x ** 3 + 3 * 2.1 * x), -2 * 2.1 * x - y - z - 0.4, 0.2 * (x - z)] },
  { name: 'vallisElNino', make: vallisElNino, f: ([x, y, z]: V) => [102 * y - 3 * x, -y + x * z, -z - x * y + 1] },
  { name: 'chuaCircuit', make: chuaCircuit, f: ([x, y, z]: V) => [15.6 * (y - x - chuaG(x)), x - y + z, -28 * y] },
  { name: 'noseHoover', make: noseHoover, f: ([x, y, z]: V) => [y, -x + y * z, 1.5 - y * y] },
] as const;
const point = fc.tuple(fc.double({ min: -5, max: 5, noNaN: true }), fc.double({ min: -5, max: 5, noNaN: true }), fc.double({ min: -5, max: 5, noNaN: true }));

describe('the chaotic flows of the predictability paper, Table 1', () => {
  for (const { name, make, f } of fields) {
    it(`${name}({ integrator: 'euler' }) steps s + Δt f(s) with the paper's parameters as defaults`, () => {
      const dyn = make({ integrator: 'euler', dt: 0.01 });
      fc.assert(fc.property(point, (s) => {
        const out = new Float64Array(3);
        dyn.step(1, Float64Array.from(s), 0, out, 0);
        const v = f(s);
        return [0, 1, 2].every((i) => Math.abs(out[i] - (s[i] + 0.01 * v[i])) <= 1e-12 * (1 + Math.abs(out[i])));
      }));
    });

    it(`${name}: the closed-form Jacobian (Euler and RK4 steps) matches central differences at random points`, () => {
      for (const integrator of ['euler', 'rk4'] as const) {
        const dyn = make({ integrator, dt: 0.05 });
        fc.assert(fc.property(point, (s) => {
          // Chua's Jacobian jumps at |x| = 1: keep the differences on one side of the kinks.
          if (name === 'chuaCircuit' && Math.abs(Math.abs(s[0]) - 1) < 0.05) return true;
          const x = Float64Array.from(s);
          const J = new Float64Array(9);
          dyn.jacobian(1, x, 0, J, 0);
          return relErr(J, centralJacobian(dyn, 1, x)) < 1e-6;
        }));
      }
    });
  }

  it('a flow rejects a non-finite parameter and a bad step with a typed error saying what to pass', () => {
    expect(() => thomas({ a: Number.NaN })).toThrow(UnrollError);
    expect(() => thomas({ a: Number.NaN })).toThrow(/thomas: a/);
    expect(() => chuaCircuit({ dt: -1 })).toThrow(/dt must be finite and > 0/);
    expect(() => noseHoover({ integrator: 'leapfrog' as never })).toThrow(/integrator/);
    expect(() => sprottB(3 as never)).toThrow(/params/);
    expect(vallisElNino().params).toEqual({ b: 102, c: 3, p: 0, dt: 0.01, integrator: 'rk4' });
  });
});
