// Concepts: the methods are choices of Ã_t, and the choice decides the iterations.
// A GRU at initialization (the unifying-framework paper's first case study).
import { gru } from '@unroll/systems';
import { clipElk, deer, jacobi, picard, quasiDeer, sequentialRollout, solveAsync } from '@unroll/solvers';

/** @param {import('./context.js').ExampleContext} ctx */
export async function run(ctx) {
  const D = 4, T = 256;
  const rnn = gru({ dim: D, inputDim: 0, seed: 1 });
  const s0 = new Float64Array(D).fill(0.5);
  const exact = sequentialRollout(rnn, s0, T, new Float64Array(T * D));
  const methods = [
    ['DEER (Ã = J)', deer(), D * D],
    ['quasi-DEER (Ã = diag J)', quasiDeer(), D],
    ['clip-ELK (diag J clipped to [−1, 1])', clipElk(), D],
    ['Jacobi (Ã = 0)', jacobi(), 0],
    ['Picard (Ã = I)', picard(), 0],
  ];
  const rows = [], merit = [], error = [];
  for (const [i, [name, method, stored]] of methods.entries()) {
    const r = await solveAsync(rnn, s0, T, {
      method, stop: 'merit', tol: 1e-16, signal: ctx.signal,
      onIteration(info) {
        let e = 0;
        for (let k = 0; k < info.states.length; k++) e = Math.max(e, Math.abs((info.states[k] ?? NaN) - (exact[k] ?? NaN)));
        error.push({ iteration: info.iteration, 'max |s − s_seq|': e, method: name });
        ctx.progress((i + info.iteration / T) / methods.length, name);
      },
    });
    rows.push([name, stored, r.iterations, r.converged]);
    r.trace.merit.forEach((m, k) => merit.push({ iteration: k + 1, 'merit L/T': m, method: name }));
  }
  return {
    summary: [`GRU, D = ${D}, T = ${T}, seed 1; stop when L(s)/T < 1e-16.`],
    tables: [{ title: 'One loop, five choices of Ã_t', columns: ['method', 'numbers of Ã_t per step', 'iterations', 'converged'], rows }],
    figures: [
      { title: 'Merit per iteration', x: 'iteration', y: 'merit L/T', series: 'method', logY: true, data: merit },
      { title: 'Error against the sequential rollout', x: 'iteration', y: 'max |s − s_seq|', series: 'method', logY: true, data: error },
    ],
  };
}
