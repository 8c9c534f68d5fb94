// Test dynamics with hand-derived closed-form derivatives. Each is a plain object
// implementing Dynamics (not via defineDynamics) so tests can strip derivatives to force
// the derived paths.
import { mulberry32 } from '@unroll/scan';
import type { Dynamics, FloatArray } from '../src/index.js';

/** Uniform in [−½, ½), seeded. */
export function seeded(seed: number): () => number {
  const next = mulberry32(seed);
  return () => next() / 4294967296 - 0.5;
}

function matrix(D: number, rand: () => number, scale: number): Float64Array {
  return Float64Array.from({ length: D * D }, () => (2 * scale * rand()) / Math.sqrt(D));
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** Completes a dynamics whose `jacobian` is closed-form with `diagonal` and `jvp` derived from it by hand. */
function withDiagonalAndJvp(d: Omit<Dynamics, 'diagonal' | 'jvp'> & { jacobian: NonNullable<Dynamics['jacobian']> }): Dynamics {
  const D = d.dim;
  const J = new Float64Array(D * D);
  return {
    ...d,
    diagonal(t, prev, po, out, oo) {
      d.jacobian(t, prev, po, J, 0);
      for (let i = 0; i < D; i++) out[oo + i] = J[i * D + i]!;
    },
    jvp(t, prev, po, v, vo, out, oo) {
      d.jacobian(t, prev, po, J, 0);
      for (let i = 0; i < D; i++) {
        let acc = 0;
        for (let j = 0; j < D; j++) acc += J[i * D + j] * v[vo + j];
        out[oo + i] = acc;
      }
    },
  };
}

/**
 * A GRU cell with time-varying input: z = σ(W_z s + u_t), r = σ(W_r s + u_t),
 * h = tanh(W_h (r ⊙ s) + u_t), s' = (1 − z) ⊙ s + z ⊙ h.
 */
export function gruCell(D: number, seed: number): Dynamics {
  const rand = seeded(seed);
  const Wz = matrix(D, rand, 1), Wr = matrix(D, rand, 1), Wh = matrix(D, rand, 1.5);
  const u = (t: number, i: number) => 0.3 * Math.sin(0.7 * t + i);
  const z = new Float64Array(D), r = new Float64Array(D), h = new Float64Array(D);
  const gates = (t: number, s: FloatArray, so: number) => {
    for (let i = 0; i < D; i++) {
      let az = u(t, i), ar = u(t, i);
      for (let j = 0; j < D; j++) {
        az += Wz[i * D + j] * s[so + j];
        ar += Wr[i * D + j] * s[so + j];
      }
      z[i] = sigmoid(az);
      r[i] = sigmoid(ar);
    }
    for (let i = 0; i < D; i++) {
      let ah = u(t, i);
      for (let j = 0; j < D; j++) ah += Wh[i * D + j] * r[j] * s[so + j];
      h[i] = Math.tanh(ah);
    }
  };
  return withDiagonalAndJvp({
    dim: D,
    name: 'gru',
    step(t, s, so, out, oo) {
      gates(t, s, so);
      for (let i = 0; i < D; i++) out[oo + i] = (1 - z[i]) * s[so + i] + z[i] * h[i];
    },
    jacobian(t, s, so, out, oo) {
      gates(t, s, so);
      for (let i = 0; i < D; i++) {
        const zi = z[i], hi = h[i], si = s[so + i];
        for (let j = 0; j < D; j++) {
          // ∂a_h,i/∂s_j = W_h[i,j] r_j + Σ_k W_h[i,k] s_k r_k (1 − r_k) W_r[k,j]
          let dah = Wh[i * D + j] * r[j];
          for (let k = 0; k < D; k++) dah += Wh[i * D + k] * s[so + k] * r[k] * (1 - r[k]) * Wr[k * D + j];
          out[oo + i * D + j] = (i === j ? 1 - zi : 0) + (hi - si) * zi * (1 - zi) * Wz[i * D + j] + zi * (1 - hi * hi) * dah;
        }
      }
    },
  });
}

/** s' = W tanh(s) + u_t, J = W diag(1 − tanh²(s)). */
export function tanhRnn(D: number, seed: number, gain = 1.2): Dynamics {
  const rand = seeded(seed);
  const W = matrix(D, rand, gain);
  return withDiagonalAndJvp({
    dim: D,
    name: 'tanh-rnn',
    step(t, s, so, out, oo) {
      for (let i = 0; i < D; i++) {
        let acc = 0.1 * Math.cos(t + i);
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
  });
}

/** Langevin step for φ(s) = ½ (s − μ)ᵀ P (s − μ): s' = s − ε P (s − μ) + √(2ε) ξ_t; J = I − εP. */
export function gaussianLangevin(D: number, seed: number, epsilon = 0.05): Dynamics {
  const rand = seeded(seed);
  const L = matrix(D, rand, 1);
  const P = new Float64Array(D * D); // P = L Lᵀ + I, symmetric positive definite
  for (let i = 0; i < D; i++) for (let j = 0; j < D; j++) {
    let acc = i === j ? 1 : 0;
    for (let k = 0; k < D; k++) acc += L[i * D + k] * L[j * D + k];
    P[i * D + j] = acc;
  }
  const mu = Float64Array.from({ length: D }, () => rand());
  const noise = (t: number, i: number) => Math.sin(12.9898 * t + 78.233 * i) * 0.5;
  return withDiagonalAndJvp({
    dim: D,
    name: 'langevin',
    step(t, s, so, out, oo) {
      for (let i = 0; i < D; i++) {
        let grad = 0;
        for (let j = 0; j < D; j++) grad += P[i * D + j] * (s[so + j] - mu[j]);
        out[oo + i] = s[so + i] - epsilon * grad + Math.sqrt(2 * epsilon) * noise(t, i);
      }
    },
    jacobian(_t, _s, _so, out, oo) {
      for (let i = 0; i < D; i++) for (let j = 0; j < D; j++) out[oo + i * D + j] = (i === j ? 1 : 0) - epsilon * P[i * D + j];
    },
  });
}

/** s'_i = s_{σ_t(i)} for a permutation σ_t that changes with t (a word over S_D). */
export function permutationWord(D: number, seed: number): Dynamics {
  const rand = seeded(seed);
  const perms = Array.from({ length: 7 }, () => {
    const p = Array.from({ length: D }, (_, i) => i);
    for (let i = D - 1; i > 0; i--) {
      const j = Math.floor((rand() + 0.5) * (i + 1));
      [p[i], p[j]] = [p[j], p[i]];
    }
    return p;
  });
  const sigma = (t: number) => perms[t % perms.length];
  return withDiagonalAndJvp({
    dim: D,
    name: 'permutation',
    step(t, s, so, out, oo) {
      const p = sigma(t);
      for (let i = 0; i < D; i++) out[oo + i] = s[so + p[i]]!;
    },
    jacobian(t, _s, _so, out, oo) {
      const p = sigma(t);
      for (let i = 0; i < D; i++) for (let j = 0; j < D; j++) out[oo + i * D + j] = p[i] === j ? 1 : 0;
    },
  });
}

export const testSystems = [
  { name: 'gru', make: gruCell },
  { name: 'tanh-rnn', make: (D: number, seed: number) => tanhRnn(D, seed) },
  { name: 'langevin', make: (D: number, seed: number) => gaussianLangevin(D, seed) },
  { name: 'permutation', make: permutationWord },
] as const;

/** Keeps only `step` (and optionally the listed derivatives) of a dynamics. */
export function strip(d: Dynamics, keep: ('jacobian' | 'diagonal' | 'jvp')[] = []): Dynamics {
  const out: { -readonly [K in keyof Dynamics]: Dynamics[K] } = { dim: d.dim, step: d.step.bind(d) };
  for (const k of keep) (out as Record<string, unknown>)[k] = d[k]?.bind(d);
  return out;
}

/** Central finite-difference Jacobian, written independently of the package's code. */
export function referenceJacobian(d: Dynamics, t: number, s: Float64Array): Float64Array {
  const D = d.dim;
  const J = new Float64Array(D * D);
  const fp = new Float64Array(D), fm = new Float64Array(D);
  for (let j = 0; j < D; j++) {
    const h = 1e-5 * Math.max(1, Math.abs(s[j]));
    const sp = s.slice(), sm = s.slice();
    sp[j] += h;
    sm[j] -= h;
    d.step(t, sp, 0, fp, 0);
    d.step(t, sm, 0, fm, 0);
    for (let i = 0; i < D; i++) J[i * D + j] = (fp[i] - fm[i]) / (2 * h);
  }
  return J;
}

export function maxRelErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let e = 0;
  for (let i = 0; i < b.length; i++) {
    const d = Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i]));
    e = Number.isNaN(d) ? Infinity : Math.max(e, d);
  }
  return a.length === b.length ? e : Infinity;
}
