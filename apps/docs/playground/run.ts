// One playground run: the advisor's verdict, then each chosen method against the
// sequential rollout (the exact reference), with merit and error per iteration.
import { clipElk, deer, elk, jacobi, picard, quasiDeer, scaleElk, sequentialRollout, solveAsync, type SolveMethod } from '@unroll/solvers';
import { advise } from '@unroll/theory';
import type { ExampleContext, ExampleResult } from '../examples/context.js';
import type { PlaygroundMethod, PlaygroundSetup } from './setup.js';
import { systemById } from './systems.js';

export type { PlaygroundSetup } from './setup.js';

/** The method value for a playground choice (λ and k from the setup). */
export function methodValue(m: PlaygroundMethod, setup: PlaygroundSetup): SolveMethod {
  switch (m) {
    case 'deer':
      return deer();
    case 'quasi-deer':
      return quasiDeer();
    case 'picard':
      return picard();
    case 'jacobi':
      return jacobi();
    case 'elk':
      return elk({ lambda: setup.lambda });
    case 'quasi-elk':
      return elk({ lambda: setup.lambda, base: 'diagonal' });
    case 'scale-elk':
      return scaleElk({ k: setup.k });
    case 'clip-elk':
      return clipElk();
  }
}

/** max |a_i − b_i|; NaN as soon as one difference is NaN (a non-finite iterate must show as such, whatever follows it). */
export function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs((a[i] ?? NaN) - (b[i] ?? NaN));
    if (Number.isNaN(d)) return NaN;
    if (d > m) m = d;
  }
  return m;
}

/** Runs a setup; the 'time (ms)' column is the only one that differs from run to run. */
export async function runPlayground(setup: PlaygroundSetup, ctx: ExampleContext): Promise<ExampleResult> {
  const spec = systemById(setup.system);
  const { dyn, s0 } = spec.build(setup.params, setup.T);
  const T = setup.T;
  const t0 = performance.now();
  const reference = sequentialRollout(dyn, s0, T, new Float64Array(T * dyn.dim));
  const sequentialMs = performance.now() - t0;
  ctx.progress(0, 'advisor');

  const summary: string[] = [];
  const advisorRows: (string | number | boolean)[][] = [];
  try {
    const a = advise(dyn, s0, T);
    advisorRows.push([a.recommended, a.parallelMethod, a.predictable, a.lle, a.predictedIterations, a.relativeCost]);
    summary.push(`Advisor: ${a.recommended === 'sequential' ? 'stay sequential' : `parallelize with ${a.recommended}`}. ${a.reasons.join(' ')}`);
  } catch (e) {
    summary.push(`Advisor: ${e instanceof Error ? e.message : String(e)}`);
  }

  const access = setup.backend === 'gpu' ? await ctx.gpu() : undefined;
  if (access?.reason !== undefined) summary.push(`Backend: ${access.reason}.`);
  const rt = access?.runtime;

  const rows: (string | number | boolean)[][] = [['sequential rollout', 0, true, 0, 0, sequentialMs]];
  const merit: Record<string, number | string>[] = [];
  const error: Record<string, number | string>[] = [];
  for (const [index, m] of setup.methods.entries()) {
    const errors: number[] = [];
    const started = performance.now();
    try {
      const r = await solveAsync(dyn, rt === undefined ? s0 : Float32Array.from(s0), T, {
        method: methodValue(m, setup),
        signal: ctx.signal,
        ...(rt === undefined ? {} : { backend: rt }),
        onIteration(info) {
          if (rt === undefined) errors.push(maxAbsDifference(info.states, reference));
          ctx.progress((index + info.iteration / T) / setup.methods.length, `${m}, iteration ${info.iteration}`);
        },
      });
      const ms = performance.now() - started;
      rows.push([m, r.iterations, r.converged, maxAbsDifference(r.states, reference), r.trace.resets.reduce((a, b) => a + b, 0), ms]);
      r.trace.merit.forEach((value, i) => merit.push({ iteration: i + 1, 'merit L/T': value, method: m }));
      errors.forEach((value, i) => error.push({ iteration: i + 1, 'max |s − s_seq|': value, method: m }));
    } catch (e) {
      if (ctx.signal.aborted) throw e;
      rows.push([m, `refused: ${e instanceof Error ? e.message : String(e)}`, false, NaN, 0, performance.now() - started]);
    }
  }
  ctx.progress(1, 'done');
  return {
    summary,
    tables: [
      ...(advisorRows.length === 0 ? [] : [{ title: 'Advisor (theory.advise)', columns: ['recommended', 'parallel method', 'predictable', 'LLE λ per step', 'predicted iterations', 'relative cost'], rows: advisorRows }]),
      { title: `${spec.label}, T = ${T}: each method against the sequential rollout`, columns: ['method', 'iterations', 'converged', 'max |s − s_seq|', 'resets', 'time (ms)'], rows },
    ],
    figures: [
      { title: 'Convergence: merit L(s)/T per iteration', x: 'iteration', y: 'merit L/T', series: 'method', logY: true, data: merit },
      ...(error.length === 0 ? [] : [{ title: 'Error against the sequential rollout per iteration', x: 'iteration', y: 'max |s − s_seq|', series: 'method', logY: true, data: error }]),
    ],
  };
}
