import { mulberry32 } from '@unroll/scan';
import { checkFloats, maxIndex, optionsObject, positiveInteger } from './check-input.js';
import { checkKind } from './check-kind.js';
import type { GpuContext } from './gpu-context.js';
import { createRecurrence, type Recurrence } from './scan-plan.js';
import type { ScanConfig } from './scan-config.js';
import { widthOf, type ScanKind } from './scan-kernels.js';
import { usage } from './usage.js';

/** What `rt.measureScan` measures. */
export interface ScanMeasurementOptions {
  /** The elements' kind: `'diagonal'`, `'identity'` or `'dense'` (D ≤ 16). */
  readonly kind: ScanKind;
  /** The state dimension. */
  readonly D: number;
  /** Steps per sequence. */
  readonly T: number;
  /** Sequences per recurrence (default 1). */
  readonly sequences?: number;
  /** Recurrences timed back to back in one submission (default 10). */
  readonly repeats?: number;
}

/** Device-resident recurrence throughput (uploads and read-backs excluded). */
export interface ScanMeasurement {
  /** Seconds per recurrence (median-free: total over `repeats`). */
  readonly seconds: number;
  /** State entries s_t[i] produced per second. */
  readonly statesPerSecond: number;
  /** Elements (A_t, b_t) consumed per second, per sequence-step. */
  readonly elementsPerSecond: number;
  /**
   * Effective bandwidth: the bytes a recurrence must move at least — read A and b once,
   * write the states once — per second. Compare with the card's memory bandwidth.
   */
  readonly bytesPerSecond: number;
}

/** Recurrences one measurement may time back to back (one command buffer). */
const maxRepeats = 10_000;

/**
 * Times `s_t = A_t s_{t−1} + b_t` on the device with random resident inputs (|a| ≤ 1):
 * one warm-up, then `repeats` recurrences in one command buffer, timed from submission
 * to `onSubmittedWorkDone`.
 */
export async function measureScan(ctx: GpuContext, config: ScanConfig, options: ScanMeasurementOptions): Promise<ScanMeasurement> {
  const where = 'measureScan';
  const o = optionsObject(where, 'options', options, ['kind', 'D', 'T', 'sequences', 'repeats'], "{ kind: 'diagonal', D: 1, T: 65536 }", false);
  const kind = o['kind'];
  checkKind(where, kind, o['D']);
  const D = positiveInteger(where, 'D', o['D']);
  const T = positiveInteger(where, 'T', o['T'], maxIndex);
  const S = o['sequences'] === undefined ? 1 : positiveInteger(where, 'sequences', o['sequences'], maxIndex);
  const repeats = o['repeats'] === undefined ? 10 : positiveInteger(where, 'repeats', o['repeats'], maxRepeats);
  checkFloats(where, 'A', S * T * widthOf(kind, D), ctx.limits.maxBufferBytes);
  checkFloats(where, 'b and the states', S * T * D, ctx.limits.maxBufferBytes);
  const W = widthOf(kind, D);
  const next = mulberry32(T + D);
  const random = (n: number, scale: number) => {
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = scale * (next() / 2147483648 - 1);
    return a;
  };
  const made: GPUBuffer[] = [];
  let plan: Recurrence | undefined;
  try {
    const A = W > 0 ? ctx.storage(random(S * T * W, kind === 'dense' ? 1 / Math.sqrt(D) : 1), 'measure A') : undefined;
    if (A !== undefined) made.push(A);
    const B = ctx.storage(random(S * T * D, 1), 'measure b');
    const s0 = ctx.storage(random(S * D, 1), 'measure s0');
    const out = ctx.buffer(S * T * D * 4, usage.storage | usage.copySrc, 'measure states');
    made.push(B, s0, out);
    plan = await createRecurrence(ctx, config, { kind, D, S, L: T }, A === undefined ? undefined : { buffer: A, stride: W, offset: 0 }, { buffer: B, stride: D, offset: 0 }, s0, out);
    await ctx.allocated('measureScan');
    const p = plan;
    const run = async (times: number) => {
      const encoder = ctx.device.createCommandEncoder();
      const pass = encoder.beginComputePass();
      for (let k = 0; k < times; k++) p.encode(pass);
      pass.end();
      const start = performance.now();
      ctx.device.queue.submit([encoder.finish()]);
      await ctx.guard(ctx.device.queue.onSubmittedWorkDone(), 'measureScan');
      return (performance.now() - start) / 1000;
    };
    await run(1);
    const seconds = (await run(repeats)) / repeats;
    const entries = S * T * D;
    return {
      seconds,
      statesPerSecond: entries / seconds,
      elementsPerSecond: (S * T) / seconds,
      bytesPerSecond: (4 * (S * T * W + 2 * entries)) / seconds,
    };
  } finally {
    plan?.destroy();
    for (const b of made) ctx.release(b);
  }
}
