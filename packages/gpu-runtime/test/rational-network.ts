import { defineDynamics } from '@unroll/linearize';
import { defineGpuDynamics } from '../src/index.js';

/**
 * s_t = g·W φ(s_{t−1}) + u_t with φ(x) = x / (1 + |x|) and a sawtooth input u_{t,i} =
 * ((7t + 3i) mod 11)/11 − ½: a small network on both backends built from arithmetic
 * alone (no tanh or sin, whose f32 approximations differ between devices by ~1e-5), so
 * the backends agree to rounding. W is a fixed 3×3 matrix; g = 0.7 contracts, g = 1.6 is
 * unstable enough that the trust region matters.
 */
const W = [0.9, -0.4, 0.3, 0.5, 0.8, -0.6, -0.3, 0.7, 0.6];
export function network(g: number) {
  const gpu = defineGpuDynamics({
    dim: 3,
    params: [g, ...W],
    wgsl: `
      fn phi(x: f32) -> f32 { return x / (1.0 + abs(x)); }
      fn step(t: u32, s: State) -> State {
        var out: State;
        for (var i = 0u; i < D; i++) {
          var acc = 0.0;
          for (var j = 0u; j < D; j++) { acc += params[1u + i * D + j] * phi(s[j]); }
          out[i] = params[0] * acc + (f32((7u * t + 3u * i) % 11u) / 11.0 - 0.5);
        }
        return out;
      }
      fn jacobian(t: u32, s: State) -> Jacobian {
        var J: Jacobian;
        for (var i = 0u; i < D; i++) {
          for (var j = 0u; j < D; j++) { let c = 1.0 + abs(s[j]); J[i * D + j] = params[0] * params[1u + i * D + j] / (c * c); }
        }
        return J;
      }
      fn diagonal(t: u32, s: State) -> State {
        var out: State;
        for (var i = 0u; i < D; i++) { let c = 1.0 + abs(s[i]); out[i] = params[0] * params[1u + i * D + i] / (c * c); }
        return out;
      }`,
  });
  const cpu = defineDynamics({
    dim: 3,
    step(t, s, so, out, oo) {
      for (let i = 0; i < 3; i++) {
        let acc = 0;
        for (let j = 0; j < 3; j++) {
          const x = s[so + j] ?? 0;
          acc += (W[i * 3 + j] ?? 0) * (x / (1 + Math.abs(x)));
        }
        out[oo + i] = g * acc + (((7 * t + 3 * i) % 11) / 11 - 0.5);
      }
    },
    jacobian(_t, s, so, out, oo) {
      for (let i = 0; i < 3; i++) {
        for (let j = 0; j < 3; j++) {
          const c = 1 + Math.abs(s[so + j] ?? 0);
          out[oo + i * 3 + j] = (g * (W[i * 3 + j] ?? 0)) / (c * c);
        }
      }
    },
    diagonal(_t, s, so, out, oo) {
      for (let i = 0; i < 3; i++) {
        const c = 1 + Math.abs(s[so + i] ?? 0);
        out[oo + i] = (g * (W[i * 4] ?? 0)) / (c * c);
      }
    },
  });
  return { gpu, cpu };
}
