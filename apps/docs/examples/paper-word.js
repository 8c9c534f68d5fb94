// Reproducing the papers, case study 1 (unifying framework, §5.1): the word problem over
// S5. Newton with the exact (permutation) Jacobian is exact after one iterate; the other
// choices of Ã_t approximate a permutation badly and need about T iterations.
import { groupWord } from '@unroll/systems';
import { jacobi, newton, picard, quasiDeer, solveAsync } from '@unroll/solvers';

/** @param {import('./context.js').ExampleContext} ctx */
export async function run(ctx) {
  const rows = [];
  const Ts = [64, 256];
  for (const [k, T] of Ts.entries()) {
    const word = groupWord({ n: 5, seed: 0, length: T });
    const s0 = [0, 1, 2, 3, 4];
    for (const [name, method] of [['DEER (permutation structure)', newton(word.strategy)], ['quasi-DEER', quasiDeer()], ['Picard', picard()], ['Jacobi', jacobi()]]) {
      ctx.progress((k + 0.5) / Ts.length, `T = ${T}, ${name}`);
      const r = await solveAsync(word, s0, T, { method, stop: 'merit', tol: 1e-16, signal: ctx.signal });
      rows.push([T, name, r.iterations, `${r.iterations} / ${T}`, r.converged]);
    }
  }
  return {
    summary: ['The paper: Newton 1 iteration at every T; quasi-DEER, Picard and Jacobi need nearly T.'],
    tables: [{ title: 'Word problem over S5: iterations to converge (stop: merit, L/T < 1e-16)', columns: ['T', 'method', 'iterations', 'iterations / T', 'converged'], rows }],
    figures: [],
  };
}
