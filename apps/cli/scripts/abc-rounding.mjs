// Why DEER on the Euler ABC flow takes ≈ 800 steps here and 4243 in the predictability
// paper's Table 1 (T = 30000): the count is set by how the linear recurrence's float64
// arithmetic is ordered, not by the method, the guess or the tolerance.
//
// Over T = 30000 Euler steps the ABC flow's tangent dynamics stretch by e^{λ T Δt} with
// λ ≈ 0.15 per unit time: e^{45} ≈ 3e19 > 1/ε (ε = 2^-53 ≈ 1.1e-16, ln(1/ε) ≈ 36.7). The
// Newton step of DEER propagates the rounding of every row through those products
// (Δs_t = Ã_t Δs_{t−1} − r_t, predictability paper eq. 13), so past the row where e^{λtΔt}·ε
// passes √tol (the new residual ~ |Δs|², i.e. L/T ~ tol; row ≈ 16600) each step spoils rows it had
// fixed: the converged prefix stalls and wanders, and the count is how long it takes to reach
// row T (the merit then falls to rounding level in a step or two, so the tolerance hardly
// matters). That time depends on the order of the arithmetic, which this script varies while
// keeping the system, the guess and the rule:
//
//   library     the library's `solve` (sequential recurrence s_t = b_t + Ã_t s_{t−1})
//   sequential  the affine elements (Ã_t, b_t) folded left to right, (Ã₂b₁) + b₂ first
//   jax         JAX's lax.associative_scan tree (pairs reduced, scanned recursively, the
//               even positions filled from the odd ones): the authors' DEER (deer.py)
//   blelloch    the library's up-sweep/down-sweep scan
//
// Counts are reported both ways: "ours" = index of the first iterate with L(s)/T ≤ tol
// (what `solve` with stop 'merit' reports), "authors" = ours + 1 (their loop tests the merit
// of the iterate a step started from, after taking that step).
//
//   node apps/cli/scripts/abc-rounding.mjs --orders library,jax --seeds 0,1,2
//   node apps/cli/scripts/abc-rounding.mjs --system chua --orders library,jax
//   node apps/cli/scripts/abc-rounding.mjs --orders library --dtype float32 --max 4300
//
// Options: --system abc|chua, --T 30000, --seeds 0, --orders library,sequential,jax,blelloch,
// --tol 1e-10, --init random|zeros|ic, --a 1.73205 --b 1.41421 (ABC's A and B), --dtype
// float64|float32 (float32: the library order only), --max T (iteration cap), --trace K (every
// K iterations: the merit and the first row whose residual exceeds √tol, where the prefix ends).
// Each run at T = 30000 takes from seconds (library, ≈ 800 steps) to ≈ 1.5 min (jax, ≈ 4300).
import { parseArgs } from 'node:util';
import { affineMonoid, dense, scan } from '@unroll/scan';
import { solve } from '@unroll/solvers';
import { abcFlow, chuaCircuit, createRng } from '@unroll/systems';

const { values } = parseArgs({
  options: {
    system: { type: 'string', default: 'abc' },
    T: { type: 'string', default: '30000' },
    seeds: { type: 'string', default: '0' },
    orders: { type: 'string', default: 'library,sequential,jax' },
    tol: { type: 'string', default: '1e-10' },
    init: { type: 'string', default: 'random' },
    a: { type: 'string', default: '1.73205' },
    b: { type: 'string', default: '1.41421' },
    dtype: { type: 'string', default: 'float64' },
    max: { type: 'string' },
    trace: { type: 'string' },
  },
});

const DT = 0.01;
const T = Number(values.T);
const tol = Number(values.tol);
const maxIterations = values.max === undefined ? T : Number(values.max);
/** --trace K: every K iterations, the iterate's merit and its first row whose residual exceeds √tol (the converged prefix's end). */
const traceEvery = values.trace === undefined ? 0 : Number(values.trace);
// The paper's parameters and initial conditions (predictability paper, Table 1; the authors' tab1.py).
const SYSTEMS = {
  abc: { make: () => abcFlow({ integrator: 'euler', dt: DT, a: Number(values.a), b: Number(values.b), c: 1 }), ic: [-0.78450179, -0.62887672, -0.17620268] },
  chua: { make: () => chuaCircuit({ integrator: 'euler', dt: DT }), ic: [1.1262351, -0.11386474, -0.78324421] },
};
const system = SYSTEMS[values.system];
if (system === undefined) throw new Error(`--system must be abc or chua, got ${values.system}`);
if (values.dtype === 'float32' && values.orders !== 'library') throw new Error('--dtype float32 runs the library order only: pass --orders library');

const D = 3, A_W = D * D, W = A_W + D;
const monoid = affineMonoid(dense(D));

/** JAX's lax.associative_scan on n packed elements (a new array; `x` is left as it was). */
function scanJax(x, n) {
  if (n < 2) return x.slice(0, n * W);
  const m = Math.floor(n / 2);
  const reduced = new Float64Array(m * W);
  for (let k = 0; k < m; k++) monoid.combine(x, 2 * k * W, x, (2 * k + 1) * W, reduced, k * W);
  const odd = scanJax(reduced, m);
  const out = new Float64Array(n * W);
  out.set(x.subarray(0, W), 0);
  for (let k = 0; k < m; k++) out.set(odd.subarray(k * W, (k + 1) * W), (2 * k + 1) * W);
  for (let j = 1; 2 * j < n; j++) monoid.combine(odd, (j - 1) * W, x, 2 * j * W, out, 2 * j * W);
  return out;
}

/** The states s_1..s_T of the recurrence packed in `elements` (row 0: Ã = 0, b = f(s_0)), by `order`. */
function solveRecurrence(elements, n, order) {
  const prefix = order === 'jax' ? scanJax(elements, n) : scan(elements, monoid, { algorithm: order === 'blelloch' ? 'blelloch' : 'sequential', out: elements });
  const states = new Float64Array(n * D);
  for (let t = 0; t < n; t++) for (let i = 0; i < D; i++) states[t * D + i] = prefix[t * W + A_W + i];
  return states;
}

/**
 * Packs (Ã_t, b_t) at the iterate and returns its L(s)/T (½‖r‖² per step), as the
 * linearization computes f anyway, and the first row (1-based) whose residual exceeds √tol.
 */
function linearize(dyn, s0, states, elements) {
  const f = new Float64Array(D), Ax = new Float64Array(D), bound = Math.sqrt(tol);
  let merit = 0, firstAbove = null;
  elements.fill(0);
  for (let t = 0; t < T; t++) {
    const prev = t === 0 ? s0 : states, po = t === 0 ? 0 : (t - 1) * D, eo = t * W;
    dyn.step(t + 1, prev, po, f, 0);
    for (let i = 0; i < D; i++) {
      const r = states[t * D + i] - f[i];
      merit += 0.5 * r * r;
      if (firstAbove === null && !(Math.abs(r) <= bound)) firstAbove = t + 1;
    }
    if (t === 0) {
      elements.set(f, eo + A_W);
      continue;
    }
    dyn.jacobian(t + 1, prev, po, elements, eo);
    for (let i = 0; i < D; i++) {
      let acc = 0;
      for (let j = 0; j < D; j++) acc += elements[eo + i * D + j] * prev[po + j];
      Ax[i] = acc;
    }
    for (let i = 0; i < D; i++) elements[eo + A_W + i] = f[i] - Ax[i];
  }
  return { merit: Number.isNaN(merit) ? Infinity : merit / T, firstAbove };
}

/** DEER (Newton with the full Jacobian, no resets) with the recurrence solved in `order`. */
function deer(dyn, s0, guess, order) {
  let states = Float64Array.from(guess);
  const elements = new Float64Array(T * W);
  for (let i = 0; i <= maxIterations; i++) {
    const { merit, firstAbove } = linearize(dyn, s0, states, elements);
    if (traceEvery > 0 && i % traceEvery === 0) console.log(JSON.stringify({ order, iteration: i, merit, firstRowAboveSqrtTol: firstAbove }));
    if (merit <= tol) return { ours: i, authors: i + 1, converged: true, merit };
    if (i === maxIterations) return { ours: i, authors: i, converged: false, merit };
    states = solveRecurrence(elements, T, order);
  }
  throw new Error('unreachable');
}

function guessFor(seed, ic) {
  const g = new Float64Array(T * D);
  if (values.init === 'random') {
    // iid standard normals (predictability paper App. J.5).
    const rng = createRng(seed);
    for (let i = 0; i < g.length; i++) g[i] = rng.normal();
  } else if (values.init === 'ic') {
    for (let t = 0; t < T; t++) g.set(ic, t * D);
  } else if (values.init !== 'zeros') {
    throw new Error(`--init must be random, zeros or ic, got ${values.init}`);
  }
  return g;
}

/** Self-check: on a contracting recurrence (no rounding growth) every order gives the sequential states. */
function checkOrders() {
  const n = 1000, rng = createRng(12345), el = new Float64Array(n * W);
  for (let t = 0; t < n; t++) {
    for (let i = 0; i < A_W; i++) el[t * W + i] = t === 0 ? 0 : (i % (D + 1) === 0 ? 0.5 : 0) + 0.1 * rng.normal();
    for (let i = 0; i < D; i++) el[t * W + A_W + i] = rng.normal();
  }
  const ref = solveRecurrence(el.slice(), n, 'sequential');
  for (const order of ['jax', 'blelloch']) {
    const got = solveRecurrence(el.slice(), n, order);
    let err = 0;
    for (let i = 0; i < ref.length; i++) err = Math.max(err, Math.abs(got[i] - ref[i]));
    if (!(err < 1e-12)) throw new Error(`self-check: the ${order} scan differs from the sequential fold by ${err}`);
  }
}

checkOrders();
const dyn = system.make();
const s0 = system.ic;
for (const seed of values.seeds.split(',').map(Number)) {
  const guess = guessFor(seed, s0);
  for (const order of values.orders.split(',')) {
    const t0 = performance.now();
    let result;
    if (order === 'library') {
      const r = solve(dyn, s0, T, { method: 'deer', stop: 'merit', tol, init: values.dtype === 'float32' ? Float32Array.from(guess) : guess, reset: false, dtype: values.dtype, maxIterations });
      result = { ours: r.iterations, authors: r.converged ? r.iterations + 1 : r.iterations, converged: r.converged };
    } else if (['sequential', 'jax', 'blelloch'].includes(order)) {
      result = deer(dyn, s0, guess, order);
    } else {
      throw new Error(`--orders: unknown order ${order}; use library, sequential, jax or blelloch`);
    }
    const seconds = Math.round((performance.now() - t0) / 100) / 10;
    console.log(JSON.stringify({ system: values.system, T, seed, init: values.init, tol, dtype: values.dtype, a: Number(values.a), b: Number(values.b), order, ...result, seconds }));
  }
}
