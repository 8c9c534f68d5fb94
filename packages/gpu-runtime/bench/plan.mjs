// The GPU kernels' plan, counted (not timed): per iteration of a whole solve and per
// recurrence (the scan alone), how many dispatches and command buffers it takes and how
// many bytes its bindings span per state entry — what any GPU must move at least, so
// GB/s on a real card = (bytes per entry × entries) / time. Both scan kernels: the
// single-pass chained scan (the default for diagonal and identity elements, the solve's
// update folded in) and reduce-then-scan (forced with `scan: 'reduce-then-scan'`; what
// every other kind runs). Runs on a recording stand-in for the device (no GPU needed);
// part of `pnpm bench`.
//
//   node bench/plan.mjs [--markdown]
import { diagonal, dense } from '@unroll/scan';
import { elk, newton, scaleElk } from '@unroll/solvers';
import { pairStrategy } from '../../linearize/test/pair-blocks.mjs';
import { RecordingDevice } from '../test/recording-device.mjs';
import { createGpuRuntime, defineGpuDynamics } from '../dist/index.js';

const markdown = process.argv.includes('--markdown');

/** A D-dimensional tanh map with a closed-form Jacobian, so every method runs. */
function tanhMap(D) {
  return defineGpuDynamics({
    dim: D,
    params: [0.5],
    wgsl: `
      fn step(t: u32, s: State) -> State { var o: State; for (var i = 0u; i < D; i++) { o[i] = params[0] * tanh(s[i]) + 1.0; } return o; }
      fn diagonal(t: u32, s: State) -> State { var o: State; for (var i = 0u; i < D; i++) { let c = tanh(s[i]); o[i] = params[0] * (1.0 - c * c); } return o; }
      fn jacobian(t: u32, s: State) -> Jacobian { let d = diagonal(t, s); var J: Jacobian; for (var i = 0u; i < D; i++) { J[i * D + i] = d[i]; } return J; }`,
  });
}

async function onRecorder(scan, run) {
  const device = new RecordingDevice();
  const rt = await createGpuRuntime({ device, scan });
  try {
    await run(rt);
  } finally {
    rt.destroy();
  }
  return device;
}

const rows = [];
const row = (what, scan, D, T, submit, entries) =>
  rows.push({
    what,
    scan,
    D,
    T: `2^${Math.log2(T)}`,
    dispatches: submit.dispatches,
    'command buffers': 1,
    'bound bytes / state entry': (submit.boundBytes / entries).toFixed(1),
  });

// The scan alone: rt.linearRecurrence, diagonal (both kernels) and dense (reduce-then-scan).
for (const [kind, D] of [
  ['diagonal', 1],
  ['diagonal', 16],
  ['dense', 4],
]) {
  for (const T of [2 ** 16, 2 ** 20]) {
    const structure = kind === 'diagonal' ? diagonal(D) : dense(D);
    const A = new Float32Array(T * structure.width),
      b = new Float32Array(T * D);
    for (const scan of kind === 'dense' ? ['reduce-then-scan'] : ['chained', 'reduce-then-scan']) {
      const device = await onRecorder(scan, (rt) => rt.linearRecurrence(structure, A, b, new Float32Array(D)));
      const submit = device.submits.filter((s) => s.dispatches > 0).reduce((a, s) => (s.dispatches > a.dispatches ? s : a));
      row(`scan ${kind}`, scan, D, T, submit, T * D);
    }
  }
}

// One iteration of a whole solve (linearize → [filter] → scan → update → reductions).
// Methods whose inner recurrence is diagonal or identity run the chained scan by default;
// onIteration adds the converged prefix (folded into the chained scan, a pass otherwise).
const methods = [
  ['quasi-deer', 'quasi-deer', true],
  ['quasi-deer + onIteration', 'quasi-deer', true, { onIteration: () => undefined }],
  ['deer', 'deer', false],
  ['picard', 'picard', true],
  ['jacobi', 'jacobi', false],
  ['scale-elk', scaleElk({ k: 0.5 }), false],
  ['quasi-elk', elk({ lambda: 1, base: 'diagonal' }), true],
  ['elk (dense)', elk({ lambda: 1 }), false],
  ['pair-blocks (custom)', newton(pairStrategy), false],
];
for (const D of [2, 8]) {
  const dyn = tanhMap(D);
  for (const T of [2 ** 16, 2 ** 20]) {
    for (const [name, method, chained, extra = {}] of methods) {
      for (const scan of chained ? ['chained', 'reduce-then-scan'] : ['reduce-then-scan']) {
        const device = await onRecorder(scan, (rt) => rt.solve(dyn, new Float32Array(D), T, { method, maxIterations: 1, ...extra }));
        const submit = device.submits.find((s) => s.dispatches > 0);
        row(`iteration ${name}`, scan, D, T, submit, T * D);
      }
    }
  }
}

if (markdown) {
  const keys = Object.keys(rows[0]);
  console.log(`| ${keys.join(' | ')} |\n| ${keys.map(() => '---').join(' | ')} |`);
  for (const r of rows) console.log(`| ${keys.map((k) => r[k]).join(' | ')} |`);
} else {
  console.table(rows);
}
