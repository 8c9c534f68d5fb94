// Getting started: a nonlinear recurrence solved in parallel, checked against the loop.
import { defineDynamics } from '@unroll/linearize';
import { sequentialRollout, solveAsync } from '@unroll/solvers';

/** @param {import('./context.js').ExampleContext} ctx */
export async function run(ctx) {
  // s_t = 0.9 tanh(s_{t−1}) + sin(0.1 t), with its exact diagonal Jacobian
  const cell = defineDynamics({
    dim: 1,
    step: (t, s, so, out, oo) => { out[oo] = 0.9 * Math.tanh(s[so] ?? 0) + Math.sin(0.1 * t); },
    diagonal: (_t, s, so, out, oo) => { const th = Math.tanh(s[so] ?? 0); out[oo] = 0.9 * (1 - th * th); },
  });
  const T = 10_000;
  const exact = sequentialRollout(cell, [0], T, new Float64Array(T));
  const rows = [], data = [];
  for (const method of ['quasi-deer', 'jacobi']) {
    const r = await solveAsync(cell, [0], T, { method, signal: ctx.signal });
    let error = 0;
    for (let i = 0; i < T; i++) error = Math.max(error, Math.abs((r.states[i] ?? NaN) - (exact[i] ?? NaN)));
    rows.push([method, r.iterations, r.converged, roundingLevel(error)]);
    r.trace.merit.forEach((merit, i) => data.push({ iteration: i + 1, 'merit L/T': merit, method }));
  }
  return {
    summary: [`T = ${T} steps; each method is a handful of parallel iterations, not ${T} sequential steps.`],
    tables: [{ title: 'Iterations to converge', columns: ['method', 'iterations', 'converged', 'max |s − s_seq|'], rows }],
    figures: [{ title: 'Merit per iteration', x: 'iteration', y: 'merit L/T', series: 'method', logY: true, data }],
  };
}

/** Errors at rounding level differ in their last bits from one JavaScript engine to another: show them as such. */
function roundingLevel(error) {
  return error < 1e-12 ? '< 1e-12' : error;
}
