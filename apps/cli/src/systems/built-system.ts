import type { Dynamics, Strategy } from '@unroll/linearize';

/** A parameter of a named system, as `unroll systems` lists it and `--param` sets it. */
export interface SystemParam {
  readonly name: string;
  readonly description: string;
  readonly default: number | string;
  /** `integer` and `number` are parsed and range-checked; `choice` must be one of `choices`. */
  readonly kind: 'integer' | 'number' | 'choice';
  readonly min?: number;
  /** `min` is excluded (a step size > 0). */
  readonly exclusiveMin?: boolean;
  readonly max?: number;
  readonly choices?: readonly string[];
}

/** Resolved parameter values, by name. */
export type ParamValues = Readonly<Record<string, number | string>>;

/** A system ready to solve: the dynamics, where it starts, and how to read its numbers. */
export interface BuiltSystem {
  /** `name(param=value, …)`: what reports print. */
  readonly label: string;
  readonly dynamics: Dynamics;
  readonly s0: Float64Array;
  /** The parameter values actually used (defaults filled in). */
  readonly params: ParamValues;
  /** A cheaper exact linearization than `full()` (the S5 word problem's permutations), used for DEER. */
  readonly deerStrategy?: Strategy;
  /** Step of a discretized flow: Lyapunov exponents are also reported per unit time. */
  readonly dt?: number;
}

/** A named system of the catalog. */
export interface SystemEntry {
  readonly name: string;
  readonly summary: string;
  readonly params: readonly SystemParam[];
  /** T when `-T` is not given. */
  readonly defaultSteps: number;
  /** Builds the system for T steps (inputs and noise are drawn for T steps) from `seed`. */
  build(params: ParamValues, T: number, seed: number): BuiltSystem;
}
