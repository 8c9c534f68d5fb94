import { clipped, diagonal, full, identity, scaled, zero, type Strategy } from '@unroll/linearize';
import { describeValue as describe, UnrollError } from '@unroll/scan';

/**
 * The unifying framework's view of every method (its eq. 4 and Table 1): an iteration is a choice of
 * transition matrices Ã_t — the *strategy* — plus an *inner linear solve* of the LDS they
 * define. The inner solve is the linear recurrence s_t = Ã_t s_{t−1} + b_t (one scan), or,
 * for ELK, the Kalman filter's means of the LGSSM that also observes the current iterate
 * with precision λ (thesis §4.2, eq. 30; λ = 0 is the recurrence).
 */
export type InnerSolve =
  | {
      /** The linear recurrence s_t = Ã_t s_{t−1} + b_t, by a scan. */
      readonly kind: 'recurrence';
    }
  | {
      /** ELK's Kalman filter means. */
      readonly kind: 'kalman';
      /** The observation precision λ ≥ 0 (0: the recurrence exactly). */
      readonly lambda: number;
    };

/**
 * What a built-in method's Ã_t is, in words any backend can build without running the
 * strategy (the GPU writes it in WGSL from the dynamics' own derivatives):
 * `jacobian` is the exact Jacobian (`'full'`), its diagonal, I or 0; `scale` multiplies it
 * by (1 − k) (scale-ELK); `clip` clamps each diagonal entry (clip-ELK). Custom strategies
 * (and Hutchinson's estimate) have none: a backend that cannot run the strategy itself
 * refuses them.
 */
export interface LinearizationRecipe {
  /** Which form of the exact Jacobian: all of it (DEER), its diagonal (quasi-DEER), I (Picard) or 0 (Jacobi). */
  readonly jacobian: 'full' | 'diagonal' | 'identity' | 'zero';
  /** Ã_t = (1 − k)·(the Jacobian form above). */
  readonly k?: number;
  /** Clamp each diagonal entry of Ã_t to `[lo, hi]` (clip-ELK, thesis §4.5.2). */
  readonly clip?: {
    /** Each diagonal entry is raised to at least `lo`. */
    readonly lo: number;
    /** Each diagonal entry is lowered to at most `hi`. */
    readonly hi: number;
  };
}

/** A fixed-point method: Ã_t from `strategy`, then `inner`. Build one with `deer()`, `elk({ lambda })`, … or `newton(strategy)`. */
export interface FixedPointMethod {
  /** Tells it from a {@link SequentialMethod}. */
  readonly kind: 'fixed-point';
  /** The name results carry (`'deer'`, `'quasi-elk'`, or the custom strategy's). */
  readonly name: string;
  /** How Ã_t is formed from the dynamics (`@unroll/linearize`). */
  readonly strategy: Strategy;
  /** The linear solve of each iteration: the recurrence, or ELK's Kalman filter. */
  readonly inner: InnerSolve;
  /** How the built-in methods' Ã_t are formed, for backends that do not run strategies; undefined for custom ones. */
  readonly recipe?: LinearizationRecipe;
}

/** The sequential rollout itself (no iteration). */
export interface SequentialMethod {
  /** Tells it from a {@link FixedPointMethod}. */
  readonly kind: 'sequential';
  /** The name results carry. */
  readonly name: 'sequential';
}

/** What `solve`'s `method` option resolves to. */
export type SolveMethod = FixedPointMethod | SequentialMethod;

/** The names of the built-in methods: the one list every package and the CLI read. */
export const methodNames = ['sequential', 'deer', 'quasi-deer', 'picard', 'jacobi', 'elk', 'quasi-elk', 'scale-elk', 'clip-elk'] as const;

/**
 * The largest state dimension D at which Newton's dense Ã_t (D×D per step, O(D³) per scan
 * combine) is the default choice: the advisor and the CLI consider DEER up to it, and the
 * GPU keeps D×D matrices per thread up to it. The one definition of that limit.
 */
export const denseLimit = 16;

/** A built-in method's name (an alias of the value its factory returns). */
export type MethodName = (typeof methodNames)[number];

const recurrence: InnerSolve = Object.freeze({ kind: 'recurrence' });

function fixedPoint(name: string, strategy: Strategy, recipe: LinearizationRecipe | undefined, inner: InnerSolve = recurrence): FixedPointMethod {
  return Object.freeze({ kind: 'fixed-point', name, strategy, inner, ...(recipe === undefined ? {} : { recipe: Object.freeze(recipe) }) });
}

/**
 * The method `solve` uses when none is given, on every backend: DEER (Newton, the fewest
 * iterations) while its dense Ã_t are cheap — D ≤ {@link denseLimit} — and the backend can
 * form exact Jacobians; quasi-DEER (O(D) per step) otherwise.
 */
export function defaultMethod(D: number, exactJacobians = true): FixedPointMethod {
  return D <= denseLimit && exactJacobians ? deer() : quasiDeer();
}

/** The sequential rollout: exact, no parallelism (`iterations` 0). */
export function sequential(): SequentialMethod {
  return Object.freeze({ kind: 'sequential', name: 'sequential' });
}

/** DEER: Newton's method, Ã_t the full Jacobian (dense D×D per step). One iteration on linear dynamics. */
export function deer(): FixedPointMethod {
  return fixedPoint('deer', full(), { jacobian: 'full' });
}

/**
 * Quasi-DEER: Ã_t the diagonal of the Jacobian — exact (`'exact'`, the default) or a
 * stochastic estimate such as `hutchinson({ probes, seed })` (thesis §4.1).
 */
export function quasiDeer(options: { readonly diagonal?: 'exact' | Strategy } = {}): FixedPointMethod {
  const d = optionsOf('quasiDeer', options).diagonal ?? 'exact';
  if (d === 'exact') return fixedPoint('quasi-deer', diagonal(), { jacobian: 'diagonal' });
  return fixedPoint(`quasi-deer(${strategyOf('quasiDeer', 'diagonal', d).name})`, d, undefined);
}

/** Picard: Ã_t = I (a prefix sum per iteration; no derivatives). */
export function picard(): FixedPointMethod {
  return fixedPoint('picard', identity(), { jacobian: 'identity' });
}

/** Jacobi: Ã_t = 0 (the inner solve is a map; no derivatives). */
export function jacobi(): FixedPointMethod {
  return fixedPoint('jacobi', zero(), { jacobian: 'zero' });
}

/** Which Ã_t an ELK variant starts from: the full Jacobian, its diagonal, or your strategy. */
export type ElkBase = 'full' | 'diagonal' | Strategy;

/**
 * ELK (Levenberg–Marquardt): the Kalman filter's means with observation precision λ ≥ 0
 * (thesis §4.2, eq. 30); `base: 'diagonal'` is quasi-ELK. λ = 0 is DEER (quasi-DEER)
 * exactly; a larger λ is a smaller trust region.
 */
export function elk(options: { readonly lambda: number; readonly base?: ElkBase }): FixedPointMethod {
  const o = optionsOf('elk', options);
  const lambda: unknown = o.lambda;
  if (typeof lambda !== 'number' || !(lambda >= 0) || !Number.isFinite(lambda)) {
    throw new UnrollError('INVALID_ARGUMENT', `elk({ lambda }): lambda must be a finite number ≥ 0 (the observation precision; 0 is DEER), got ${describe(lambda)}.`);
  }
  const base = baseOf('elk', o.base ?? 'full');
  const name = o.base === undefined || o.base === 'full' ? 'elk' : o.base === 'diagonal' ? 'quasi-elk' : `elk(${base.name})`;
  return fixedPoint(name, base, recipeOf(o.base ?? 'full'), Object.freeze({ kind: 'kalman', lambda }));
}

/** Scale-ELK: Ã_t = (1 − k)·(the base's Ã_t), k ∈ [0, 1] (thesis §4.5.1). */
export function scaleElk(options: { readonly k: number; readonly base?: ElkBase }): FixedPointMethod {
  const o = optionsOf('scaleElk', options);
  const k: unknown = o.k;
  if (typeof k !== 'number' || !(k >= 0 && k <= 1)) {
    throw new UnrollError('INVALID_ARGUMENT', `scaleElk({ k }): k must be in [0, 1] (Ã_t = (1 − k)·J), got ${describe(k)}.`);
  }
  const base = baseOf('scaleElk', o.base ?? 'full');
  const recipe = recipeOf(o.base ?? 'full');
  return fixedPoint(o.base === undefined || o.base === 'full' ? 'scale-elk' : `scale-elk(${base.name})`, scaled(k, base), recipe === undefined ? undefined : { ...recipe, k });
}

/** Clip-ELK: the diagonal of Ã_t clipped to [lo, hi] (default [−1, 1], thesis §4.5.2). */
export function clipElk(options: { readonly lo?: number; readonly hi?: number; readonly base?: Strategy } = {}): FixedPointMethod {
  const o = optionsOf('clipElk', options);
  const strategy = clipped({ ...(o.lo === undefined ? {} : { lo: o.lo }), ...(o.hi === undefined ? {} : { hi: o.hi }), ...(o.base === undefined ? {} : { base: strategyOf('clipElk', 'base', o.base) }) });
  const recipe: LinearizationRecipe | undefined = o.base === undefined ? { jacobian: 'diagonal', clip: { lo: o.lo ?? -1, hi: o.hi ?? 1 } } : undefined;
  return fixedPoint(o.lo === undefined && o.hi === undefined && o.base === undefined ? 'clip-elk' : strategy.name, strategy, recipe);
}

/**
 * Whether `method` is exact after T iterations on T steps, so that more are never needed.
 * Every recurrence-based method is (after iteration i the first i rows equal the rollout,
 * whatever Ã_t is: the unifying framework's Prop. 1); ELK with λ > 0 is not — its Kalman
 * update moves each row only part of the way to the linearized solution (thesis §4.2), so
 * it may need more than T.
 *
 * @throws {UnrollError} `INVALID_ARGUMENT` for what `solve`'s `method` option refuses.
 */
export function exactAfterT(method: MethodName | Strategy | SolveMethod): boolean {
  // Any value solve's method option takes (a name, a method, a bare strategy), checked as solve checks it.
  const m = resolveMethod('exactAfterT', method);
  return m.kind === 'sequential' || m.inner.kind === 'recurrence' || m.inner.lambda === 0;
}

/** Newton-type iteration with any strategy (custom structures included), solved by the recurrence. */
export function newton(strategy: Strategy): FixedPointMethod {
  const s = strategyOf('newton', 'strategy', strategy);
  return fixedPoint(s.name, s, undefined);
}

/**
 * The method a `method` option names: a built-in name (an alias, resolved here and
 * nowhere else), a method value, or a bare strategy (`newton(strategy)`).
 *
 * @throws {UnrollError} `INVALID_ARGUMENT` naming what to pass instead — including for
 *   `'elk'`, `'quasi-elk'` and `'scale-elk'`, whose parameter has no default.
 */
export function resolveMethod(where: string, method: unknown): SolveMethod {
  if (typeof method === 'string') {
    switch (method) {
      case 'sequential':
        return sequential();
      case 'deer':
        return deer();
      case 'quasi-deer':
        return quasiDeer();
      case 'picard':
        return picard();
      case 'jacobi':
        return jacobi();
      case 'clip-elk':
        return clipElk();
      case 'elk':
      case 'quasi-elk':
        throw new UnrollError('INVALID_ARGUMENT', `${where}: method '${method}' needs its λ: pass method: elk({ lambda${method === 'quasi-elk' ? ", base: 'diagonal'" : ''} }) (import elk from @unroll/solvers).`);
      case 'scale-elk':
        throw new UnrollError('INVALID_ARGUMENT', `${where}: method 'scale-elk' needs its k: pass method: scaleElk({ k }) (import scaleElk from @unroll/solvers).`);
      default:
        throw new UnrollError('INVALID_ARGUMENT', `${where}: unknown method '${method}'; use one of ${methodNames.join(', ')}, a method value (deer(), elk({ lambda }), …) or a Strategy.`);
    }
  }
  const kind = typeof method === 'object' && method !== null ? (method as { kind?: unknown }).kind : undefined;
  if (kind === 'sequential') return method as SequentialMethod;
  if (kind === 'fixed-point') {
    const m = method as Partial<FixedPointMethod>;
    if (typeof m.name === 'string' && isStrategy(m.strategy) && (m.inner?.kind === 'recurrence' || m.inner?.kind === 'kalman')) return method as FixedPointMethod;
  }
  if (isStrategy(method)) return newton(method);
  throw new UnrollError(
    'INVALID_ARGUMENT',
    `${where}: method must be one of ${methodNames.join(', ')}, a method value (deer(), quasiDeer(), elk({ lambda }), newton(strategy), …) or a Strategy, got ${describe(method)}.${looksLikeStructure(method) ? ' That is a Structure (the algebra of Ã_t, from @unroll/scan); a method needs a Strategy (from @unroll/linearize), e.g. quasiDeer() or newton(diagonal()).' : ''}${typeof method === 'function' ? ` You passed the factory ${method.name === '' ? '' : `'${method.name}' `}itself: call it, e.g. deer(), quasiDeer() or newton(diagonal()).` : ''}`,
  );
}

function isStrategy(x: unknown): x is Strategy {
  const s = x as Partial<Strategy> | null;
  return typeof s === 'object' && s !== null && typeof s.name === 'string' && typeof s.structure === 'function' && typeof s.prepare === 'function';
}

function looksLikeStructure(x: unknown): boolean {
  const s = x as { compose?: unknown; apply?: unknown } | null;
  return typeof s === 'object' && s !== null && typeof s.compose === 'function' && typeof s.apply === 'function';
}

function strategyOf(where: string, name: string, x: unknown): Strategy {
  if (!isStrategy(x)) {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: ${name} must be a Strategy (full(), diagonal(), hutchinson({ probes }), defineStrategy(…)), got ${describe(x)}.${looksLikeStructure(x) ? ' That is a Structure from @unroll/scan; the strategy of the same name comes from @unroll/linearize.' : ''}`);
  }
  return x;
}

/** The recipe of a base given by name; a Strategy object is custom (no recipe). */
function recipeOf(base: ElkBase): LinearizationRecipe | undefined {
  return base === 'full' || base === 'diagonal' ? { jacobian: base } : undefined;
}

function baseOf(where: string, base: unknown): Strategy {
  if (base === 'full') return full();
  if (base === 'diagonal') return diagonal();
  return strategyOf(where, 'base', base);
}

function optionsOf<O extends object>(where: string, options: O): O {
  const given: unknown = options;
  if (typeof given !== 'object' || given === null) throw new UnrollError('INVALID_ARGUMENT', `${where}(options): options must be an object, got ${describe(given)}.`);
  return options;
}
