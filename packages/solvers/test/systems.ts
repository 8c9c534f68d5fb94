// Small test dynamics for the solver tests, each with a closed-form Jacobian.
import { defineDynamics, type Dynamics } from '@unroll/linearize';
import { mulberry32 } from '@unroll/scan';

export function uniform(seed: number): () => number {
  const next = mulberry32(seed);
  return () => next() / 4294967296 - 0.5;
}

/** s' = W tanh(s) + u_t with ‖W‖ ≈ gain: contractive for gain < 1. */
export function tanhRnn(D: number, seed: number, gain: number): Dynamics {
  const rand = uniform(seed);
  const W = Float64Array.from({ length: D * D }, () => (2 * gain * rand()) / Math.sqrt(D));
  const u = Float64Array.from({ length: 97 * D }, () => rand());
  return tanhRnnWith(D, W, u);
}

/**
 * s' = W tanh(s) + u_{t mod k} for given weights (θ = W, D² parameters) and inputs
 * (k = u.length / D), with its Jacobian and parameter VJP: ∂f_i/∂W_ij = tanh(s_j).
 */
export function tanhRnnWith(D: number, W: Float64Array, u: Float64Array): Dynamics {
  const k = u.length / D;
  return defineDynamics({
    dim: D,
    name: 'tanh-rnn',
    paramCount: D * D,
    step(t, s, so, out, oo) {
      for (let i = 0; i < D; i++) {
        let acc = u[(t % k) * D + i];
        for (let j = 0; j < D; j++) acc += W[i * D + j] * Math.tanh(s[so + j]);
        out[oo + i] = acc;
      }
    },
    jacobian(_t, s, so, out, oo) {
      for (let j = 0; j < D; j++) {
        const th = Math.tanh(s[so + j]);
        for (let i = 0; i < D; i++) out[oo + i * D + j] = W[i * D + j] * (1 - th * th);
      }
    },
    vjpParams(_t, s, so, w, wo, out, oo) {
      for (let i = 0; i < D; i++) for (let j = 0; j < D; j++) out[oo + i * D + j] = w[wo + i] * Math.tanh(s[so + j]);
    },
  });
}

/** s_t = a s_{t−1} + 1 (scalar). */
export function affineScalar(a: number): Dynamics {
  return defineDynamics({
    dim: 1,
    step: (_t, s, so, out, oo) => { out[oo] = a * s[so] + 1; },
    jacobian: (_t, _s, _so, out, oo) => { out[oo] = a; },
  });
}

/** s_t = A_t s_{t−1} + c_t with random A_t (linear, time-varying). */
export function linearSystem(D: number, seed: number): Dynamics {
  const rand = uniform(seed);
  const A = Float64Array.from({ length: 13 * D * D }, () => (1.6 * rand()) / Math.sqrt(D));
  const c = Float64Array.from({ length: 13 * D }, () => rand());
  return defineDynamics({
    dim: D,
    step(t, s, so, out, oo) {
      const k = t % 13;
      for (let i = 0; i < D; i++) {
        let acc = c[k * D + i];
        for (let j = 0; j < D; j++) acc += A[k * D * D + i * D + j] * s[so + j];
        out[oo + i] = acc;
      }
    },
    jacobian(t, _s, _so, out, oo) {
      const k = t % 13;
      for (let i = 0; i < D * D; i++) out[oo + i] = A[k * D * D + i]!;
    },
  });
}

/** s' = tanh(3 s) + small input: bounded, but its Jacobian (3 at s = 0) overflows products. */
export function steepTanh(): Dynamics {
  return defineDynamics({
    dim: 1,
    step: (t, s, so, out, oo) => { out[oo] = Math.tanh(3 * s[so]) + 0.01 * Math.sin(t); },
    jacobian: (_t, s, so, out, oo) => { const th = Math.tanh(3 * s[so]); out[oo] = 3 * (1 - th * th); },
  });
}

export function rollout(dyn: Dynamics, s0: ArrayLike<number>, T: number): Float64Array {
  const D = dyn.dim;
  const out = new Float64Array(T * D);
  const start = Float64Array.from(s0);
  for (let t = 0; t < T; t++) dyn.step(t + 1, t === 0 ? start : out, t === 0 ? 0 : (t - 1) * D, out, t * D);
  return out;
}

export function maxAbsErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let e = 0;
  for (let i = 0; i < b.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    e = Number.isNaN(d) ? Infinity : Math.max(e, d);
  }
  return e;
}
