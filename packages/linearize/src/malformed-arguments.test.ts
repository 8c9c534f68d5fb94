import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectRefusal } from '../../scan/test/expect-refusal.mjs';
import { UnrollError, diagonal as diagonalStructure } from '@unroll/scan';
import { clipped, defineDynamics, defineStrategy, diagonal, finiteDifferenceJvp, full, hutchinson, identity, resolveDerivatives, scaled, zero, type StateFunction } from './index.js';


const swap: StateFunction = (_t, s, so, out, oo) => {
  out[oo] = Math.tanh(s[so + 1]);
  out[oo + 1] = 0.5 * s[so];
};
const valid = () => defineDynamics({ dim: 2, step: swap });

describe('defineDynamics with malformed specs', () => {
  it('defineDynamics(null) throws INVALID_ARGUMENT naming spec', () => {
    expectRefusal(() => defineDynamics(null as never), 'INVALID_ARGUMENT', /\bspec\b/, /null/);
    expectRefusal(() => defineDynamics(undefined as never), 'INVALID_ARGUMENT', /\bspec\b/);
    expectRefusal(() => defineDynamics(3 as never), 'INVALID_ARGUMENT', /\bspec\b/);
  });

  it('defineDynamics({ dim: 2 }) without step throws INVALID_ARGUMENT naming step', () => {
    expectRefusal(() => defineDynamics({ dim: 2 } as never), 'INVALID_ARGUMENT', /\bstep\b/);
    expectRefusal(() => defineDynamics({ dim: 2, step: null } as never), 'INVALID_ARGUMENT', /\bstep\b/, /null/);
  });

  it('defineDynamics with dim NaN, 0, 2.5 or a string throws INVALID_ARGUMENT naming dim', () => {
    for (const dim of [NaN, 0, -1, 2.5, Infinity, '2', null]) {
      expectRefusal(() => defineDynamics({ dim, step: swap } as never), 'INVALID_ARGUMENT', /\bdim\b/);
    }
  });

  it('defineDynamics with dim 1e9 or 1e12 throws MEMORY_BUDGET before allocating', () => {
    for (const dim of [1e9, 1e12]) expectRefusal(() => defineDynamics({ dim, step: swap }), 'MEMORY_BUDGET', /\bdim\b/);
  });

  it('defineDynamics with a closed-form jacobian of dim 20000 throws MEMORY_BUDGET (D² entries) suggesting diagonal or jvp', () => {
    const step: StateFunction = () => undefined;
    expectRefusal(() => defineDynamics({ dim: 20000, step, jacobian: step }), 'MEMORY_BUDGET', /jacobian/, /diagonal or jvp/);
  });

  it('defineDynamics with a non-string name, a null probe, probe.t 0 or a NaN probe.state names the field', () => {
    expectRefusal(() => defineDynamics({ dim: 2, step: swap, name: 42 } as never), 'INVALID_ARGUMENT', /\bname\b/);
    expectRefusal(() => defineDynamics({ dim: 2, step: swap, probe: null } as never), 'INVALID_ARGUMENT', /\bprobe\b/);
    expectRefusal(() => defineDynamics({ dim: 2, step: swap, probe: { t: 0 } }), 'INVALID_ARGUMENT', /probe\.t\b/);
    expectRefusal(() => defineDynamics({ dim: 2, step: swap, probe: { t: null } } as never), 'INVALID_ARGUMENT', /probe\.t\b/);
    expectRefusal(() => defineDynamics({ dim: 2, step: swap, probe: { state: null } } as never), 'INVALID_ARGUMENT', /probe\.state\b/);
    expectRefusal(() => defineDynamics({ dim: 2, step: swap, probe: { state: [0, NaN] } }), 'NON_FINITE', /probe\.state\[1\]/);
    expectRefusal(() => defineDynamics({ dim: 2, step: swap, probe: { state: ['a', 'b'] } } as never), 'INVALID_ARGUMENT', /probe\.state\[0\]/);
  });

  it('defineDynamics with paramCount 0 or 1e12 names paramCount', () => {
    const vjpParams = () => undefined;
    expectRefusal(() => defineDynamics({ dim: 2, step: swap, paramCount: 0, vjpParams }), 'INVALID_ARGUMENT', /\bparamCount\b/);
    expectRefusal(() => defineDynamics({ dim: 2, step: swap, paramCount: 1e12, vjpParams }), 'MEMORY_BUDGET', /\bparamCount\b/);
  });
});

describe('derivative helpers with malformed dynamics', () => {
  it('finiteDifferenceJvp(null) and resolveDerivatives(null) throw INVALID_ARGUMENT naming dynamics', () => {
    expectRefusal(() => finiteDifferenceJvp(null as never), 'INVALID_ARGUMENT', /\bdynamics\b/);
    expectRefusal(() => resolveDerivatives(undefined as never), 'INVALID_ARGUMENT', /\bdynamics\b/);
  });

  it('finiteDifferenceJvp({ dim: NaN, step }) and resolveDerivatives({ dim: 1e12, step }) name dynamics.dim instead of allocating', () => {
    expectRefusal(() => finiteDifferenceJvp({ dim: NaN, step: swap }), 'INVALID_ARGUMENT', /dynamics\.dim/);
    expectRefusal(() => resolveDerivatives({ dim: 1e12, step: swap }), 'MEMORY_BUDGET', /dynamics\.dim/);
  });

  it('resolveDerivatives({ dim, step, jacobian: 3 }) names dynamics.jacobian', () => {
    expectRefusal(() => resolveDerivatives({ dim: 2, step: swap, jacobian: 3 } as never), 'INVALID_ARGUMENT', /dynamics\.jacobian/);
  });
});

describe('strategy factories with malformed arguments', () => {
  it('scaled(NaN, full()) and scaled(2, full()) throw INVALID_ARGUMENT naming k', () => {
    expectRefusal(() => scaled(NaN, full()), 'INVALID_ARGUMENT', /\bk\b/);
    expectRefusal(() => scaled(2, full()), 'INVALID_ARGUMENT', /\bk\b/);
    expectRefusal(() => scaled('0.5' as never, full()), 'INVALID_ARGUMENT', /\bk\b/);
  });

  it('scaled(0.5, diagonal(4) from @unroll/scan) says that is a Structure and which strategy to use; an uncalled factory says to call it', () => {
    expectRefusal(() => scaled(0.5, diagonalStructure(4) as never), 'INVALID_ARGUMENT', /That is the Structure 'diagonal'.*diagonal\(\) for diagonal\(D\)/);
    expectRefusal(() => clipped({ base: diagonalStructure(4) as never }), 'INVALID_ARGUMENT', /That is the Structure/);
    expectRefusal(() => scaled(0.5, diagonal as never), 'INVALID_ARGUMENT', /You passed the factory 'diagonal' itself: call it/);
  });

  it('scaled(0.5, null) throws INVALID_ARGUMENT naming base', () => {
    expectRefusal(() => scaled(0.5, null as never), 'INVALID_ARGUMENT', /\bbase\b/);
    expectRefusal(() => scaled(0.5, {} as never), 'INVALID_ARGUMENT', /\bbase\b/);
  });

  it('clipped({ lo: 2, hi: 1 }) throws INVALID_ARGUMENT naming lo and hi', () => {
    expectRefusal(() => clipped({ lo: 2, hi: 1 }), 'INVALID_ARGUMENT', /\blo\b/, /\bhi\b/);
    expectRefusal(() => clipped({ lo: NaN }), 'INVALID_ARGUMENT', /\blo\b/);
    expectRefusal(() => clipped({ hi: '1' } as never), 'INVALID_ARGUMENT', /\bhi\b/);
  });

  it('clipped(null) throws INVALID_ARGUMENT naming options; clipped({ base: null }) names base', () => {
    expectRefusal(() => clipped(null as never), 'INVALID_ARGUMENT', /\boptions\b/);
    expectRefusal(() => clipped({ base: null } as never), 'INVALID_ARGUMENT', /\bbase\b/);
    expectRefusal(() => clipped({ base: 'diagonal' } as never), 'INVALID_ARGUMENT', /\bbase\b/);
  });

  it('hutchinson({ probes: 0 }) and hutchinson({ seed: 0.5 }) name the option; hutchinson(null) names options', () => {
    expectRefusal(() => hutchinson({ probes: 0 }), 'INVALID_ARGUMENT', /\bprobes\b/);
    expectRefusal(() => hutchinson({ probes: NaN }), 'INVALID_ARGUMENT', /\bprobes\b/);
    expectRefusal(() => hutchinson({ seed: 0.5 }), 'INVALID_ARGUMENT', /\bseed\b/);
    expectRefusal(() => hutchinson(null as never), 'INVALID_ARGUMENT', /\boptions\b/);
    expectRefusal(() => hutchinson(4 as never), 'INVALID_ARGUMENT', /\boptions\b/);
  });

  it('defineStrategy(null) throws INVALID_ARGUMENT naming spec; a missing prepare names prepare', () => {
    expectRefusal(() => defineStrategy(null as never), 'INVALID_ARGUMENT', /\bspec\b/);
    expectRefusal(() => defineStrategy({ name: 'x', structure: (D: number) => diagonalStructure(D) } as never), 'INVALID_ARGUMENT', /\bprepare\b/);
    expectRefusal(() => defineStrategy({ name: 7 } as never), 'INVALID_ARGUMENT', /\bname\b/);
  });

  it('strategy.prepare(null) throws INVALID_ARGUMENT naming dynamics, for every built-in strategy', () => {
    for (const s of [full(), diagonal(), hutchinson(), identity(), zero(), scaled(0.5, full()), scaled(0.5, identity()), clipped()]) {
      expectRefusal(() => s.prepare(null as never), 'INVALID_ARGUMENT', /\bdynamics\b/);
      expectRefusal(() => s.prepare({ dim: 0, step: swap }), 'INVALID_ARGUMENT', /dynamics\.dim/);
      expect(s.prepare(valid()).cost.storedPerStep).toBeGreaterThanOrEqual(0);
    }
  });

  it('strategy.structure(NaN) throws INVALID_ARGUMENT naming D, also for custom strategies', () => {
    const custom = defineStrategy({ name: 'mine', structure: (D) => diagonalStructure(D), prepare: (dyn) => diagonal().prepare(dyn) });
    for (const s of [full(), diagonal(), identity(), custom]) {
      expectRefusal(() => s.structure(NaN), 'INVALID_ARGUMENT', /\bD\b/);
      expectRefusal(() => s.structure(1e12), 'MEMORY_BUDGET', /\bD\b/);
    }
  });
});

describe('custom strategies that break their contract', () => {
  it('a custom strategy whose prepare returns 0 throws INVALID_ARGUMENT naming prepare and the strategy', () => {
    const broken = defineStrategy({ name: 'broken', structure: (D) => diagonalStructure(D), prepare: () => 0 as never });
    expectRefusal(() => broken.prepare(valid()), 'INVALID_ARGUMENT', /\bprepare\b/, /'broken'/, /Linearizer/);
  });

  it('a custom strategy whose structure(D) has another dim throws INVALID_ARGUMENT naming structure', () => {
    const broken = defineStrategy({ name: 'off-by-one', structure: (D) => diagonalStructure(D + 1), prepare: (dyn) => diagonal().prepare(dyn) });
    expectRefusal(() => broken.structure(2), 'INVALID_ARGUMENT', /\bstructure\b/, /dim 3/);
  });
});

describe('every export, given arbitrary values', () => {
  const calls: [string, (x: unknown) => unknown][] = [
    ['defineDynamics(x)', (x) => defineDynamics(x as never)],
    ['defineDynamics({ dim: x, step })', (x) => defineDynamics({ dim: x, step: swap } as never)],
    ['defineDynamics({ dim: 2, step, probe: x })', (x) => defineDynamics({ dim: 2, step: swap, probe: x } as never)],
    ['finiteDifferenceJvp(x)', (x) => finiteDifferenceJvp(x as never)],
    ['resolveDerivatives(x)', (x) => resolveDerivatives(x as never)],
    ['defineStrategy(x)', (x) => defineStrategy(x as never)],
    ['hutchinson(x)', (x) => hutchinson(x as never)],
    ['hutchinson({ probes: x })', (x) => hutchinson({ probes: x } as never)],
    ['clipped(x)', (x) => clipped(x as never)],
    ['clipped({ lo: x })', (x) => clipped({ lo: x } as never)],
    ['scaled(x, full())', (x) => scaled(x as never, full())],
    ['scaled(0.5, x)', (x) => scaled(0.5, x as never)],
    ['full().prepare(x)', (x) => full().prepare(x as never)],
    ['diagonal().structure(x)', (x) => diagonal().structure(x as never)],
  ];

  it('return or throw an UnrollError — never a TypeError or RangeError (fast-check)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...calls), fc.anything({ withTypedArray: true, withNullPrototype: true }), ([, call], x) => {
        try {
          call(x);
        } catch (error) {
          expect(error).toBeInstanceOf(UnrollError);
        }
      }),
      { numRuns: 500 },
    );
  });
});
