import { UnrollError } from '@unroll/scan';
import { plainMain } from './solve-kernels.js';
import { checkFloats, finiteF32, maxIndex, positiveInteger } from './check-input.js';
import { Dispatch, rowRange, type BindingPlan } from './dispatch.js';
import { dynamicsSource, uploadParams } from './dynamics-kernel.js';
import { evaluateDynamics } from './evaluate.js';
import type { GpuContext } from './gpu-context.js';
import type { GpuDynamics } from './gpu-dynamics.js';
import { maxDenseDim } from './dense-limit.js';
import type { KernelSpec } from './kernel.js';
import { RecurrencePlan } from './scan-plan.js';
import { usage } from './usage.js';

/** What `rt.gradient` returns (f32): the GPU twin of `@unroll/solvers`' `gradient` without parameters. */
export interface GpuGradientResult {
  /** dL/ds_t for t = 1 … T, `[S][T][D]` (the adjoint states λ_t). */
  readonly adjoints: Float32Array;
  /** dL/ds_0, `[S][D]`. */
  readonly initialState: Float32Array;
}

/**
 * One thread per (sequence, reversed step r): the elements of the adjoint recurrence in
 * reversed time, x_r = A'_r x_{r−1} + b'_r with x_r = λ_{T−r} — A'_r = J_{T−r+1}(s_{T−r})ᵀ
 * (the dynamics' WGSL `jacobian`, transposed as it is written), b'_r = ∂ℓ_{T−r}/∂s — so
 * the forward dense scan from x_{−1} = 0 runs the backward pass (thesis §3.4.3, eqs.
 * 24–26). The first element (λ_T = ∂ℓ_T/∂s_T) needs no matrix: zero.
 */
function adjointElementsKernel(dyn: GpuDynamics): KernelSpec {
  const body = `${plainMain}
  let item = unroll_u.first + id;
  let q = item / unroll_u.T;
  let r = item % unroll_u.T;
  let row = q * unroll_u.T + (unroll_u.T - 1u - r);   // λ_{T−r} and ∂ℓ_{T−r}/∂s live in row T − r − 1
  sequence = q;
  for (var i = 0u; i < D; i++) { unroll_B[item * D + i - unroll_u.base_B] = unroll_g[row * D + i - unroll_u.base_g]; }
  if (r == 0u) {
    for (var k = 0u; k < D * D; k++) { unroll_A[item * D * D + k - unroll_u.base_A] = 0.0; }
    return;
  }
  var s: State;
  for (var i = 0u; i < D; i++) { s[i] = unroll_states[row * D + i - unroll_u.base_states]; }
  let J = jacobian(unroll_u.T - r + 1u, s);
  for (var i = 0u; i < D; i++) {
    for (var j = 0u; j < D; j++) { unroll_A[(item * D + i) * D + j - unroll_u.base_A] = J[j * D + i]; }
  }
}`;
  return {
    label: `adjoint elements ${dyn.name}`,
    storage: [
      { name: 'states', access: 'read' },
      { name: 'g', access: 'read' },
      { name: 'A', access: 'read_write' },
      { name: 'B', access: 'read_write' },
    ],
    uniforms: [['T', 'u32']],
    lanes: 1,
    body,
    dynamics: dynamicsSource(dyn),
  };
}

/**
 * The exact backward pass of a solved trajectory on the GPU: the adjoints λ_t = dL/ds_t of
 * L = Σ_t ℓ_t(s_t), as one reverse-time linear recurrence over the transposed Jacobians
 * (dense, D ≤ 16, from the dynamics' WGSL `jacobian`), solved by the same parallel scan as
 * the forward solve; then dL/ds_0 = J_1(s_0)ᵀ λ_1.
 */
export async function gpuGradient(ctx: GpuContext, chunk: number, dyn: GpuDynamics, s0In: unknown, statesIn: unknown, dLdsIn: unknown): Promise<GpuGradientResult> {
  const where = 'gradient';
  const D = dyn.dim;
  if (!dyn.hasJacobian) throw new UnrollError('UNSUPPORTED', `${where}: the GPU backward pass needs the dynamics' WGSL to define \`fn jacobian(t: u32, s: State) -> Jacobian\`; or run gradient on the CPU (@unroll/solvers).`);
  if (D > maxDenseDim) throw new UnrollError('UNSUPPORTED', `${where}: the GPU keeps D×D transposed Jacobians per thread and needs D ≤ ${maxDenseDim} (D = ${D}); run gradient on the CPU (@unroll/solvers), which stores them in the Jacobian's own structure.`);
  const s0 = finiteF32(where, 's0', s0In);
  if (s0.length === 0 || s0.length % D !== 0) throw new UnrollError('DIMENSION_MISMATCH', `${where}: s0 has ${s0.length} entries; it must hold D = ${D} per sequence (S·D for a batch of S).`);
  const S = s0.length / D;
  const states = finiteF32(where, 'states', statesIn);
  const dLds = finiteF32(where, 'dLds', dLdsIn);
  if (states.length === 0 || states.length % (S * D) !== 0) throw new UnrollError('LENGTH_MISMATCH', `${where}: states has ${states.length} numbers; it must hold S·T·D (S = ${S}, D = ${D}) — the solved trajectory.`);
  const T = positiveInteger(where, 'T (states.length / (S·D))', states.length / (S * D), maxIndex);
  if (dLds.length !== states.length) throw new UnrollError('LENGTH_MISMATCH', `${where}: dLds has ${dLds.length} numbers; it must match states (${states.length}): ∂ℓ_t/∂s_t for every step.`);
  checkFloats(where, `the transposed Jacobians (S·T·D² = ${S}·${T}·${D}²)`, S * T * D * D, ctx.limits.maxBufferBytes);
  const buffers: GPUBuffer[] = [];
  const owned: { destroy(): void }[] = [];
  const keep = (b: GPUBuffer) => (buffers.push(b), b);
  try {
    const params = uploadParams(ctx, dyn);
    keep(params.buffer);
    const bufStates = keep(ctx.storage(states, 'gradient states'));
    const bufG = keep(ctx.storage(dLds, 'gradient dLds'));
    const bufA = keep(ctx.buffer(S * T * D * D * 4, usage.storage, 'adjoint transposed jacobians'));
    const bufB = keep(ctx.buffer(S * T * D * 4, usage.storage, 'adjoint sources'));
    const zero = keep(ctx.storage(new Float32Array(S * D), 'adjoint start'));
    const out = keep(ctx.buffer(S * T * D * 4, usage.storage | usage.copySrc, 'adjoints (reversed)'));
    const rows = (buffer: GPUBuffer, width: number): BindingPlan => ({ buffer, range: (i0, i1) => rowRange(i0, i1, width, 0, width) });
    // Item (q, r) reads row q·T + T − 1 − r: the rows of whole sequences q.
    const reversed = (buffer: GPUBuffer): BindingPlan => ({ buffer, range: (i0, i1) => [Math.floor(i0 / T) * T * D, (Math.floor((i1 - 1) / T) + 1) * T * D] });
    const elements = await Dispatch.create(ctx, adjointElementsKernel(dyn), S * T, { states: reversed(bufStates), g: reversed(bufG), A: rows(bufA, D * D), B: rows(bufB, D) }, { T }, params.group);
    owned.push(elements);
    const scan = await RecurrencePlan.create(ctx, { kind: 'dense', D, S, L: T, C: chunk }, { buffer: bufA, stride: D * D, offset: 0 }, { buffer: bufB, stride: D, offset: 0 }, zero, out);
    owned.push(scan);
    await ctx.allocated(where);
    const encoder = ctx.device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    elements.encode(pass);
    scan.encode(pass);
    pass.end();
    ctx.device.queue.submit([encoder.finish()]);
    const back = await ctx.read(out, S * T * D, 0, where);
    // The scan ran in reversed time: row r of each sequence is λ_{T−r}.
    const adjoints = new Float32Array(S * T * D);
    for (let q = 0; q < S; q++) {
      for (let r = 0; r < T; r++) {
        for (let i = 0; i < D; i++) adjoints[(q * T + (T - 1 - r)) * D + i] = back[(q * T + r) * D + i] ?? NaN;
      }
    }
    return { adjoints, initialState: await initialStateGradient(ctx, dyn, s0, adjoints, S, T) };
  } finally {
    for (const o of owned) o.destroy();
    for (const b of buffers) ctx.release(b);
  }
}

/** dL/ds_0 = J_1(s_0)ᵀ λ_1 per sequence: the Jacobians at s_0 from the dynamics' WGSL (one small evaluation). */
async function initialStateGradient(ctx: GpuContext, dyn: GpuDynamics, s0: Float32Array, adjoints: Float32Array, S: number, T: number): Promise<Float32Array> {
  const D = dyn.dim;
  const out = new Float32Array(S * D);
  for (let q = 0; q < S; q++) {
    const e = await evaluateDynamics(ctx, dyn, { t: [1], prev: Array.from({ length: D }, (_, i) => s0[q * D + i] ?? NaN), sequence: q });
    const J = e.jacobian;
    if (J === undefined) throw new UnrollError('UNSUPPORTED', "gradient: the dynamics' WGSL jacobian could not be evaluated at s_0.");
    const first = q * T * D; // λ_1 of sequence q
    for (let j = 0; j < D; j++) {
      let acc = 0;
      for (let i = 0; i < D; i++) acc += (J[i * D + j] ?? 0) * (adjoints[first + i] ?? 0);
      out[q * D + j] = acc;
    }
  }
  return out;
}
