import { checkDynamics, type Dynamics, type Strategy } from '@unroll/linearize';
import { allocate, describeValue as describe, UnrollError, type Structure } from '@unroll/scan';
import { allocating, checkArrayLength, checkInitialState, checkSteps } from './check-arguments.js';
import { createRunScratch, type RunScratch, type RunSettings } from './cpu-backend.js';
import { defaultMethod, exactAfterT, resolveMethod } from './methods.js';
import { checkOptionsObject, resolveRunControls, solveOptionKeys } from './run-controls.js';
import type { SolveOptions } from './solve-options.js';

const GiB = 2 ** 30;

/** A solve whose arguments all passed validation; nothing T-sized is allocated yet. */
export interface SolvePlan {
  readonly dyn: Dynamics;
  readonly T: number;
  /** s_0 in the run's dtype. */
  readonly start: Float64Array | Float32Array;
  readonly opts: SolveOptions;
  /** Undefined for `'sequential'`. */
  readonly run:
    | { readonly strategy: Strategy; readonly structure: Structure; readonly name: string; readonly settings: RunSettings }
    | undefined;
}

/**
 * Validates a solve's arguments — every one, before anything proportional to T is
 * allocated or the dynamics are called — and resolves its settings once.
 *
 * @throws {UnrollError} naming the argument or option and what to pass instead.
 */
export function planSolve(where: string, dyn: unknown, s0: unknown, T: unknown, optsIn: unknown): SolvePlan {
  for (const [key, value] of [['lambda', 'elk({ lambda })'], ['k', 'scaleElk({ k })']] as const) {
    if (typeof optsIn === 'object' && optsIn !== null && key in optsIn) {
      throw new UnrollError('INVALID_ARGUMENT', `${where}: '${key}' is a parameter of its method, not a solve option: pass method: ${value} (from @unroll/solvers).`);
    }
  }
  const opts = checkOptionsObject(where, optsIn as SolveOptions | undefined, solveOptionKeys);
  checkDynamics(where, dyn);
  checkSteps(where, T);
  const D = dyn.dim;
  checkInitialState(where, s0, D);
  const dtypeOption: unknown = opts.dtype ?? 'float64';
  if (dtypeOption !== 'float64' && dtypeOption !== 'float32') {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: dtype must be 'float64' or 'float32', got ${describe(dtypeOption)}.`);
  }
  const dtype = dtypeOption;
  const method = opts.method === undefined ? defaultMethod(D) : resolveMethod(where, opts.method);
  const controls = resolveRunControls(where, opts, T, dtype, exactAfterT(method));
  checkArrayLength(where, `the trajectory (T·D = ${T}·${D})`, T * D);
  const start = allocate(dtype, D);
  for (let i = 0; i < D; i++) start[i] = s0[i];
  if (method.kind === 'sequential') return { dyn, T, start, opts, run: undefined };

  const window: unknown = opts.window;
  if (window !== undefined && (typeof window !== 'number' || !Number.isInteger(window) || window < 1)) {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: window must be a positive integer number of steps, got ${describe(window)}.`);
  }
  const { strategy, inner, name } = method;
  const structure = structureOf(where, strategy, D);
  if (inner.kind === 'kalman') checkKalman(where, name, structure);
  const rows = Math.min(T, window ?? T);
  const bytes = rows * structure.width * (dtype === 'float32' ? 4 : 8);
  if (bytes > controls.memoryBudget) {
    throw new UnrollError(
      'MEMORY_BUDGET',
      `${where}: '${strategy.name}' stores ${rows}·${structure.width} = ${rows * structure.width} numbers (${(bytes / GiB).toFixed(2)} GiB) for the Ã_t, over the ${(controls.memoryBudget / GiB).toFixed(2)} GiB budget. Use 'quasi-deer' (D per step), a window, or raise memoryBudget.`,
    );
  }
  checkArrayLength(where, `the Ã_t (${rows}·${structure.width})`, rows * structure.width);
  const settings: RunSettings = {
    ...controls,
    dtype,
    window,
    elk: inner.kind === 'kalman' ? { lambda: inner.lambda } : undefined,
  };
  return { dyn, T, start, opts, run: { strategy, structure, name, settings } };
}

/** The scratch a planned run needs (shareable by runs of the same shape). */
export function createPlanScratch(where: string, plan: SolvePlan): RunScratch | undefined {
  const { run, T, dyn } = plan;
  if (run === undefined) return undefined;
  const rows = Math.min(T, run.settings.window ?? T);
  return allocating(where, 'the working memory', () => createRunScratch(run.settings.dtype, rows, run.structure.width, dyn.dim, run.settings.threads, run.settings.elk !== undefined));
}

/** Throws unless the strategy's structure for D is a usable Structure. */
function structureOf(where: string, strategy: Strategy, D: number): Structure {
  const structure: unknown = strategy.structure(D);
  const s = structure as Partial<Structure> | null;
  if (typeof s !== 'object' || s === null || s.dim !== D || !Number.isInteger(s.width) || (s.width ?? -1) < 0 || typeof s.apply !== 'function' || typeof s.compose !== 'function') {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: strategy '${strategy.name}' returned ${describe(structure)} from structure(${D}); it must return a Structure of dim ${D} (dense(D), diagonal(D), … or defineStructure).`);
  }
  return structure as Structure;
}

/**
 * ELK runs the Kalman filter in the structure of its strategy's Ã_t (read off the
 * structure's `kalman` capability, not the method's name): any strategy whose structure
 * has one takes a λ — dense, diagonal, block-diagonal built in, or a custom structure's.
 */
function checkKalman(where: string, name: string, structure: Structure): void {
  if (structure.kalman === undefined) {
    throw new UnrollError(
      'UNSUPPORTED',
      `${where}: '${name}' runs the Kalman filter in the structure of its Ã_t, '${structure.name}', which has no kalman capability; use a base whose structure has one (full(), diagonal(), a block-diagonal strategy) or give the structure kalman (e.g. blockDiagonalKalman(D, B) from @unroll/scan).`,
    );
  }
}
