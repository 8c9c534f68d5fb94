// Batched evaluation: one quasi-DEER (and Jacobi) iteration of the reference cells — the
// GRU and the mean-field tanh RNN — evaluated in blocks (`dyn.block`, four rows per pass
// over the weights) and one step at a time (the same dynamics with `block` removed),
// each against one sequential rollout, interleaved round by round in one process.
//
//   node bench/batched.mjs [--quick] [--markdown]
import os from 'node:os';
import { solve } from '@unroll/solvers';
import { gru, meanFieldRnn } from '../dist/index.js';

const quick = process.argv.includes('--quick');
const markdown = process.argv.includes('--markdown');
const rounds = quick ? 3 : 7;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const cases = [
  { name: 'gru', D: 8, T: quick ? 20_000 : 100_000, make: (D) => gru({ dim: D, inputDim: 0, seed: 7 }) },
  { name: 'gru', D: 64, T: quick ? 2_000 : 10_000, make: (D) => gru({ dim: D, inputDim: 0, seed: 7 }) },
  { name: 'tanh RNN (mean-field, g = 0.9)', D: 16, T: quick ? 10_000 : 50_000, make: (D) => meanFieldRnn({ dim: D, g: 0.9, seed: 7 }) },
  { name: 'tanh RNN (mean-field, g = 0.9)', D: 64, T: quick ? 2_000 : 10_000, make: (D) => meanFieldRnn({ dim: D, g: 0.9, seed: 7 }) },
];

/** Median gap between successive iterations (2…), tol 0 so every run does the same work. */
function iterationMs(dyn, s0, T, method) {
  const stamps = [];
  solve(dyn, s0, T, { method, tol: 1e-300, maxIterations: 6, onIteration: () => { stamps.push(performance.now()); } });
  return median(stamps.slice(1).map((t, i) => t - stamps[i]));
}

function rolloutMs(dyn, s0, T) {
  const t0 = performance.now();
  solve(dyn, s0, T, { method: 'sequential' });
  return performance.now() - t0;
}

const rows = [];
for (const { name, D, T, make } of cases) {
  const batched = make(D);
  const perStep = { ...batched, block: undefined };
  const s0 = new Float64Array(D).fill(0.1);
  const times = { rollout: [], qBatched: [], qPerStep: [], jBatched: [], jPerStep: [] };
  iterationMs(batched, s0, T, 'quasi-deer'); // JIT warm-up
  iterationMs(perStep, s0, T, 'quasi-deer');
  for (let r = 0; r < rounds; r++) {
    times.rollout.push(rolloutMs(batched, s0, T));
    times.qBatched.push(iterationMs(batched, s0, T, 'quasi-deer'));
    times.qPerStep.push(iterationMs(perStep, s0, T, 'quasi-deer'));
    times.jBatched.push(iterationMs(batched, s0, T, 'jacobi'));
    times.jPerStep.push(iterationMs(perStep, s0, T, 'jacobi'));
  }
  const m = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
  rows.push({
    dynamics: name,
    D,
    T,
    'rollout ms': m.rollout.toFixed(1),
    'quasi-DEER iteration / rollout (batched)': (m.qBatched / m.rollout).toFixed(2),
    'quasi-DEER iteration / rollout (per step)': (m.qPerStep / m.rollout).toFixed(2),
    'per step / batched (quasi-DEER)': (m.qPerStep / m.qBatched).toFixed(2),
    'per step / batched (Jacobi)': (m.jPerStep / m.jBatched).toFixed(2),
  });
}

const machine = `${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, Node ${process.version}, load ${os.loadavg()[0].toFixed(1)}`;
if (markdown) {
  const keys = Object.keys(rows[0]);
  console.log(`Machine: ${machine}\n`);
  console.log(`| ${keys.join(' | ')} |`);
  console.log(`| ${keys.map(() => '---').join(' | ')} |`);
  for (const r of rows) console.log(`| ${keys.map((k) => r[k]).join(' | ')} |`);
} else {
  console.log(`@unroll/systems — batched evaluation, float64, one thread (${machine}); medians of ${rounds} interleaved rounds`);
  console.table(rows);
  console.log('Targets (issue: CPU performance): quasi-DEER iteration / rollout ≤ 1.0 for the GRU at D = 64, ≤ 1.1 at D = 8.');
}
