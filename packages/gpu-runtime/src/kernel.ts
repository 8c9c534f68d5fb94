/** A storage binding of a kernel: read-only or written. */
export interface StorageSlot {
  readonly name: string;
  readonly access: 'read' | 'read_write';
  /** `array<atomic<u32>>` instead of `array<f32>` (read_write only): the chained scan's tile counter and statuses. */
  readonly atomic?: boolean;
}

/**
 * A compute kernel before the runtime generates its header. Every kernel runs 64-wide
 * workgroups over `items · lanes` threads; `body` defines `fn main` and reads its
 * uniforms as `unroll_u.<field>` and its arrays as `unroll_<name>[i − unroll_u.base_<name>]`
 * (a binding may be a window of a larger buffer, see `dispatch.ts`).
 */
export interface KernelSpec {
  /** Cache key prefix and label. */
  readonly label: string;
  /** Storage bindings, in binding order (group 0, from binding 1). */
  readonly storage: readonly StorageSlot[];
  /** Kernel-specific uniforms after the standard ones. */
  readonly uniforms: readonly (readonly [string, 'u32' | 'f32'])[];
  /** Threads per item (the state dimension for per-coordinate kernels, else 1). */
  readonly lanes: number;
  /** WGSL after the generated header: helpers and `fn main`. */
  readonly body: string;
  /** User WGSL (prelude included) placed before the header, and where it starts. */
  readonly dynamics?: { readonly source: string; readonly name: string; readonly firstLine: number; readonly lastLine: number };
}

/** Threads per workgroup of every kernel. */
export const workgroupSize = 64;

/** Standard uniforms every kernel gets, in this order, before its own. */
export const standardUniforms = ['groupsX', 'first', 'count', 'wgBase'] as const;

/**
 * Magnitudes reduced by the kernels (max |r|, max change, ½‖r‖²) travel as finite f32
 * "marks", never as NaN or infinity: WGSL leaves `max` with a NaN operand to the
 * implementation and lets compilers assume neither occurs, so a NaN could vanish in a
 * max. Finite magnitudes saturate at 3e38; infinity becomes 3.2e38 and NaN
 * 3.4e38, the largest of the three — a max over marks that saw a NaN is
 * the NaN mark, and a sum that saw one stays it. Finiteness is read off the bits.
 * {@link fromMark} turns a mark back into a number on the host.
 */
const markHelpers = [
  'fn unroll_nonfinite(x: f32) -> bool { return (bitcast<u32>(x) & 0x7f800000u) == 0x7f800000u; }',
  'fn unroll_isnan(x: f32) -> bool { return unroll_nonfinite(x) && (bitcast<u32>(x) & 0x007fffffu) != 0u; }',
  'const unroll_huge: f32 = 3.0e38;',
  'const unroll_inf_mark: f32 = 3.2e38;',
  'const unroll_nan_mark: f32 = 3.4e38;',
  // |x| as a mark.
  'fn unroll_mark(x: f32) -> f32 { if (unroll_isnan(x)) { return unroll_nan_mark; } if (unroll_nonfinite(x)) { return unroll_inf_mark; } return min(abs(x), unroll_huge); }',
  // ½x² as a mark (overflow is infinity).
  'fn unroll_half_square(x: f32) -> f32 { let a = unroll_mark(x); if (a >= unroll_inf_mark) { return a; } let q = 0.5 * a * a; return select(q, unroll_inf_mark, unroll_nonfinite(q) || q >= unroll_inf_mark); }',
  // The sum of two marks: NaN wins, then overflow to infinity.
  'fn unroll_add(a: f32, b: f32) -> f32 { if (max(a, b) >= unroll_nan_mark) { return unroll_nan_mark; } let s = a + b; return select(s, unroll_inf_mark, unroll_nonfinite(s) || s >= unroll_inf_mark); }',
];

/** A mark read back from the device as the number it stands for (NaN, Infinity or a magnitude ≤ 3e38). */
export function fromMark(x: number): number {
  // Thresholds halfway between the marks: immune to how a compiler rounds the literals.
  return x >= 3.3e38 ? NaN : x >= 3.1e38 ? Infinity : x;
}

/** The WGSL of a kernel: dynamics (if any), uniform struct, bindings, helpers, body. */
export function kernelSource(spec: KernelSpec): string {
  const fields = [
    ...standardUniforms.map((n) => `${n}: u32`),
    ...spec.storage.map((s) => `base_${s.name}: u32`),
    ...spec.uniforms.map(([n, t]) => `${n}: ${t}`),
  ];
  const bindings = spec.storage.map(
    (s, i) => `@group(0) @binding(${i + 1}) var<storage, ${s.access}> unroll_${s.name}: array<${s.atomic === true ? 'atomic<u32>' : 'f32'}>;`,
  );
  return [
    spec.dynamics?.source ?? '',
    `struct unroll_Uniforms { ${fields.join(', ')} }`,
    '@group(0) @binding(0) var<uniform> unroll_u: unroll_Uniforms;',
    ...bindings,
    // The thread's index among all the dispatch's threads (2-D grids beyond 65535 groups).
    `fn unroll_thread(wg: vec3u, li: u32) -> u32 { return (wg.y * unroll_u.groupsX + wg.x) * ${workgroupSize}u + li; }`,
    `fn unroll_group(wg: vec3u) -> u32 { return wg.y * unroll_u.groupsX + wg.x; }`,
    ...markHelpers,
    spec.body,
  ].join('\n');
}

/** Lines in `text` (a dynamics' prelude or WGSL), for mapping compiler line numbers back to the user's source. */
export function countLines(text: string): number {
  return text.split('\n').length;
}
