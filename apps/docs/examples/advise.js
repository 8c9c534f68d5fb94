// Will it parallelize? Ask the advisor before paying for a parallel solve.
import { meanFieldRnn } from '@unroll/systems';
import { advise } from '@unroll/theory';

/** @param {import('./context.js').ExampleContext} ctx */
export async function run(ctx) {
  const D = 32, T = 1000;
  const rows = [], summary = [];
  for (const [i, g] of [0.5, 2].entries()) {
    ctx.progress(i / 2, `g = ${g}`);
    const advice = advise(meanFieldRnn({ dim: D, g, seed: 1 }), new Array(D).fill(0.5), T);
    rows.push([g, advice.lle, advice.predictable, advice.recommended, advice.parallelMethod, advice.predictedIterations, advice.relativeCost]);
    summary.push(`g = ${g}: ${advice.reasons.join(' ')}`);
  }
  return {
    summary,
    tables: [{ title: `advise(meanFieldRnn({ dim: ${D}, g, seed: 1 }), s0, ${T})`, columns: ['g', 'LLE λ', 'predictable', 'recommended', 'parallel method', 'predicted iterations', 'relative cost'], rows }],
    figures: [],
  };
}
