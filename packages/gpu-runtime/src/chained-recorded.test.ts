// The chained scan in the fast lane: on a recording stand-in for the device (no Dawn), its
// WGSL is snapshot-tested, the choice of kernel per element kind and device limits is
// pinned, and its dispatches and bytes are counted against reduce-then-scan's.
import { dense, diagonal, identity } from '@unroll/scan';
import { quasiDeer } from '@unroll/solvers';
import { describe, expect, it } from 'vitest';
import { RecordingDevice, type RecordedSubmit } from '../test/recording-device.mjs';
import { chainedGeometry, epochsFor, maxChainedChunk } from './chained-kernel.js';
import { createGpuRuntime, defineGpuDynamics, type GpuRuntimeOptions } from './index.js';

const half = defineGpuDynamics({
  dim: 2,
  params: [0.5],
  name: 'half-tanh',
  wgsl: `
    fn step(t: u32, s: State) -> State { return State(params[0] * tanh(s[0]) + 1.0, params[0] * tanh(s[1]) + 1.0); }
    fn diagonal(t: u32, s: State) -> State { let a = tanh(s[0]); let b = tanh(s[1]); return State(params[0] * (1.0 - a * a), params[0] * (1.0 - b * b)); }`,
});

/** Runs `work` on a fresh recording device and returns what it recorded. */
async function recorded(options: Omit<GpuRuntimeOptions, 'device'>, work: (rt: Awaited<ReturnType<typeof createGpuRuntime>>) => Promise<unknown>): Promise<RecordingDevice> {
  const device = new RecordingDevice();
  const rt = await createGpuRuntime({ ...options, device: device as unknown as GPUDevice });
  try {
    await work(rt);
  } finally {
    rt.destroy();
  }
  return device;
}

/** The busiest submission: the scan, or an iteration of a solve. */
const busiest = (device: RecordingDevice): RecordedSubmit => device.submits.reduce((a, s) => (s.dispatches > a.dispatches ? s : a));

describe('the chained scan on a recording device (no GPU)', () => {
  it('its WGSL: diagonal and identity, alone and with the update folded in (snapshot)', async () => {
    const sources: string[] = [];
    for (const structure of [diagonal(3), identity(1)]) {
      const device = await recorded({}, (rt) => rt.linearRecurrence(structure, new Float32Array(100 * structure.width), new Float32Array(100 * structure.dim), new Float32Array(structure.dim)));
      sources.push(...device.sources);
    }
    const device = await recorded({}, (rt) => rt.solve(half, [0, 0], 1000, { method: quasiDeer(), maxIterations: 1 }));
    sources.push(...device.sources.filter((s) => s.includes('unroll_ticket')));
    expect(sources.filter((s) => s.includes('unroll_ticket'))).toHaveLength(3);
    expect(sources.join('\n// ---- next kernel ----\n')).toMatchSnapshot();
  });

  it('a diagonal recurrence is one dispatch that binds 12 bytes per state entry (reduce-then-scan: 7 and ~21.5)', async () => {
    const T = 2 ** 16;
    for (const D of [1, 16]) {
      const run = (scan: 'chained' | 'reduce-then-scan') => recorded({ scan }, (rt) => rt.linearRecurrence(diagonal(D), new Float32Array(T * D), new Float32Array(T * D), new Float32Array(D)));
      const one = busiest(await run('chained'));
      const two = busiest(await run('reduce-then-scan'));
      expect(one.dispatches).toBe(1);
      // A, b read and s written (4 bytes each), plus the statuses and the s0 and uniforms: < 0.5 byte per entry.
      expect(one.boundBytes / (T * D)).toBeGreaterThanOrEqual(12);
      expect(one.boundBytes / (T * D)).toBeLessThan(12.5);
      expect(two.dispatches).toBe(7);
      expect(two.boundBytes / (T * D)).toBeGreaterThan(20);
    }
  });

  it('a quasi-DEER iteration folds the update into the scan: fewer dispatches and bytes than reduce-then-scan', async () => {
    for (const T of [2 ** 12, 2 ** 16]) {
      const run = (scan: 'chained' | 'reduce-then-scan') => recorded({ scan }, (rt) => rt.solve(half, [0, 0], T, { method: quasiDeer(), maxIterations: 1 }));
      const one = (await run('chained')).submits.find((s) => s.dispatches > 0);
      const two = (await run('reduce-then-scan')).submits.find((s) => s.dispatches > 0);
      if (one === undefined || two === undefined) throw new Error('no iteration was submitted');
      // Reduce-then-scan: linearize, reduce / coarser levels / replay, update, and two reduction chains.
      expect(two.dispatches - one.dispatches).toBeGreaterThanOrEqual(5);
      expect(one.boundBytes).toBeLessThan(0.75 * two.boundBytes);
      expect(one.copiedBytes).toBe(24);
    }
  });

  it('chooses per kind: dense is reduce-then-scan even when the chained scan is forced; a binding too small for one dispatch falls back, or is refused when forced', async () => {
    const kernels = (device: RecordingDevice) => device.sources.map((s) => (s.includes('unroll_ticket') ? 'chained' : 'other'));
    const denseRun = await recorded({ scan: 'chained' }, (rt) => rt.linearRecurrence(dense(2), new Float32Array(400 * 4), new Float32Array(400 * 2), new Float32Array(2)));
    expect(kernels(denseRun)).not.toContain('chained');
    const big = (rt: Awaited<ReturnType<typeof createGpuRuntime>>) => rt.linearRecurrence(diagonal(1), new Float32Array(5000), new Float32Array(5000), new Float32Array(1));
    expect(kernels(await recorded({}, big))).toEqual(['chained']);
    expect(kernels(await recorded({ maxBindingBytes: 4096 }, big))).not.toContain('chained');
    await expect(recorded({ maxBindingBytes: 4096, scan: 'chained' }, big)).rejects.toMatchObject({ code: 'UNSUPPORTED', message: expect.stringMatching(/does not fit one dispatch/) as unknown });
    expect(kernels(await recorded({ scan: 'reduce-then-scan' }, big))).not.toContain('chained');
  });

  it("folds onIteration's prefix into the scan where the device allows 9 storage bindings, and measures it in its own pass where it allows 8", async () => {
    const kernels = async (maxStorageBuffers: number) => {
      const device = new RecordingDevice();
      (device.limits as { maxStorageBuffersPerShaderStage: number }).maxStorageBuffersPerShaderStage = maxStorageBuffers;
      const rt = await createGpuRuntime({ device: device as unknown as GPUDevice });
      try {
        await rt.solve(half, [0, 0], 4096, { method: quasiDeer(), maxIterations: 1, onIteration: () => undefined });
      } finally {
        rt.destroy();
      }
      const chained = device.sources.filter((s) => s.includes('unroll_ticket'));
      return {
        update: chained.some((s) => s.includes('unroll_guess')),
        foldedPrefix: chained.some((s) => s.includes('unroll_prefixPart')),
        prefixPass: device.sources.some((s) => !s.includes('unroll_ticket') && s.includes('far = f32(v)') && !s.includes('unroll_win')),
        bindings: Math.max(...chained.map((s) => (s.match(/var<storage/g) ?? []).length)),
      };
    };
    expect(await kernels(10)).toEqual({ update: true, foldedPrefix: true, prefixPass: false, bindings: 9 });
    expect(await kernels(8)).toEqual({ update: true, foldedPrefix: false, prefixPass: true, bindings: 8 });
  });

  it('refuses unknown scan and lookBack values', async () => {
    const device = new RecordingDevice() as unknown as GPUDevice;
    await expect(createGpuRuntime({ device, scan: 'single-pass' as never })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/scan must be 'auto', 'chained' or 'reduce-then-scan'/) as unknown });
    await expect(createGpuRuntime({ device, lookBack: 0 as never })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/lookBack must be/) as unknown });
  });
});

describe('the chained scan’s tiling and tags', () => {
  it('tiles cover every step of every coordinate once, with at most 64 threads', () => {
    for (const [D, S, L, chunk] of [[1, 1, 1, 32], [1, 3, 1025, 32], [5, 2, 777, 4], [40, 1, 100, 8], [2048, 1, 3, 32], [64, 2, 65, 1]] as const) {
      const g = chainedGeometry(D, S, L, chunk);
      expect(g.K).toBe(Math.min(chunk, maxChainedChunk));
      expect(g.rows * g.columns).toBeLessThanOrEqual(64);
      expect(g.blocks * g.columns).toBeGreaterThanOrEqual(D);
      expect((g.blocks - 1) * g.columns).toBeLessThan(D);
      // Tiles per lane × steps per tile covers L, and one tile fewer would not.
      const perLane = g.tiles / g.lanes;
      expect(Number.isInteger(perLane)).toBe(true);
      expect(perLane * g.rows * g.K).toBeGreaterThanOrEqual(L);
      expect((perLane - 1) * g.rows * g.K).toBeLessThan(L);
      expect(g.lanes).toBe(S * g.blocks);
    }
  });

  it('the tile counter wraps back to 0 before 2³², with 16-bit tags that differ from run to run', () => {
    for (const tiles of [1, 2, 1000, 65535, 65536, 65537, 2 ** 20, 2 ** 31 - 1]) {
      const epochs = epochsFor(tiles);
      expect(epochs).toBeGreaterThanOrEqual(2);
      expect(epochs).toBeLessThanOrEqual(0xffff);
      expect(tiles * epochs).toBeLessThanOrEqual(0xffffffff);
    }
    // The counter over many runs, as the kernel moves it: run r hands out tickets
    // [c, c + tiles) and the holder of ticket tiles·epochs − 1 subtracts tiles·epochs.
    const tiles = 7, epochs = epochsFor(tiles);
    let counter = 0;
    let previousTag = -1;
    const faults: string[] = [];
    for (let run = 0; run < 3 * epochs + 2; run++) {
      let tag = 0;
      for (let w = 0; w < tiles; w++) {
        const ticket = counter;
        counter = (counter + 1) >>> 0;
        if (ticket === tiles * epochs - 1) counter = (counter - tiles * epochs) >>> 0;
        const t = Math.floor(ticket / tiles) + 1;
        if (w === 0) tag = t;
        else if (t !== tag) faults.push(`run ${run}: tags ${tag} and ${t}`);
        if (ticket % tiles !== w) faults.push(`run ${run}: workgroup ${w} got tile ${ticket % tiles}`);
      }
      if (tag === previousTag || tag < 1 || tag > 0xffff) faults.push(`run ${run}: tag ${tag} after ${previousTag}`);
      previousTag = tag;
    }
    expect(faults).toEqual([]);
    expect(counter).toBe(((3 * epochs + 2) % epochs) * tiles);
  });
});
