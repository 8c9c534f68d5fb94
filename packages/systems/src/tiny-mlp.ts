import { checkArrayLength, checkInteger, checkOptions, checkSeed } from '@unroll/scan';
import { checkOut } from './arguments.js';
import { checkData, type Loss } from './losses.js';
import { createRng } from './random.js';

/** A {@link Loss} for a one-hidden-layer network, with a seeded initialisation. */
export interface TinyMlpLoss extends Loss {
  /** Hidden units H. */
  readonly hidden: number;
  /** Glorot-scaled normal weights from `createRng(seed)`, zero biases: a state to start training from. */
  initialParams(seed: number): Float64Array;
}

/**
 * Squared loss of a tiny MLP with one tanh hidden layer and a scalar output,
 * f(x) = w₂ᵀ tanh(W₁x + b₁) + b₂, L_B(θ) = 1/(2|B|) Σ_{i∈B} (f(x_i) − y_i)².
 * θ = [W₁ (H×P row-major), b₁ (H), w₂ (H), b₂]: H·P + 2H + 1 numbers.
 *
 * Closed forms, with a = W₁x + b₁, h = tanh a, h' = 1 − h², h'' = −2hh', x̃ = [x, 1] and
 * r = f − y: ∇L = Σ r ∇f/|B|; ∇²L = Σ (∇f∇fᵀ + r∇²f)/|B| (Gauss–Newton plus curvature).
 * The only non-zero second derivatives of f couple a hidden unit's own inputs and its
 * output weight: ∂²f/∂W̃_kj∂W̃_kl = w₂ₖh''ₖx̃_jx̃_l and ∂²f/∂W̃_kj∂w₂ₖ = h'ₖx̃_j, where
 * W̃_k = [W₁ row k, b₁ₖ]. The Hessian-vector product uses them directly (Pearlmutter's
 * R-operator written out): O(|B|·P).
 */
export function tinyMlp(X: readonly (readonly number[])[], y: readonly number[], options?: { hidden?: number }): TinyMlpLoss {
  const Pin = checkData('tinyMlp', X, y);
  const { hidden: H = 4 } = checkOptions('tinyMlp', options, '{ hidden: 4 }');
  checkInteger('tinyMlp', 'hidden', H, 1);
  const P = H * Pin + 2 * H + 1;
  checkArrayLength('tinyMlp', `the parameters (hidden·(P + 2) + 1 = ${P})`, P, 'pass a smaller hidden');
  const inIndex = (k: number, j: number) => (j < Pin ? k * Pin + j : H * Pin + k); // W̃_kj in θ
  const w2Index = (k: number) => H * Pin + H + k;
  const b2Index = P - 1;
  // Per-row scratch, allocated once: hidden activations and their derivatives, ∇f.
  const h = new Float64Array(H), hp = new Float64Array(H), df = new Float64Array(P);

  /** Forward pass for row i: fills h, h' and ∇f; returns f(x_i). */
  const forward = (theta: ArrayLike<number>, to: number, i: number): number => {
    const x = X[i] ?? [];
    let f = theta[to + b2Index] ?? 0;
    for (let k = 0; k < H; k++) {
      let a = theta[to + inIndex(k, Pin)] ?? 0;
      for (let j = 0; j < Pin; j++) a += (theta[to + inIndex(k, j)] ?? 0) * (x[j] ?? 0);
      const hk = Math.tanh(a);
      h[k] = hk;
      hp[k] = 1 - hk * hk;
      f += (theta[to + w2Index(k)] ?? 0) * hk;
    }
    for (let k = 0; k < H; k++) {
      const c = (theta[to + w2Index(k)] ?? 0) * (hp[k] ?? 0);
      for (let j = 0; j <= Pin; j++) df[inIndex(k, j)] = c * (j < Pin ? (x[j] ?? 0) : 1);
      df[w2Index(k)] = h[k] ?? 0;
    }
    df[b2Index] = 1;
    return f;
  };

  return {
    name: 'tiny-mlp',
    params: P,
    rows: X.length,
    hidden: H,
    data: { kind: 'tiny-mlp', X, y, hidden: H },
    initialParams(seed) {
      checkSeed('tinyMlp(…).initialParams(seed)', 'seed', seed);
      const rng = createRng(seed);
      const theta = new Float64Array(P);
      const s1 = Math.sqrt(2 / (Pin + H)), s2 = Math.sqrt(2 / (H + 1));
      for (let k = 0; k < H; k++) {
        for (let j = 0; j < Pin; j++) theta[inIndex(k, j)] = s1 * rng.normal();
        theta[w2Index(k)] = s2 * rng.normal();
      }
      return theta;
    },
    value(theta, batch) {
      let acc = 0;
      for (let k = 0; k < batch.length; k++) {
        const i = batch[k] ?? 0;
        acc += (forward(theta, 0, i) - (y[i] ?? 0)) ** 2;
      }
      return acc / (2 * batch.length);
    },
    gradient(theta, to, batch, out) {
      checkOut('tinyMlp(…).gradient', 'out', out, P);
      out.fill(0);
      for (let n = 0; n < batch.length; n++) {
        const i = batch[n] ?? 0;
        const r = (forward(theta, to, i) - (y[i] ?? 0)) / batch.length;
        for (let p = 0; p < P; p++) out[p] = (out[p] ?? 0) + r * (df[p] ?? 0);
      }
    },
    hessian(theta, to, batch, out) {
      checkOut('tinyMlp(…).hessian', 'out', out, P * P);
      out.fill(0);
      for (let n = 0; n < batch.length; n++) {
        const i = batch[n] ?? 0;
        const x = X[i] ?? [];
        const r = forward(theta, to, i) - (y[i] ?? 0);
        const c = 1 / batch.length;
        for (let a = 0; a < P; a++) for (let b = 0; b < P; b++) out[a * P + b] = (out[a * P + b] ?? 0) + c * (df[a] ?? 0) * (df[b] ?? 0);
        for (let k = 0; k < H; k++) {
          const hk = h[k] ?? 0, hpk = hp[k] ?? 0;
          const curv = c * r * (theta[to + w2Index(k)] ?? 0) * -2 * hk * hpk; // r w₂ₖ h''ₖ
          const mixed = c * r * hpk; // r h'ₖ
          for (let j = 0; j <= Pin; j++) {
            const xj = j < Pin ? (x[j] ?? 0) : 1;
            const a = inIndex(k, j);
            for (let l = 0; l <= Pin; l++) {
              const b = inIndex(k, l);
              out[a * P + b] = (out[a * P + b] ?? 0) + curv * xj * (l < Pin ? (x[l] ?? 0) : 1);
            }
            const w = w2Index(k);
            out[a * P + w] = (out[a * P + w] ?? 0) + mixed * xj;
            out[w * P + a] = (out[w * P + a] ?? 0) + mixed * xj;
          }
        }
      }
    },
    hessianDiagonal(theta, to, batch, out) {
      checkOut('tinyMlp(…).hessianDiagonal', 'out', out, P);
      out.fill(0);
      for (let n = 0; n < batch.length; n++) {
        const i = batch[n] ?? 0;
        const x = X[i] ?? [];
        const r = forward(theta, to, i) - (y[i] ?? 0);
        const c = 1 / batch.length;
        for (let p = 0; p < P; p++) out[p] = (out[p] ?? 0) + c * (df[p] ?? 0) ** 2;
        for (let k = 0; k < H; k++) {
          const curv = c * r * (theta[to + w2Index(k)] ?? 0) * -2 * (h[k] ?? 0) * (hp[k] ?? 0);
          for (let j = 0; j <= Pin; j++) out[inIndex(k, j)] = (out[inIndex(k, j)] ?? 0) + curv * (j < Pin ? (x[j] ?? 0) : 1) ** 2;
        }
      }
    },
    hvp(theta, to, batch, v, vo, out) {
      checkOut('tinyMlp(…).hvp', 'out', out, P);
      out.fill(0);
      for (let n = 0; n < batch.length; n++) {
        const i = batch[n] ?? 0;
        const x = X[i] ?? [];
        const r = forward(theta, to, i) - (y[i] ?? 0);
        let dfv = 0;
        for (let p = 0; p < P; p++) dfv += (df[p] ?? 0) * (v[vo + p] ?? 0);
        const c = 1 / batch.length;
        for (let p = 0; p < P; p++) out[p] = (out[p] ?? 0) + c * dfv * (df[p] ?? 0);
        for (let k = 0; k < H; k++) {
          // u = directional change of a_k along v; (∇²f v) per the closed forms above.
          let u = v[vo + inIndex(k, Pin)] ?? 0;
          for (let j = 0; j < Pin; j++) u += (v[vo + inIndex(k, j)] ?? 0) * (x[j] ?? 0);
          const hk = h[k] ?? 0, hpk = hp[k] ?? 0;
          const inCoef = c * r * ((theta[to + w2Index(k)] ?? 0) * -2 * hk * hpk * u + hpk * (v[vo + w2Index(k)] ?? 0));
          for (let j = 0; j <= Pin; j++) out[inIndex(k, j)] = (out[inIndex(k, j)] ?? 0) + inCoef * (j < Pin ? (x[j] ?? 0) : 1);
          out[w2Index(k)] = (out[w2Index(k)] ?? 0) + c * r * hpk * u;
        }
      }
    },
  };
}
