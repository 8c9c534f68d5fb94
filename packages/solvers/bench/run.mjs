// Solver benchmarks: the cost of one iteration of each method relative to one sequential
// rollout of the same GRU, and the iterations each needs to converge — one run, one machine.
//
//   node bench/run.mjs [--quick] [--markdown]
import os from 'node:os';
import { elk, solve } from '../dist/index.js';
import { gru } from './gru.mjs';

const quick = process.argv.includes('--quick');
const markdown = process.argv.includes('--markdown');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const cases = quick
  ? [{ D: 8, T: 10_000 }]
  : [
      { D: 8, T: 10_000 },
      { D: 8, T: 100_000 },
      { D: 64, T: 10_000 },
    ];
const methods = [
  { name: 'deer', opts: { method: 'deer' }, maxD: 8 },
  { name: 'quasi-deer', opts: { method: 'quasi-deer' } },
  { name: 'picard', opts: { method: 'picard' } },
  { name: 'jacobi', opts: { method: 'jacobi' } },
  { name: 'clip-elk', opts: { method: 'clip-elk' } },
  { name: 'quasi-elk λ=1', opts: { method: elk({ lambda: 1, base: 'diagonal' }) } },
];

const rows = [];
for (const { D, T } of cases) {
  const dyn = gru(D, 7);
  const s0 = new Float64Array(D).fill(0.1);
  // One sequential rollout, median of several (after a warm-up for the JIT).
  for (let k = 0; k < 3; k++) solve(dyn, s0, T, { method: 'sequential' });
  const rollouts = [];
  for (let k = 0; k < (quick ? 5 : 9); k++) {
    const t0 = performance.now();
    solve(dyn, s0, T, { method: 'sequential' });
    rollouts.push(performance.now() - t0);
  }
  const rolloutMs = median(rollouts);
  for (const { name, opts, maxD } of methods) {
    if (maxD !== undefined && D > maxD) continue;
    // Per-iteration time: gaps between successive onIteration calls (iterations 2…).
    const stamps = [];
    solve(dyn, s0, T, { ...opts, tol: 1e-300, maxIterations: quick ? 6 : 10, onIteration: () => { stamps.push(performance.now()); } });
    const gaps = stamps.slice(1).map((t, i) => t - stamps[i]);
    const iterationMs = median(gaps);
    // To convergence, capped: Picard can need thousands of iterations on a GRU.
    const cap = Math.min(T, 1000);
    const t0 = performance.now();
    const run = solve(dyn, s0, T, { ...opts, maxIterations: cap });
    const totalMs = performance.now() - t0;
    rows.push({
      method: name,
      D,
      T,
      'rollout ms': rolloutMs.toFixed(1),
      'iteration ms': iterationMs.toFixed(1),
      'iteration / rollout': (iterationMs / rolloutMs).toFixed(2),
      iterations: run.converged ? String(run.iterations) : `> ${cap}`,
      'solve / rollout': run.converged ? (totalMs / rolloutMs).toFixed(1) : '—',
    });
  }
}

const machine = `${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, Node ${process.version}`;
if (markdown) {
  const keys = Object.keys(rows[0]);
  console.log(`Machine: ${machine}\n`);
  console.log(`| ${keys.join(' | ')} |`);
  console.log(`| ${keys.map(() => '---').join(' | ')} |`);
  for (const r of rows) console.log(`| ${keys.map((k) => r[k]).join(' | ')} |`);
} else {
  console.log(`@unroll/solvers — GRU cell, float64, one iteration vs one sequential rollout (${machine})`);
  console.table(rows);
  console.log('iteration / rollout: median time of one fixed-point iteration over one sequential rollout (targets: quasi-DEER ≤ 3, Picard/Jacobi ≤ 2).');
  console.log('iterations: to convergence (tol 1e-8, delta rule; capped at 1000); solve / rollout: the whole solve on one CPU thread over one rollout.');
}
