import type { FloatArray } from './float-array.js';
import type { Monoid } from './monoid.js';
import type { Structure } from './structure.js';
import { isRecord } from './argument-checks.js';
import { UnrollError } from './unroll-error.js';

/**
 * The most elements one typed array may hold in this engine (V8 on 64-bit: 2^32). A
 * dimension or length past it can never be stored, so it is refused up front.
 */
export const maxArrayLength = 2 ** 32;

/** A short description of a value for error messages: `null`, `a string`, `Array(3)`, `7`. */
export function describe(x: unknown): string {
  if (x === null) return 'null';
  if (x === undefined) return 'undefined';
  if (typeof x === 'number' || typeof x === 'boolean' || typeof x === 'bigint') return String(x);
  if (typeof x === 'string') return `the string '${x.length > 20 ? x.slice(0, 20) + '…' : x}'`;
  if (typeof x === 'function') return 'a function';
  if (Array.isArray(x)) return `an Array(${x.length})`;
  if (typeof x === 'object') {
    const name = (x as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === 'string' && name !== '' && name !== 'Object' ? `a ${name}` : 'an object';
  }
  return typeof x;
}

/** True for any non-null object (including arrays and functions' prototypes, not functions). */
export function isObject(x: unknown): x is object {
  return typeof x === 'object' && x !== null;
}

/** A string option's value in quotes (`'fast'`), anything else described. */
export function quoted(x: unknown): string {
  return typeof x === 'string' ? `'${x}'` : describe(x);
}

/** Throws unless D is a positive integer small enough to be stored. */
export function assertDim(where: string, D: unknown): asserts D is number {
  if (typeof D !== 'number' || !Number.isInteger(D) || D < 1 || D > maxArrayLength) {
    throw new UnrollError('INVALID_ARGUMENT', `${where}(D): D must be a positive integer (at most 2^32), got ${describe(D)}.`);
  }
}

/**
 * The options object of a call: `undefined` becomes `{}`; anything else that is not an
 * options object (null, a number, an array or typed array) is refused, so a misplaced
 * argument never silently means "defaults".
 */
export function optionsOf<T extends object>(where: string, opts: T | undefined): Partial<T> {
  if (opts === undefined) return {};
  if (!isRecord(opts)) {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: options must be an object (or left out), got ${describe(opts)}.`);
  }
  return opts;
}

/** The built-in structure factories and how to call them, for "you passed the factory itself". */
const structureFactories: Partial<Record<string, string>> = {
  dense: 'dense(D)',
  diagonal: 'diagonal(D)',
  identity: 'identity(D)',
  zero: 'zero(D)',
  blockDiagonal: 'blockDiagonal(D, B)',
  permutation: 'permutation(D)',
};

/**
 * A Jacobian strategy of @unroll/linearize (an object with `prepare` and `structure`
 * functions) — the other `diagonal`, `identity`, `zero`: easy to pass where a structure belongs.
 */
function isStrategy(x: unknown): boolean {
  if (typeof x !== 'object' || x === null) return false;
  const s = x as { prepare?: unknown; structure?: unknown };
  return typeof s.prepare === 'function' && typeof s.structure === 'function';
}

/** Throws unless `x` is a Structure: an object with integer `dim` ≥ 1, `width` ≥ 0, `compose` and `apply`. */
export function assertStructure(where: string, x: unknown, argument = 'structure'): asserts x is Structure {
  const hint = 'pass a Structure such as dense(D), diagonal(D) or one from defineStructure(…)';
  if (typeof x === 'function') {
    const name = typeof (x as { name?: unknown }).name === 'string' ? (x as { name: string }).name : '';
    const call = structureFactories[name];
    throw new UnrollError(
      'INVALID_ARGUMENT',
      call !== undefined
        ? `${where}: you passed the factory \`${name}\` itself; call it: ${call}.`
        : `${where}: ${argument} must be a Structure object, got the function${name === '' ? '' : ` \`${name}\``} itself; ${hint} (if the function makes one, call it).`,
    );
  }
  if (isStrategy(x)) {
    throw new UnrollError(
      'INVALID_ARGUMENT',
      `${where}: that is a Strategy from @unroll/linearize; ${where} needs a Structure such as diagonal(D) from @unroll/scan (a strategy's structure(D) gives the one it fills).`,
    );
  }
  if (typeof x !== 'object' || x === null) {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: ${argument} must be a Structure, got ${describe(x)}; ${hint}.`);
  }
  const s = x as Partial<Record<keyof Structure, unknown>>;
  if (typeof s.name !== 'string') {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: ${argument}.name must be a string, got ${describe(s.name)}; ${hint}.`);
  }
  if (typeof s.dim !== 'number' || !Number.isInteger(s.dim) || s.dim < 1 || s.dim > maxArrayLength) {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: ${argument}.dim must be a positive integer, got ${describe(s.dim)}; ${hint}.`);
  }
  if (typeof s.width !== 'number' || !Number.isInteger(s.width) || s.width < 0 || s.width > maxArrayLength) {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: ${argument}.width must be a non-negative integer, got ${describe(s.width)}; ${hint}.`);
  }
  for (const fn of ['compose', 'apply', 'identity'] as const) {
    if (typeof s[fn] !== 'function') {
      throw new UnrollError('INVALID_ARGUMENT', `${where}: ${argument}.${fn} must be a function, got ${describe(s[fn])}; ${hint}.`);
    }
  }
}

/** Throws unless `x` is a Monoid: an object with integer `width` ≥ 1 and a `combine` function. */
export function assertMonoid(where: string, x: unknown): asserts x is Monoid {
  const hint = 'pass a Monoid such as sumMonoid(width) or affineMonoid(structure)';
  if (typeof x !== 'object' || x === null) {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: monoid must be a Monoid, got ${describe(x)}; ${hint}.`);
  }
  const m = x as Partial<Record<keyof Monoid, unknown>>;
  if (typeof m.width !== 'number' || !Number.isInteger(m.width) || m.width < 1 || m.width > maxArrayLength) {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: monoid.width must be a positive integer, got ${describe(m.width)}; ${hint}.`);
  }
  if (typeof m.combine !== 'function') {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: monoid.combine must be a function, got ${describe(m.combine)}; ${hint}.`);
  }
}

/**
 * How two arrays' memory relates: `'same'` when they cover exactly the same bytes (one
 * array, or two views of one region), `'partial'` when their byte ranges intersect
 * otherwise, `'none'` when they are disjoint.
 */
export function overlap(x: FloatArray, y: FloatArray): 'none' | 'same' | 'partial' {
  if (x.buffer !== y.buffer) return 'none';
  if (x.byteOffset === y.byteOffset && x.byteLength === y.byteLength) return 'same';
  const disjoint = x.byteOffset + x.byteLength <= y.byteOffset || y.byteOffset + y.byteLength <= x.byteOffset;
  return disjoint || x.byteLength === 0 || y.byteLength === 0 ? 'none' : 'partial';
}
