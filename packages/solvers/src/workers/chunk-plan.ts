import type { FloatArray, Structure } from '@unroll/scan';

/** Rows `[t0, t1)` of the trajectory, one worker's share of a window. */
export interface Chunk {
  readonly t0: number;
  readonly t1: number;
}

/**
 * Splits the window `[ws, we)` into min(P, we − ws) contiguous chunks whose lengths differ
 * by at most one (the longer ones first): the same split for the same problem every time,
 * so a pool's rounding is reproducible.
 */
export function splitRows(ws: number, we: number, P: number): Chunk[] {
  const n = we - ws;
  const m = Math.max(1, Math.min(P, n));
  const base = Math.floor(n / m), extra = n % m;
  const chunks: Chunk[] = [];
  let t0 = ws;
  for (let k = 0; k < m; k++) {
    const t1 = t0 + base + (k < extra ? 1 : 0);
    chunks.push({ t0, t1 });
    t0 = t1;
  }
  return chunks;
}

/**
 * The exchange: the sequential scan over the chunks' affine summaries (M_k, c_k) — P
 * elements, not T — giving every chunk its start state: x_0 = the window's starting
 * state, x_{k+1} = M_k x_k + c_k (the up-sweep/down-sweep of a two-level scan, Blelloch
 * 1990, with one level of P). `summaries[k]` holds M_k (W numbers) then c_k (D), for every
 * chunk but the last (whose summary nothing reads). Returns x_0 … x_{P−1} (fresh D-vectors).
 */
export function chunkStarts(structure: Structure, start: FloatArray, summaries: readonly FloatArray[]): FloatArray[] {
  const D = structure.dim, W = structure.width;
  const make = (): FloatArray => (start instanceof Float32Array ? new Float32Array(D) : new Float64Array(D));
  const starts: FloatArray[] = [make()];
  for (let i = 0; i < D; i++) starts[0][i] = start[i];
  for (const s of summaries) {
    const x = make();
    structure.apply(s, 0, starts[starts.length - 1], 0, x, 0);
    for (let i = 0; i < D; i++) x[i] += s[W + i];
    starts.push(x);
  }
  return starts;
}
