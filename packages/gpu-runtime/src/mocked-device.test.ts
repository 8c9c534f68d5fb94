// The fast lane: the runtime on a recording stand-in for a WebGPU device (no Dawn, no
// Vulkan driver). The kernels' WGSL is snapshot-tested — a change to any kernel shows up
// as a reviewable diff — and the dispatch plan is counted: how many dispatches and
// command buffers one iteration takes, and how they grow with T.
import { elk, newton, scaleElk } from '@unroll/solvers';
import { describe, expect, it } from 'vitest';
import { pairStrategy } from '../../linearize/test/pair-blocks.mjs';
import { RecordingDevice, type RecordedSubmit } from '../test/recording-device.mjs';
import { createGpuRuntime, defineGpuDynamics, type GpuSolveOptions } from './index.js';

/** s_t = 0.5·tanh(s_{t−1}) + 1 coordinate-wise, with a closed-form Jacobian: every method can run it. */
const dyn = defineGpuDynamics({
  dim: 2,
  params: [0.5],
  name: 'half-tanh',
  wgsl: `
    fn step(t: u32, s: State) -> State { return State(params[0] * tanh(s[0]) + 1.0, params[0] * tanh(s[1]) + 1.0); }
    fn diagonal(t: u32, s: State) -> State { let a = tanh(s[0]); let b = tanh(s[1]); return State(params[0] * (1.0 - a * a), params[0] * (1.0 - b * b)); }
    fn jacobian(t: u32, s: State) -> Jacobian { let d = diagonal(t, s); return Jacobian(d[0], 0.0, 0.0, d[1]); }`,
});

const methods: [string, NonNullable<GpuSolveOptions['method']>][] = [
  ['deer', 'deer'],
  ['quasi-deer', 'quasi-deer'],
  ['picard', 'picard'],
  ['jacobi', 'jacobi'],
  ['scale-elk', scaleElk({ k: 0.5 })],
  ['clip-elk', 'clip-elk'],
  ['quasi-elk', elk({ lambda: 1, base: 'diagonal' })],
  ['pair-blocks', newton(pairStrategy)],
  ['sequential', 'sequential'],
];

/** Runs one solve on a fresh recording device and returns what it recorded. */
async function record(method: NonNullable<GpuSolveOptions['method']>, T: number, extra: GpuSolveOptions = {}): Promise<RecordingDevice> {
  const device = new RecordingDevice();
  const rt = await createGpuRuntime({ device: device as unknown as GPUDevice });
  try {
    await rt.solve(dyn, [0, 0], T, { method, ...extra });
  } finally {
    rt.destroy();
  }
  return device;
}

/** The command buffer of the first iteration: the first that dispatches anything. */
function firstIteration(device: RecordingDevice): RecordedSubmit {
  const s = device.submits.find((x) => x.dispatches > 0);
  if (s === undefined) throw new Error('no dispatch was submitted');
  return s;
}

describe('the runtime on a recording device (no GPU)', () => {
  it.each(methods)("%s: the WGSL of every kernel it compiles (snapshot)", async (_name, method) => {
    const device = await record(method, 1000);
    expect(device.sources.join('\n// ---- next kernel ----\n')).toMatchSnapshot();
  });

  it.each(methods.filter(([name]) => name !== 'sequential'))('%s: one iteration is one command buffer with one 24-byte read-back', async (_name, method) => {
    const device = await record(method, 1000, { maxIterations: 1 });
    const it1 = firstIteration(device);
    expect(it1.copies).toBe(1);
    expect(it1.copiedBytes).toBe(24);
  });

  it('dispatches per iteration grow like log T (one more level per factor C·64), not with T', async () => {
    const counts: number[] = [];
    for (const T of [2 ** 10, 2 ** 14, 2 ** 18]) counts.push(firstIteration(await record('quasi-deer', T, { maxIterations: 1 })).dispatches);
    const [a = 0, b = 0, c = 0] = counts;
    // ×16 in T adds at most one scan level (two dispatches) and one reduction level per reducing kernel.
    expect(b - a).toBeLessThanOrEqual(4);
    expect(c - b).toBeLessThanOrEqual(4);
    expect(c).toBeLessThan(20);
  });

  it('onIteration adds the convergedPrefix pass; quasi-ELK adds its variance scan', async () => {
    const plain = firstIteration(await record('quasi-deer', 4096, { maxIterations: 1 })).dispatches;
    const watched = firstIteration(await record('quasi-deer', 4096, { maxIterations: 1, onIteration: () => undefined })).dispatches;
    const filtered = firstIteration(await record(elk({ lambda: 1, base: 'diagonal' }), 4096, { maxIterations: 1 })).dispatches;
    expect(watched).toBeGreaterThan(plain);
    expect(filtered).toBeGreaterThan(plain);
  });
});
