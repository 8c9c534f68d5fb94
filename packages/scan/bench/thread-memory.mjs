// Memory of repeated threaded linear recurrences: does the process's resident set stay
// flat when every call hands the worker threads new arrays?
//
//   node --expose-gc bench/thread-memory.mjs                  300 calls of 600k numbers, both input kinds
//   node --expose-gc bench/thread-memory.mjs --calls 60 --json  a shorter loop, one JSON line (the tests run this)
//   node --expose-gc bench/thread-memory.mjs --kind shared      only fresh SharedArrayBuffer-backed inputs
//
// Each call passes freshly allocated A and b (diagonal(4), T = numbers / 4) and no `out`,
// as a caller building new arrays per call would. `ordinary` inputs are plain
// Float64Arrays; `shared` inputs are new `sharedFloatArray`s every call (read in place).
// RSS is read after `gc()` before the loop and after it, with the pool still running.
import { execFileSync } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { diagonal, linearRecurrence, sharedFloatArray, shutdownThreads } from '../dist/index.js';

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : process.argv[i + 1];
}

const calls = Number(option('calls', '300'));
const numbers = Number(option('numbers', '600000'));
const kind = option('kind', 'both');
const json = process.argv.includes('--json');
const D = 4;

if (kind === 'both') {
  // Each kind in a process of its own, so one run's memory cannot hide the other's.
  const results = ['ordinary', 'shared'].flatMap((k) => {
    const args = ['--expose-gc', fileURLToPath(import.meta.url), '--calls', String(calls), '--numbers', String(numbers), '--kind', k, '--json'];
    return JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8' }));
  });
  report(results);
  process.exit(0);
}
const kinds = [kind];
const gc = globalThis.gc;
if (typeof gc !== 'function') throw new Error('run with node --expose-gc');

const mb = (bytes) => Math.round(bytes / 2 ** 20);

function settle() {
  gc();
  gc();
  return process.memoryUsage().rss;
}

function fresh(kind) {
  const A = kind === 'shared' ? sharedFloatArray('float64', numbers) : new Float64Array(numbers);
  const b = kind === 'shared' ? sharedFloatArray('float64', numbers) : new Float64Array(numbers);
  A.fill(0.5);
  b.fill(1);
  return { A, b };
}

const results = [];
for (const kind of kinds) {
  // One warm-up call starts the pool and sizes its buffers.
  {
    const { A, b } = fresh(kind);
    linearRecurrence(diagonal(D), A, b, [0, 0, 0, 0], { threads: 2, parallelThreshold: 0 });
  }
  const before = settle();
  let peak = before;
  let last = 0;
  const started = performance.now();
  for (let call = 0; call < calls; call++) {
    const { A, b } = fresh(kind);
    const s = linearRecurrence(diagonal(D), A, b, [0, 0, 0, 0], { threads: 2, parallelThreshold: 0 });
    last = s[s.length - 1];
    if (call % 10 === 9) peak = Math.max(peak, settle());
  }
  const msPerCall = (performance.now() - started) / calls;
  const after = settle();
  peak = Math.max(peak, after);
  // s_t = 0.5 s_{t−1} + 1 from 0 tends to 2: a wrong result would show here.
  if (Math.abs(last - 2) > 1e-12) throw new Error(`wrong result ${last}`);
  await shutdownThreads();
  // A terminated worker's memory comes back once the event loop has turned.
  await delay(200);
  const released = settle();
  results.push({ kind, calls, numbers, beforeMB: mb(before), afterMB: mb(after), peakMB: mb(peak), growthMB: mb(after - before), afterShutdownMB: mb(released), msPerCall: Math.round(msPerCall * 10) / 10 });
}

report(results);

function report(results) {
  if (json) {
    console.log(JSON.stringify(results));
    return;
  }
  console.log(`node ${process.version}, ${calls} calls of linearRecurrence(diagonal(${D}), A, b, s0, { threads: 2, parallelThreshold: 0 }) on fresh ${numbers}-number Float64Arrays`);
  for (const r of results) {
    console.log(`${r.kind.padEnd(9)} RSS before ${r.beforeMB} MB, after ${r.afterMB} MB (peak ${r.peakMB} MB, growth ${r.growthMB} MB); after shutdownThreads ${r.afterShutdownMB} MB; ${r.msPerCall} ms per call (with allocation and gc)`);
  }
}
