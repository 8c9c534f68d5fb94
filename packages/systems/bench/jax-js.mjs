// One quasi-DEER iteration of a tanh RNN s_t = W tanh(s_{t−1}) + u_t: unroll (float64,
// one thread, the dynamics evaluated in blocks) against the same iteration written in
// jax-js (its wasm backend, float64 and float32, one jit-compiled program): f and the diagonal of
// the Jacobian for all T steps as one batched computation, b_t = f_t − a_t ⊙ s_{t−1}, and
// the diagonal recurrence s_t = a_t ⊙ s_{t−1} + b_t by an associative scan.
//
//   node bench/jax-js.mjs [--quick] [--markdown]
//
// W is meanFieldRnn({ dim, g: 0.9, seed: 7 }).weights with a nonzero diagonal added
// (meanFieldRnn's zero diagonal makes a_t = 0, and quasi-DEER a Jacobi sweep). jax-js
// 0.1.x has no lax.scan / associative_scan, so the scan is the odd–even recursion of
// JAX's lax.associative_scan built from reshapes, slices, stacks and products (O(T) work,
// log₂ T levels; T is a power of two, so no padding). Its np.array cannot take a
// Float64Array on Node 20 (it tests `instanceof Float16Array`, a global Node 20 lacks),
// so W and the inputs are rounded to float32 values, uploaded as Float32Array, widened
// to float64 there — and the unroll side uses the same rounded numbers. The states agree
// to ~1e-7, not 1e-15: jax-js's float64 tanh is only float32-accurate.
import os from 'node:os';
import { defaultDevice, init, jit, numpy as np } from '@jax-js/jax';
import { defineDynamics } from '@unroll/linearize';
import { solve } from '@unroll/solvers';
import { meanFieldRnn } from '../dist/index.js';

const quick = process.argv.includes('--quick');
const markdown = process.argv.includes('--markdown');
const rounds = quick ? 3 : 7;
const iterations = 6;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

await init('wasm');
defaultDevice('wasm');

const cases = [
  { D: 16, T: quick ? 2 ** 14 : 2 ** 16 },
  { D: 64, T: quick ? 2 ** 12 : 2 ** 14 },
];

/** Diagonal of W added to meanFieldRnn's (zero) one: a leaky tanh unit, |a_t| ≤ 0.5. */
const selfWeight = 0.5;

/** W (D×D row-major) and inputs u ([T][D]) as float32 values, held in Float64Arrays. */
function problem(D, T) {
  const W = Float64Array.from(meanFieldRnn({ dim: D, g: 0.9, seed: 7 }).weights, Math.fround);
  for (let i = 0; i < D; i++) W[i * D + i] = selfWeight;
  const u = new Float64Array(T * D);
  for (let t = 0; t < T; t++) for (let i = 0; i < D; i++) u[t * D + i] = Math.fround(0.5 * Math.sin(0.01 * (t + 1) + 0.7 * i));
  return { W, u, s0: new Float64Array(D).fill(Math.fround(0.1)) };
}

// ---- unroll: defineDynamics with a block (f and its diagonal from one tanh per entry) ----

function unrollDynamics(D, W, u) {
  const th = new Float64Array(D);
  const row = (t, s, so, out, oo) => {
    for (let j = 0; j < D; j++) th[j] = Math.tanh(s[so + j]);
    const uo = (t - 1) * D, has = uo >= 0 && uo + D <= u.length; // zero input outside 1 … T
    for (let i = 0; i < D; i++) {
      let acc = has ? u[uo + i] : 0;
      for (let j = 0; j < D; j++) acc += W[i * D + j] * th[j];
      out[oo + i] = acc;
    }
  };
  const thB = new Float64Array(4 * D);
  /** f of n rows, four rows per pass over W (as meanFieldRnn's own block). */
  const blockF = (t0, n, s, so, out, oo, diag, dOff) => {
    let k = 0;
    // Four rows at a time while all four have an input row; the rest row by row.
    for (; k + 4 <= n && t0 + k >= 1 && (t0 + k + 3) * D <= u.length; k += 4) {
      for (let e = 0; e < 4 * D; e++) thB[e] = Math.tanh(s[so + k * D + e]);
      const u0 = (t0 + k - 1) * D, o = oo + k * D;
      for (let i = 0; i < D; i++) {
        let c0 = u[u0 + i], c1 = u[u0 + D + i], c2 = u[u0 + 2 * D + i], c3 = u[u0 + 3 * D + i];
        const r = i * D;
        for (let j = 0; j < D; j++) {
          const w = W[r + j];
          c0 += w * thB[j];
          c1 += w * thB[D + j];
          c2 += w * thB[2 * D + j];
          c3 += w * thB[3 * D + j];
        }
        out[o + i] = c0;
        out[o + D + i] = c1;
        out[o + 2 * D + i] = c2;
        out[o + 3 * D + i] = c3;
      }
      if (diag !== undefined) {
        for (let q = 0; q < 4; q++) for (let i = 0; i < D; i++) {
          const x = thB[q * D + i];
          diag[dOff + (k + q) * D + i] = W[i * D + i] * (1 - x * x);
        }
      }
    }
    for (; k < n; k++) {
      row(t0 + k, s, so + k * D, out, oo + k * D);
      if (diag !== undefined) for (let i = 0; i < D; i++) diag[dOff + k * D + i] = W[i * D + i] * (1 - th[i] * th[i]);
    }
  };
  return defineDynamics({
    dim: D,
    name: `tanh-rnn(D=${D})`,
    step: row,
    diagonal(_t, s, so, out, oo) {
      for (let i = 0; i < D; i++) {
        const x = Math.tanh(s[so + i]);
        out[oo + i] = W[i * D + i] * (1 - x * x);
      }
    },
    block: {
      step: (t0, n, s, so, out, oo) => blockF(t0, n, s, so, out, oo, undefined, 0),
      stepDiagonal: blockF,
    },
  });
}

/** Median gap between successive quasi-DEER iterations, and the final states. */
function unrollIteration(dyn, s0, T) {
  const stamps = [];
  const { states } = solve(dyn, s0, T, { method: 'quasi-deer', tol: 1e-300, maxIterations: iterations, onIteration: () => { stamps.push(performance.now()); } });
  return { ms: median(stamps.slice(1).map((t, i) => t - stamps[i])), states };
}

// ---- jax-js: the same iteration as one jit-compiled program ----

/**
 * Prefix compositions of the affine maps x ↦ a_t x + b_t along axis 0 (n a power of two):
 * returns [A, B] with B_t = s_t when b_1 already holds a_1 s_0 + b_1. Odd–even recursion
 * (as JAX's lax.associative_scan): combine pairs, scan the half, fix up the evens.
 * Takes ownership of a and b (jax-js's reference counting); `needA` false skips the
 * products only the recursion needs.
 */
function scanAffine(a, b, needA) {
  const n = a.shape[0], D = a.shape[1];
  if (n === 1) return [a, b];
  const a2 = a.reshape([n / 2, 2, D]), b2 = b.reshape([n / 2, 2, D]);
  const ae = a2.ref.slice([], 0, []), ao = a2.slice([], 1, []);
  const be = b2.ref.slice([], 0, []), bo = b2.slice([], 1, []);
  // Pair (2k, 2k+1) composed: (a_o a_e, a_o b_e + b_o).
  const [pa, pb] = scanAffine(ao.ref.mul(ae.ref), ao.mul(be.ref).add(bo), true);
  // Even 2k (k ≥ 1) = element 2k after the prefix 2k−1; element 0 after the identity.
  const pbShift = np.concatenate([np.zeros([1, D], { dtype: b.dtype }), pb.ref.slice([0, n / 2 - 1], [])], 0);
  const evenB = ae.ref.mul(pbShift).add(be);
  const B = np.stack([evenB, pb], 1).reshape([n, D]);
  if (!needA) {
    ae.dispose();
    pa.dispose();
    return [undefined, B];
  }
  const paShift = np.concatenate([np.ones([1, D], { dtype: b.dtype }), pa.ref.slice([0, n / 2 - 1], [])], 0);
  const A = np.stack([ae.mul(paShift), pa], 1).reshape([n, D]);
  return [A, B];
}

/**
 * One quasi-DEER iteration: S ([T, D], rows s_1 … s_T) ↦ S' and max |S' − S|.
 * prev = [s_0; s_1 … s_{T−1}]; f = tanh(prev) Wᵀ + u; a = diag(W) ⊙ (1 − tanh²(prev));
 * b_t = f_t − a_t ⊙ s_{t−1} for t ≥ 2 and b_1 = f_1 (a_1 s_0 folded in).
 */
const quasiDeerIteration = jit((S, W, wDiag, U, s0) => {
  const [T, D] = S.shape;
  const prev = np.concatenate([s0, S.ref.slice([0, T - 1], [])], 0);
  const th = np.tanh(prev);
  const f = np.matmul(th.ref, W.transpose()).add(U);
  const a = wDiag.mul(np.subtract(1, th.ref.mul(th)));
  const prevNoS0 = np.concatenate([np.zeros([1, D], { dtype: S.dtype }), S.ref.slice([0, T - 1], [])], 0);
  const b = f.sub(a.ref.mul(prevNoS0));
  const [, next] = scanAffine(a, b, false);
  const delta = np.max(np.abs(next.ref.sub(S)));
  return [next, delta];
});

/** Uploads float32-valued numbers as `dtype` (see the header for why through Float32Array). */
const upload = (x, shape, dtype) => np.array(Float32Array.from(x)).astype(dtype).reshape(shape);

/** Median gap between successive iterations (the scalar delta read back forces each). */
function jaxIteration(arrays, T, D) {
  const { W, wDiag, U, s0 } = arrays;
  let S = np.zeros([T, D], { dtype: W.dtype });
  const stamps = [performance.now()];
  for (let it = 0; it < iterations; it++) {
    const [next, delta] = quasiDeerIteration(S, W.ref, wDiag.ref, U.ref, s0.ref);
    delta.dataSync(); // consumes delta
    S = next;
    stamps.push(performance.now());
  }
  // The first gap includes the zero guess's upload and, on the first call, compilation.
  const ms = median(stamps.slice(2).map((t, i) => t - stamps[i + 1]));
  const states = S.dataSync(); // consumes S
  return { ms, states };
}

const rows = [];
for (const { D, T } of cases) {
  const { W, u, s0 } = problem(D, T);
  const dyn = unrollDynamics(D, W, u);
  const wd = new Float64Array(D);
  for (let i = 0; i < D; i++) wd[i] = W[i * D + i];
  const on = (dtype) => ({ W: upload(W, [D, D], dtype), wDiag: upload(wd, [D], dtype), U: upload(u, [T, D], dtype), s0: upload(s0, [1, D], dtype) });
  const jax = { f64: on(np.float64), f32: on(np.float32) };
  unrollIteration(dyn, s0, T); // JIT warm-up (and jax-js's compilation), every side
  jaxIteration(jax.f64, T, D);
  jaxIteration(jax.f32, T, D);
  const times = { unroll: [], f64: [], f32: [] };
  const diff = { f64: 0, f32: 0 };
  for (let r = 0; r < rounds; r++) {
    const a = unrollIteration(dyn, s0, T);
    times.unroll.push(a.ms);
    for (const k of ['f64', 'f32']) {
      const b = jaxIteration(jax[k], T, D);
      times[k].push(b.ms);
      for (let i = 0; i < a.states.length; i++) diff[k] = Math.max(diff[k], Math.abs(a.states[i] - b.states[i]));
    }
    // jax-js's float64 tanh is a float32-accurate approximation (|error| ≈ 1e-7 on [−4, 4]),
    // so even its float64 states agree to ~1e-7, not to float64 rounding.
    if (!(diff.f64 < 1e-5 && diff.f32 < 1e-4)) throw new Error(`D = ${D}: unroll and jax-js states differ by ${diff.f64} (float64) / ${diff.f32} (float32) after ${iterations} iterations`);
  }
  for (const x of [...Object.values(jax.f64), ...Object.values(jax.f32)]) x.dispose();
  const m = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
  rows.push({
    D,
    T,
    'unroll ms (f64)': m.unroll.toFixed(2),
    'jax-js ms (f64)': m.f64.toFixed(2),
    'jax-js ms (f32)': m.f32.toFixed(2),
    'unroll / jax-js (f64)': (m.unroll / m.f64).toFixed(2),
    'unroll / jax-js (f32)': (m.unroll / m.f32).toFixed(2),
    'max abs Δs f64': diff.f64.toExponential(1),
    'max abs Δs f32': diff.f32.toExponential(1),
  });
}

const machine = `${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, Node ${process.version}, load ${os.loadavg()[0].toFixed(1)}`;
if (markdown) {
  const keys = Object.keys(rows[0]);
  console.log(`Machine: ${machine}\n`);
  console.log(`| ${keys.join(' | ')} |`);
  console.log(`| ${keys.map(() => '---').join(' | ')} |`);
  for (const r of rows) console.log(`| ${keys.map((k) => r[k]).join(' | ')} |`);
} else {
  console.log(`tanh RNN quasi-DEER iteration, unroll (float64) vs jax-js (wasm, float64 and float32) (${machine}); medians of ${rounds} interleaved rounds, ${iterations} iterations each`);
  console.table(rows);
  console.log('Target (issue: CPU performance): unroll / jax-js ≤ 1.0 at D = 16 and 64.');
}
