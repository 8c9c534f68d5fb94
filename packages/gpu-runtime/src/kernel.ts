/** A storage binding of a kernel: read-only or written. */
export interface StorageSlot {
  readonly name: string;
  readonly access: 'read' | 'read_write';
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

/** The WGSL of a kernel: dynamics (if any), uniform struct, bindings, helpers, body. */
export function kernelSource(spec: KernelSpec): string {
  const fields = [
    ...standardUniforms.map((n) => `${n}: u32`),
    ...spec.storage.map((s) => `base_${s.name}: u32`),
    ...spec.uniforms.map(([n, t]) => `${n}: ${t}`),
  ];
  const bindings = spec.storage.map(
    (s, i) => `@group(0) @binding(${i + 1}) var<storage, ${s.access}> unroll_${s.name}: array<f32>;`,
  );
  return [
    spec.dynamics?.source ?? '',
    `struct unroll_Uniforms { ${fields.join(', ')} }`,
    '@group(0) @binding(0) var<uniform> unroll_u: unroll_Uniforms;',
    ...bindings,
    // The thread's index among all the dispatch's threads (2-D grids beyond 65535 groups).
    `fn unroll_thread(wg: vec3u, li: u32) -> u32 { return (wg.y * unroll_u.groupsX + wg.x) * ${workgroupSize}u + li; }`,
    `fn unroll_group(wg: vec3u) -> u32 { return wg.y * unroll_u.groupsX + wg.x; }`,
    // WGSL lets implementations assume no NaN/Inf, so finiteness is read off the bits.
    'fn unroll_nonfinite(x: f32) -> bool { return (bitcast<u32>(x) & 0x7f800000u) == 0x7f800000u; }',
    // Non-finite magnitudes travel to the host as this sentinel (read back as Infinity).
    'const unroll_huge: f32 = 3.0e38;',
    'fn unroll_finite_abs(x: f32) -> f32 { return select(min(abs(x), unroll_huge), unroll_huge, unroll_nonfinite(x)); }',
    // Sums of non-negative terms that saturate at the sentinel instead of overflowing.
    'fn unroll_add(a: f32, b: f32) -> f32 { let s = a + b; return select(min(s, unroll_huge), unroll_huge, unroll_nonfinite(s)); }',
    spec.body,
  ].join('\n');
}

/** Lines in `text` (a dynamics' prelude or WGSL), for mapping compiler line numbers back to the user's source. */
export function countLines(text: string): number {
  return text.split('\n').length;
}
