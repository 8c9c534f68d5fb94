// Independent checks of a system's closed-form derivatives against its own `step`.
import type { Dynamics } from '@unroll/linearize';

export function centralJacobian(d: Dynamics, t: number, s: Float64Array): Float64Array {
  const D = d.dim;
  const J = new Float64Array(D * D);
  const fp = new Float64Array(D), fm = new Float64Array(D);
  for (let j = 0; j < D; j++) {
    const h = 1e-6 * Math.max(1, Math.abs(s[j]));
    const sp = s.slice(), sm = s.slice();
    sp[j] = s[j] + h;
    sm[j] = s[j] - h;
    d.step(t, sp, 0, fp, 0);
    d.step(t, sm, 0, fm, 0);
    for (let i = 0; i < D; i++) J[i * D + j] = (fp[i] - fm[i]) / (2 * h);
  }
  return J;
}

export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let e = 0, scale = 1;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  for (let i = 0; i < b.length; i++) e = Math.max(e, Math.abs(a[i] - b[i]));
  return a.length === b.length ? e / scale : Infinity;
}
