import { checkSeed, mulberry32 } from '@unroll/scan';

/** A seeded source of random numbers, identical on every platform for the same seed. */
export interface Rng {
  /** Uniform on [0, 1). */
  uniform(): number;
  /** Standard normal (Box–Muller). */
  normal(): number;
}

/**
 * The generator every system in this package draws its random parameters from:
 * mulberry32 (32-bit state) for uniforms, Box–Muller for normals. Same seed → same
 * weights, noise and words on every platform, so a `params` object with a `seed` fully
 * describes its system.
 */
export function createRng(seed: number): Rng {
  checkSeed('createRng(seed)', 'seed', seed);
  const next = mulberry32(seed);
  let spare: number | undefined;
  return {
    uniform: () => next() / 4294967296,
    normal() {
      if (spare !== undefined) {
        const s = spare;
        spare = undefined;
        return s;
      }
      const u = (next() + 1) / 4294967297; // (0, 1]: log is finite
      const v = next() / 4294967296;
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
  };
}
