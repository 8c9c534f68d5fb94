import { defineDynamics, defineStrategy, type DefinedDynamics, type Strategy } from '@unroll/linearize';
import { checkArrayLength, checkInteger, checkRecord, checkSeed, defineStructure, describeValue, UnrollError, type FloatArray, type Structure } from '@unroll/scan';
import { isArrayLike } from './arguments.js';
import { createRng } from './random.js';

/**
 * Permutation matrices on R^n, stored as their n indices (`(P x)_i = x_{p[i]}`): a real
 * custom structure whose compose is O(n) instead of a dense product's O(n³).
 * `compose(A, B)` = B·A has indices `a[b[i]]`.
 */
export function permutation(n: number): Structure {
  checkInteger('permutation(n)', 'n', n, 1);
  checkArrayLength('permutation(n)', `one permutation of n = ${n} (n indices per step)`, n, 'pass a smaller n');
  return defineStructure({
    name: 'permutation',
    dim: n,
    width: n,
    compose(a, ao, b, bo, out, oo) {
      for (let i = 0; i < n; i++) out[oo + i] = a[ao + b[bo + i]];
    },
    apply(a, ao, x, xo, out, oo) {
      for (let i = 0; i < n; i++) out[oo + i] = x[xo + a[ao + i]];
    },
    applyTranspose(a, ao, x, xo, out, oo) {
      for (let i = 0; i < n; i++) out[oo + a[ao + i]] = x[xo + i];
    },
    identity(out, oo) {
      for (let i = 0; i < n; i++) out[oo + i] = i;
    },
  });
}

/** Parameters of {@link groupWord}: an explicit word, or a seed and a length. */
export interface GroupWordParams {
  /** The group S_n: permutations of n items (the state dimension). */
  readonly n: number;
  /** Letters: permutations of 0 … n−1 (`(P_t x)_i = x_{word[t−1][i]}`). */
  readonly word?: readonly (readonly number[])[];
  /** Seed of the random word (`createRng(seed)`), with `length`; not used when `word` is given. */
  readonly seed?: number;
  /** Letters to draw with `seed` (uniform random permutations). */
  readonly length?: number;
}

/**
 * The word problem over S_n as a linear system: `s_t = P_t s_{t−1}` with P_t the t-th
 * letter's permutation matrix. Newton (DEER) is exact after its first iterate, and from
 * s_0 = (0, 1, …, n−1) the state s_t spells out the product P_t ⋯ P_1. Beyond the
 * word's end, f_t is the identity. `strategy` fills the O(n) `permutation` structure.
 *
 * @example
 * ```ts
 * import { newton, solve } from '@unroll/solvers';
 * import { groupWord } from '@unroll/systems';
 *
 * const word = groupWord({ n: 5, seed: 1, length: 1000 });
 * const { iterations, converged } = solve(word, [0, 1, 2, 3, 4], 1000, { method: newton(word.strategy) });
 * converged; // → true
 * iterations; // → 2 — the first iterate is exact (the system is linear), the second confirms it
 * ```
 */
export function groupWord(params: GroupWordParams): DefinedDynamics & {
  /** The parameters it was built from, frozen: passing them back rebuilds the same system. */
  readonly params: GroupWordParams;
  /** The letters, one per step: each an `Int32Array` permutation of 0 … n−1 (given, or drawn from `seed`). */
  readonly word: readonly Int32Array[];
  /** Ã_t = P_t exactly, in the O(n) `permutation` structure: `newton(dyn.strategy)` is DEER at n numbers a step instead of n². */
  readonly strategy: Strategy;
} {
  checkRecord('groupWord(params)', 'params', params, '{ n: 3, seed: 1, length: 100 }');
  const { n } = params;
  checkInteger('groupWord', 'n', n, 1);
  checkArrayLength('groupWord', `the Jacobian of S_n (n² for n = ${n})`, n * n, 'pass a smaller n');
  let word: Int32Array[];
  const given: unknown = params.word;
  if (given !== undefined) {
    if (!Array.isArray(given)) throw new UnrollError('INVALID_ARGUMENT', `groupWord: word must be an array of letters, each a permutation of 0 … ${n - 1}, got ${describeValue(given)}.`);
    checkArrayLength('groupWord', `the word (letters·n = ${given.length}·${n})`, given.length * n, 'pass a shorter word');
    word = given.map((letter: unknown, t) => {
      const values: unknown[] = isArrayLike(letter) ? Array.from(letter) : [];
      const seen = new Uint8Array(n);
      const isPermutation = values.length === n && values.every((v) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < n && seen[v]++ === 0);
      if (!isPermutation) {
        throw new UnrollError('INVALID_ARGUMENT', `groupWord: word[${t}] is not a permutation of 0 … ${n - 1}, got ${describeValue(letter)}.`);
      }
      return Int32Array.from(values as number[]);
    });
  } else {
    const { seed, length } = params;
    if (seed === undefined || length === undefined) {
      throw new UnrollError('INVALID_ARGUMENT', 'groupWord: give a word, or a seed and a length.');
    }
    checkSeed('groupWord', 'seed', seed);
    checkInteger('groupWord', 'length', length, 0);
    checkArrayLength('groupWord', `the word (length·n = ${length}·${n})`, length * n, 'pass a shorter length');
    const rng = createRng(seed);
    word = Array.from({ length }, () => {
      const p = Int32Array.from({ length: n }, (_, i) => i);
      for (let i = n - 1; i > 0; i--) {
        const j = Math.floor(rng.uniform() * (i + 1));
        const tmp = p[i] ?? 0;
        p[i] = p[j] ?? 0;
        p[j] = tmp;
      }
      return p;
    });
  }
  const identityLetter = Int32Array.from({ length: n }, (_, i) => i);
  const letter = (t: number): Int32Array => word[t - 1] ?? identityLetter;
  const dyn = defineDynamics({
    dim: n,
    name: `group-word(S_${n}, ${word.length} letters)`,
    step(t, s, so, out, oo) {
      const p = letter(t);
      for (let i = 0; i < n; i++) out[oo + i] = s[so + (p[i] ?? 0)];
    },
    jacobian(t, _s, _so, out, oo) {
      const p = letter(t);
      out.fill(0, oo, oo + n * n);
      for (let i = 0; i < n; i++) out[oo + i * n + (p[i] ?? 0)] = 1;
    },
    diagonal(t, _s, _so, out, oo) {
      const p = letter(t);
      for (let i = 0; i < n; i++) out[oo + i] = p[i] === i ? 1 : 0;
    },
    jvp(t, _s, _so, v, vo, out, oo) {
      const p = letter(t);
      for (let i = 0; i < n; i++) out[oo + i] = v[vo + (p[i] ?? 0)];
    },
  });
  const strategy = defineStrategy({
    name: 'permutation',
    structure: (D) => permutation(D),
    prepare: () => ({
      source: 'closed-form permutation (the letter itself)',
      cost: { storedPerStep: n, calls: { step: 0, jvp: 0, jacobian: 0, diagonal: 0 } },
      fill(t: number, _prev: FloatArray, _po: number, out: FloatArray, oo: number) {
        const p = letter(t);
        for (let i = 0; i < n; i++) out[oo + i] = p[i] ?? i;
      },
    }),
  });
  return Object.freeze({ ...dyn, params: Object.freeze({ ...params }), word, strategy });
}
