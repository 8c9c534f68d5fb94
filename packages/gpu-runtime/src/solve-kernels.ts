import { dynamicsSource } from './dynamics-kernel.js';
import type { GpuDynamics } from './gpu-dynamics.js';
import type { KernelSpec, StorageSlot } from './kernel.js';
import { algebraPrelude, type StructureAlgebra } from './scan-kernels.js';

/**
 * How a method builds (Ã_t, b_t) from f_t at s_{t−1} (the methods' table of `@unroll/solvers`):
 * `jacobi` Ã = 0 (the new iterate is f itself), `picard` Ã = I, `diagonal` Ã = diag J
 * (quasi-DEER; clip-ELK clamps it, thesis §4.5.2), `dense` Ã = (1 − k) J (DEER; scale-ELK).
 */
export type Linearization = 'jacobi' | 'picard' | 'diagonal' | 'dense' | 'structure';

/** A custom strategy on the GPU: its structure's algebra and its `strategy_fill` WGSL. */
export interface CustomLinearization {
  readonly algebra: StructureAlgebra;
  readonly fill: string;
}

/**
 * The end of every reducing kernel: the workgroup's 64 pairs folded into one — sum of the
 * first components, max of the second, both over marks (finite f32 that stand for NaN and
 * infinity too, see `kernel.ts`, so a NaN is never lost in a max) — and written as this
 * workgroup's partial. Reductions never assume a subgroup size (SwiftShader's may be 4).
 */
const groupReduce = `
  unroll_red[li] = red;
  workgroupBarrier();
  for (var s = 32u; s > 0u; s >>= 1u) {
    if (li < s) {
      let m = unroll_red[li];
      let o = unroll_red[li + s];
      unroll_red[li] = vec2f(unroll_add(m.x, o.x), max(m.y, o.y));
    }
    workgroupBarrier();
  }
  if (li == 0u) {
    let p = 2u * (unroll_u.partOffset + unroll_u.wgBase + unroll_group(wg)) - unroll_u.base_part;
    unroll_part[p] = unroll_red[0].x;
    unroll_part[p + 1u] = unroll_red[0].y;
  }`;

const reducingMain = `
var<workgroup> unroll_red: array<vec2f, 64>;
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) li: u32) {
  let id = unroll_thread(wg, li);
  var red = vec2f(0.0, 0.0);
  if (id < unroll_u.count) {`;

/** The start of a kernel with one thread per item and no reduction: threads past the count return. */
export const plainMain = `
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) li: u32) {
  let id = unroll_thread(wg, li);
  if (id >= unroll_u.count) { return; }`;

/**
 * One thread per step t of every sequence: f_t(s_{t−1}) at the current iterate, the
 * residual r_t = s_t − f_t (its ½‖r‖² summed and max |r| for the merit and the stopping
 * check — no extra evaluation of f), and the method's (Ã_t, b_t = f_t − Ã_t s_{t−1}).
 * `'measure'` writes nothing but the residual's reductions.
 *
 * `windowed`: threads cover a sliding window of w steps of every sequence, rows
 * [ws, ws + n) with (ws, n) read from the `win` binding (u32 bits, rewritten each
 * iteration), and write (Ã, b) compactly, w rows per sequence; rows j ≥ n are zeroed.
 */
export function linearizeKernel(dyn: GpuDynamics, kind: Linearization | 'measure', custom?: CustomLinearization, windowed = false): KernelSpec {
  if (kind === 'structure' && custom === undefined) throw new Error('internal: a structure linearization needs its WGSL');
  const storage: StorageSlot[] = [
    { name: 's0', access: 'read' },
    { name: 'cur', access: 'read' },
  ];
  if (windowed) storage.push({ name: 'win', access: 'read' });
  const hasA = kind === 'diagonal' || kind === 'dense' || kind === 'structure';
  if (hasA) storage.push({ name: 'A', access: 'read_write' });
  if (kind !== 'measure') storage.push({ name: 'B', access: 'read_write' });
  storage.push({ name: 'part', access: 'read_write' });
  const row = 'item * D + i - unroll_u.base_B';
  const method = {
    measure: '',
    jacobi: `for (var i = 0u; i < D; i++) { unroll_B[${row}] = f[i]; }`,
    picard: `for (var i = 0u; i < D; i++) { unroll_B[${row}] = f[i] - prev[i]; }`,
    diagonal: `
    let a = diagonal(t + 1u, prev);
    for (var i = 0u; i < D; i++) {
      let ai = clamp((1.0 - unroll_u.k) * a[i], unroll_u.lo, unroll_u.hi);
      unroll_A[item * D + i - unroll_u.base_A] = ai;
      unroll_B[${row}] = f[i] - ai * prev[i];
    }`,
    structure: `
    let a = strategy_fill(t + 1u, prev);
    for (var k = 0u; k < W; k++) { unroll_A[item * W + k - unroll_u.base_A] = a[k]; }
    let ax = structure_apply(a, prev);
    for (var i = 0u; i < D; i++) { unroll_B[${row}] = f[i] - ax[i]; }`,
    dense: `
    let J = jacobian(t + 1u, prev);
    let c = 1.0 - unroll_u.k;
    for (var i = 0u; i < D; i++) {
      var acc = f[i];
      for (var j = 0u; j < D; j++) {
        let aij = c * J[i * D + j];
        unroll_A[(item * D + i) * D + j - unroll_u.base_A] = aij;
        acc -= aij * prev[j];
      }
      unroll_B[${row}] = acc;
    }`,
  }[kind];
  // Rows past a short last window: zero (Ã, b), so the scan over them stays finite.
  const aWidthWgsl = kind === 'diagonal' ? 'D' : kind === 'dense' ? 'D * D' : 'W';
  const idle = `
    ${hasA ? `for (var k = 0u; k < ${aWidthWgsl}; k++) { unroll_A[item * ${aWidthWgsl} + k - unroll_u.base_A] = 0.0; }` : ''}
    ${kind === 'measure' ? '' : `for (var i = 0u; i < D; i++) { unroll_B[${row}] = 0.0; }`}`;
  const locate = windowed
    ? `
    let q = item / unroll_u.w;
    let ws = bitcast<u32>(unroll_win[0u - unroll_u.base_win]);
    let unroll_active = item % unroll_u.w < bitcast<u32>(unroll_win[1u - unroll_u.base_win]);
    let t = ws + item % unroll_u.w;
    let g = q * unroll_u.T + t;`
    : `
    let q = item / unroll_u.T;
    let t = item % unroll_u.T;
    let unroll_active = true;
    let g = item;`;
  const splice = custom === undefined ? '' : `${algebraPrelude(custom.algebra, dyn.dim, false)}\n${custom.fill}\n`;
  const body = `${splice}${reducingMain}
    let item = unroll_u.first + id;${locate}
    sequence = q;
    if (unroll_active) {
    var prev: State;
    if (t == 0u) {
      for (var i = 0u; i < D; i++) { prev[i] = unroll_s0[q * D + i - unroll_u.base_s0]; }
    } else {
      for (var i = 0u; i < D; i++) { prev[i] = unroll_cur[(g - 1u) * D + i - unroll_u.base_cur]; }
    }
    let f = step(t + 1u, prev);
    var m = 0.0;
    var rmax = 0.0;
    for (var i = 0u; i < D; i++) {
      let r = unroll_cur[g * D + i - unroll_u.base_cur] - f[i];
      m = unroll_add(m, unroll_half_square(r));
      rmax = max(rmax, unroll_mark(r));
    }
    ${method}
    red = vec2f(m, rmax);
    } else {${idle}
    }
  }${groupReduce}
}`;
  return {
    label: `linearize ${kind}${custom === undefined ? '' : ` ${custom.algebra.name}`}${windowed ? ' windowed' : ''} ${dyn.name}`,
    storage,
    uniforms: [['T', 'u32'], ['partOffset', 'u32'], ['k', 'f32'], ['lo', 'f32'], ['hi', 'f32'], ...(windowed ? ([['w', 'u32']] as const) : [])],
    lanes: 1,
    body,
    dynamics: dynamicsSource(dyn),
  };
}

/**
 * One thread per entry of the new iterate: resets (non-finite or beyond the threshold →
 * the initial guess, as the CPU driver resets), then |s^{(i)} − s^{(i−1)}|; partials hold
 * (resets, max change).
 */
export function updateKernel(): KernelSpec {
  const body = `${reducingMain}
    let k = unroll_u.first + id;
    var x = unroll_next[k - unroll_u.base_next];
    var resets = 0.0;
    if (unroll_u.reset != 0u && (unroll_nonfinite(x) || abs(x) > unroll_u.threshold)) {
      x = unroll_guess[k - unroll_u.base_guess];
      unroll_next[k - unroll_u.base_next] = x;
      resets = 1.0;
    }
    red = vec2f(resets, unroll_mark(x - unroll_cur[k - unroll_u.base_cur]));
  }${groupReduce}
}`;
  return {
    label: 'update',
    storage: [
      { name: 'cur', access: 'read' },
      { name: 'next', access: 'read_write' },
      { name: 'guess', access: 'read' },
      { name: 'part', access: 'read_write' },
    ],
    uniforms: [['partOffset', 'u32'], ['reset', 'u32'], ['threshold', 'f32']],
    lanes: 1,
    body,
  };
}

/**
 * One thread per entry of the new iterate: how far from the end its step is, T − t, where
 * it moved by tol or more (or NaN) — the max over entries is T minus the first unconverged
 * step of any sequence, the `convergedPrefix` of the CPU driver (thesis §3.2: the prefix
 * that is already exact). Written rounded up, so beyond 2²⁴ steps the prefix read back is
 * a lower bound, never more than the truth. Partials hold (0, max).
 */
export function prefixKernel(): KernelSpec {
  const body = `${reducingMain}
    let k = unroll_u.first + id;
    let t = (k / unroll_u.D) % unroll_u.T;
    var far = 0.0;
    if (unroll_mark(unroll_next[k - unroll_u.base_next] - unroll_cur[k - unroll_u.base_cur]) >= unroll_u.tol) {
      let v = unroll_u.T - t;
      far = f32(v);
      if (u32(far) < v) { far = bitcast<f32>(bitcast<u32>(far) + 1u); }
    }
    red = vec2f(0.0, far);
  }${groupReduce}
}`;
  return {
    label: 'prefix',
    storage: [
      { name: 'cur', access: 'read' },
      { name: 'next', access: 'read' },
      { name: 'part', access: 'read_write' },
    ],
    uniforms: [['partOffset', 'u32'], ['D', 'u32'], ['T', 'u32'], ['tol', 'f32']],
    lanes: 1,
    body,
  };
}

/**
 * quasi-ELK, step 1 of 2 (thesis §4.2, eq. 30 with diagonal Ã_t, process noise I and
 * observation precision λ): every coordinate is a scalar Kalman filter whose filtered
 * variance obeys the Möbius map v_t = (a_t² v_{t−1} + 1) / (λ a_t² v_{t−1} + 1 + λ),
 * i.e. the 2×2 matrix M_t = [[a², 1], [λa², 1 + λ]] acting on (v, 1) in homogeneous
 * coordinates. One thread per (sequence, coordinate, step) — in the row order of the
 * projective recurrence that composes them, whose sequence q·D + i is coordinate i of
 * sequence q — writes M_t from the linearization's a_t.
 */
export function riccatiKernel(): KernelSpec {
  const body = `${plainMain}
  let r = unroll_u.first + id;
  let lane = r / unroll_u.T;
  let t = r % unroll_u.T;
  let q = lane / unroll_u.D;
  let i = lane % unroll_u.D;
  let a = unroll_A[(q * unroll_u.T + t) * unroll_u.D + i - unroll_u.base_A];
  let a2 = a * a;
  let o = r * 4u - unroll_u.base_M;
  unroll_M[o] = a2;
  unroll_M[o + 1u] = 1.0;
  unroll_M[o + 2u] = unroll_u.lambda * a2;
  unroll_M[o + 3u] = 1.0 + unroll_u.lambda;
}`;
  return {
    label: 'elk riccati',
    storage: [
      { name: 'A', access: 'read' },
      { name: 'M', access: 'read_write' },
    ],
    uniforms: [['D', 'u32'], ['T', 'u32'], ['lambda', 'f32']],
    lanes: 1,
    body,
  };
}

/**
 * quasi-ELK, step 2 of 2: with the filtered variances v_{t−1} (the projective
 * recurrence's states, v = u/w), the gain k_t = λv⁻/(λv⁻ + 1) of the predicted variance
 * v⁻ = a_t² v_{t−1} + 1 turns the filter's means into the diagonal recurrence
 *
 *     m_t = (1 − k_t) a_t m_{t−1} + (1 − k_t) b_t + k_t y_t,
 *
 * written over (Ã_t, b_t) in place, y the current iterate; the ordinary scan then gives
 * the means (thesis §4.2). λ = 0 is k = 0 exactly (DEER's recurrence), and an infinite
 * predicted variance takes the observation (k = 1), as on the CPU.
 */
export function kalmanGainKernel(windowed = false): KernelSpec {
  // Windowed: (Ã, b) and the variances hold T = w compact rows per sequence; the iterate
  // y is read at the window's place in the trajectory, and rows past a short last window
  // (j ≥ n) stay as the linearization left them (zero).
  const observation = windowed
    ? `
  let n = bitcast<u32>(unroll_win[1u - unroll_u.base_win]);
  if (t >= n) { return; }
  let y = unroll_cur[(q * unroll_u.trajectory + bitcast<u32>(unroll_win[0u - unroll_u.base_win]) + t) * unroll_u.D + i - unroll_u.base_cur];`
    : `
  let y = unroll_cur[k - unroll_u.base_cur];`;
  const body = `${plainMain}
  let k = unroll_u.first + id;
  let q = k / (unroll_u.T * unroll_u.D);
  let t = (k / unroll_u.D) % unroll_u.T;
  let i = k % unroll_u.D;${observation}
  var v = 0.0;
  if (t > 0u) {
    let o = ((q * unroll_u.D + i) * unroll_u.T + t - 1u) * 2u - unroll_u.base_V;
    v = unroll_V[o] / unroll_V[o + 1u];
  }
  let a = unroll_A[k - unroll_u.base_A];
  let pred = a * a * v + 1.0;
  var gain = 0.0;
  if (unroll_u.lambda > 0.0) {
    if (unroll_nonfinite(pred) || pred > unroll_huge) { gain = 1.0; }
    else { gain = unroll_u.lambda * pred / (unroll_u.lambda * pred + 1.0); }
  }
  unroll_A[k - unroll_u.base_A] = (1.0 - gain) * a;
  let b = unroll_B[k - unroll_u.base_B];
  unroll_B[k - unroll_u.base_B] = (1.0 - gain) * b + gain * y;
}`;
  return {
    label: `elk gain${windowed ? ' windowed' : ''}`,
    storage: [
      { name: 'V', access: 'read' },
      { name: 'cur', access: 'read' },
      ...(windowed ? [{ name: 'win', access: 'read' } as const] : []),
      { name: 'A', access: 'read_write' },
      { name: 'B', access: 'read_write' },
    ],
    uniforms: [['D', 'u32'], ['T', 'u32'], ['lambda', 'f32'], ...(windowed ? ([['trajectory', 'u32']] as const) : [])],
    lanes: 1,
    body,
  };
}

/**
 * Sliding windows: where each sequence's window starts — s_0 for the first window, else
 * the (converged) state just before it, row ws − 1 of the current iterate. One thread per
 * (sequence, coordinate).
 */
export function windowStartKernel(): KernelSpec {
  const body = `${plainMain}
  let k = unroll_u.first + id;
  let q = k / unroll_u.D;
  let i = k % unroll_u.D;
  let ws = bitcast<u32>(unroll_win[0u - unroll_u.base_win]);
  if (ws == 0u) { unroll_start[k - unroll_u.base_start] = unroll_s0[k - unroll_u.base_s0]; }
  else { unroll_start[k - unroll_u.base_start] = unroll_cur[((q * unroll_u.T + ws - 1u) * unroll_u.D + i) - unroll_u.base_cur]; }
}`;
  return {
    label: 'window start',
    storage: [
      { name: 's0', access: 'read' },
      { name: 'cur', access: 'read' },
      { name: 'win', access: 'read' },
      { name: 'start', access: 'read_write' },
    ],
    uniforms: [['D', 'u32'], ['T', 'u32']],
    lanes: 1,
    body,
  };
}

/**
 * Sliding windows with PASO's window entry (§4.6): the steps entering the window for the
 * first time, rows [from, to) of every sequence, take the state of row from − 1 (the
 * previous window's last). (from, to) are words 2 and 3 of the `win` binding; from = to
 * makes it a no-op. One thread per (sequence, row of the window, coordinate).
 */
export function windowEntryKernel(): KernelSpec {
  const body = `${plainMain}
  let k = unroll_u.first + id;
  let q = k / (unroll_u.w * unroll_u.D);
  let j = (k / unroll_u.D) % unroll_u.w;
  let i = k % unroll_u.D;
  let first = bitcast<u32>(unroll_win[2u - unroll_u.base_win]);
  let end = bitcast<u32>(unroll_win[3u - unroll_u.base_win]);
  let r = first + j;
  if (first == 0u || r >= end) { return; }
  unroll_cur[(q * unroll_u.T + r) * unroll_u.D + i - unroll_u.base_cur] = unroll_cur[(q * unroll_u.T + first - 1u) * unroll_u.D + i - unroll_u.base_cur];
}`;
  return {
    label: 'window entry',
    storage: [
      { name: 'win', access: 'read' },
      { name: 'cur', access: 'read_write' },
    ],
    uniforms: [['D', 'u32'], ['T', 'u32'], ['w', 'u32']],
    lanes: 1,
    body,
  };
}

/** The per-entry prologue of the windowed kernels: entry k of the compact candidate, its step and its place in the trajectory. */
const windowEntry = `
    let k = unroll_u.first + id;
    let q = k / (unroll_u.w * unroll_u.D);
    let j = (k / unroll_u.D) % unroll_u.w;
    let i = k % unroll_u.D;
    let ws = bitcast<u32>(unroll_win[0u - unroll_u.base_win]);
    let n = bitcast<u32>(unroll_win[1u - unroll_u.base_win]);
    let g = (q * unroll_u.T + ws + j) * unroll_u.D + i;
    var x = 0.0;
    var reset = false;
    if (j < n) {
      x = unroll_cand[k - unroll_u.base_cand];
      if (unroll_u.reset != 0u && (unroll_nonfinite(x) || abs(x) > unroll_u.threshold)) {
        x = unroll_guess[g - unroll_u.base_guess];
        reset = true;
      }
    }`;

const windowStorage = (curAccess: 'read' | 'read_write'): StorageSlot[] => [
  { name: 'cand', access: 'read' },
  { name: 'cur', access: curAccess },
  { name: 'guess', access: 'read' },
  { name: 'win', access: 'read' },
  { name: 'part', access: 'read_write' },
];

const windowUniforms = [['partOffset', 'u32'], ['D', 'u32'], ['T', 'u32'], ['w', 'u32'], ['reset', 'u32'], ['threshold', 'f32'], ['tol', 'f32']] as const;

/**
 * Sliding windows, before the update: the prefix the driver advances the window past —
 * T − t for every entry whose (reset) candidate moved by tol or more (max: T minus the
 * first such step; rounded up, see `prefixKernel`) — and the resets in the window's first
 * row (sum), which tell the driver whether that row is exact (a reset first row is not).
 */
export function windowPrefixKernel(): KernelSpec {
  const body = `${reducingMain}${windowEntry}
    var far = 0.0;
    var firstRowResets = 0.0;
    if (j < n) {
      if (unroll_mark(x - unroll_cur[g - unroll_u.base_cur]) >= unroll_u.tol) {
        let v = unroll_u.T - (ws + j);
        far = f32(v);
        if (u32(far) < v) { far = bitcast<f32>(bitcast<u32>(far) + 1u); }
      }
      if (reset && j == 0u) { firstRowResets = 1.0; }
    }
    red = vec2f(firstRowResets, far);
  }${groupReduce}
}`;
  return { label: 'window prefix', storage: windowStorage('read'), uniforms: windowUniforms, lanes: 1, body };
}

/**
 * Sliding windows: the update in place — the window's rows of the current iterate take the
 * (reset) candidate; partials hold (resets, max change). Rows outside the window keep
 * their values (converged before it, the guess after it), as on the CPU.
 */
export function windowUpdateKernel(): KernelSpec {
  const body = `${reducingMain}${windowEntry}
    if (j < n) {
      let change = unroll_mark(x - unroll_cur[g - unroll_u.base_cur]);
      unroll_cur[g - unroll_u.base_cur] = x;
      red = vec2f(select(0.0, 1.0, reset), change);
    }
  }${groupReduce}
}`;
  return { label: 'window update', storage: windowStorage('read_write'), uniforms: windowUniforms, lanes: 1, body };
}

/**
 * Partial pairs one thread of {@link reduceKernel} folds: a workgroup folds 64 · 64 = 4096,
 * so a level shrinks the pairs 4096-fold and every solve up to 4096 producing workgroups
 * (2^18 steps of a per-step kernel) needs one level — fewer dispatches per iteration than
 * one pair per thread (64-fold), for the same few kilobytes read.
 */
export const reduceFan = 64;

/** One level of the (sum, max) reduction of partial pairs: thread k folds pairs [k·fan, (k+1)·fan) of the `n`. */
export function reduceKernel(): KernelSpec {
  const body = `${reducingMain}
    let k = unroll_u.first + id;
    let end = min(unroll_u.n, (k + 1u) * ${reduceFan}u);
    for (var i = k * ${reduceFan}u; i < end; i++) {
      red = vec2f(unroll_add(red.x, unroll_in[2u * i - unroll_u.base_in]), max(red.y, unroll_in[2u * i + 1u - unroll_u.base_in]));
    }
  }${groupReduce}
}`;
  return {
    label: 'reduce',
    storage: [
      { name: 'in', access: 'read' },
      { name: 'part', access: 'read_write' },
    ],
    uniforms: [['partOffset', 'u32'], ['n', 'u32']],
    lanes: 1,
    body,
  };
}

/** The sequential rollout, one thread per sequence: the `'sequential'` method and the fallback. */
export function rolloutKernel(dyn: GpuDynamics): KernelSpec {
  const body = `${plainMain}
  let q = unroll_u.first + id;
  sequence = q;
  var s: State;
  for (var i = 0u; i < D; i++) { s[i] = unroll_s0[q * D + i - unroll_u.base_s0]; }
  for (var t = 0u; t < unroll_u.T; t++) {
    s = step(t + 1u, s);
    for (var i = 0u; i < D; i++) { unroll_out[(q * unroll_u.T + t) * D + i - unroll_u.base_out] = s[i]; }
  }
}`;
  return {
    label: `rollout ${dyn.name}`,
    storage: [
      { name: 's0', access: 'read' },
      { name: 'out', access: 'read_write' },
    ],
    uniforms: [['T', 'u32']],
    lanes: 1,
    body,
    dynamics: dynamicsSource(dyn),
  };
}

/**
 * `change: 'mean-square'` (PASO's per-step rule, eq. 9): the update and the prefix measure
 * each step by (1/D)‖Δ‖², so these kernels run one thread per step (row) and loop over
 * its D entries; otherwise they do what `updateKernel`, `prefixKernel`, `windowUpdateKernel`
 * and `windowPrefixKernel` do. `windowed`: rows of the window's compact candidate, the
 * iterate updated in place at the window's place.
 */
export function meanSquareKernel(role: 'update' | 'prefix', windowed: boolean): KernelSpec {
  // Where row `row`'s entries are: the candidate, and the iterate and guess.
  const locate = windowed
    ? `
    let q = row / unroll_u.w;
    let j = row % unroll_u.w;
    let ws = bitcast<u32>(unroll_win[0u - unroll_u.base_win]);
    let n = bitcast<u32>(unroll_win[1u - unroll_u.base_win]);
    let inWindow = j < n;
    let step = ws + j;
    let g0 = (q * unroll_u.T + step) * unroll_u.D;
    let c0 = row * unroll_u.D;`
    : `
    let inWindow = true;
    let step = row % unroll_u.T;
    let g0 = row * unroll_u.D;
    let c0 = row * unroll_u.D;`;
  const candidate = windowed ? 'unroll_cand' : 'unroll_next';
  const base = windowed ? 'unroll_u.base_cand' : 'unroll_u.base_next';
  const body = `${reducingMain}
    let row = unroll_u.first + id;${locate}
    var resets = 0.0;
    var sq = 0.0;
    var firstRowResets = 0.0;
    if (inWindow) {
      for (var i = 0u; i < unroll_u.D; i++) {
        var x = ${candidate}[c0 + i - ${base}];
        if (unroll_u.reset != 0u && (unroll_nonfinite(x) || abs(x) > unroll_u.threshold)) {
          x = unroll_guess[g0 + i - unroll_u.base_guess];
          resets += 1.0;
          ${role === 'update' && !windowed ? `${candidate}[c0 + i - ${base}] = x;` : ''}
        }
        let d = x - unroll_cur[g0 + i - unroll_u.base_cur];
        sq += d * d;
        ${role === 'update' && windowed ? 'unroll_cur[g0 + i - unroll_u.base_cur] = x;' : ''}
      }
    }
    let change = unroll_mark(sq / f32(unroll_u.D));
    ${
      role === 'update'
        ? 'red = vec2f(resets, select(0.0, change, inWindow));'
        : `var far = 0.0;
    if (inWindow && change >= unroll_u.tol) {
      let v = unroll_u.T - step;
      far = f32(v);
      if (u32(far) < v) { far = bitcast<f32>(bitcast<u32>(far) + 1u); }
    }
    ${windowed ? 'if (inWindow && j == 0u && resets > 0.0) { firstRowResets = 1.0; }' : ''}
    red = vec2f(firstRowResets, far);`
    }
  }${groupReduce}
}`;
  const storage: StorageSlot[] = [
    { name: windowed ? 'cand' : 'next', access: role === 'update' && !windowed ? 'read_write' : 'read' },
    { name: 'cur', access: role === 'update' && windowed ? 'read_write' : 'read' },
    { name: 'guess', access: 'read' },
    ...(windowed ? [{ name: 'win', access: 'read' } as const] : []),
    { name: 'part', access: 'read_write' },
  ];
  return {
    label: `mean-square ${role}${windowed ? ' windowed' : ''}`,
    storage,
    uniforms: [['partOffset', 'u32'], ['D', 'u32'], ['T', 'u32'], ['w', 'u32'], ['reset', 'u32'], ['threshold', 'f32'], ['tol', 'f32']],
    lanes: 1,
    body,
  };
}
