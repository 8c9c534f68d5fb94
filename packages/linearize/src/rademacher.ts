import { mulberry32, type FloatArray } from '@unroll/scan';

/**
 * A seeded source of Rademacher vectors (entries ±1 with probability ½ each), identical
 * on every platform: mulberry32 supplies 32 random bits per call, one sign per bit.
 */
export function rademacher(seed: number): (out: FloatArray, oo: number, n: number) => void {
  const next32 = mulberry32(seed);
  let bits = 0;
  let left = 0;
  return (out, oo, n) => {
    for (let i = 0; i < n; i++) {
      if (left === 0) {
        bits = next32();
        left = 32;
      }
      out[oo + i] = bits & 1 ? 1 : -1;
      bits >>>= 1;
      left--;
    }
  };
}
