// GPU benchmarks of @unroll/gpu-runtime: device-resident recurrence (scan) throughput, and
// whole solves — quasi-DEER on the GPU against the CPU sequential rollout — for the GRU and
// the mean-field RNN; one run, one machine, one WebGPU adapter.
//
//   node bench/run.mjs            full grid (T up to 2^20 for scans, 10^6 for solves)
//   node bench/run.mjs --quick    scans at T = 2^16, solves at T = 10^4
//   node bench/run.mjs --markdown print Markdown tables (for BENCHMARKS.md)
//   node bench/run.mjs --scans    the scan table only (no solves)
//   node bench/run.mjs --compare-scans  only quasi-DEER on the GRU (D = 8, T = 10^4 and 10^5)
//                                 with each scan kernel, one timed solve each
//
// Diagonal and identity recurrences are timed with both kernels: the single-pass chained
// scan (the default) and reduce-then-scan (a second runtime with scan: 'reduce-then-scan').
//
// Needs a WebGPU adapter: Dawn (the `webgpu` package) on a real GPU, or on SwiftShader (a
// CPU emulation of Vulkan; `pnpm bench` points Dawn at Debian chromium's copy when no
// Vulkan driver is installed). With no adapter at all it says so and exits 0.
//
// GPU solves take seconds, so they are timed as a few plain repetitions with
// performance.now() (median), not with tinybench.
import os from 'node:os';
import { sequentialRollout } from '@unroll/solvers';
import { createRng, gru, meanFieldRnn } from '@unroll/systems';
import * as gpu from '../dist/index.js';

const quick = process.argv.includes('--quick');
const markdown = process.argv.includes('--markdown');
const scansOnly = process.argv.includes('--scans');
const compareScans = process.argv.includes('--compare-scans');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Software Vulkan drivers: the kernels run, emulated on the CPU. */
const softwareAdapter = /swiftshader|llvmpipe|lavapipe/i;
/**
 * On a software adapter a case predicted to take longer than this (seconds) is skipped;
 * on a real GPU every case runs. Predictions scale the time measured at the next smaller
 * T linearly in T (what the emulation does; real GPUs scale better at small T).
 */
const softwareBudget = 90;
const skippedNote = 'skipped (over time budget on this device)';

/** Median seconds of `fn` over up to 5 runs, stopping once `budget` seconds are spent (at least one run). */
async function timed(fn, budget = 2) {
  const times = [];
  let result;
  let spent = 0;
  while (times.length < 5 && (times.length === 0 || spent < budget)) {
    const t0 = performance.now();
    result = await fn();
    const s = (performance.now() - t0) / 1000;
    times.push(s);
    spent += s;
  }
  return { seconds: median(times), runs: times.length, result };
}

/** `digits` significant digits, without exponent notation for large numbers. */
const sig = (x, digits = 3) => (x >= 10 ** digits ? x.toFixed(0) : x.toPrecision(digits));
const exp = (x, digits = 2) => x.toExponential(digits).replace('e+', 'e');
const pow10 = (T) => `10^${Math.round(Math.log10(T))}`;

let rt;
try {
  rt = await gpu.createGpuRuntime();
} catch (e) {
  if (e?.code !== 'UNSUPPORTED') throw e;
  console.log(`@unroll/gpu-runtime — GPU benchmarks skipped: no WebGPU adapter here.\n  ${e.message}`);
  process.exit(0);
}

const twoPass = await gpu.createGpuRuntime({ scan: 'reduce-then-scan' });
const software = softwareAdapter.test(rt.adapter);
const budget = software ? softwareBudget : Infinity;
const notes = [];
const scanRows = [];
const solveRows = [];
const compileSeconds = [];

if (compareScans) {
  // The same quasi-DEER solve on a runtime per scan kernel: what the chained scan and the
  // update folded into it change in a whole iteration (linearize included).
  const rows = [];
  const dyn = gru({ dim: 8, inputDim: 0, seed: 1 });
  const s0 = new Float32Array(8).fill(0.1);
  for (const T of quick ? [1e4] : [1e4, 1e5]) {
    for (const [scan, runtime] of [['chained', rt], ['reduce-then-scan', twoPass]]) {
      await runtime.solve(dyn, s0, 256, { method: 'quasi-deer' }); // warm-up: pipelines compile
      const t0 = performance.now();
      const r = await runtime.solve(dyn, s0, T, { method: 'quasi-deer' });
      rows.push({ system: 'GRU', D: 8, T: pow10(T), scan, 'GPU quasi-DEER s': sig((performance.now() - t0) / 1000), iterations: r.iterations, converged: r.converged ? 'yes' : 'no' });
    }
  }
  rt.destroy();
  twoPass.destroy();
  if (markdown) {
    const keys = Object.keys(rows[0]);
    console.log(`| ${keys.join(' | ')} |\n| ${keys.map(() => '---').join(' | ')} |`);
    for (const r of rows) console.log(`| ${keys.map((k) => r[k]).join(' | ')} |`);
  } else console.table(rows);
  process.exit(0);
}

try {
  // ---- 1. Recurrence throughput, device-resident (inputs uploaded once, untimed). ----
  const scanCases = [
    { kind: 'diagonal', D: 1 },
    { kind: 'diagonal', D: 8 },
    { kind: 'diagonal', D: 64 },
    { kind: 'identity', D: 8 },
    { kind: 'dense', D: 4 },
    { kind: 'dense', D: 16 },
  ];
  const scanTs = quick ? [2 ** 16] : [2 ** 16, 2 ** 20];
  /** Timed part of one measurement: repeats are added until the recurrences take this long (s). */
  const target = 0.25;
  for (const { kind, D } of scanCases) {
    for (const [scan, runtime] of kind === 'dense'
      ? [['reduce-then-scan', twoPass]]
      : [
          ['chained', rt],
          ['reduce-then-scan', twoPass],
        ]) {
      const W = kind === 'diagonal' ? D : kind === 'dense' ? D * D : 0;
      let previous; // { T, seconds } of the last measured size
      for (const T of scanTs) {
        const label = { case: `${kind}(${D})`, scan, T: `2^${Math.log2(T)}` };
        const skip = (why) => {
          scanRows.push({ ...label, repeats: '—', 'ms / scan': why, 'elements/s': '—', 'M states/s': '—', 'effective GB/s': '—' });
        };
        // A case whose buffers (A, b, the states; f32) would not fit in one of the largest
        // buffers the device allows is skipped up front: SwiftShader advertises 1 GiB but
        // cannot allocate 1 GiB next to anything else (measureScan would reject it with
        // MEMORY_BUDGET after allocating).
        if (4 * T * (W + 2 * D) > rt.limits.maxBufferBytes) {
          skip('skipped (over the device memory limit)');
          notes.push(
            `scan ${label.case} T=${label.T}: skipped — ${((4 * T * (W + 2 * D)) / 2 ** 20).toFixed(0)} MiB of buffers, the device allows ${(rt.limits.maxBufferBytes / 2 ** 20).toFixed(0)} MiB per buffer.`,
          );
          continue;
        }
        // A warm-up and at least one timed recurrence.
        const predicted = previous === undefined ? 0 : 2 * previous.seconds * (T / previous.T);
        if (predicted > budget) {
          skip(skippedNote);
          notes.push(`scan ${label.case} T=${label.T}: ${skippedNote} — predicted ≈ ${predicted.toFixed(0)} s > ${budget} s.`);
          previous = { T, seconds: predicted / 2 };
          continue;
        }
        // A backstop for other device errors: no memory moves 20 TB/s, so a result beyond
        // that timed empty dispatches and is void.
        const invalid = (x) => x.bytesPerSecond > 20e12;
        // One recurrence to size the run, then enough back to back to fill `target`.
        let m = await runtime.measureScan({ kind, D, T, repeats: 1 });
        let repeats = 1;
        if (!invalid(m) && m.seconds < target) {
          repeats = Math.min(200, Math.ceil(target / m.seconds));
          m = await runtime.measureScan({ kind, D, T, repeats });
        }
        if (invalid(m)) {
          skip('invalid (device error, see stderr)');
          notes.push(`scan ${label.case} T=${label.T}: the device reported an error (printed above), the timing is void.`);
          continue;
        }
        previous = { T, seconds: m.seconds };
        scanRows.push({
          ...label,
          repeats,
          'ms / scan': sig(m.seconds * 1000),
          'elements/s': exp(m.elementsPerSecond),
          'M states/s': sig(m.statesPerSecond / 1e6),
          'effective GB/s': sig(m.bytesPerSecond / 1e9),
        });
      }
    }
  }

  // ---- 2. Whole solves: GPU quasi-DEER and GPU sequential vs the CPU sequential rollout. ----
  const systems = [
    {
      name: 'GRU',
      // Two random inputs per step (rounded to f32, so both sides see the same numbers)
      // keep the trajectory moving over all T; randomly initialised GRUs are predictable.
      params: (D, T) => {
        const rng = createRng(2);
        const inputs = new Float64Array(2 * T);
        for (let i = 0; i < inputs.length; i++) inputs[i] = Math.fround(2 * rng.uniform() - 1);
        return { dim: D, inputDim: 2, seed: 1, inputs };
      },
      // gru carries its WGSL: the same object runs on both backends.
      make: gru,
    },
    {
      name: 'mean-field RNN',
      // g = 0.5: well inside the predictable regime (chaos sets in near g = 1).
      params: (D) => ({ dim: D, g: 0.5, seed: 1 }),
      make: meanFieldRnn,
    },
  ];
  const solveTs = quick ? [1e4] : [1e4, 1e5, 1e6];
  for (const system of scansOnly ? [] : systems) {
    for (const D of [8, 64]) {
      const s0 = new Float32Array(D).fill(0.1);
      const s0cpu = Float64Array.from(s0); // the same (f32-rounded) initial state
      // Warm-up, untimed: pipelines compile on first use (then cached), the CPU loop gets JIT-compiled.
      const tc = performance.now();
      const small = system.make(system.params(D, 256));
      await rt.solve(small, s0, 256, { method: 'quasi-deer' });
      await rt.solve(small, s0, 256, { method: 'sequential' });
      compileSeconds.push(`${system.name} D=${D}: ${sig((performance.now() - tc) / 1000)} s`);
      sequentialRollout(system.make(system.params(D, 1e4)), s0cpu, 1e4, new Float64Array(1e4 * D));

      let previous; // { T, seconds } of the last case of this system and D
      for (const T of solveTs) {
        const label = { system: system.name, D, T: pow10(T) };
        const predicted = previous === undefined ? 0 : previous.seconds * (T / previous.T);
        if (predicted > budget) {
          solveRows.push({
            ...label,
            'GPU quasi-DEER s': skippedNote,
            iterations: '—',
            converged: '—',
            'GPU sequential s': '—',
            'CPU sequential s': '—',
            'CPU / GPU': '—',
            'max |GPU − CPU|': '—',
          });
          notes.push(`${system.name} D=${D} T=${pow10(T)}: ${skippedNote} — predicted ≈ ${predicted.toFixed(0)} s > ${budget} s.`);
          previous = { T, seconds: predicted };
          continue;
        }
        const params = system.params(D, T);
        const dyn = system.make(params);
        // GPU times include the upload of parameters, initial guess and s0, every
        // iteration's small convergence read-back, and the read-back of all T·D states.
        const qd = await timed(() => rt.solve(dyn, s0, T, { method: 'quasi-deer' }));
        const seq = await timed(() => rt.solve(dyn, s0, T, { method: 'sequential' }));
        const out = new Float64Array(T * D);
        const cpu = await timed(() => sequentialRollout(dyn, s0cpu, T, out));
        previous = { T, seconds: qd.seconds + seq.seconds + cpu.seconds };

        const r = qd.result;
        let err = 0;
        for (let i = 0; i < out.length; i++) {
          const e = Math.abs(r.states[i] - out[i]);
          err = Number.isNaN(e) ? Infinity : Math.max(err, e);
        }
        solveRows.push({
          ...label,
          'GPU quasi-DEER s': sig(qd.seconds),
          iterations: r.iterations,
          converged: r.converged ? 'yes' : 'no',
          'GPU sequential s': sig(seq.seconds),
          'CPU sequential s': sig(cpu.seconds),
          'CPU / GPU': sig(cpu.seconds / qd.seconds, 2),
          'max |GPU − CPU|': exp(err, 1),
        });
      }
    }
  }
} finally {
  rt.destroy();
  twoPass.destroy();
}

const machine = `${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, Node ${process.version}`;
const pathOnly = software ? `This adapter is a CPU emulation of a GPU: these numbers only prove the path works; they say nothing about GPU speed.` : undefined;
const table = (rows) => {
  const keys = Object.keys(rows[0]);
  const cell = (v) => String(v).replaceAll('|', '\\|'); // "max |GPU − CPU|" must not split a column
  console.log(`| ${keys.map(cell).join(' | ')} |`);
  console.log(`| ${keys.map(() => '---').join(' | ')} |`);
  for (const r of rows) console.log(`| ${keys.map((k) => cell(r[k])).join(' | ')} |`);
};
if (markdown) {
  console.log(`Machine: ${machine}; WebGPU adapter: ${rt.adapter}\n`);
  if (pathOnly !== undefined) console.log(`${pathOnly}\n`);
  table(scanRows);
  if (solveRows.length > 0) {
    console.log('');
    table(solveRows);
  }
  if (notes.length > 0) console.log(`\n${notes.map((n) => `- ${n}`).join('\n')}`);
} else {
  console.log(`@unroll/gpu-runtime — WebGPU adapter: ${rt.adapter} (${machine})`);
  if (pathOnly !== undefined) console.log(pathOnly);
  console.log('Recurrence s_t = A_t s_{t-1} + b_t on the device, f32, inputs resident (uploads and read-backs excluded):');
  console.table(scanRows);
  console.log(
    [
      'ms / scan: one recurrence (total over `repeats` back to back in one submission, divided by repeats).',
      'elements/s: steps (A_t, b_t) consumed per second; M states/s: million s_t[i] written per second;',
      'effective GB/s: the bytes a recurrence must move (read A and b, write the states, f32) per second — compare with the memory bandwidth.',
    ].join('\n'),
  );
  console.log('Whole solves from s0 = 0.1, f32 on the GPU (default tol 1e-5) vs float64 sequentialRollout on one CPU thread:');
  console.table(solveRows);
  console.log(
    [
      'GPU times: median of up to 5 runs (one when a run takes over 2 s), including uploads, per-iteration convergence read-backs and the read-back of all states;',
      `pipeline compilation excluded (one warm-up solve at T = 256 first: ${compileSeconds.join(', ')}).`,
      'CPU / GPU: CPU sequential time over GPU quasi-DEER time; max |GPU − CPU|: largest state difference over all T·D entries.',
    ].join('\n'),
  );
  for (const n of notes) console.log(n);
}
