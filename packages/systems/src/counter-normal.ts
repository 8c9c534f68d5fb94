/**
 * A standard normal that depends only on (seed, t, i) — no generator state, so step t's
 * noise is the same whatever order the steps are evaluated in (a parallel solve visits
 * them all at once, many times). Two 32-bit hashes of the counter feed Box–Muller.
 */
export function counterNormal(seed: number, t: number, i: number): number {
  const a = mix(mix(seed ^ 0x9e3779b9, t), 2 * i);
  const b = mix(mix(seed ^ 0x85ebca6b, t), 2 * i + 1);
  const u = (a + 1) / 4294967297; // (0, 1]
  const v = b / 4294967296;
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** A 32-bit avalanche mix of (h, k) (murmur3's finaliser over a combined word). */
function mix(h: number, k: number): number {
  let x = (Math.imul(h >>> 0, 0x9e3779b1) ^ Math.imul(k >>> 0, 0x85ebca77)) >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b) >>> 0;
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35) >>> 0;
  x ^= x >>> 16;
  return x >>> 0;
}
