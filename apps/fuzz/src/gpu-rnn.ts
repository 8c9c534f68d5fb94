import { defineDynamics, type DefinedDynamics } from '@unroll/linearize';

/**
 * The GPU cycles' system: s_t = tanh(clamp(W s_{t−1} + u)), one Dynamics with its float64
 * TypeScript and its WGSL (with diagonal and Jacobian), both on the same float32-rounded
 * weights. The clamp to ±15 changes nothing in float32 (tanh(15) rounds to 1) but keeps
 * any WGSL tanh that is computed through exponentials away from ∞/∞ when an iterate
 * wanders far. With ‖W‖∞ = L < 1 the system contracts with constant L.
 */
export interface GpuRnn {
  /** The system, as the GPU runtime takes it (it carries `wgsl`). */
  readonly gpu: DefinedDynamics;
  /** The same object, as the CPU reference takes it. */
  readonly cpu: DefinedDynamics;
  /** ‖W‖∞ of the float32 weights. */
  readonly lipschitz: number;
}

const wgsl = `
fn pre(i: u32, s: State) -> f32 {
  var acc = params[D * D + i];
  for (var j = 0u; j < D; j++) { acc += params[i * D + j] * s[j]; }
  return clamp(acc, -15.0, 15.0);
}
fn step(t: u32, s: State) -> State {
  var o: State;
  for (var i = 0u; i < D; i++) { o[i] = tanh(pre(i, s)); }
  return o;
}
fn diagonal(t: u32, s: State) -> State {
  var o: State;
  for (var i = 0u; i < D; i++) { let h = tanh(pre(i, s)); o[i] = (1.0 - h * h) * params[i * D + i]; }
  return o;
}
fn jacobian(t: u32, s: State) -> Jacobian {
  var J: Jacobian;
  for (var i = 0u; i < D; i++) {
    let h = tanh(pre(i, s));
    for (var j = 0u; j < D; j++) { J[i * D + j] = (1.0 - h * h) * params[i * D + j]; }
  }
  return J;
}`;

/** The RNN of weights W (row-major D×D) and inputs u, on both backends. */
export function gpuRnn(D: number, W: readonly number[], u: readonly number[]): GpuRnn {
  const w = Float32Array.from(W);
  const b = Float32Array.from(u);
  const pre = (i: number, s: ArrayLike<number>, so: number): number => {
    let acc = b[i] ?? 0;
    for (let j = 0; j < D; j++) acc += (w[i * D + j] ?? 0) * (s[so + j] ?? 0);
    return Math.min(15, Math.max(-15, acc));
  };
  const dyn = defineDynamics({
    dim: D,
    name: 'gpu-rnn',
    wgsl: { source: wgsl, params: [...w, ...b] },
    step(_t, s, so, out, oo) {
      for (let i = 0; i < D; i++) out[oo + i] = Math.tanh(pre(i, s, so));
    },
    jacobian(_t, s, so, out, oo) {
      for (let i = 0; i < D; i++) {
        const h = Math.tanh(pre(i, s, so));
        for (let j = 0; j < D; j++) out[oo + i * D + j] = (1 - h * h) * (w[i * D + j] ?? 0);
      }
    },
  });
  let lipschitz = 0;
  for (let i = 0; i < D; i++) {
    let sum = 0;
    for (let j = 0; j < D; j++) sum += Math.abs(w[i * D + j] ?? 0);
    lipschitz = Math.max(lipschitz, sum);
  }
  return { gpu: dyn, cpu: dyn, lipschitz };
}
