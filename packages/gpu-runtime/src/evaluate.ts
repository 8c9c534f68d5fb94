import { wgslDeclares } from '@unroll/linearize';
import { UnrollError } from '@unroll/scan';
import { checkFloats, describe, maxIndex, numberArray, optionsObject, toF32 } from './check-input.js';
import { Dispatch, rowRange } from './dispatch.js';
import { checkDynamics, dynamicsSource, uploadParams } from './dynamics-kernel.js';
import { kernelSource } from './kernel.js';
import type { GpuContext } from './gpu-context.js';
import { maxJacobianDim, type GpuDynamics } from './gpu-dynamics.js';
import type { KernelSpec, StorageSlot } from './kernel.js';
import { usage } from './usage.js';

/** Where {@link GpuRuntime.evaluate} evaluates: n points (t_k, s_k). */
export interface EvaluationPoints {
  /** 1-based step indices, one per point. */
  readonly t: ArrayLike<number>;
  /** n·D states, row k is the state f_{t_k} is applied to. */
  readonly prev: ArrayLike<number>;
  /** Batch sequence index the dynamics see as `sequence` (default 0). */
  readonly sequence?: number;
  /** n·D vectors v_k: with them, `vjp` is evaluated too (the dynamics must define `fn vjp`). */
  readonly v?: ArrayLike<number>;
}

/** What {@link GpuRuntime.evaluate} returns (f32). */
export interface Evaluation {
  /** n·D: f_{t_k}(s_k). */
  readonly step: Float32Array;
  /** n·D: diag ∂f_{t_k}/∂s at s_k. */
  readonly diagonal: Float32Array;
  /** n·D·D row-major Jacobians, when the dynamics define `jacobian` and D ≤ 64 (a D×D matrix per GPU thread). */
  readonly jacobian: Float32Array | undefined;
  /** n·D: v_kᵀ ∂f_{t_k}/∂s at s_k, when `points.v` is given. */
  readonly vjp: Float32Array | undefined;
}

/** Whether {@link evaluateKernel} calls the dynamics' `jacobian` (defined, and D ≤ {@link maxJacobianDim}). */
function evaluatesJacobian(dyn: GpuDynamics): boolean {
  return dyn.hasJacobian && dyn.dim <= maxJacobianDim;
}

/**
 * One thread per point: calls step, diagonal, (if defined, for D ≤ 64) jacobian and, with
 * `withVjp`, vjp at the point's vector v.
 */
export function evaluateKernel(dyn: GpuDynamics, withVjp = false): KernelSpec {
  const storage: StorageSlot[] = [
    { name: 't', access: 'read' },
    { name: 'prev', access: 'read' },
    { name: 'f', access: 'read_write' },
    { name: 'diag', access: 'read_write' },
  ];
  const withJacobian = evaluatesJacobian(dyn);
  if (withJacobian) storage.push({ name: 'jac', access: 'read_write' });
  if (withVjp) storage.push({ name: 'v', access: 'read' }, { name: 'vjp', access: 'read_write' });
  const body = `
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) li: u32) {
  let k = unroll_thread(wg, li);
  if (k >= unroll_u.count) { return; }
  sequence = unroll_u.sequence;
  let t = bitcast<u32>(unroll_t[k - unroll_u.base_t]);
  var s: State;
  for (var i = 0u; i < D; i++) { s[i] = unroll_prev[k * D + i - unroll_u.base_prev]; }
  let f = step(t, s);
  let a = diagonal(t, s);
  for (var i = 0u; i < D; i++) {
    unroll_f[k * D + i - unroll_u.base_f] = f[i];
    unroll_diag[k * D + i - unroll_u.base_diag] = a[i];
  }
  ${withJacobian ? `let J = jacobian(t, s);
  for (var i = 0u; i < D * D; i++) { unroll_jac[k * D * D + i - unroll_u.base_jac] = J[i]; }` : ''}
  ${withVjp ? `var v: State;
  for (var i = 0u; i < D; i++) { v[i] = unroll_v[k * D + i - unroll_u.base_v]; }
  let w = vjp(t, s, v);
  for (var i = 0u; i < D; i++) { unroll_vjp[k * D + i - unroll_u.base_vjp] = w[i]; }` : ''}
}`;
  return { label: `evaluate ${dyn.name}`, storage, uniforms: [['sequence', 'u32']], lanes: 1, body, dynamics: dynamicsSource(dyn) };
}

/** Runs {@link evaluateKernel} at the points and reads the results back. */
export async function evaluateDynamics(ctx: GpuContext, dyn: GpuDynamics, points: EvaluationPoints): Promise<Evaluation> {
  const where = 'evaluate';
  ctx.check(where);
  checkDynamics(where, dyn);
  const D = dyn.dim;
  const p = optionsObject(where, 'points', points, ['t', 'prev', 'sequence', 'v'], '{ t: [1, 2], prev: [...] }', false);
  const ts = numberArray(where, 'points.t', p['t']);
  const prev = toF32(where, 'points.prev', p['prev']);
  const n = ts.length;
  if (n === 0) throw new UnrollError('INVALID_ARGUMENT', `${where}: give at least one point.`);
  if (prev.length !== n * D) {
    throw new UnrollError('DIMENSION_MISMATCH', `${where}: prev has ${prev.length} numbers; ${n} points of D = ${D} need ${n * D}.`);
  }
  checkFloats(where, evaluatesJacobian(dyn) ? 'the Jacobians' : 'the states', evaluatesJacobian(dyn) ? n * D * D : n * D, ctx.limits.maxBufferBytes);
  const v = p['v'] === undefined ? undefined : toF32(where, 'points.v', p['v']);
  if (v !== undefined) {
    if (!wgslDeclares(dyn.wgsl, 'vjp')) {
      throw new UnrollError('UNSUPPORTED', `${where}: points.v asks for vjp, but ${dyn.name}'s WGSL defines no \`fn vjp(t: u32, s: State, v: State) -> State\`; define it, or omit v.`);
    }
    if (v.length !== n * D) throw new UnrollError('DIMENSION_MISMATCH', `${where}: v has ${v.length} numbers; ${n} points of D = ${D} need ${n * D}.`);
  }
  const tBits = new Uint32Array(n);
  for (let k = 0; k < n; k++) {
    const t = ts[k];
    if (typeof t !== 'number' || !Number.isInteger(t) || t < 1 || t > maxIndex) throw new UnrollError('INVALID_ARGUMENT', `${where}: t[${k}] = ${describe(t)}; steps are 1-based integers below 2³².`);
    tBits[k] = t;
  }
  const sequence = p['sequence'] ?? 0;
  if (typeof sequence !== 'number' || !Number.isInteger(sequence) || sequence < 0 || sequence > maxIndex) {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: sequence must be a non-negative integer below 2³², got ${describe(sequence)}.`);
  }
  const made: GPUBuffer[] = [];
  const keep = (b: GPUBuffer) => (made.push(b), b);
  let dispatch: Dispatch | undefined;
  try {
    const params = uploadParams(ctx, dyn);
    keep(params.buffer);
    const bufT = keep(ctx.storage(new Float32Array(tBits.buffer), 'evaluate t'));
    const bufPrev = keep(ctx.storage(prev, 'evaluate prev'));
    const out = (floats: number, label: string) => keep(ctx.buffer(floats * 4, usage.storage | usage.copySrc, label));
    const f = out(n * D, 'evaluate f');
    const diag = out(n * D, 'evaluate diagonal');
    const jac = evaluatesJacobian(dyn) ? out(n * D * D, 'evaluate jacobian') : undefined;
    const bufV = v === undefined ? undefined : keep(ctx.storage(v, 'evaluate v'));
    const w = v === undefined ? undefined : out(n * D, 'evaluate vjp');
    const rows = (b: GPUBuffer, width: number) => ({ buffer: b, range: (i0: number, i1: number) => rowRange(i0, i1, width, 0, width) });
    dispatch = await Dispatch.create(
      ctx,
      evaluateKernel(dyn, v !== undefined),
      n,
      {
        t: rows(bufT, 1),
        prev: rows(bufPrev, D),
        f: rows(f, D),
        diag: rows(diag, D),
        ...(jac === undefined ? {} : { jac: rows(jac, D * D) }),
        ...(bufV === undefined || w === undefined ? {} : { v: rows(bufV, D), vjp: rows(w, D) }),
      },
      { sequence },
      params.group,
    );
    await ctx.allocated('evaluate');
    const encoder = ctx.device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    dispatch.encode(pass);
    pass.end();
    ctx.device.queue.submit([encoder.finish()]);
    return {
      step: await ctx.read(f, n * D, 0, 'evaluate'),
      diagonal: await ctx.read(diag, n * D, 0, 'evaluate'),
      jacobian: jac === undefined ? undefined : await ctx.read(jac, n * D * D, 0, 'evaluate'),
      vjp: w === undefined ? undefined : await ctx.read(w, n * D, 0, 'evaluate'),
    };
  } finally {
    dispatch?.destroy();
    for (const b of made) ctx.release(b);
  }
}

/** Compiles the kernel that calls every function the dynamics define (vjp too): WGSL errors surface here. */
export async function compileDynamics(ctx: GpuContext, dyn: GpuDynamics): Promise<void> {
  checkDynamics('compile', dyn);
  const spec = evaluateKernel(dyn, wgslDeclares(dyn.wgsl, 'vjp'));
  const layout = ctx.kernelLayout(spec.storage.map((s) => s.access));
  const d = dynamicsSource(dyn);
  await ctx.pipeline(kernelSource(spec), [layout, ctx.paramsLayout], { name: d.name, firstLine: d.firstLine, lastLine: d.lastLine });
}
