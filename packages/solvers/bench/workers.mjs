// The worker pool (createCpuWorkers): the time of one quasi-DEER iteration with P = 2 workers
// against P = 1 worker, on a GRU at T·D ≥ 2^20, in interleaved rounds of one run (so a
// change in the machine's load hits both sides alike), with the one-thread solve beside it.
//
//   node bench/workers.mjs [--quick] [--rounds N] [--bench-gru]   (after pnpm --filter @unroll/solvers build)
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { createCpuWorkers, loadWorkerDynamics, solve, solveAsync } from '../dist/index.js';

const quick = process.argv.includes('--quick');
const roundsArg = process.argv.indexOf('--rounds');
const rounds = roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : quick ? 3 : 7;
const iterations = quick ? 5 : 8;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
// The reference GRU of @unroll/systems, by name (with its batched evaluation), resolved from
// that workspace package (this one cannot depend on it); --bench-gru: bench/gru.mjs instead.
const systemsHome = new URL('../../systems/package.json', import.meta.url);
const benchGru = process.argv.includes('--bench-gru');
const gruOf = (D) =>
  benchGru
    ? loadWorkerDynamics({ module: new URL('./gru.mjs', import.meta.url).href, exportName: 'gru', args: [D, 7] })
    : loadWorkerDynamics({ system: 'gru', args: [{ dim: D, inputDim: 0, seed: 7 }] }, { resolveFrom: systemsHome });

const cases = quick ? [{ D: 8, T: 2 ** 17 }] : [{ D: 8, T: 2 ** 17 }, { D: 16, T: 2 ** 17 }, { D: 8, T: 2 ** 19 }];

/** Median gap between successive iterations (2 … n) of one solve, in ms. */
async function perIteration(run) {
  const stamps = [];
  await run({ method: 'quasi-deer', tol: 1e-300, maxIterations: iterations, onIteration: () => void stamps.push(performance.now()) });
  return median(stamps.slice(1).map((t, i) => t - stamps[i]));
}

// The parallelism the machine gives right now, for two kinds of arithmetic (no memory, no
// synchronisation): the same work on two threads, half each, against one thread doing all
// of it. 'latency' is one dependent chain of Math.sin (execution units mostly idle),
// 'throughput' eight independent multiply-add chains (the units busy, as in a GRU's matrix
// products). Two vCPUs that are one physical core's two hardware threads give ≈ 0.5 for
// the first and ≈ 1 for the second; busy cores give ≈ 1 for both. No pool beats them.
const spinCode = `const { parentPort } = require('node:worker_threads');
const a = new Float64Array(64).fill(1.0000001);
parentPort.on('message', ({ n, kind }) => {
  let x = 0;
  if (kind === 'latency') for (let i = 0; i < n; i++) x = Math.sin(x + i);
  else {
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
    for (let i = 0; i < n; i++) {
      const k = i & 63;
      s0 += a[k] * 1.1; s1 += a[k] * 1.2; s2 += a[k] * 1.3; s3 += a[k] * 1.4;
      s4 += a[(k + 1) & 63] * 1.5; s5 += a[(k + 2) & 63] * 1.6; s6 += a[(k + 3) & 63] * 1.7; s7 += a[(k + 4) & 63] * 1.8;
    }
    x = s0 + s1 + s2 + s3 + s4 + s5 + s6 + s7;
  }
  parentPort.postMessage(x);
});`;
// A pair of threads per kind: one thread switching kinds would run deoptimized code.
const spinners = { latency: [new Worker(spinCode, { eval: true }), new Worker(spinCode, { eval: true })], throughput: [new Worker(spinCode, { eval: true }), new Worker(spinCode, { eval: true })] };
const spin = (w, n, kind) => new Promise((resolve) => { w.once('message', resolve); w.postMessage({ n, kind }); });
async function machineRatio(kind, n) {
  let t = performance.now();
  const [w0, w1] = spinners[kind];
  await spin(w0, 2 * n, kind);
  const one = performance.now() - t;
  t = performance.now();
  await Promise.all([spin(w0, n, kind), spin(w1, n, kind)]);
  return (performance.now() - t) / one;
}
// Warm both threads up on both kinds first: a thread still in a lower JIT tier would make
// the two-thread side look slow.
for (let k = 0; k < 4; k++) for (const kind of ['latency', 'throughput']) await machineRatio(kind, kind === 'latency' ? 1e6 : 1.5e7);

const load0 = os.loadavg();
const pools = { 1: createCpuWorkers({ workers: 1 }), 2: createCpuWorkers({ workers: 2 }) };
const rows = [];
for (const { D, T } of cases) {
  const dyn = await gruOf(D);
  const s0 = new Float64Array(D).fill(0.1);
  const runs = {
    'one thread (solve)': (opts) => Promise.resolve(solve(dyn, s0, T, opts)),
    'P = 1': (opts) => solveAsync(dyn, s0, T, { ...opts, backend: pools[1] }),
    'P = 2': (opts) => solveAsync(dyn, s0, T, { ...opts, backend: pools[2] }),
  };
  for (const run of Object.values(runs)) await perIteration(run); // warm-up: JIT, worker start
  const times = { 'one thread (solve)': [], 'P = 1': [], 'P = 2': [] };
  const ratios = [];
  const ideal = { latency: [], throughput: [] };
  for (let r = 0; r < rounds; r++) {
    ideal.latency.push(await machineRatio('latency', 1e6));
    ideal.throughput.push(await machineRatio('throughput', 1.5e7));
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
    'ideal 2/1 latency': median(ideal.latency).toFixed(2),
    'ideal 2/1 throughput': median(ideal.throughput).toFixed(2),
    'P=1 / one thread': (median(times['P = 1']) / median(times['one thread (solve)'])).toFixed(2),
    // Per iteration: P summaries (W + D numbers) back, P start states (D) out, float64.
    'crosses / iter': `${2 * (D + D) + 2 * D} numbers`,
  });
}
for (const w of [...spinners.latency, ...spinners.throughput]) await w.terminate();
await pools[1].destroy();
await pools[2].destroy();
const load1 = os.loadavg();
const machine = `${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, Node ${process.version}`;
console.log(`@unroll/solvers — worker pool, GRU (${benchGru ? 'bench/gru.mjs' : '@unroll/systems gru, batched'}), quasi-DEER, float64, ${rounds} interleaved rounds × ${iterations} iterations (${machine})`);
console.table(rows);
console.log(`load average (1, 5, 15 min): before ${load0.map((x) => x.toFixed(2)).join(', ')}; after ${load1.map((x) => x.toFixed(2)).join(', ')}`);
console.log('P=2 / P=1: median over rounds of the per-iteration time ratio (target ≤ 0.6 on 2 cores); ideal 2/1: the same ratio for pure arithmetic on two threads in the same rounds, latency-bound and throughput-bound (the machine\'s parallelism at that moment: 0.5 for two free cores); P=1 / one thread: the pool\'s overhead with one worker.');
