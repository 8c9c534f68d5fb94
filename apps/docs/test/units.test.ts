import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCell } from '../.vitepress/theme/format.js';
import { rewriteImports } from '../.vitepress/theme/rewrite-imports.js';
import { maxAbsDifference } from '../playground/run.js';
import { defaultSetup, formatSetup, parseSetup, playgroundMethods } from '../playground/setup.js';
import { systems } from '../playground/systems.js';

describe('rewriteImports(source)', () => {
  it('reads named imports of @unroll packages from the worker’s own copies, renames included', () => {
    const out = rewriteImports("import { solve, deer as newton } from '@unroll/solvers';\nimport type { Dynamics } from '@unroll/linearize';\nexport const x = 1;");
    expect(out).toBe('const { solve, deer: newton } = globalThis.__unroll["@unroll/solvers"];\n\nexport const x = 1;');
  });
  it('refuses other packages and default imports, saying what to do', () => {
    expect(() => rewriteImports("import fs from 'node:fs';")).toThrow(/only the @unroll packages/);
    expect(() => rewriteImports("import scan from '@unroll/scan';")).toThrow(/named exports/);
  });
});

describe('formatCell(value)', () => {
  it('spells booleans, NaN and infinities, and keeps integers whole', () => {
    expect([true, false, NaN, Infinity, -Infinity, 42, -7, 'text'].map(formatCell)).toEqual(['yes', 'no', 'NaN', '∞', '−∞', '42', '-7', 'text']);
  });
  it('shows four significant digits, exponents beyond [1e-3, 1e6)', () => {
    expect([0.123456, 3.14159, 1.5e-7, 2.5e7 + 0.5, 0.001].map(formatCell)).toEqual(['0.1235', '3.142', '1.50e-7', '2.50e+7', '0.001']);
    fc.assert(fc.property(fc.double({ min: 1e-3, max: 1e5, noNaN: true }), (x) => Math.abs(Number(formatCell(x)) - x) <= 5e-4 * x));
  });
});

describe('parseSetup(formatSetup(setup))', () => {
  it('is the setup, for every system and any choice of T, methods, backend, λ and k', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...systems.map((s) => s.id)),
        fc.integer({ min: 1, max: 100_000 }),
        fc.subarray([...playgroundMethods]),
        fc.constantFrom('cpu' as const, 'gpu' as const),
        fc.double({ min: 0, max: 10, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (system, T, methods, backend, lambda, k) => {
          const setup = { ...defaultSetup(system), T, methods, backend, lambda, k };
          expect(parseSetup(formatSetup(setup))).toEqual(setup);
        },
      ),
    );
  });
  it('falls back to the defaults for what is missing or malformed, and clamps to each knob’s range', () => {
    expect(parseSetup('')).toEqual(defaultSetup());
    const s = parseSetup('?system=logistic&p.r=9&T=-5&methods=nonsense,deer&k=3&lambda=NaN');
    expect(s).toEqual({ ...defaultSetup('logistic'), params: { r: 4, s0: 0.3 }, T: 1, methods: ['deer'], k: 1 });
  });
});

describe('the playground systems', () => {
  it('each builds with its defaults and starts from a finite state of its dimension', () => {
    for (const spec of systems) {
      const { dyn, s0 } = spec.build(defaultSetup(spec.id).params, 16);
      expect(s0.length, spec.id).toBe(dyn.dim);
      expect(s0.every(Number.isFinite), spec.id).toBe(true);
    }
  });
});

describe('the playground error, maxAbsDifference(a, b)', () => {
  it('is the largest |a_i − b_i|, and NaN wherever a NaN appears, even before finite entries (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 20 }), fc.nat(), (a, k) => {
        const b = a.map((x, i) => x + (i % 3) - 1);
        expect(maxAbsDifference(a, b)).toBe(Math.max(...a.map((x, i) => Math.abs(x - (b[i] ?? 0)))));
        const withNaN = [...a];
        withNaN[k % a.length] = Number.NaN;
        expect(maxAbsDifference(withNaN, b)).toBeNaN();
      }),
    );
  });
});
