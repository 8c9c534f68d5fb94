import { UnrollError, describeValue, isRecord } from '@unroll/scan';

/**
 * A dynamics' WGSL: the same map `f_t` and its derivatives as the TypeScript functions,
 * in f32 for the GPU runtime (`@unroll/gpu-runtime`), which splices `source` into its
 * kernels. `source` defines, with exactly these signatures (t is 1-based, as on the CPU):
 *
 * ```wgsl
 * fn step(t: u32, s: State) -> State               // f_t(s_{t−1})
 * fn diagonal(t: u32, s: State) -> State           // diag ∂f_t/∂s at s_{t−1}
 * fn jacobian(t: u32, s: State) -> Jacobian        // optional: ∂f_t/∂s, row-major D×D
 * fn vjp(t: u32, s: State, v: State) -> State      // optional: vᵀ ∂f_t/∂s at s_{t−1}
 * ```
 *
 * and any helpers they call. The runtime prepends a prelude that declares
 * `const D: u32` (the state dimension), `alias State = array<f32, D>`,
 * `alias Jacobian = array<f32, D·D>`, the read-only storage array `params: array<f32>`
 * (holding {@link DynamicsWgsl.params}, read as `params[i]`) and
 * `var<private> sequence: u32` (which sequence of a batch is being evaluated, 0-based).
 * Identifiers starting with `unroll_` are reserved for the runtime.
 *
 * @example
 * ```ts
 * import { defineDynamics } from '@unroll/linearize';
 *
 * // s_t = a ⊙ tanh(s_{t−1}) + 1, on both backends
 * const a = [0.5, -0.7];
 * const dyn = defineDynamics({
 *   dim: 2,
 *   step: (t, s, so, out, oo) => { for (let i = 0; i < 2; i++) out[oo + i] = a[i] * Math.tanh(s[so + i]) + 1; },
 *   diagonal: (t, s, so, out, oo) => { for (let i = 0; i < 2; i++) out[oo + i] = a[i] * (1 - Math.tanh(s[so + i]) ** 2); },
 *   wgsl: {
 *     params: a,
 *     source: `
 *       fn step(t: u32, s: State) -> State {
 *         var out: State;
 *         for (var i = 0u; i < D; i++) { out[i] = params[i] * tanh(s[i]) + 1.0; }
 *         return out;
 *       }
 *       fn diagonal(t: u32, s: State) -> State {
 *         var out: State;
 *         for (var i = 0u; i < D; i++) { let c = tanh(s[i]); out[i] = params[i] * (1.0 - c * c); }
 *         return out;
 *       }`,
 *   },
 * });
 * ```
 */
export interface DynamicsWgsl {
  /** WGSL defining `step` and `diagonal`, optionally `jacobian` and `vjp`, with the signatures above. */
  readonly source: string;
  /** The numbers the WGSL reads as `params[i]` (f32, all finite). */
  readonly params: Float32Array;
}

/** What `defineDynamics` takes as `wgsl`: the source, and the numbers it reads (any finite numbers in float32's range). */
export interface DynamicsWgslSpec {
  /** WGSL defining `step` and `diagonal`, optionally `jacobian` and `vjp` (see {@link DynamicsWgsl}). */
  readonly source: string;
  /** Read in WGSL as `params[i]` (default: none). */
  readonly params?: ArrayLike<number>;
}

/** The signatures a dynamics' WGSL must define, as a message can quote them. */
const required = '`fn step(t: u32, s: State) -> State` and `fn diagonal(t: u32, s: State) -> State`';
const optional = '`fn jacobian(t: u32, s: State) -> Jacobian` and `fn vjp(t: u32, s: State, v: State) -> State`';

/** WGSL without its comments (so a commented-out function neither counts nor trips the reserved-name check). */
function code(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/[^\n]*/g, ' ');
}

/** Whether WGSL `source` declares the function `fn` (comments ignored). */
export function wgslDeclares(source: string, fn: string): boolean {
  return new RegExp(`\\bfn\\s+${fn}\\s*\\(`).test(code(source));
}

/**
 * Checks a dynamics' `wgsl` and freezes it into a {@link DynamicsWgsl}: an object with a
 * string `source` that declares `step` and `diagonal` and uses no `unroll_` identifier,
 * and `params` that are finite in float32 (a number beyond ±3.4e38 would be ±∞ on the
 * device). `label` starts each message. Compiling the WGSL is the GPU runtime's part
 * (`runtime.compile(dynamics)`), which reports errors with their line in `source`.
 *
 * @throws {UnrollError} `INVALID_ARGUMENT` (not an object, a missing function, a reserved
 *   identifier, params that are not numbers), `NON_FINITE` (a param that is NaN, ±∞ or
 *   beyond float32's range).
 */
export function checkDynamicsWgsl(label: string, wgsl: unknown): DynamicsWgsl {
  const example = "{ source: 'fn step(t: u32, s: State) -> State { … } fn diagonal(t: u32, s: State) -> State { … }', params: [ … ] }";
  if (!isRecord(wgsl)) throw new UnrollError('INVALID_ARGUMENT', `${label}: wgsl must be an object ${example} or absent, got ${describeValue(wgsl)}.`);
  for (const key of Object.keys(wgsl)) {
    if (key !== 'source' && key !== 'params') throw new UnrollError('INVALID_ARGUMENT', `${label}: wgsl has an unknown field '${key}'; it takes source and params only.`);
  }
  const source = wgsl['source'];
  if (typeof source !== 'string') throw new UnrollError('INVALID_ARGUMENT', `${label}: wgsl.source must be a string of WGSL defining ${required}, got ${describeValue(source)}.`);
  const missing = ['step', 'diagonal'].filter((fn) => !wgslDeclares(source, fn));
  if (missing.length > 0) {
    throw new UnrollError(
      'INVALID_ARGUMENT',
      `${label}: wgsl.source does not define ${missing.map((fn) => `\`${fn}\``).join(' or ')}; write ${required} (and optionally ${optional}) — State, Jacobian, D and params are declared for you.`,
    );
  }
  const reserved = /\bunroll_\w*/.exec(code(source));
  if (reserved !== null) {
    throw new UnrollError('INVALID_ARGUMENT', `${label}: wgsl.source uses the identifier '${reserved[0]}'; names starting with unroll_ are reserved for the GPU runtime — rename it.`);
  }
  return Object.freeze({ source, params: wgslParams(label, wgsl['params']) });
}

/** `params` as float32, each entry a number that stays finite in float32. */
function wgslParams(label: string, given: unknown): Float32Array {
  if (given === undefined) return new Float32Array(0);
  const arrayLike = Array.isArray(given) || (ArrayBuffer.isView(given) && !(given instanceof DataView));
  if (!arrayLike) throw new UnrollError('INVALID_ARGUMENT', `${label}: wgsl.params must be an array or typed array of numbers (read as params[i]), got ${describeValue(given)}.`);
  const values = given as ArrayLike<unknown>;
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number') throw new UnrollError('INVALID_ARGUMENT', `${label}: wgsl.params[${i}] is ${describeValue(v)}; params must be numbers.`);
    out[i] = v;
    if (!Number.isFinite(out[i])) {
      throw new UnrollError(
        'NON_FINITE',
        `${label}: wgsl.params[${i}] is ${describeValue(v)}, which is ${String(out[i])} in float32; params must be finite numbers within float32's range (|x| < 3.4e38).`,
      );
    }
  }
  return out;
}
