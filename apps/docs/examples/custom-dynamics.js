// Extend it: your own dynamics, once in TypeScript/JavaScript for the CPU and once in WGSL
// for the GPU — the same object runs on both. Pick the GPU backend above to try WebGPU.
import { defineDynamics } from '@unroll/linearize';
import { sequentialRollout, solveAsync } from '@unroll/solvers';

/** @param {import('./context.js').ExampleContext} ctx */
export async function run(ctx) {
  const D = 4, T = 2000, a = 0.8;
  // s_t = a tanh(s_{t−1}) + 0.5 sin(0.01 t + i): decoupled, so the diagonal is the Jacobian.
  const cell = defineDynamics({
    dim: D,
    step: (t, s, so, out, oo) => { for (let i = 0; i < D; i++) out[oo + i] = a * Math.tanh(s[so + i] ?? 0) + 0.5 * Math.sin(0.01 * t + i); },
    diagonal: (_t, s, so, out, oo) => { for (let i = 0; i < D; i++) { const th = Math.tanh(s[so + i] ?? 0); out[oo + i] = a * (1 - th * th); } },
    wgsl: {
      source: /* wgsl */ `
        fn step(t: u32, s: State) -> State {
          var out: State;
          for (var i = 0u; i < D; i++) { out[i] = params[0] * tanh(s[i]) + 0.5 * sin(0.01 * f32(t) + f32(i)); }
          return out;
        }
        fn diagonal(t: u32, s: State) -> State {
          var out: State;
          for (var i = 0u; i < D; i++) { let th = tanh(s[i]); out[i] = params[0] * (1.0 - th * th); }
          return out;
        }`,
      params: Float32Array.of(a),
    },
  });
  const s0 = new Float64Array(D);
  const exact = sequentialRollout(cell, s0, T, new Float64Array(T * D));
  const access = ctx.backend === 'gpu' ? await ctx.gpu() : undefined;
  const rt = access?.runtime;
  const r = await solveAsync(cell, rt === undefined ? s0 : new Float32Array(D), T, {
    method: 'quasi-deer', signal: ctx.signal,
    ...(rt === undefined ? {} : { backend: rt }),
    onIteration(info) { ctx.progress(info.iteration / 20, `iteration ${info.iteration}`); },
  });
  let error = 0;
  for (let i = 0; i < exact.length; i++) error = Math.max(error, Math.abs((r.states[i] ?? NaN) - (exact[i] ?? NaN)));
  const backend = rt === undefined ? 'CPU (float64)' : 'GPU (WebGPU, float32)';
  const trajectory = [];
  for (let t = 1; t <= T; t += 5) for (let i = 0; i < 2; i++) trajectory.push({ t, s: r.states[(t - 1) * D + i] ?? NaN, coordinate: `s[${i}]` });
  return {
    summary: access?.reason === undefined ? [`Ran on the ${backend}.`] : [`GPU requested, but ${access.reason}.`],
    tables: [{ title: 'quasi-DEER on your dynamics', columns: ['backend', 'T', 'iterations', 'converged', 'max |s − s_seq| (float64 rollout)'], rows: [[backend, T, r.iterations, r.converged, error]] }],
    figures: [{ title: 'The solved trajectory (two coordinates)', x: 't', y: 's', series: 'coordinate', data: trajectory }],
  };
}
