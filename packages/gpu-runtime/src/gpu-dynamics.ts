import { checkDynamicsWgsl, wgslDeclares, type Dynamics } from '@unroll/linearize';
import { UnrollError } from '@unroll/scan';
import { describe, finiteF32, optionsObject, positiveInteger } from './check-input.js';

/**
 * Dynamics as the GPU runtime's kernels take them (what the runtime makes of a
 * `Dynamics` that carries `wgsl`, and what {@link defineGpuDynamics} builds for WGSL-only
 * dynamics): WGSL source defining, for the state type
 * `State = array<f32, D>` (1-based step index `t`, as on the CPU),
 *
 * ```wgsl
 * fn step(t: u32, s: State) -> State         // f_t(s_{t−1})
 * fn diagonal(t: u32, s: State) -> State     // diag ∂f_t/∂s at s_{t−1}
 * fn jacobian(t: u32, s: State) -> Jacobian  // optional: ∂f_t/∂s, row-major D×D
 * ```
 *
 * plus the numbers those functions read. The runtime prepends a prelude that declares
 * `const D: u32`, the aliases `State` and `Jacobian = array<f32, D·D>`, the read-only
 * storage array `params: array<f32>` (this object's `params`) and `var<private> sequence: u32`
 * (which sequence of a batch is being evaluated, 0-based). Identifiers starting with
 * `unroll_` are reserved for the runtime. Build one with {@link defineGpuDynamics}.
 */
export interface GpuDynamics {
  /** State dimension D. */
  readonly dim: number;
  /** A name for messages and results. */
  readonly name: string;
  /** The WGSL functions `step`, `diagonal` and optionally `jacobian`, and any helpers they call. */
  readonly wgsl: string;
  /** Read by the WGSL as `params[i]` (f32). */
  readonly params: Float32Array;
  /** Whether `wgsl` defines `jacobian` (needed by `'deer'` and `'scale-elk'`). */
  readonly hasJacobian: boolean;
}

/** What {@link defineGpuDynamics} takes. */
export interface GpuDynamicsSpec {
  /** The state dimension D (1 to 2048). */
  readonly dim: number;
  /** WGSL defining `step`, `diagonal` and optionally `jacobian` and `vjp` (see {@link GpuDynamics}). */
  readonly wgsl: string;
  /** The numbers the WGSL reads as `params[i]` (finite in float32; default none). */
  readonly params?: ArrayLike<number>;
  /** A name for labels and compile errors (default `gpu-dynamics(D=…)`). */
  readonly name?: string;
}

/**
 * Checks a {@link GpuDynamicsSpec} and freezes it into {@link GpuDynamics}, for dynamics
 * that exist only in WGSL. Dynamics with a CPU form too are one object: give
 * `defineDynamics` a `wgsl: { source, params }` and pass that to the runtime. The WGSL is
 * compiled (and compile errors reported with their line in `wgsl`) the first time a
 * runtime uses it, or up front with `runtime.compile(dynamics)`.
 *
 * @example
 * ```ts
 * // s_t = a ⊙ tanh(s_{t−1}) + 1, with a in params
 * const dyn = defineGpuDynamics({
 *   dim: 2,
 *   params: [0.5, -0.7],
 *   wgsl: `
 *     fn step(t: u32, s: State) -> State {
 *       var out: State;
 *       for (var i = 0u; i < D; i++) { out[i] = params[i] * tanh(s[i]) + 1.0; }
 *       return out;
 *     }
 *     fn diagonal(t: u32, s: State) -> State {
 *       var out: State;
 *       for (var i = 0u; i < D; i++) { let c = tanh(s[i]); out[i] = params[i] * (1.0 - c * c); }
 *       return out;
 *     }`,
 * });
 * ```
 */
export function defineGpuDynamics(spec: GpuDynamicsSpec): GpuDynamics {
  const where = 'defineGpuDynamics';
  const o = optionsObject(where, 'spec', spec, ['dim', 'wgsl', 'params', 'name'], "{ dim: 2, wgsl: 'fn step(…) … fn diagonal(…) …', params: [...] }", false);
  const dim = positiveInteger(where, 'dim', o['dim'], maxGpuDim, ' (each GPU thread keeps its states in private memory); larger systems run on the CPU solvers');
  const wgsl = o['wgsl'];
  if (typeof wgsl !== 'string' || !wgslDeclares(wgsl, 'step') || !wgslDeclares(wgsl, 'diagonal')) {
    throw new UnrollError(
      'INVALID_ARGUMENT',
      'defineGpuDynamics: wgsl must define `fn step(t: u32, s: State) -> State` and `fn diagonal(t: u32, s: State) -> State` (and optionally `fn jacobian(t: u32, s: State) -> Jacobian`).',
    );
  }
  if (/\bunroll_/.test(wgsl)) {
    throw new UnrollError('INVALID_ARGUMENT', 'defineGpuDynamics: identifiers starting with `unroll_` are reserved for the runtime; rename them.');
  }
  const params = o['params'] === undefined ? new Float32Array(0) : finiteF32(where, 'params', o['params']);
  const name = o['name'] ?? `gpu-dynamics(D=${dim})`;
  if (typeof name !== 'string') throw new UnrollError('INVALID_ARGUMENT', `${where}: name must be a string, got ${describe(name)}.`);
  return Object.freeze({ dim, wgsl, params, name, hasJacobian: wgslDeclares(wgsl, 'jacobian') });
}

/**
 * Largest state dimension of GPU dynamics: each thread keeps several states in private
 * memory, and compilers give up — or, as SwiftShader does at D = 4096, crash the
 * process — when that grows too large.
 */
export const maxGpuDim = 2048;

/**
 * Largest D at which `evaluate` (and `compile`) call the dynamics' `jacobian`: its D×D
 * result lives in one thread's private memory (16 KiB at D = 64), and SwiftShader's
 * compiler aborts the process beyond about 48 KiB. Larger dynamics are compiled and
 * evaluated without it (their `jacobian` is still type-checked; DEER needs D ≤ 16 anyway).
 */
export const maxJacobianDim = 64;

/** The declarations the runtime puts before a dynamics' WGSL (see {@link GpuDynamics}). */
export function dynamicsPrelude(dim: number): string {
  return [
    `const D: u32 = ${dim}u;`,
    `alias State = array<f32, ${dim}>;`,
    `alias Jacobian = array<f32, ${dim * dim}>;`,
    '@group(1) @binding(0) var<storage, read> params: array<f32>;',
    'var<private> sequence: u32;',
    '',
  ].join('\n');
}

/**
 * The one door of `solve`, `compile` and `evaluate`: a `Dynamics` that carries `wgsl` (see
 * `DynamicsWgsl` in `@unroll/linearize`; every reference system of `@unroll/systems` with a
 * GPU form does) becomes the kernels' {@link GpuDynamics} — its `source`, its `params`, its
 * `name` — and GPU dynamics from {@link defineGpuDynamics} pass as they are. The `wgsl`
 * is checked again on every call (its params are read as they are now, copied to f32).
 *
 * @throws {UnrollError} `UNSUPPORTED` for a Dynamics without `wgsl` (naming the capability
 *   and how to add it), `INVALID_ARGUMENT` for anything else that is not dynamics, for a
 *   malformed `wgsl` and for D beyond {@link maxGpuDim}, `NON_FINITE` for params that are
 *   not finite in float32.
 */
export function gpuDynamicsOf(where: string, dynamics: unknown): GpuDynamics {
  const d = (typeof dynamics === 'object' && dynamics !== null ? dynamics : {}) as Partial<Record<keyof Dynamics | keyof GpuDynamics, unknown>>;
  if (typeof d.wgsl === 'string') {
    checkGpuDynamics(where, dynamics);
    return dynamics;
  }
  if (typeof d.step !== 'function') {
    throw new UnrollError(
      'INVALID_ARGUMENT',
      `${where}: dynamics must be a Dynamics that carries wgsl (defineDynamics({ …, wgsl: { source, params } }) or a system of @unroll/systems) or GPU dynamics from defineGpuDynamics, got ${describe(dynamics)}.`,
    );
  }
  const name = typeof d.name === 'string' ? d.name : undefined;
  const label = name === undefined ? 'the dynamics' : `'${name}'`;
  if (d.wgsl === undefined) {
    throw new UnrollError(
      'UNSUPPORTED',
      `${where}: ${label} has no \`wgsl\` capability, so the GPU cannot run it. Give defineDynamics a wgsl: { source, params } whose source defines \`fn step(t: u32, s: State) -> State\` and \`fn diagonal(t: u32, s: State) -> State\` (see DynamicsWgsl in @unroll/linearize; a langevin system carries it when its potential does), or solve it on the CPU with @unroll/solvers.`,
    );
  }
  const dim = positiveInteger(where, 'dynamics.dim', d.dim, maxGpuDim, ' (each GPU thread keeps its states in private memory); larger systems run on the CPU solvers');
  const form = checkDynamicsWgsl(`${where}(${name ?? 'dynamics'})`, d.wgsl);
  return Object.freeze({ dim, name: name ?? `dynamics(D=${dim})`, wgsl: form.source, params: form.params, hasJacobian: wgslDeclares(form.source, 'jacobian') });
}

/** Throws unless `dyn` has the shape of {@link GpuDynamics} (what `defineGpuDynamics` builds). */
export function checkGpuDynamics(where: string, dyn: unknown): asserts dyn is GpuDynamics {
  const d = (typeof dyn === 'object' && dyn !== null ? dyn : {}) as Partial<Record<keyof GpuDynamics, unknown>>;
  const dim = d.dim;
  if (
    typeof d.wgsl !== 'string' ||
    !(d.params instanceof Float32Array) ||
    typeof dim !== 'number' ||
    !Number.isInteger(dim) ||
    dim < 1 ||
    dim > maxGpuDim ||
    typeof d.name !== 'string' ||
    typeof d.hasJacobian !== 'boolean'
  ) {
    throw new UnrollError(
      'INVALID_ARGUMENT',
      `${where}: expected GPU dynamics ({ dim ≤ ${maxGpuDim}, wgsl, params, name, hasJacobian }), got ${describe(dyn)}; pass a Dynamics that carries wgsl, or build GPU dynamics with defineGpuDynamics.`,
    );
  }
}
