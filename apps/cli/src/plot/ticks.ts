/** Axis ticks a reader expects: 1-2-5 steps on a linear axis, whole decades on a log axis. */

/** About `count` round ticks covering [lo, hi]. */
export function linearTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * mag >= raw) ?? 10) * mag;
  // Multiples k·step, not a running sum: adding step repeatedly drifts (−1e6 + 5 · 2e5 is
  // not 0 in floating point), and a drifted tick can leave the range.
  const first = Math.ceil(lo / step - 1e-9), last = Math.floor(hi / step + 1e-9);
  const out: number[] = [];
  for (let k = first; k <= last; k++) out.push(Number((k * step).toPrecision(12)) || 0);
  return out;
}

/** Powers of ten in [lo, hi] (both > 0), thinned to at most `max` ticks. */
export function logTicks(lo: number, hi: number, max = 8): number[] {
  const a = Math.floor(Math.log10(lo)), b = Math.ceil(Math.log10(hi));
  const every = Math.max(1, Math.ceil((b - a + 1) / max));
  const out: number[] = [];
  for (let e = a; e <= b; e += every) out.push(Number(`1e${e}`)); // exact decades: 10 ** -5 is not 1e-5
  return out;
}

/** Tick label: "1e-6" for decades, else a short decimal. */
export function tickLabel(v: number, log: boolean): string {
  if (log) {
    const e = Math.round(Math.log10(v));
    return e >= 0 && e <= 3 ? String(10 ** e) : `1e${e}`;
  }
  return String(Number(v.toPrecision(4)));
}
