import type { Structure } from './structure.js';

/**
 * What identifies a built-in structure across threads: a worker rebuilds the same
 * recurrence kernel from this plain object.
 */
export type BuiltinSpec =
  | { readonly kind: 'dense' | 'diagonal' | 'identity' | 'zero'; readonly dim: number }
  | { readonly kind: 'block-diagonal'; readonly dim: number; readonly block: number };

const specs = new WeakMap<Structure, BuiltinSpec>();

/** Marks `structure` as built-in (called by the built-in factories only). */
export function registerBuiltin(structure: Structure, spec: BuiltinSpec): void {
  specs.set(structure, spec);
}

/** The spec of a built-in structure, or undefined for a custom one. */
export function builtinSpec(structure: Structure): BuiltinSpec | undefined {
  return specs.get(structure);
}
