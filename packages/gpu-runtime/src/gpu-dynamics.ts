import { UnrollError } from '@unroll/scan';
import { describe, finiteF32, optionsObject, positiveInteger } from './check-input.js';

/**
 * Dynamics the GPU runtime can run: WGSL source defining, for the state type
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
  readonly dim: number;
  readonly wgsl: string;
  readonly params?: ArrayLike<number>;
  readonly name?: string;
}

const declares = (wgsl: string, fn: string): boolean => new RegExp(`\\bfn\\s+${fn}\\s*\\(`).test(wgsl);

/**
 * Checks a {@link GpuDynamicsSpec} and freezes it into {@link GpuDynamics}. The WGSL is
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
  if (typeof wgsl !== 'string' || !declares(wgsl, 'step') || !declares(wgsl, 'diagonal')) {
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
  return Object.freeze({ dim, wgsl, params, name, hasJacobian: declares(wgsl, 'jacobian') });
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
