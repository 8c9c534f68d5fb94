import { UnrollError } from '@unroll/scan';

/** The float32 numbers a system's WGSL reads as `params[i]`, and where each named part starts. */
export interface PackedParams {
  readonly params: Float32Array;
  readonly offsets: Readonly<Record<string, number>>;
}

/**
 * Packs named arrays one after the other into the float32 `params` of a system's WGSL,
 * recording each one's offset. Every value must stay finite in float32 (the GPU reads
 * f32): one beyond ±3.4e38 is refused here, named by its part and index, rather than
 * as an anonymous `wgsl.params[i]` by `defineDynamics`.
 *
 * @throws {UnrollError} `NON_FINITE` for a value that float32 rounds to ±∞.
 */
export function packParams(where: string, parts: readonly (readonly [name: string, values: ArrayLike<number>])[]): PackedParams {
  let total = 0;
  for (const [, values] of parts) total += values.length;
  const params = new Float32Array(total);
  const offsets: Record<string, number> = {};
  let o = 0;
  for (const [name, values] of parts) {
    offsets[name] = o;
    for (let i = 0; i < values.length; i++) {
      const v = values[i] ?? 0;
      params[o + i] = v;
      if (!Number.isFinite(params[o + i])) {
        throw new UnrollError(
          'NON_FINITE',
          `${where}: ${name}[${i}] = ${String(v)} is beyond float32's range (±3.4e38), which the system's WGSL (its GPU form) reads; rescale it.`,
        );
      }
    }
    o += values.length;
  }
  return { params, offsets };
}
