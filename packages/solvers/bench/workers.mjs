// The worker pool (createCpuWorkers): the time of one quasi-DEER iteration with P = 2 workers
// against P = 1 worker, on a GRU at T·D ≥ 2^20, in interleaved rounds of one run (so a
// change in the machine's load hits both sides alike), with the one-thread solve beside it.
//
//   node bench/workers.mjs [--quick] [--rounds N]      (after pnpm --filter @unroll/solvers build)
import os from 'node:os';
import { createCpuWorkers, loadWorkerDynamics, solve, solveAsync } from '../dist/index.js';

const quick = process.argv.includes('--quick');
const roundsArg = process.argv.indexOf('--rounds');
const rounds = roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : quick ? 3 : 7;
const iterations = quick ? 5 : 8;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const gruModule = new URL('./gru.mjs', import.meta.url).href;

const cases = quick ? [{ D: 8, T: 2 ** 17 }] : [{ D: 8, T: 2 ** 17 }, { D: 16, T: 2 ** 17 }, { D: 8, T: 2 ** 19 }];

/** Median gap between successive iterations (2 … n) of one solve, in ms. */
async function perIteration(run) {
  const stamps = [];
  await run({ method: 'quasi-deer', tol: 1e-300, maxIterations: iterations, onIteration: () => void stamps.push(performance.now()) });
  return median(stamps.slice(1).map((t, i) => t - stamps[i]));
}

const load0 = os.loadavg();
const pools = { 1: createCpuWorkers({ workers: 1 }), 2: createCpuWorkers({ workers: 2 }) };
const rows = [];
for (const { D, T } of cases) {
  const dyn = await loadWorkerDynamics({ module: gruModule, exportName: 'gru', args: [D, 7] });
  const s0 = new Float64Array(D).fill(0.1);
  const runs = {
    'one thread (solve)': (opts) => Promise.resolve(solve(dyn, s0, T, opts)),
    'P = 1': (opts) => solveAsync(dyn, s0, T, { ...opts, backend: pools[1] }),
    'P = 2': (opts) => solveAsync(dyn, s0, T, { ...opts, backend: pools[2] }),
  };
  for (const run of Object.values(runs)) await perIteration(run); // warm-up: JIT, worker start
  const times = { 'one thread (solve)': [], 'P = 1': [], 'P = 2': [] };
  const ratios = [];
  for (let r = 0; r < rounds; r++) {
    // Alternate the order each round: neither side always runs first.
    const order = r % 2 === 0 ? ['P = 1', 'P = 2', 'one thread (solve)'] : ['P = 2', 'P = 1', 'one thread (solve)'];
    const got = {};
    for (const name of order) {
      got[name] = await perIteration(runs[name]);
      times[name].push(got[name]);
    }
    ratios.push(got['P = 2'] / got['P = 1']);
  }
  const sorted = [...ratios].sort((a, b) => a - b);
  rows.push({
    D,
    T,
    'T·D': `2^${Math.log2(T * D)}`,
    'one thread ms': median(times['one thread (solve)']).toFixed(1),
    'P=1 ms': median(times['P = 1']).toFixed(1),
    'P=2 ms': median(times['P = 2']).toFixed(1),
    'P=2 / P=1': median(ratios).toFixed(2),
    'ratio range': `${sorted[0].toFixed(2)}–${sorted[sorted.length - 1].toFixed(2)}`,
    'P=1 / one thread': (median(times['P = 1']) / median(times['one thread (solve)'])).toFixed(2),
    // Per iteration: P summaries (W + D numbers) back, P start states (D) out, float64.
    'crosses / iter': `${2 * (D + D) + 2 * D} numbers`,
  });
}
await pools[1].destroy();
await pools[2].destroy();
const load1 = os.loadavg();
const machine = `${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, Node ${process.version}`;
console.log(`@unroll/solvers — worker pool, GRU (bench/gru.mjs), quasi-DEER, float64, ${rounds} interleaved rounds × ${iterations} iterations (${machine})`);
console.table(rows);
console.log(`load average (1, 5, 15 min): before ${load0.map((x) => x.toFixed(2)).join(', ')}; after ${load1.map((x) => x.toFixed(2)).join(', ')}`);
console.log('P=2 / P=1: median over rounds of the per-iteration time ratio (target ≤ 0.6 on 2 cores); P=1 / one thread: the pool\'s overhead with one worker.');
