import { UnrollError, checkRecord, describeValue, type FloatArray, type Structure } from '@unroll/scan';
import type { CallCounts } from './derivatives.js';
import type { Dynamics } from './dynamics.js';
import { checkDim } from './arguments.js';
import { checkDynamics } from './dynamics-checks.js';

/**
 * How the transition matrices Ã_t of one fixed-point iteration are obtained from the
 * dynamics (the unifying framework's Table 1): the full Jacobian (DEER), its diagonal (quasi-DEER), the
 * identity (Picard), zero (Jacobi), a damped or clipped version (ELK variants), or your
 * own. A strategy is a recipe; `prepare` makes the per-solve {@link Linearizer}.
 */
export interface Strategy {
  /** The strategy's name (`'full'`, `'diagonal'`, `'hutchinson(4)'`, …): results and messages carry it. */
  readonly name: string;
  /** The structure Ã_t lives in, for state dimension D. */
  structure(D: number): Structure;
  /** Once per solve: resolves derivatives and allocates scratch. */
  prepare(dyn: Dynamics): Linearizer;
  /**
   * Ã_t in WGSL, for the GPU runtime: `source` defines `fn strategy_fill(t: u32, s: State)
   * -> Matrix` (Ã_t at s = s_{t−1}, packed as `structure(D)` packs it), which may call the
   * dynamics' WGSL `step`, `diagonal` and `jacobian`; the runtime declares `D`, `W`,
   * `State` and `Matrix` (see `StructureWgsl` in `@unroll/scan`). With a structure that has
   * `wgsl` too, the strategy runs on the GPU unchanged.
   */
  readonly wgsl?: StrategyWgsl;
}

/** A strategy's fill in WGSL (see {@link Strategy.wgsl}). */
export interface StrategyWgsl {
  /** WGSL defining `fn strategy_fill(t: u32, s: State) -> Matrix`, and any helpers. */
  readonly source: string;
}

/** What one linearization of one step costs. */
export interface LinearizerCost {
  /** Numbers stored per step for Ã_t (the structure's width: D² dense, D diagonal, 0 identity). */
  readonly storedPerStep: number;
  /** Calls into the dynamics per step (a finite-difference JVP counts as two `step` calls). */
  readonly calls: CallCounts;
}

/** A strategy prepared for one dynamics: fills Ã_t, allocating nothing. */
export interface Linearizer {
  /** Fills `out` (one packed element of the strategy's structure) with Ã_t at `prev = s_{t−1}`. */
  fill(t: number, prev: FloatArray, po: number, out: FloatArray, oo: number): void;
  /**
   * f and Ã_t together for the n consecutive steps `t0 … t0 + n − 1`, from one evaluation
   * of f per step: f's rows at `(f, fo)` (stride D), the packed elements at `(out, oo)`
   * (stride the structure's width), previous states at `(prev, po)` (stride D). Present
   * when the dynamics' `block` (see `DynamicsBlock`) gives what this strategy needs; the
   * CPU solver then evaluates each iteration in blocks through it instead of `step` and
   * `fill` per step.
   */
  readonly fillBlock?: (t0: number, n: number, prev: FloatArray, po: number, f: FloatArray, fo: number, out: FloatArray, oo: number) => void;
  /** How Ã_t is obtained, in words: `'closed-form jacobian'`, `'diagonal from 4 finite-difference JVPs'`, … */
  readonly source: string;
  /** Numbers stored and calls into the dynamics per step, for the memory/compute trade-off. */
  readonly cost: LinearizerCost;
}

/** What {@link defineStrategy} takes. */
export interface StrategySpec {
  /** A non-empty name (see {@link Strategy.name}). */
  readonly name: string;
  /** The structure Ã_t lives in, for state dimension D (see {@link Strategy.structure}). */
  structure(D: number): Structure;
  /** Once per solve: resolve derivatives, allocate scratch, return the {@link Linearizer}. */
  prepare(dyn: Dynamics): Linearizer;
  /** Ã_t in WGSL, for the GPU runtime (see {@link Strategy.wgsl}); optional. */
  readonly wgsl?: StrategyWgsl;
}

/**
 * Declares a custom strategy after checking its shape. `prepare` must return a
 * linearizer whose `fill` writes one element of `structure(dyn.dim)`.
 *
 * @example
 * Ã_t = the 2×2 diagonal blocks of the Jacobian (position/momentum pairs):
 * ```ts
 * import { blockDiagonal } from '@unroll/scan';
 * import { defineStrategy, resolveDerivatives } from '@unroll/linearize';
 *
 * const pairs = defineStrategy({
 *   name: 'pair-blocks',
 *   structure: (D) => blockDiagonal(D, 2),
 *   prepare(dyn) {
 *     const D = dyn.dim, J = new Float64Array(D * D), { jacobian } = resolveDerivatives(dyn);
 *     return {
 *       source: `2×2 blocks of the ${jacobian.source} jacobian`,
 *       cost: { storedPerStep: 2 * D, calls: jacobian.calls },
 *       fill(t, prev, po, out, oo) {
 *         jacobian.fn(t, prev, po, J, 0);
 *         for (let k = 0; k < D / 2; k++)
 *           for (let i = 0; i < 2; i++)
 *             for (let j = 0; j < 2; j++) out[oo + 4 * k + 2 * i + j] = J[(2 * k + i) * D + 2 * k + j];
 *       },
 *     };
 *   },
 * });
 * ```
 * @throws {UnrollError} `INVALID_ARGUMENT` naming the field that is missing.
 */
export function defineStrategy(spec: StrategySpec): Strategy {
  const given: unknown = spec;
  checkRecord('defineStrategy(spec)', 'spec', given, "{ name: 'my-strategy', structure(D), prepare(dyn) }");
  const name: unknown = given['name'];
  if (typeof name !== 'string' || name.length === 0) {
    throw new UnrollError('INVALID_ARGUMENT', `defineStrategy: give the strategy a non-empty name (a string), got ${describeValue(name)}.`);
  }
  for (const fn of ['structure', 'prepare'] as const) {
    if (typeof given[fn] !== 'function') {
      throw new UnrollError('INVALID_ARGUMENT', `defineStrategy('${name}'): ${fn}(…) is required — a function, got ${describeValue(given[fn])}.`);
    }
  }
  const structure = spec.structure.bind(spec);
  const prepare = spec.prepare.bind(spec);
  const wgsl: unknown = given['wgsl'];
  if (wgsl !== undefined) {
    const source: unknown = typeof wgsl === 'object' && wgsl !== null ? (wgsl as { source?: unknown }).source : undefined;
    if (typeof source !== 'string' || !/\bfn\s+strategy_fill\s*\(/.test(source)) {
      throw new UnrollError('INVALID_ARGUMENT', `defineStrategy('${name}'): wgsl must be { source } defining fn strategy_fill(t: u32, s: State) -> Matrix (Ã_t at s_{t−1}, in the structure's packing), got ${describeValue(wgsl)}.`);
    }
    if (/\bunroll_/.test(source)) throw new UnrollError('INVALID_ARGUMENT', `defineStrategy('${name}'): wgsl.source uses an identifier starting with unroll_, which the GPU runtime reserves; rename it.`);
  }
  return Object.freeze({
    name,
    ...(wgsl === undefined ? {} : { wgsl: Object.freeze({ source: (wgsl as StrategyWgsl).source }) }),
    structure(D: number): Structure {
      checkDim(`${name}.structure(D)`, 'D', D);
      const s: unknown = structure(D);
      const fields = typeof s === 'object' && s !== null ? (s as Record<string, unknown>) : undefined;
      if (fields?.['dim'] !== D || typeof fields['apply'] !== 'function' || typeof fields['width'] !== 'number') {
        throw new UnrollError('INVALID_ARGUMENT', `strategy '${name}': structure(${D}) returned ${describeValue(s)}${fields === undefined ? '' : ` of dim ${describeValue(fields['dim'])}`}; it must return a Structure of dim ${D} (dense(D), diagonal(D), defineStructure(…)).`);
      }
      return s as Structure;
    },
    prepare(dyn: Dynamics): Linearizer {
      checkDynamics(`${name}.prepare(dyn)`, dyn);
      const lin: unknown = prepare(dyn);
      if (typeof lin !== 'object' || lin === null || typeof (lin as { fill?: unknown }).fill !== 'function') {
        throw new UnrollError('INVALID_ARGUMENT', `strategy '${name}': prepare(dyn) returned ${describeValue(lin)}; it must return a Linearizer { fill(t, prev, po, out, oo), source, cost }.`);
      }
      return lin as Linearizer;
    },
  });
}

/** Describes a resolved derivative for a linearizer's `source`. */
export function describe(what: string, source: string, jvpSource: string, D: number): string {
  switch (source) {
    case 'closed-form':
      return `closed-form ${what}`;
    case 'jacobian':
      return `${what} read off the closed-form jacobian`;
    case 'finite-difference':
      return `${what} by finite differences`;
    default:
      return `${what} from ${D} ${jvpSource === 'finite-difference' ? 'finite-difference' : 'closed-form'} JVPs`;
  }
}
