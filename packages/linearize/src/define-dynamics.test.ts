import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maxRelErr, seeded, strip, testSystems } from '../test/systems.js';
import { UnrollError } from '@unroll/scan';
import { defineDynamics, finiteDifferenceJvp, type StateFunction } from './index.js';

const code = (c: string) => expect.objectContaining({ code: c }) as Error;

const rotate: StateFunction = (_t, s, so, out, oo) => {
  out[oo] = Math.tanh(0.5 * s[so + 1]);
  out[oo + 1] = Math.tanh(-0.5 * s[so]);
};

describe('defineDynamics', () => {
  it('defineDynamics fills jvp, jacobian and diagonal and records where each comes from', () => {
    const d = defineDynamics({ dim: 2, step: rotate });
    expect(d.derivatives).toEqual({ jvp: 'finite-difference', jacobian: 'jvp', diagonal: 'jvp' });
    const s = new Float64Array([0.3, -0.7]);
    const J = new Float64Array(4);
    d.jacobian(1, s, 0, J, 0);
    const sech2 = (x: number) => 1 - Math.tanh(x) ** 2;
    expect(maxRelErr(J, [0, 0.5 * sech2(0.5 * -0.7), -0.5 * sech2(-0.5 * 0.3), 0])).toBeLessThan(1e-9);
    const full = testSystems[0].make(3, 1);
    expect(defineDynamics({ ...strip(full, ['jacobian']) }).derivatives).toEqual({ jvp: 'finite-difference', jacobian: 'closed-form', diagonal: 'jacobian' });
    expect(defineDynamics({ ...strip(full, ['jacobian', 'diagonal', 'jvp']) }).derivatives).toEqual({ jvp: 'closed-form', jacobian: 'closed-form', diagonal: 'closed-form' });
  });

  it('finiteDifferenceJvp matches the closed-form JVP to 1e-6 on every test system (random states, directions, scales)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 2 ** 30 }), fc.double({ min: 0.01, max: 100, noNaN: true }), (D, seed, scale) => {
        const rand = seeded(seed);
        for (const { make } of testSystems) {
          const dyn = make(D, seed);
          // The Langevin and permutation systems are linear in s: any scale is fine. The
          // saturating ones (GRU, tanh) are probed where they are not flat.
          const s = Float64Array.from({ length: D }, () => 2 * (dyn.name === 'langevin' || dyn.name === 'permutation' ? scale : 1) * rand());
          const v = Float64Array.from({ length: D }, () => 2 * rand());
          const want = new Float64Array(D), got = new Float64Array(D);
          dyn.jvp?.(5, s, 0, v, 0, want, 0);
          finiteDifferenceJvp(dyn)(5, s, 0, v, 0, got, 0);
          const vNorm = Math.max(...Array.from(v, Math.abs));
          expect(maxRelErr(got.map((x) => x / vNorm), Array.from(want, (x) => x / vNorm))).toBeLessThan(1e-6);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('finiteDifferenceJvp of a zero direction is exactly zero', () => {
    const out = new Float64Array([9, 9]);
    finiteDifferenceJvp({ dim: 2, step: rotate })(1, new Float64Array(2), 0, new Float64Array(2), 0, out, 0);
    expect(Array.from(out)).toEqual([0, 0]);
  });

  it('defineDynamics names the problem in bad specs: dimension, NaN output, missing step, non-functions', () => {
    expect(() => defineDynamics({ dim: 0, step: rotate })).toThrow(code('INVALID_ARGUMENT'));
    expect(() => defineDynamics({ dim: 2 } as never)).toThrow(/step\(t, prev, po, out, oo\) is required/);
    expect(() => defineDynamics({ dim: 2, step: rotate, jvp: 3 as never })).toThrow(/jvp must be a function/);
    // dim too small: step writes past its outputs.
    expect(() => defineDynamics({ dim: 1, step: rotate })).toThrow(/step wrote more than its 1 outputs/);
    // dim too large: an output stays unwritten.
    expect(() => defineDynamics({ dim: 3, step: rotate })).toThrow(/step left output 2 of 3 unwritten/);
    expect(() => defineDynamics({ dim: 3, step: rotate })).toThrow(code('DIMENSION_MISMATCH'));
    // NaN and Infinity outputs.
    const nan: StateFunction = (_t, _s, _so, out, oo) => { out[oo] = NaN; out[oo + 1] = 0; };
    expect(() => defineDynamics({ dim: 2, step: nan })).toThrow(code('NON_FINITE'));
    expect(() => defineDynamics({ dim: 2, step: rotate, diagonal: (_t, _s, _so, out, oo) => { out[oo] = 1; out[oo + 1] = Infinity; } })).toThrow(/diagonal returned Infinity at output 1/);
    expect(() => defineDynamics({ dim: 2, step: rotate, jacobian: (_t, _s, _so, out, oo) => { out[oo] = 1; } })).toThrow(/jacobian left output 1 of 4 unwritten/);
    // A probe point of the wrong size, and a step that throws.
    expect(() => defineDynamics({ dim: 2, step: rotate, probe: { state: [1, 2, 3] } })).toThrow(code('DIMENSION_MISMATCH'));
    expect(() => defineDynamics({ dim: 2, step: () => { throw new Error('boom'); } })).toThrow(/step threw on the probe call: boom/);
    expect(() => defineDynamics({ dim: 2, step: rotate })).not.toThrow(UnrollError);
  });

  it('defineDynamics probes where it is told (a point where the default would be singular)', () => {
    const log: StateFunction = (_t, s, so, out, oo) => { out[oo] = Math.log(s[so]); };
    expect(() => defineDynamics({ dim: 1, step: log })).toThrow(/returned -Infinity/);
    expect(defineDynamics({ dim: 1, step: log, probe: { state: [1] } }).dim).toBe(1);
  });
});
