// A GRU cell with closed-form Jacobian and diagonal, for the solver benchmarks:
//   z = σ(W_z s + u_t), r = σ(W_r s + u_t), h = tanh(W_h (r ⊙ s) + u_t), s' = (1 − z) ⊙ s + z ⊙ h.
import { defineDynamics } from '@unroll/linearize';
import { mulberry32 } from '@unroll/scan';

export function gru(D, seed = 1) {
  const next = mulberry32(seed);
  const rand = () => next() / 4294967296 - 0.5;
  const scale = 1.6 / Math.sqrt(D);
  const Wz = Float64Array.from({ length: D * D }, () => scale * rand());
  const Wr = Float64Array.from({ length: D * D }, () => scale * rand());
  const Wh = Float64Array.from({ length: D * D }, () => 2 * scale * rand());
  const U = Float64Array.from({ length: 64 * D }, () => rand());
  const z = new Float64Array(D), r = new Float64Array(D), h = new Float64Array(D), rs = new Float64Array(D);
  // The linearization evaluates the Jacobian (or diagonal) at the very state `step` just
  // saw: keep the gates of the last state and reuse them when t and every entry match.
  const lastS = new Float64Array(D);
  let lastT = -1;
  const gates = (t, s, so) => {
    if (t === lastT) {
      let same = true;
      for (let i = 0; i < D && same; i++) same = lastS[i] === s[so + i];
      if (same) return;
    }
    lastT = t;
    for (let i = 0; i < D; i++) lastS[i] = s[so + i];
    const uo = (t % 64) * D;
    for (let i = 0; i < D; i++) {
      let az = U[uo + i], ar = U[uo + i];
      for (let j = 0; j < D; j++) {
        az += Wz[i * D + j] * s[so + j];
        ar += Wr[i * D + j] * s[so + j];
      }
      z[i] = 1 / (1 + Math.exp(-az));
      r[i] = 1 / (1 + Math.exp(-ar));
      rs[i] = r[i] * s[so + i];
    }
    for (let i = 0; i < D; i++) {
      let ah = U[uo + i];
      for (let j = 0; j < D; j++) ah += Wh[i * D + j] * rs[j];
      h[i] = Math.tanh(ah);
    }
  };
  const dah = (s, so, i, j) => {
    let d = Wh[i * D + j] * r[j];
    for (let k = 0; k < D; k++) d += Wh[i * D + k] * s[so + k] * r[k] * (1 - r[k]) * Wr[k * D + j];
    return d;
  };
  return defineDynamics({
    dim: D,
    name: `gru(${D})`,
    step(t, s, so, out, oo) {
      gates(t, s, so);
      for (let i = 0; i < D; i++) out[oo + i] = (1 - z[i]) * s[so + i] + z[i] * h[i];
    },
    diagonal(t, s, so, out, oo) {
      gates(t, s, so);
      for (let i = 0; i < D; i++) {
        out[oo + i] = 1 - z[i] + (h[i] - s[so + i]) * z[i] * (1 - z[i]) * Wz[i * D + i] + z[i] * (1 - h[i] * h[i]) * dah(s, so, i, i);
      }
    },
    jacobian(t, s, so, out, oo) {
      gates(t, s, so);
      for (let i = 0; i < D; i++) {
        for (let j = 0; j < D; j++) {
          out[oo + i * D + j] = (i === j ? 1 - z[i] : 0) + (h[i] - s[so + i]) * z[i] * (1 - z[i]) * Wz[i * D + j] + z[i] * (1 - h[i] * h[i]) * dah(s, so, i, j);
        }
      }
    },
  });
}
