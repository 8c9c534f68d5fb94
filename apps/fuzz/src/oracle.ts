import type { Dynamics } from '@unroll/linearize';
import type { FloatArray } from '@unroll/scan';

/**
 * The independent oracle of the random solves: the plain sequential loop and the
 * residual r_t = s_t − f_t(s_{t−1}) recomputed here, in float64, from the returned states.
 * Nothing in it comes from @unroll/solvers, so a bug there cannot hide in the check.
 */

/** A zero array of the dtype. */
export function zeros(dtype: 'float64' | 'float32', n: number): FloatArray {
  return dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
}

/** s_0 as the solver holds it: rounded to the dtype. */
export function startIn(dtype: 'float64' | 'float32', s0: readonly number[]): FloatArray {
  return dtype === 'float32' ? Float32Array.from(s0) : Float64Array.from(s0);
}

/**
 * s_t = f_t(s_{t−1}), t = 1 … T, in the dtype: what `method: 'sequential'` and the
 * sequential fallback must return bit for bit (same calls, same rounding).
 */
export function rollout(dyn: Dynamics, s0: FloatArray, T: number, dtype: 'float64' | 'float32'): FloatArray {
  const D = dyn.dim;
  const out = zeros(dtype, T * D);
  dyn.step(1, s0, 0, out, 0);
  for (let t = 2; t <= T; t++) dyn.step(t, out, (t - 2) * D, out, (t - 1) * D);
  return out;
}

/** True when every entry is finite. */
export function allFinite(x: ArrayLike<number>): boolean {
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i])) return false;
  return true;
}

/** Bit-for-bit equality: the same values, NaN where NaN, and −0 distinguished from +0. */
export function sameBits(a: ArrayLike<number>, b: ArrayLike<number>): { equal: boolean; at: number } {
  if (a.length !== b.length) return { equal: false, at: -1 };
  for (let i = 0; i < a.length; i++) {
    const x = a[i], y = b[i];
    if (!(Object.is(x, y) || (Number.isNaN(x) && Number.isNaN(y)))) return { equal: false, at: i };
  }
  return { equal: true, at: -1 };
}

/** max |a − b| (NaN when either holds NaN, so a NaN never looks close). */
export function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  // Math.max keeps a NaN once seen (a hand-written `if (!(d <= worst))` would let a later
  // number overwrite it — the very bug this oracle hunts in the solvers).
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs((a[i] ?? NaN) - (b[i] ?? NaN)));
  return worst;
}

/** The residual of a trajectory, and what a float32 solver may legitimately differ by. */
export interface Residual {
  /** max_t,i |r_t,i| (NaN if any is NaN). */
  readonly max: number;
  /** ½‖r‖²/T, the merit per step the solvers report. */
  readonly meritPerStep: number;
  /**
   * The same two quantities after forgiving each entry what a float32 solver may
   * legitimately see differently: its f_t(s_{t−1}) is the dynamics' step writing into a
   * Float32Array, which differs from the float64 one by its storage rounding (and by any
   * rounding of intermediates the step keeps in `out`). That difference is measured per
   * entry, so |r| − |f64 − f32| ≤ |s − f32| bounds from below what the solver measured.
   */
  readonly maxForgiven: number;
  readonly meritForgiven: number;
  /** max |f_t(s_{t−1})| over the trajectory. */
  readonly scale: number;
  /** The largest slack forgiven (0 in float64). */
  readonly maxSlack: number;
}

/**
 * r_t = s_t − f_t(s_{t−1}) in float64 at the returned states (s_0 as the solver held it).
 * In float64 a solver computes exactly these numbers; in float32 its f is the step's
 * float32 output, hence the forgiven variants.
 */
export function residual(dyn: Dynamics, s0: FloatArray, states: FloatArray, T: number, dtype: 'float64' | 'float32'): Residual {
  const D = dyn.dim;
  const s = Float64Array.from(states);
  const start = Float64Array.from(s0);
  const f = new Float64Array(D);
  // The float32 evaluation, from the same (float32) states, for the per-entry slack.
  const s32 = Float32Array.from(states), start32 = Float32Array.from(s0), f32 = new Float32Array(D);
  let max = 0, merit = 0, maxForgiven = 0, meritForgiven = 0, scale = 0, maxSlack = 0;
  for (let t = 1; t <= T; t++) {
    if (t === 1) dyn.step(1, start, 0, f, 0);
    else dyn.step(t, s, (t - 2) * D, f, 0);
    if (dtype === 'float32') {
      if (t === 1) dyn.step(1, start32, 0, f32, 0);
      else dyn.step(t, s32, (t - 2) * D, f32, 0);
    }
    for (let i = 0; i < D; i++) {
      const fi = f[i] ?? NaN;
      const r = Math.abs((s[(t - 1) * D + i] ?? NaN) - fi);
      // Only a finite float32 evaluation earns slack: one that overflowed gives the solver
      // an infinite residual, nothing to forgive.
      const g = f32[i] ?? NaN;
      const slack = dtype === 'float32' && Number.isFinite(g) ? Math.abs(fi - g) : 0;
      maxSlack = Math.max(maxSlack, slack);
      // Math.max propagates NaN (so does Math.max(0, NaN − slack)): a NaN residual stays NaN.
      const forgiven = Math.max(0, r - slack);
      max = Math.max(max, r);
      maxForgiven = Math.max(maxForgiven, forgiven);
      merit += 0.5 * r * r;
      meritForgiven += 0.5 * forgiven * forgiven;
      scale = Math.max(scale, Math.abs(fi));
    }
  }
  return { max, meritPerStep: merit / T, maxForgiven, meritForgiven: meritForgiven / T, scale, maxSlack };
}
