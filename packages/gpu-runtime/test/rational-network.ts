import { defineDynamics, type Dynamics } from '@unroll/linearize';

/**
 * s_t = g·W φ(s_{t−1}) + u_t with φ(x) = x / (1 + |x|) and a sawtooth input u_{t,i} =
 * ((7t + 3i) mod 11)/11 − ½, D = √(W.length): a small network written once — TypeScript
 * with its Jacobian and diagonal, and WGSL from the same weights — in one
 * `defineDynamics`, so both backends solve the same object. Arithmetic alone (no tanh or
 * sin, whose f32 approximations differ between devices by ~1e-5), so the backends agree to
 * rounding.
 */
export function rationalNetwork(g: number, W: readonly number[]): Dynamics {
  const D = Math.round(Math.sqrt(W.length));
  const w = (i: number, j: number) => W[i * D + j] ?? 0;
  return defineDynamics({
    dim: D,
    name: 'rational-rnn',
    step(t, s, so, out, oo) {
      for (let i = 0; i < D; i++) {
        let acc = 0;
        for (let j = 0; j < D; j++) {
          const x = s[so + j] ?? 0;
          acc += w(i, j) * (x / (1 + Math.abs(x)));
        }
        out[oo + i] = g * acc + (((7 * t + 3 * i) % 11) / 11 - 0.5);
      }
    },
    jacobian(_t, s, so, J, jo) {
      for (let i = 0; i < D; i++) {
        for (let j = 0; j < D; j++) {
          const c = 1 + Math.abs(s[so + j] ?? 0);
          J[jo + i * D + j] = (g * w(i, j)) / (c * c);
        }
      }
    },
    diagonal(_t, s, so, out, oo) {
      for (let i = 0; i < D; i++) {
        const c = 1 + Math.abs(s[so + i] ?? 0);
        out[oo + i] = (g * w(i, i)) / (c * c);
      }
    },
    wgsl: {
      params: [g, ...W],
      source: `
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
        }
        fn vjp(t: u32, s: State, v: State) -> State {
          let J = jacobian(t, s);
          var out: State;
          for (var j = 0u; j < D; j++) {
            var acc = 0.0;
            for (var i = 0u; i < D; i++) { acc += v[i] * J[i * D + j]; }
            out[j] = acc;
          }
          return out;
        }`,
    },
  });
}

/** The 3×3 network of the ELK and window tests: g = 0.7 contracts, g = 1.6 is unstable enough that ELK's trust region matters. */
export function network(g: number): { gpu: Dynamics; cpu: Dynamics } {
  const dyn = rationalNetwork(g, [0.9, -0.4, 0.3, 0.5, 0.8, -0.6, -0.3, 0.7, 0.6]);
  return { gpu: dyn, cpu: dyn };
}
