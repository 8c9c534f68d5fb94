// Concepts: two ways a chaotic system fools a parallel solve, and what unroll reports.
import { henonMap, logisticMap } from '@unroll/systems';
import { sequentialRollout, solveAsync } from '@unroll/solvers';

/** @param {import('./context.js').ExampleContext} ctx */
export async function run(ctx) {
  // 1. The trap: on the chaotic Hénon map the scan's Jacobian products overflow, resets put
  //    initial-guess values back, and the change between iterates can vanish on a wrong
  //    trajectory. The residual check decides what `converged` says.
  const henon = henonMap({ a: 1.4, b: 0.3 });
  const T1 = 200;
  const trace = [];
  const trap = await solveAsync(henon, [0.1, 0.1], T1, {
    method: 'deer', signal: ctx.signal,
    onIteration(info) { ctx.progress(0.5 * info.iteration / T1, 'Hénon'); },
  });
  trap.trace.delta.forEach((d, i) => trace.push({ iteration: i + 1, value: d, quantity: 'max change between iterates' }));
  trap.trace.merit.forEach((m, i) => trace.push({ iteration: i + 1, value: m, quantity: 'merit L(s)/T (the residual)' }));
  const resets = trap.trace.resets.reduce((a, b) => a + b, 0);

  // 2. The shadow trajectory: on the logistic map at r = 4 (λ = ln 2) a converged iterate
  //    has every residual at rounding level, yet parts from the sequential rollout like 2^t.
  const logistic = logisticMap({ r: 4 });
  const T2 = 80;
  const exact = sequentialRollout(logistic, [0.3], T2, new Float64Array(T2));
  const shadow = await solveAsync(logistic, [0.3], T2, { method: 'deer', stop: 'merit', tol: 1e-30, signal: ctx.signal });
  const gap = [];
  for (let t = 1; t <= T2; t++) gap.push({ t, '|s_t − s_seq,t|': Math.abs((shadow.states[t - 1] ?? NaN) - (exact[t - 1] ?? NaN)) });
  const residual = maxResidual(logistic, [0.3], shadow.states, T2);
  const error = maxDifference(shadow.states, exact);
  ctx.progress(1, 'done');
  return {
    summary: [
      `Hénon, T = ${T1}: ${trap.iterations} iterations — near T, as on every chaotic system — and ${resets} entries reset; converged: ${trap.converged ? 'yes' : 'no'}, decided by the residual, never by the change alone.`,
      `Logistic r = 4, T = ${T2}: every residual ≤ ${residual.toExponential(1)}, yet the iterate is up to ${error.toPrecision(2)} away from the rollout: a shadow trajectory. Compare merits, not states, on chaotic systems.`,
    ],
    tables: [{
      title: 'What a parallel solve certifies on chaotic systems',
      columns: ['system', 'T', 'iterations', 'resets', 'converged', 'max |residual|', 'max |s − s_seq|'],
      rows: [
        ['Hénon (1.4, 0.3)', T1, trap.iterations, resets, trap.converged, maxResidual(henon, [0.1, 0.1], trap.states, T1), maxDifference(trap.states, sequentialRollout(henon, [0.1, 0.1], T1, new Float64Array(2 * T1)))],
        ['logistic r = 4', T2, shadow.iterations, shadow.trace.resets.reduce((a, b) => a + b, 0), shadow.converged, residual, error],
      ],
    }],
    figures: [
      { title: 'Hénon: change between iterates vs the residual', x: 'iteration', y: 'value', series: 'quantity', logY: true, data: trace },
      { title: 'Logistic r = 4: the shadow trajectory parts from the rollout like e^{λt}', x: 't', y: '|s_t − s_seq,t|', logY: true, data: gap },
    ],
  };
}

/** max_t |s_t − f_t(s_{t−1})| over a trajectory: what a parallel solve certifies. */
function maxResidual(dyn, s0, states, T) {
  const D = dyn.dim, prev = new Float64Array(D), next = new Float64Array(D);
  prev.set(s0);
  let m = 0;
  for (let t = 1; t <= T; t++) {
    dyn.step(t, prev, 0, next, 0);
    for (let i = 0; i < D; i++) {
      m = Math.max(m, Math.abs((states[(t - 1) * D + i] ?? NaN) - (next[i] ?? NaN)));
      prev[i] = states[(t - 1) * D + i] ?? NaN;
    }
  }
  return m;
}

/** max |a − b| over two trajectories. */
function maxDifference(a, b) {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] ?? NaN) - (b[i] ?? NaN)));
  return m;
}
