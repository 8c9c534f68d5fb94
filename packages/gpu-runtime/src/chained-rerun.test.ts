// One chained-scan plan run again and again on new inputs, as a solve reruns it every
// iteration: its statuses are never cleared, so a tile must never take the previous run's
// published values for this run's (the tags), and the tile counter must start each run at
// tile 0. Checked against the float64 CPU recurrence after every run, with many small
// tiles so that predecessors are often still running when a tile looks back.
import { diagonal, linearRecurrence, mulberry32 } from '@unroll/scan';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireDevice, limitsOf } from './acquire-device.js';
import { ChainedPlan } from './chained-plan.js';
import type { LookBack } from './chained-kernel.js';
import { GpuContext } from './gpu-context.js';
import { usage } from './usage.js';

let ctx: GpuContext;
beforeAll(async () => {
  const { device, adapter, name } = await acquireDevice({});
  ctx = new GpuContext(device, limitsOf(device, {}), true, name, adapter);
});
afterAll(() => {
  ctx.destroy();
});

describe('a chained-scan plan rerun on new inputs', () => {
  for (const lookBack of ['pure', 'bounded'] as const satisfies readonly LookBack[]) {
    it(`${lookBack} look-back: every run equals the CPU recurrence of its own inputs`, async () => {
      // D = 1, one step per thread: 64-step tiles, 1000 of them in one lane.
      const T = 64_000 - 13;
      const A = new Float32Array(T), b = new Float32Array(T);
      const bufA = ctx.buffer(T * 4, usage.storage | usage.copyDst, 'A');
      const bufB = ctx.buffer(T * 4, usage.storage | usage.copyDst, 'b');
      const s0 = ctx.storage(new Float32Array([0.25]), 's0');
      const out = ctx.buffer(T * 4, usage.storage | usage.copySrc, 'out');
      const plan = await ChainedPlan.create(ctx, { kind: 'diagonal', D: 1, S: 1, L: T, C: 1 }, lookBack, { buffer: bufA, stride: 1, offset: 0 }, { buffer: bufB, stride: 1, offset: 0 }, s0, out);
      expect(plan.tiles).toBe(1000);
      try {
        for (let run = 0; run < 6; run++) {
          // Each run's inputs differ in every step (a sign flip every other run), so a
          // status taken from the run before would show as a wrong state.
          const next = mulberry32(run + 1);
          for (let t = 0; t < T; t++) {
            A[t] = 0.5 + 0.5 * (next() / 4294967296);
            b[t] = (run % 2 === 0 ? 1 : -1) * (next() / 4294967296);
          }
          ctx.device.queue.writeBuffer(bufA, 0, A);
          ctx.device.queue.writeBuffer(bufB, 0, b);
          const encoder = ctx.device.createCommandEncoder();
          const pass = encoder.beginComputePass();
          plan.encode(pass);
          pass.end();
          ctx.device.queue.submit([encoder.finish()]);
          const gpu = await ctx.read(out, T);
          const cpu = linearRecurrence(diagonal(1), Float64Array.from(A), Float64Array.from(b), [0.25]);
          let worst = 0;
          for (let t = 0; t < T; t++) worst = Math.max(worst, Math.abs((gpu[t] ?? NaN) - (cpu[t] ?? NaN)) / (1 + Math.abs(cpu[t] ?? 0)));
          expect(worst, `run ${run}`).toBeLessThan(1e-5);
        }
      } finally {
        plan.destroy();
        for (const x of [bufA, bufB, s0, out]) ctx.release(x);
      }
    });
  }
});
