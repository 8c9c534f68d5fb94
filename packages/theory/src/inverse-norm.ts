import { checkArrayLength, checkFunction, checkOptions, checkRecord, checkSeed, describeValue, mulberry32, UnrollError } from '@unroll/scan';
import { seedPromise } from './arguments.js';

/**
 * The residual Jacobian of a trajectory, `J = I − N`, given block by block: identity
 * diagonal blocks and sub-diagonal blocks `−A_t` (t = 2 … steps), each `A_t` a D×D
 * matrix reached only through its products. This is the matrix whose smallest singular
 * value sets the merit's PL constant (predictability paper, Proposition 1 and eq. 20).
 *
 * Both callbacks read D numbers at `(x, xo)` and write D numbers at `(out, oo)`; `t` is
 * 1-based and only `t = 2 … steps` is ever asked for (A_1 multiplies s_0, which is not an
 * unknown). The D numbers at `(out, oo)` never overlap those at `(x, xo)`.
 */
export interface BlockBidiagonal {
  /** The block size D. */
  readonly dim: number;
  /** The number of block rows T (so J is TD × TD). */
  readonly steps: number;
  /** `out ← A_t x`. */
  apply(t: number, x: Float64Array, xo: number, out: Float64Array, oo: number): void;
  /** `out ← A_tᵀ x`. */
  applyTranspose(t: number, x: Float64Array, xo: number, out: Float64Array, oo: number): void;
}

/** Options of {@link inverseNorm}. */
export interface InverseNormOptions {
  /**
   * Stop when the top Ritz value grows by less than `tol` relative, twice in a row
   * (default 1e-13), or when the Krylov space stops growing (an invariant subspace).
   */
  readonly tol?: number;
  /**
   * Lanczos steps at most (default `2 · steps · dim`). The first 64 keep their TD-vector
   * (full reorthogonalization), so memory is at most `min(maxIterations, 66) · T · D`
   * numbers. Stopping early gives a lower bound.
   */
  readonly maxIterations?: number;
  /** Seed of the random start vector (default 1): the same seed gives the same result. */
  readonly seed?: number;
}

/** What {@link inverseNorm} returns. */
export interface InverseNorm {
  /**
   * `ln ‖J⁻¹‖₂ = −ln σ_min(J)`, finite even when the norm itself overflows float64 (on a
   * chaotic trajectory it grows like e^{λ(T−1)}). Without convergence it is a lower bound:
   * a Ritz value never exceeds the top eigenvalue it approximates.
   */
  readonly logNorm: number;
  /** Whether the stopping rule was met within `maxIterations`. */
  readonly converged: boolean;
  /** Products with `J⁻ᵀJ⁻¹` computed (two passes over the T steps each). */
  readonly iterations: number;
}

// Recurrence blocks are rescaled by exact powers of two when their max-abs leaves
// [2^-64, 2^64]; between rescalings the arithmetic is that of the plain recurrence. The
// margin to float64's 2^1024 leaves room for A_t with entries up to about 2^960 (1e289).
const hi = 2 ** 64;
const lo = 2 ** -64;
// A block's exponent never drops below this, so 2^−σ (the weight of the next input
// block) stays finite; what it cuts off is below 2^-900 of a unit input.
const minExponent = -900;
// β ≤ this · θ: the Krylov space has (numerically) stopped growing.
const breakdown = 1e-12;
// Steps with full reorthogonalization (the basis kept); beyond them, the plain recurrence.
const fullReorthogonalization = 64;

/**
 * ln ‖J⁻¹‖₂ for a block-bidiagonal residual Jacobian, without forming any TD × TD matrix.
 *
 * ‖J⁻¹‖₂² is the top eigenvalue of `M = J⁻ᵀJ⁻¹`, and both factors are linear recurrences
 * (J⁻¹ = Σ_k N^k, predictability paper eq. 20): `J⁻¹y` is `x_1 = y_1, x_t = A_t x_{t−1} + y_t`
 * and `J⁻ᵀz` is `w_T = z_T, w_t = A_{t+1}ᵀ w_{t+1} + z_t`, so one product with M costs two
 * O(T·D²) passes. Lanczos on M finds its top eigenvalue in far fewer products than power
 * iteration (the error falls with the square root of the relative gap per step instead of
 * the gap itself); the top Ritz value comes from the Lanczos tridiagonal by Sturm-sequence
 * bisection. The first 64 steps reorthogonalize fully against the kept basis (so a
 * problem with T·D ≤ 64 is solved exactly in at most T·D steps); later steps run the plain
 * three-term recurrence, which is what long, slowly converging runs need (see below).
 *
 * Overflow: ‖J⁻¹‖ can be e^{2000}. Each recurrence keeps every block as `2^σ_t · ξ_t` with
 * `ξ_t` O(1) and an integer exponent σ_t, so it never overflows whatever the growth; its
 * result is then written out as `2^{σ_t − shift} ξ_t` with one shift per pass (blocks far
 * below the largest underflow harmlessly). The two shifts only ever grow, so Lanczos runs on
 * `2^{−E} M` with E their sum; when E grows the stored tridiagonal is rescaled by the same
 * exact power of two — the Krylov vectors do not depend on the operator's scale. Hence
 * `logNorm = (ln θ + E ln 2) / 2`, finite for any growth rate.
 *
 * Scratch is a few TD-vectors and at most 66 basis vectors (grown by doubling up to that);
 * the recurrences allocate nothing per step. The start vector is uniform in [−1, 1)^{TD}
 * from `mulberry32(seed)`, so results are reproducible.
 *
 * @example
 * ```ts
 * // s_t = 2 s_{t−1}: ‖J⁻¹‖ ≈ (4/3)·2^{T−1}, far beyond float64 for T = 2000.
 * const op = { dim: 1, steps: 2000,
 *   apply: (_t, x, xo, out, oo) => { out[oo] = 2 * x[xo]; },
 *   applyTranspose: (_t, x, xo, out, oo) => { out[oo] = 2 * x[xo]; } };
 * inverseNorm(op).logNorm; // ≈ 1999·ln 2 + ln(4/3) ≈ 1385.9
 * ```
 * @throws {UnrollError} `INVALID_ARGUMENT` when dim or steps is not a positive integer,
 *   tol is not positive, or maxIterations is not a positive integer; `NON_FINITE` when a
 *   product with the A_t is not finite (NaN in an A_t, or entries beyond about 1e289).
 */
export function inverseNorm(op: BlockBidiagonal, options?: InverseNormOptions): InverseNorm {
  const where = 'inverseNorm';
  checkRecord(where, 'op', op, '{ dim, steps, apply(t, x, xo, out, oo), applyTranspose(t, x, xo, out, oo) }');
  const { dim: D, steps: T }: { dim: unknown; steps: unknown } = op;
  if (typeof D !== 'number' || typeof T !== 'number' || !Number.isInteger(D) || D < 1 || !Number.isInteger(T) || T < 1) {
    throw new UnrollError('INVALID_ARGUMENT', `inverseNorm: dim and steps must be positive integers, got dim ${describeValue(D)} and steps ${describeValue(T)}.`);
  }
  const fields: Record<string, unknown> = op;
  checkFunction(where, 'op.apply', fields['apply'], '(t, x, xo, out, oo) writing A_t x');
  checkFunction(where, 'op.applyTranspose', fields['applyTranspose'], '(t, x, xo, out, oo) writing A_tᵀ x');
  const opts = checkOptions(where, options, '{ tol: 1e-13, maxIterations: 200, seed: 1 }');
  // Defaults apply to absent options only: null is refused like any other wrong type.
  const { tol = 1e-13, seed = 1 }: { tol?: unknown; seed?: unknown } = opts;
  if (typeof tol !== 'number' || !(tol > 0) || !Number.isFinite(tol)) throw new UnrollError('INVALID_ARGUMENT', `inverseNorm: tol must be positive and finite, got ${describeValue(tol)}.`);
  checkSeed(where, 'seed', seed, seedPromise);
  const N = T * D;
  const { maxIterations = 2 * N }: { maxIterations?: unknown } = opts;
  if (typeof maxIterations !== 'number' || !Number.isInteger(maxIterations) || maxIterations < 1) {
    throw new UnrollError('INVALID_ARGUMENT', `inverseNorm: maxIterations must be a positive integer, got ${describeValue(maxIterations)}.`);
  }
  checkArrayLength(where, `the Lanczos basis (min(maxIterations, 66)·steps·dim = ${Math.min(maxIterations, fullReorthogonalization + 2)}·${T}·${D})`, Math.min(maxIterations, fullReorthogonalization + 2) * N, 'pass fewer steps (a window of the trajectory) or a smaller maxIterations');
  // T = 1: J = I exactly.
  if (T === 1) return { logNorm: 0, converged: true, iterations: 0 };

  const cap = maxIterations;
  // Full reorthogonalization for the first `full` steps (all of them when N ≤ 64: the
  // basis then spans the space after N steps and the answer is exact); after that only
  // the three-term recurrence, keeping two vectors. Paige's analysis of the Lanczos
  // process in finite precision: orthogonality is lost only along Ritz vectors that have
  // converged, which shows up as repeated copies of those Ritz values — the largest Ritz
  // value still converges to λ_max and never exceeds it by more than O(ε‖M‖). That keeps
  // memory at (full + 2) vectors and the cost per step O(T·D²) on slowly converging
  // (clustered) spectra, which can need hundreds of steps.
  const full = Math.min(cap, fullReorthogonalization);
  const slot = (k: number): number => (k < full ? k : full + ((k - full) & 1)) * N;
  const slots = Math.min(cap, full + 2);
  const u = new Float64Array(N), w = new Float64Array(N);
  const sigU = new Float64Array(T), sigW = new Float64Array(T);
  let alpha: Float64Array = new Float64Array(Math.min(cap, 64));
  let beta: Float64Array = new Float64Array(alpha.length);
  let basis = new Float64Array(Math.min(slots, 16) * N);

  const next = mulberry32(seed);
  let norm = 0;
  for (let i = 0; i < N; i++) {
    const v = (next() / 2 ** 32) * 2 - 1;
    basis[i] = v;
    norm += v * v;
  }
  scale(basis, 0, N, 1 / Math.sqrt(norm));

  // The shifts of the two passes (w = 2^{−(a+b)} M q); −∞ until the first product sets them.
  let a = -Infinity, b = -Infinity;
  // θ: the top Ritz value, evaluated at step `evaluatedAt`; small: consecutive evaluations
  // whose growth per step was below tol.
  let theta = 0, evaluatedAt = -1, small = 0, iterations = 0, converged = false;
  for (let k = 0; k < cap; k++) {
    const qo = slot(k);
    const ePrev = a + b;
    const ta = forward(op, D, T, basis, qo, u, sigU);
    if (ta > a) a = Math.ceil(ta);
    place(u, sigU, D, a);
    const tb = reverse(op, D, T, u, w, sigW);
    if (tb > b) b = Math.ceil(tb);
    place(w, sigW, D, b);
    iterations = k + 1;
    if (!Number.isFinite(a) || !Number.isFinite(b) || !allFinite(w)) {
      throw new UnrollError(
        'NON_FINITE',
        'inverseNorm: a product with the A_t was not finite even with rescaling — an A_t holds NaN, ±Infinity, or entries beyond about 1e289. Check the Jacobians, or rescale the problem.',
      );
    }
    const e = a + b;
    if (k > 0 && e !== ePrev) {
      // 2^{−E}M changed scale: the same Krylov basis, with α, β (and θ) scaled alike.
      const f = pow2(ePrev - e);
      for (let j = 0; j < k; j++) {
        alpha[j] = (alpha[j] ?? 0) * f;
        beta[j] = (beta[j] ?? 0) * f;
      }
      theta *= f;
    }
    if (k > 0) axpy(-(beta[k - 1] ?? 0), basis, slot(k - 1), w, N);
    const ak = dot(basis, qo, w, N);
    if (k === alpha.length) {
      alpha = grow(alpha, Math.min(cap, 2 * k));
      beta = grow(beta, alpha.length);
    }
    alpha[k] = ak;
    axpy(-ak, basis, qo, w, N);
    // Reorthogonalize twice ("twice is enough"): against the whole basis while it is
    // kept, else against the two vectors the recurrence just used.
    for (let pass = 0; pass < 2; pass++) {
      if (k < full) {
        for (let j = 0; j <= k; j++) axpy(-dot(basis, j * N, w, N), basis, j * N, w, N);
      } else {
        axpy(-dot(basis, slot(k - 1), w, N), basis, slot(k - 1), w, N);
        axpy(-dot(basis, qo, w, N), basis, qo, w, N);
      }
    }
    let bk = 0;
    for (let i = 0; i < N; i++) bk += (w[i] ?? 0) * (w[i] ?? 0);
    bk = Math.sqrt(bk);
    beta[k] = bk;
    // The Ritz value costs O(k) per bisection step: evaluate it every step at first, then
    // every ⌈k/128⌉ steps, and always when the recurrence may stop here.
    const last = k + 1 === cap || bk <= breakdown * theta || (k + 1 === N && k < full);
    if (last || k < 128 || k - evaluatedAt >= Math.ceil(k / 128)) {
      const previous = theta;
      theta = largestEigenvalue(alpha, beta, k + 1, previous);
      if (evaluatedAt >= 0 && theta - previous <= tol * theta * (k - evaluatedAt)) small++;
      else small = 0;
      evaluatedAt = k;
      // Done when the space is spanned (exact), the Krylov space stopped growing (θ is then
      // an eigenvalue), or θ stopped growing twice in a row.
      if ((k + 1 === N && k < full) || bk <= breakdown * theta || small >= 2) {
        converged = true;
        break;
      }
    }
    if (k + 1 < cap) {
      const no = slot(k + 1);
      if (basis.length < no + N) {
        const grown = new Float64Array(Math.min(slots, 2 * (k + 1)) * N);
        grown.set(basis);
        basis = grown;
      }
      const inv = 1 / bk;
      for (let i = 0; i < N; i++) basis[no + i] = (w[i] ?? 0) * inv;
    }
  }
  return { logNorm: 0.5 * (Math.log(theta) + (a + b) * Math.LN2), converged, iterations };
}

/**
 * x = J⁻¹ q (q at `(q, qo)`), as blocks `2^{sig[t−1]} · x_t`: `x_1 = q_1`,
 * `x_t = A_t x_{t−1} + q_t`. Returns log₂ of the largest block max-abs (−∞ if x = 0).
 */
function forward(op: BlockBidiagonal, D: number, T: number, q: Float64Array, qo: number, x: Float64Array, sig: Float64Array): number {
  let sigma = 0, weight = 1, top = -Infinity;
  for (let t = 1; t <= T; t++) {
    const o = (t - 1) * D;
    if (t === 1) {
      for (let i = 0; i < D; i++) x[i] = q[qo + i] ?? 0;
    } else {
      op.apply(t, x, o - D, x, o);
      // The input block enters at the running scale: 2^σ ξ_t = A_t 2^σ ξ_{t−1} + q_t.
      for (let i = 0; i < D; i++) x[o + i] = (x[o + i] ?? 0) + weight * (q[qo + o + i] ?? 0);
    }
    const m = maxAbs(x, o, D);
    if (Number.isNaN(m)) return Number.NaN;
    const s = renormalize(x, o, D, sigma, m);
    if (s !== sigma) {
      sigma = s;
      weight = pow2(-sigma);
    }
    sig[t - 1] = sigma;
    if (m > 0) top = Math.max(top, sigma + Math.log2(m <= hi && m >= lo ? m : maxAbs(x, o, D)));
  }
  return top;
}

/**
 * w = J⁻ᵀ z, as blocks `2^{sig[t−1]} · w_t`: `w_T = z_T`, `w_t = A_{t+1}ᵀ w_{t+1} + z_t`.
 * Returns log₂ of the largest block max-abs (−∞ if w = 0).
 */
function reverse(op: BlockBidiagonal, D: number, T: number, z: Float64Array, w: Float64Array, sig: Float64Array): number {
  let sigma = 0, weight = 1, top = -Infinity;
  for (let t = T; t >= 1; t--) {
    const o = (t - 1) * D;
    if (t === T) {
      for (let i = 0; i < D; i++) w[o + i] = z[o + i] ?? 0;
    } else {
      op.applyTranspose(t + 1, w, o + D, w, o);
      for (let i = 0; i < D; i++) w[o + i] = (w[o + i] ?? 0) + weight * (z[o + i] ?? 0);
    }
    const m = maxAbs(w, o, D);
    if (Number.isNaN(m)) return Number.NaN;
    const s = renormalize(w, o, D, sigma, m);
    if (s !== sigma) {
      sigma = s;
      weight = pow2(-sigma);
    }
    sig[t - 1] = sigma;
    if (m > 0) top = Math.max(top, sigma + Math.log2(m <= hi && m >= lo ? m : maxAbs(w, o, D)));
  }
  return top;
}

/**
 * The block's exponent after bringing its max-abs `m` back into [lo, hi] by an exact power
 * of two (0 for a zero block, so the next input enters at face value).
 */
function renormalize(x: Float64Array, o: number, D: number, sigma: number, m: number): number {
  if (m === 0) return 0;
  if (m <= hi && m >= lo) return sigma;
  const s = Math.max(sigma + Math.floor(Math.log2(m)), minExponent);
  scaleByPow2(x, o, D, sigma - s);
  return s;
}

/** Writes blocks `2^{sig_t} ξ_t` out as plain numbers `2^{sig_t − shift} ξ_t`. */
function place(x: Float64Array, sig: Float64Array, D: number, shift: number): void {
  for (let t = 0; t < sig.length; t++) {
    const k = (sig[t] ?? 0) - shift;
    if (k !== 0) scaleByPow2(x, t * D, D, k);
  }
}

/**
 * The largest eigenvalue of the symmetric tridiagonal matrix with diagonal α and
 * off-diagonal β (first n of each), by bisection on the Sturm count: the number of
 * negative pivots of `T − xI` is the number of eigenvalues below x.
 */
function largestEigenvalue(alpha: Float64Array, beta: Float64Array, n: number, previous: number): number {
  // Below: the previous step's value (Cauchy interlacing: the top Ritz value never
  // decreases) and max α_i (a Rayleigh quotient). Above: Weyl — bordering T_{n−1} by a
  // row of norm β_{n−1} raises λ_max by at most β_{n−1} over max(λ_max(T_{n−1}), α_n);
  // with Gershgorin's bound as a safeguard.
  let low = -Infinity, gershgorin = -Infinity;
  for (let i = 0; i < n; i++) {
    const ai = alpha[i] ?? 0;
    const radius = (i > 0 ? Math.abs(beta[i - 1] ?? 0) : 0) + (i < n - 1 ? Math.abs(beta[i] ?? 0) : 0);
    low = Math.max(low, ai);
    gershgorin = Math.max(gershgorin, ai + radius);
  }
  let high = gershgorin;
  if (previous > 0 && n > 1) {
    high = Math.min(high, Math.max(previous, alpha[n - 1] ?? 0) + Math.abs(beta[n - 2] ?? 0));
    if (countBelow(alpha, beta, n, previous) < n) low = Math.max(low, previous);
    // The Weyl bound needs λ_max(T_{n−1}) itself, and `previous` may be from an earlier
    // step or rounded: when the count says it is too low, fall back to Gershgorin.
    if (countBelow(alpha, beta, n, high) < n) high = gershgorin;
  }
  for (let iter = 0; iter < 2100; iter++) {
    const mid = 0.5 * (low + high);
    if (!(mid > low && mid < high)) break;
    if (countBelow(alpha, beta, n, mid) === n) high = mid;
    else low = mid;
  }
  return high;
}

/** How many eigenvalues of the tridiagonal (α, β) lie below x (Sylvester's inertia). */
function countBelow(alpha: Float64Array, beta: Float64Array, n: number, x: number): number {
  let count = 0;
  let d = 1;
  for (let i = 0; i < n; i++) {
    const b = i > 0 ? (beta[i - 1] ?? 0) : 0;
    d = (alpha[i] ?? 0) - x - (i > 0 ? (b * b) / d : 0);
    // A zero pivot is perturbed to a tiny negative one (the count stays consistent).
    if (d === 0) d = -Number.MIN_VALUE;
    if (d < 0) count++;
  }
  return count;
}

/** 2^k for an integer k; 0 below the subnormal range. */
function pow2(k: number): number {
  return 2 ** k;
}

/** x ← 2^k x on D numbers, exactly (two factors when 2^k alone is out of range). */
function scaleByPow2(x: Float64Array, o: number, n: number, k: number): void {
  if (Math.abs(k) <= 1000) {
    scale(x, o, n, pow2(k));
    return;
  }
  const h = Math.trunc(k / 2);
  scale(x, o, n, pow2(h));
  scale(x, o, n, pow2(k - h));
}

function scale(x: Float64Array, o: number, n: number, f: number): void {
  for (let i = 0; i < n; i++) x[o + i] = (x[o + i] ?? 0) * f;
}

function maxAbs(x: Float64Array, o: number, n: number): number {
  let m = 0;
  for (let i = 0; i < n; i++) {
    const v = Math.abs(x[o + i] ?? 0);
    if (v > m || Number.isNaN(v)) m = v;
  }
  return m;
}

function dot(q: Float64Array, qo: number, w: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += (q[qo + i] ?? 0) * (w[i] ?? 0);
  return s;
}

/** w ← w + c·q (q at `(q, qo)`). */
function axpy(c: number, q: Float64Array, qo: number, w: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) w[i] = (w[i] ?? 0) + c * (q[qo + i] ?? 0);
}

function grow(x: Float64Array, length: number): Float64Array {
  const y = new Float64Array(length);
  y.set(x);
  return y;
}

function allFinite(x: Float64Array): boolean {
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i])) return false;
  return true;
}
