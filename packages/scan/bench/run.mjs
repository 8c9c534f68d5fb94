// Benchmarks of @unroll/scan's linear recurrence against a hand-written loop, two
// threads, and a memory-bandwidth reference, all measured in one run on one machine.
//
//   node bench/run.mjs            full grid (T up to 2^20), a few minutes
//   node bench/run.mjs --quick    the short version `pnpm demo` prints
//   node bench/run.mjs --markdown print a Markdown table (for BENCHMARKS.md)
import os from 'node:os';
import { Bench } from 'tinybench';
import { dense, diagonal, linearRecurrence, sharedFloatArray, shutdownThreads } from '../dist/index.js';
import { handDense, handDiagonal } from './hand-loops.mjs';

const quick = process.argv.includes('--quick');
const markdown = process.argv.includes('--markdown');
const rounds = quick ? 5 : 9;

/** Largest packed array per case: 2^24 numbers (128 MiB in float64). */
const maxNumbers = 2 ** 24;

const cases = [
  { kind: 'diagonal', D: 1 },
  { kind: 'diagonal', D: 16 },
  { kind: 'diagonal', D: 256 },
  { kind: 'dense', D: 4 },
  { kind: 'dense', D: 16 },
].flatMap(({ kind, D }) => {
  const width = kind === 'dense' ? D * D : D;
  const largest = Math.min(2 ** 20, maxNumbers / width);
  const sizes = quick ? [largest / 16] : [2 ** 12, largest];
  return sizes.map((T) => ({ kind, D, width, T }));
});

/** Deterministic data: transitions in [0.5, 1) (diagonal) or scaled to stay bounded (dense). */
function makeCase({ kind, D, width, T }) {
  let x = 12345;
  const rand = () => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return x / 4294967296;
  };
  const A = sharedFloatArray('float64', T * width);
  const b = sharedFloatArray('float64', T * D);
  const scale = kind === 'dense' ? 0.9 / Math.sqrt(D) : 1;
  for (let i = 0; i < A.length; i++) A[i] = kind === 'dense' ? scale * (2 * rand() - 1) : 0.5 + 0.5 * rand();
  for (let i = 0; i < b.length; i++) b[i] = 2 * rand() - 1;
  const s0 = new Float64Array(D).fill(0.1);
  return { A, b, s0 };
}

/**
 * The speedup two threads can reach, (r + 2)/(r + 1), with r the fixed cost of a
 * reduction step in run steps that `linearRecurrence` splits the work by (diagonal: 1,
 * or 0.35 for D = 1; dense: 1.6·D + 0.8). Under 1.1 it stays on one thread — a rule of
 * the problem alone, so every call of a case takes the same path.
 */
function predictedGain(kind, D) {
  const r = kind === 'dense' ? 1.6 * D + 0.8 : D === 1 ? 0.35 : 1;
  return (r + 2) / (r + 1);
}

function median(task) {
  const r = task.result;
  if (r.state !== 'completed') throw new Error(`benchmark ${task.name} ${r.state}: ${r.error ?? ''}`);
  return r.latency.p50; // ms
}

const rows = [];
for (const c of cases) {
  const { kind, D, width, T } = c;
  const structure = kind === 'dense' ? dense(D) : diagonal(D);
  const { A, b, s0 } = makeCase(c);
  const outHand = new Float64Array(T * D);
  const outOne = new Float64Array(T * D);
  const outTwo = sharedFloatArray('float64', T * D);
  // The bandwidth reference moves the bytes the recurrence reads (A and b) once.
  const copySrc = new Float64Array(A.length + b.length).fill(1);
  const copyDst = new Float64Array(copySrc.length);
  const hand = kind === 'dense' ? handDense : handDiagonal;

  // This machine's speed drifts between seconds (shared cores), so the four variants are
  // measured side by side in short interleaved rounds and every ratio is taken within a
  // round (paired), then the median over rounds is reported.
  const tasks = [
    ['hand loop', () => hand(A, b, s0, outHand, T, D)],
    ['linearRecurrence', () => linearRecurrence(structure, A, b, s0, { out: outOne })],
    ['linearRecurrence threads=2', () => linearRecurrence(structure, A, b, s0, { out: outTwo, threads: 2 })],
    ['copy', () => copyDst.set(copySrc)],
  ];
  const perRound = [];
  for (let round = 0; round < rounds; round++) {
    const bench = new Bench({ time: quick ? 40 : 120, warmupTime: round === 0 ? 100 : 10, iterations: 3 });
    for (const [name, fn] of tasks) bench.add(name, fn);
    await bench.run();
    perRound.push(bench.tasks.map(median));
  }
  const med = (f) => {
    const xs = perRound.map(f).sort((x, y) => x - y);
    return xs[Math.floor(xs.length / 2)];
  };
  const [tHand, tOne, tTwo, tCopy] = [0, 1, 2, 3].map((i) => med((r) => r[i]));

  // Same answer, or the timings mean nothing.
  let err = 0;
  for (let i = 0; i < outHand.length; i++) {
    err = Math.max(err, Math.abs(outOne[i] - outHand[i]), Math.abs(outTwo[i] - outHand[i]) / Math.max(1, Math.abs(outHand[i])));
  }
  if (!(err < 1e-9)) throw new Error(`${kind}(${D}) T=${T}: results differ by ${err}`);

  const states = T * D;
  const rate = (ms) => states / (ms / 1000) / 1e6; // million states per second
  rows.push({
    case: `${kind}(${D})`,
    T: `2^${Math.log2(T)}`,
    'hand Mst/s': rate(tHand).toFixed(1),
    'LR 1t Mst/s': rate(tOne).toFixed(1),
    'hand/LR 1t': med((r) => r[0] / r[1]).toFixed(2),
    'LR 2t Mst/s': rate(tTwo).toFixed(1),
    '2t ran on': T * (width + D) < 2 ** 20 ? '1 (small)' : predictedGain(kind, D) < 1.1 ? '1 (no gain)' : '2 threads',
    '2t speedup': med((r) => r[1] / r[2]).toFixed(2),
    '2t vs hand': med((r) => r[0] / r[2]).toFixed(2),
    'copy GB/s': ((copySrc.byteLength / (tCopy / 1000)) / 1e9).toFixed(1),
    'LR 1t / copy time': med((r) => r[1] / r[3]).toFixed(2),
  });
}
await shutdownThreads();

const machine = `${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, Node ${process.version}`;
if (markdown) {
  const keys = Object.keys(rows[0]);
  console.log(`Machine: ${machine}\n`);
  console.log(`| ${keys.join(' | ')} |`);
  console.log(`| ${keys.map(() => '---').join(' | ')} |`);
  for (const r of rows) console.log(`| ${keys.map((k) => r[k]).join(' | ')} |`);
} else {
  console.log(`@unroll/scan — linear recurrence s_t = A_t s_{t-1} + b_t, float64 (${machine})`);
  console.table(rows);
  console.log(
    [
      `Mst/s: million states s_t[i] produced per second (median over ${rounds} interleaved rounds; ratios paired within a round).`,
      'hand/LR 1t: hand-loop time over linearRecurrence time (1.00 = as fast as the hand loop).',
      '2t: threads: 2 (main + one worker) on SharedArrayBuffer inputs. It stays on one thread by design below 2^20 numbers',
      '    T·(width+D) ("small"), and where the reduction step\'s fixed cost ratio predicts under 10 % gain ("no gain").',
      'LR 1t / copy time: linearRecurrence time over a TypedArray.set copy of A and b (the bandwidth floor).',
    ].join('\n'),
  );
}
