import { describe, expect, it } from 'vitest';
import { gaussianMixture, gru, henonMap, langevin, logisticMap, lorenz63, lorenz96, meanFieldRnn, rossler, twoWell, type Potential } from './index.js';

const code = (c: string) => expect.objectContaining({ code: c }) as Error;
const f32 = (xs: ArrayLike<number>) => Array.from(Float32Array.from(Array.from(xs)));

// What the WGSL computes is checked point by point against the TypeScript on a GPU device
// (gpu-runtime's systems-wgsl test); here, that each system carries it, built from its own numbers.
describe('systems carry their WGSL', () => {
  it('gru, meanFieldRnn, langevin, lorenz96, lorenz63, rossler and the maps carry wgsl defining step, diagonal and jacobian', () => {
    const all = [
      gru({ dim: 3, inputDim: 2, seed: 1 }),
      meanFieldRnn({ dim: 4, g: 1, seed: 2 }),
      langevin({ potential: twoWell(2), stepSize: 0.1 }),
      langevin({ potential: gaussianMixture({ means: [[0, 0]], covariances: [[[1, 0], [0, 1]]] }), stepSize: 0.1, noise: [[1, 2]] }),
      lorenz96({ dim: 5 }),
      lorenz63(),
      rossler({ integrator: 'euler' }),
      logisticMap({ r: 3.7 }),
      henonMap(),
    ];
    for (const dyn of all) {
      const source = dyn.wgsl?.source ?? '';
      for (const fn of ['step', 'diagonal', 'jacobian']) expect(source, `${dyn.name ?? ''} ${fn}`).toMatch(new RegExp(`\\bfn ${fn}\\(`));
      expect(dyn.wgsl?.params).toBeInstanceOf(Float32Array);
    }
    // vjp where it is cheap to write in closed form (not through the flows' integrator stages).
    for (const dyn of all.slice(0, 4).concat(all.slice(7))) expect(dyn.wgsl?.source, dyn.name).toMatch(/\bfn vjp\(t: u32, s: State, v: State\) -> State/);
    for (const dyn of all.slice(4, 7)) expect(dyn.wgsl?.source, dyn.name).not.toMatch(/\bfn vjp\(/);
  });

  it('gru packs its resolved weights (seeded or given) then its inputs, in float32', () => {
    const inputs = [[0.5, -1], [2, 0.25]];
    const g = gru({ dim: 2, inputDim: 2, seed: 4, inputs });
    const w = g.weights;
    const expected = [...['Wir', 'Wiz', 'Win', 'Whr', 'Whz', 'Whn', 'bir', 'biz', 'bin', 'bhr', 'bhz', 'bhn'].flatMap((k) => Array.from(w[k as keyof typeof w])), ...inputs.flat()];
    expect(Array.from(g.wgsl?.params ?? [])).toEqual(f32(expected));
  });

  it('meanFieldRnn packs W then the inputs; lorenz96 packs [F, h, h/2, h/6]; the maps their parameters', () => {
    const m = meanFieldRnn({ dim: 3, g: 1, seed: 2, inputs: [[1, 2, 3]] });
    expect(Array.from(m.wgsl?.params ?? [])).toEqual(f32([...m.weights, 1, 2, 3]));
    expect(Array.from(lorenz96({ dim: 5, forcing: 3, dt: 0.02 }).wgsl?.params ?? [])).toEqual(f32([3, 0.02, 0.01, 0.02 / 6]));
    expect(lorenz96({ dim: 5, integrator: 'euler' }).wgsl?.source).toContain('const L96_RK4: bool = false;');
    expect(Array.from(logisticMap({ r: 3.5 }).wgsl?.params ?? [])).toEqual([3.5]);
    expect(Array.from(henonMap({ a: 1.4, b: 0.3 }).wgsl?.params ?? [])).toEqual(f32([1.4, 0.3]));
    expect(Array.from(lorenz63({ sigma: 10, rho: 28, beta: 2, dt: 0.01 }).wgsl?.params ?? [])).toEqual(f32([10, 28, 2, 0.01, 0.005, 0.01 / 6]));
  });

  it("langevin places the potential's numbers first, then [ε, √(2ε)], then the explicit noise", () => {
    const l = langevin({ potential: twoWell(2), stepSize: 0.5, noise: [[1, 2], [3, 4]] });
    expect(Array.from(l.wgsl?.params ?? [])).toEqual([0.5, 1, 1, 2, 3, 4]);
    const mixture = gaussianMixture({ means: [[1, 2]], covariances: [[[2, 0], [0, 4]]] });
    const lm = langevin({ potential: mixture, stepSize: 0.02, seed: 3 });
    const P = mixture.wgsl?.params.length ?? 0;
    expect(P).toBe(2 + 4 + 1); // μ, P = Σ⁻¹, log-normaliser
    expect(Array.from(mixture.wgsl?.params.subarray(0, 6) ?? [])).toEqual([1, 2, 0.5, 0, 0, 0.25]);
    expect(Array.from(lm.wgsl?.params.subarray(P) ?? [])).toEqual(f32([0.02, 0.2]));
    // Seeded noise: the counter-normal generator for this seed.
    expect(lm.wgsl?.source).toContain('const CN_SEED: u32 = 3u;');
  });

  it('langevin carries WGSL exactly when its potential does, and checks a potential’s own WGSL', () => {
    const quadratic: Potential = {
      dim: 1,
      name: 'quadratic',
      params: {},
      value: (x, o) => 0.5 * x[o] ** 2,
      gradient: (x, o, out, oo) => { out[oo] = x[o]; },
      hessian: (_x, _o, out, oo) => { out[oo] = 1; },
    };
    expect(langevin({ potential: quadratic, stepSize: 0.1 }).wgsl).toBeUndefined();
    const withWgsl: Potential = {
      ...quadratic,
      wgsl: {
        source: 'fn potential_gradient(x: State) -> State { return State(params[0] * x[0]); }\nfn potential_hessian_diagonal(x: State) -> State { return State(params[0]); }',
        params: Float32Array.of(1),
      },
    };
    const l = langevin({ potential: withWgsl, stepSize: 0.1 });
    expect(l.wgsl?.source).toContain('potential_gradient(x: State)');
    expect(l.wgsl?.source).not.toMatch(/\bfn jacobian\(/); // no potential_hessian, no jacobian
    expect(Array.from(l.wgsl?.params ?? [])).toEqual(f32([1, 0.1, Math.sqrt(0.2)]));
    const malformed = { ...quadratic, wgsl: { source: 'fn potential_gradient(x: State) -> State { return x; }', params: [] } } as unknown as Potential;
    expect(() => langevin({ potential: malformed, stepSize: 0.1 })).toThrow(code('INVALID_ARGUMENT'));
    expect(() => langevin({ potential: malformed, stepSize: 0.1 })).toThrow(/potential.wgsl must be .*potential_hessian_diagonal/);
    const huge = { ...withWgsl, wgsl: { source: withWgsl.wgsl?.source ?? '', params: [1e39] } } as unknown as Potential;
    expect(() => langevin({ potential: huge, stepSize: 0.1 })).toThrow(/langevin: potential.wgsl.params\[0\] = 1e\+39 is beyond float32's range/);
  });

  it('numbers beyond float32 are refused by name, since the WGSL reads f32', () => {
    const weights = Object.fromEntries(['Wir', 'Wiz', 'Win', 'Whr', 'Whz', 'Whn', 'bir', 'biz', 'bin', 'bhr', 'bhz', 'bhn'].map((k) => [k, [k === 'Whz' ? 1e39 : 0.1]]));
    expect(() => gru({ dim: 1, inputDim: 1, weights: weights as never })).toThrow(code('NON_FINITE'));
    expect(() => gru({ dim: 1, inputDim: 1, weights: weights as never })).toThrow(/gru: weights.Whz\[0\] = 1e\+39 is beyond float32's range/);
    expect(() => meanFieldRnn({ dim: 2, g: 1, seed: 1, inputs: [[0, -1e39]] })).toThrow(/meanFieldRnn: inputs\[1\]/);
    expect(() => logisticMap({ r: 1e39 })).toThrow(/logisticMap: r\[0\]/);
    // The step's parameters are checked before the WGSL is written from them.
    expect(() => lorenz96({ dim: 5, dt: 0 })).toThrow(/lorenz96: dt must be finite and > 0/);
    expect(() => lorenz63({ integrator: 'midpoint' as never })).toThrow(/lorenz63: integrator must be one of 'euler', 'rk4'/);
  });
});
