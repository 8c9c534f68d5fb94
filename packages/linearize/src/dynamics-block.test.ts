// The batched-evaluation capability: defineDynamics holds a `block` to the per-step
// functions, and every built-in strategy's `fillBlock` gives the numbers of `step` and
// `fill` called one step at a time (the CPU solver relies on it to batch an iteration).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clipped, defineDynamics, diagonal, full, hutchinson, identity, scaled, zero, type Dynamics, type DynamicsBlock, type FloatArray } from './index.js';
import { checkDynamics } from './dynamics-checks.js';
import { seeded } from '../test/systems.js';

/**
 * s_t = tanh(M s_{t−1} + c_t): closed-form step, diagonal and Jacobian, and a block that
 * loops over rows — written independently of the per-step functions (each row recomputes
 * its own pre-activation), so a wrong row mapping shows up as a mismatch.
 */
function tanhMap(D: number, seed: number, opts: { block?: 'honest' | 'shifted' | 'overrun' | 'throws' } = {}): { spec: Parameters<typeof defineDynamics>[0]; M: Float64Array } {
  const rand = seeded(seed);
  const M = Float64Array.from({ length: D * D }, () => (1.6 * rand()) / Math.sqrt(D));
  const c = (t: number, i: number) => 0.1 * Math.sin(t + i);
  const pre = new Float64Array(D);
  const preAt = (t: number, s: FloatArray, so: number) => {
    for (let i = 0; i < D; i++) {
      let acc = c(t, i);
      for (let j = 0; j < D; j++) acc += M[i * D + j] * s[so + j];
      pre[i] = acc;
    }
  };
  const mode = opts.block ?? 'honest';
  const rowT = (t0: number, k: number) => (mode === 'shifted' ? t0 : t0 + k);
  const block: DynamicsBlock = {
    step(t0, n, s, so, out, oo) {
      if (mode === 'throws') throw new Error('not today');
      for (let k = 0; k < (mode === 'overrun' ? n + 1 : n); k++) {
        preAt(rowT(t0, k), s, so + k * D);
        for (let i = 0; i < D; i++) out[oo + k * D + i] = Math.tanh(pre[i]);
      }
    },
    stepDiagonal(t0, n, s, so, out, oo, diag, dOff) {
      for (let k = 0; k < n; k++) {
        preAt(rowT(t0, k), s, so + k * D);
        for (let i = 0; i < D; i++) {
          const y = Math.tanh(pre[i]);
          out[oo + k * D + i] = y;
          diag[dOff + k * D + i] = (1 - y * y) * M[i * D + i];
        }
      }
    },
    stepJacobian(t0, n, s, so, out, oo, jac, jo) {
      for (let k = 0; k < n; k++) {
        preAt(rowT(t0, k), s, so + k * D);
        for (let i = 0; i < D; i++) {
          const y = Math.tanh(pre[i]);
          out[oo + k * D + i] = y;
          for (let j = 0; j < D; j++) jac[jo + k * D * D + i * D + j] = (1 - y * y) * M[i * D + j];
        }
      }
    },
  };
  return {
    M,
    spec: {
      dim: D,
      name: 'tanh-map',
      probe: { state: Array.from({ length: D }, (_, i) => 0.3 - 0.1 * i) },
      step(t, s, so, out, oo) {
        preAt(t, s, so);
        for (let i = 0; i < D; i++) out[oo + i] = Math.tanh(pre[i]);
      },
      diagonal(t, s, so, out, oo) {
        preAt(t, s, so);
        for (let i = 0; i < D; i++) {
          const y = Math.tanh(pre[i]);
          out[oo + i] = (1 - y * y) * M[i * D + i];
        }
      },
      jacobian(t, s, so, out, oo) {
        preAt(t, s, so);
        for (let i = 0; i < D; i++) {
          const y = Math.tanh(pre[i]);
          for (let j = 0; j < D; j++) out[oo + i * D + j] = (1 - y * y) * M[i * D + j];
        }
      },
      block,
    },
  };
}

describe('defineDynamics({ block })', () => {
  it('keeps a block that agrees with the per-step functions, its methods bound', () => {
    const dyn = defineDynamics(tanhMap(3, 1).spec);
    expect(dyn.block).toBeDefined();
    const { step } = dyn.block as DynamicsBlock;
    const out = new Float64Array(3);
    step(1, 1, new Float64Array(3).fill(0.2), 0, out, 0);
    const expected = new Float64Array(3);
    dyn.step(1, new Float64Array(3).fill(0.2), 0, expected, 0);
    expect(out).toEqual(expected);
  });

  it('refuses a block whose rows are not steps t0 + k', () => {
    expect(() => defineDynamics(tanhMap(3, 1, { block: 'shifted' }).spec)).toThrow(/block\.step disagrees with the per-step function at row 1 \(t = 2\)/);
  });

  it('refuses a block that writes past its n rows', () => {
    expect(() => defineDynamics(tanhMap(3, 1, { block: 'overrun' }).spec)).toThrow(/wrote past its n = 3 rows/);
  });

  it('reports a block that throws, with the cause', () => {
    expect(() => defineDynamics(tanhMap(3, 1, { block: 'throws' }).spec)).toThrow(/block\.step threw on the probe \(t0 = 1, n = 3\): not today/);
  });

  it('refuses a malformed block with a message naming the shape', () => {
    const { spec } = tanhMap(2, 1);
    expect(() => defineDynamics({ ...spec, block: 3 as never })).toThrow(/block must be \{ step\(t0, n, prev, po, out, oo\)/);
    expect(() => defineDynamics({ ...spec, block: { step: spec.step, stepDiagonal: 'x' } as never })).toThrow(/block\.stepDiagonal must be a function/);
  });

  it('refuses, before allocating, a stepJacobian whose probe would not fit one array', () => {
    const D = 10_000;
    const step = (_t: number, s: FloatArray, so: number, out: FloatArray, oo: number) => { for (let i = 0; i < D; i++) out[oo + i] = 0.5 * s[so + i]; };
    const diagonal = (_t: number, _s: FloatArray, _so: number, out: FloatArray, oo: number) => { for (let i = 0; i < D; i++) out[oo + i] = 0.5; };
    const block: DynamicsBlock = {
      step: (_t0, n, s, so, out, oo) => { for (let e = 0; e < n * D; e++) out[oo + e] = 0.5 * s[so + e]; },
      stepJacobian: () => { throw new Error('never called'); },
    };
    expect(() => defineDynamics({ dim: D, step, diagonal, block })).toThrow(/MEMORY_BUDGET|more than the .* one array may hold; omit stepJacobian/);
  });

  it('checkDynamics refuses a plain object whose block is malformed', () => {
    const { spec } = tanhMap(2, 1);
    expect(() => { checkDynamics('solve', { dim: 2, step: spec.step, block: {} }); }).toThrow(/dynamics\.block must be .* dynamics\.block\.step is undefined/);
    expect(() => { checkDynamics('solve', { dim: 2, step: spec.step, block: { step: spec.step, stepJacobian: 1 } }); }).toThrow(/block\.stepJacobian is 1/);
    expect(() => { checkDynamics('solve', { dim: 2, step: spec.step, block: spec.block }); }).not.toThrow();
  });
});

/** What a strategy's per-step path gives for rows t0 … t0 + n − 1: f and the packed Ã_t. */
function perStep(dyn: Dynamics, fill: (t: number, p: FloatArray, po: number, o: FloatArray, oo: number) => void, W: number, t0: number, n: number, prev: Float64Array) {
  const D = dyn.dim;
  const f = new Float64Array(n * D), A = new Float64Array(n * W);
  for (let k = 0; k < n; k++) {
    dyn.step(t0 + k, prev, k * D, f, k * D);
    fill(t0 + k, prev, k * D, A, k * W);
  }
  return { f, A };
}

describe('Linearizer.fillBlock', () => {
  const strategies = [
    ['diagonal', diagonal()],
    ['full', full()],
    ['identity', identity()],
    ['zero', zero()],
    ['scaled(0.3, full)', scaled(0.3, full())],
    ['scaled(k_t, diagonal)', scaled((t) => 1 / (1 + t), diagonal())],
    ['scaled(0.5, identity)', scaled(0.5, identity())],
    ['clipped(diagonal)', clipped({ lo: -0.2, hi: 0.2 })],
  ] as const;

  it.each(strategies)('%s: f and Ã_t for a block equal step and fill one step at a time (fast-check)', (_name, strategy) => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 50 }), fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 3 }), (D, n, t0, seed, offset) => {
        const dyn = defineDynamics(tanhMap(D, seed).spec);
        const lin = strategy.prepare(dyn);
        const W = strategy.structure(D).width;
        expect(lin.fillBlock).toBeDefined();
        const rand = seeded(seed + 1);
        const prev = Float64Array.from({ length: n * D }, () => 2 * rand());
        const expected = perStep(dyn, lin.fill.bind(lin), W, t0, n, prev);
        // At offsets, with the states read from an offset too.
        const shifted = new Float64Array(offset * D + n * D);
        shifted.set(prev, offset * D);
        const f = new Float64Array(offset * D + n * D), A = new Float64Array(offset * W + n * W);
        lin.fillBlock?.(t0, n, shifted, offset * D, f, offset * D, A, offset * W);
        expect(f.subarray(offset * D)).toEqual(expected.f);
        expect(A.subarray(offset * W)).toEqual(expected.A);
      }),
      { numRuns: 60 },
    );
  });

  it('is absent without a block, and for a strategy the block cannot feed', () => {
    const { spec } = tanhMap(3, 2);
    const { block: _block, ...perStepOnly } = spec;
    const plain = defineDynamics(perStepOnly);
    for (const [, strategy] of strategies) expect(strategy.prepare(plain).fillBlock).toBeUndefined();
    // Hutchinson's probes are JVPs, which a block does not give.
    expect(hutchinson({ probes: 2, seed: 1 }).prepare(defineDynamics(spec)).fillBlock).toBeUndefined();
    // A block with f alone feeds identity and zero, not the diagonal or the Jacobian.
    const fOnly = defineDynamics({ ...spec, block: { step: (spec.block as DynamicsBlock).step } });
    expect(identity().prepare(fOnly).fillBlock).toBeDefined();
    expect(diagonal().prepare(fOnly).fillBlock).toBeUndefined();
    expect(full().prepare(fOnly).fillBlock).toBeUndefined();
  });
});
