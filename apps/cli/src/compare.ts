import { elk, resolveMethod, scaleElk, solve, solveAsync, type Method, type SolveMethod, type SolveOptions } from '@unroll/solvers';
import { largestLyapunovExponent, advise, type Advice } from '@unroll/theory';
import { UnrollError } from '@unroll/scan';
import type { BuiltSystem } from './systems/built-system.js';
import { maxAbsDifference } from './max-abs-difference.js';

/** Settings of a comparison shared by every method. */
export interface CompareSettings {
  readonly methods: readonly Exclude<Method, 'sequential'>[];
  readonly tol?: number;
  readonly window?: number;
  readonly maxIterations?: number;
  readonly lambda?: number;
  readonly k?: number;
  readonly stop?: 'delta' | 'merit';
  /** Also solve on the GPU (methods with a GPU version; systems whose dynamics carry WGSL). */
  readonly gpu: boolean;
  /** Skip the advisor (it runs trial solves on a prefix). */
  readonly advise: boolean;
  /**
   * Stops the comparison early (Ctrl-C): the report keeps the rows finished so far and says
   * `interrupted`. A method's solve stops within milliseconds; the rollout, the LLE and the
   * advisor run to their end first.
   */
  readonly signal?: AbortSignal;
}

/** One method's run, as the table and the JSON show it. */
export interface MethodRun {
  readonly method: string;
  readonly device: 'cpu' | 'gpu';
  readonly iterations: number;
  readonly converged: boolean;
  readonly fellBack: boolean;
  /** Wall time of the solve, without the time spent recording the error trace. */
  readonly timeMs: number;
  /** timeMs / the sequential rollout's time on the same device. */
  readonly relativeTime: number;
  /** max |s − s_sequential| over all steps and coordinates, against the float64 CPU rollout. */
  readonly maxError: number;
  readonly trace: {
    readonly delta: readonly number[];
    readonly merit: readonly number[];
    readonly resets: readonly number[];
    /** max error of each iterate (CPU only: the GPU keeps its iterates on the device). */
    readonly maxError: readonly number[];
  };
  /** Set when the method could not run (e.g. a dense Jacobian over the memory budget). */
  readonly error?: { readonly code: string; readonly message: string };
}

/** Everything `unroll compare --json` writes (schema: `schema/compare.schema.json`). */
export interface CompareReport {
  readonly schema: 'unroll-compare/1';
  readonly system: { readonly label: string; readonly dim: number; readonly T: number; readonly seed: number; readonly params: Readonly<Record<string, number | string>> };
  readonly settings: { readonly tol: number | null; readonly window: number | null; readonly maxIterations: number | null; readonly stop: 'delta' | 'merit'; readonly lambda: number | null; readonly k: number | null };
  readonly sequential: { readonly cpuMs: number; readonly gpuMs: number | null };
  readonly lle: { readonly perStep: number; readonly perUnitTime: number | null; readonly predictable: boolean };
  readonly advice: (Pick<Advice, 'recommended' | 'parallelMethod' | 'predictedIterations' | 'relativeCost' | 'reasons'>) | null;
  readonly runs: readonly MethodRun[];
  /** The run was stopped (Ctrl-C) before every method had run: `runs` holds those that finished. */
  readonly interrupted: boolean;
}

/** What the caller sees while a comparison runs (a live status line). */
export interface CompareProgress {
  /** A step starts; a solve names the most iterations it may take. */
  begin(what: string, iterationLimit?: number): void;
  iteration(what: string, iteration: number, delta: number, merit: number): void;
  end(what: string, summary: string): void;
}

const silent: CompareProgress = { begin() {}, iteration() {}, end() {} };

/** Whether Ctrl-C has stopped the comparison (a call, not a property read, so TypeScript does not narrow it across awaits). */
function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

/** Runs `fn` repeatedly until 200 ms have passed (at most 20 times) and returns the fastest, so short solves get a stable time. */
function fastest<R>(fn: () => R): { result: R; ms: number } {
  let best = Infinity, result = fn(), total = 0, runs = 0;
  for (;;) {
    const t0 = performance.now();
    result = fn();
    const ms = performance.now() - t0;
    best = Math.min(best, ms);
    total += ms;
    runs++;
    if (total > 200 || runs >= 20) return { result, ms: best };
  }
}

function methodOptions(method: Exclude<Method, 'sequential'>, s: CompareSettings): SolveOptions {
  return {
    method: methodValue(method, s),
    ...(s.tol === undefined ? {} : { tol: s.tol }),
    ...(s.window === undefined ? {} : { window: s.window }),
    ...(s.maxIterations === undefined ? {} : { maxIterations: s.maxIterations }),
    ...(s.stop === undefined ? {} : { stop: s.stop }),
  };
}

/** The method value of a `--methods` name, its parameter from `--lambda` / `--k`. */
function methodValue(method: Exclude<Method, 'sequential'>, s: CompareSettings): SolveMethod {
  switch (method) {
    case 'elk':
      return elk({ lambda: s.lambda ?? 0 });
    case 'quasi-elk':
      return elk({ lambda: s.lambda ?? 0, base: 'diagonal' });
    case 'scale-elk':
      return scaleElk({ k: s.k ?? 0.5 });
    default:
      return resolveMethod('compare', method);
  }
}

function failure(method: string, device: 'cpu' | 'gpu', error: unknown): MethodRun {
  const code = error instanceof UnrollError ? error.code : 'ERROR';
  const message = error instanceof Error ? error.message : String(error);
  return { method, device, iterations: 0, converged: false, fellBack: false, timeMs: Number.NaN, relativeTime: Number.NaN, maxError: Number.NaN, trace: { delta: [], merit: [], resets: [], maxError: [] }, error: { code, message } };
}

/**
 * The comparison behind `unroll compare`: the sequential rollout (the reference and the
 * time to beat), the LLE along it, the advisor's verdict, then each method — its
 * iterations, time, and error per iteration against the rollout. A method that cannot run
 * (memory budget, missing derivative) becomes a row with its error, not a failed command.
 */
export async function compare(system: BuiltSystem, T: number, seed: number, settings: CompareSettings, progress: CompareProgress = silent): Promise<CompareReport> {
  const { dynamics: dyn, s0 } = system;
  const D = dyn.dim;
  progress.begin('sequential');
  const seq = fastest(() => solve(dyn, s0, T, { method: 'sequential' }));
  const reference = seq.result.states;
  progress.end('sequential', `${seq.ms.toFixed(1)} ms`);

  progress.begin('Lyapunov exponent');
  const lle = largestLyapunovExponent(dyn, s0, reference, { burnIn: Math.floor(T / 10), seed }).value;
  progress.end('Lyapunov exponent', lle.toPrecision(3));
  let advice: CompareReport['advice'] = null;
  const stopped = () => isAborted(settings.signal);
  await new Promise((resolve) => setImmediate(resolve)); // a Ctrl-C during the synchronous steps above is heard here
  if (settings.advise && !stopped()) {
    progress.begin('advisor');
    const a = advise(dyn, s0, T, { seed });
    advice = { recommended: a.recommended, parallelMethod: a.parallelMethod, predictedIterations: a.predictedIterations, relativeCost: a.relativeCost, reasons: a.reasons };
    progress.end('advisor', a.recommended);
  }

  const runs: MethodRun[] = [];
  for (const method of settings.methods) {
    if (stopped()) break;
    progress.begin(method, Math.min(T, settings.maxIterations ?? T));
    try {
      const errors: number[] = [];
      let recording = 0;
      const base = methodOptions(method, settings);
      const options: SolveOptions = {
        ...base,
        ...(method === 'deer' && system.deerStrategy !== undefined ? { method: system.deerStrategy } : {}),
        onIteration(info) {
          const t0 = performance.now();
          errors.push(maxAbsDifference(info.states, reference));
          progress.iteration(method, info.iteration, info.delta, info.merit);
          recording += performance.now() - t0;
        },
      };
      // A short untimed solve first, so the timed one measures compiled code, not the JIT.
      solve(dyn, s0, T, { ...base, ...(method === 'deer' && system.deerStrategy !== undefined ? { method: system.deerStrategy } : {}), maxIterations: Math.min(2, T) });
      const t0 = performance.now();
      // Asynchronous, so Ctrl-C is heard mid-solve; it yields every few ms, too rarely to show in the time.
      const r = await solveAsync(dyn, s0, T, { ...options, ...(settings.signal === undefined ? {} : { signal: settings.signal }) });
      const ms = performance.now() - t0 - recording;
      const run: MethodRun = {
        method,
        device: 'cpu',
        iterations: r.iterations,
        converged: r.converged,
        fellBack: r.fellBack,
        timeMs: ms,
        relativeTime: ms / seq.ms,
        maxError: maxAbsDifference(r.states, reference),
        trace: { delta: r.trace.delta, merit: r.trace.merit, resets: r.trace.resets, maxError: errors },
      };
      runs.push(run);
      progress.end(method, `${r.iterations} iterations${r.converged ? '' : ' (not converged)'}`);
    } catch (error) {
      if (stopped()) {
        progress.end(method, 'interrupted');
        break; // an unfinished solve is no row
      }
      runs.push(failure(method, 'cpu', error));
      progress.end(method, 'failed');
    }
  }

  let gpuMs: number | null = null;
  if (settings.gpu && !stopped()) {
    try {
      const { gpuRuns, sequentialMs } = await compareOnGpu(system, T, settings, reference, progress);
      runs.push(...gpuRuns);
      gpuMs = sequentialMs;
    } catch (error) {
      // No device (no webgpu package, no driver): the CPU rows stand; each method gets a GPU row saying why.
      progress.end('GPU device', 'failed');
      runs.push(...settings.methods.map((method) => failure(method, 'gpu', error)));
    }
  }

  return {
    schema: 'unroll-compare/1',
    system: { label: system.label, dim: D, T, seed, params: system.params },
    settings: {
      tol: settings.tol ?? null,
      window: settings.window ?? null,
      maxIterations: settings.maxIterations ?? null,
      stop: settings.stop ?? 'delta',
      lambda: settings.lambda ?? null,
      k: settings.k ?? null,
    },
    sequential: { cpuMs: seq.ms, gpuMs },
    lle: { perStep: lle, perUnitTime: system.dt === undefined ? null : lle / system.dt, predictable: lle < 0 },
    advice,
    runs,
    interrupted: stopped(),
  };
}


/** The GPU rows: the same methods on the same dynamics (which carry their WGSL), in float32, timed end to end. */
async function compareOnGpu(system: BuiltSystem, T: number, settings: CompareSettings, reference: Float64Array | Float32Array, progress: CompareProgress): Promise<{ gpuRuns: MethodRun[]; sequentialMs: number | null }> {
  const dyn = system.dynamics;
  if (dyn.wgsl === undefined) {
    throw new UnrollError('UNSUPPORTED', `--gpu: ${system.label} has no WGSL form (its dynamics carry no \`wgsl\`); gru, mean-field, langevin, lorenz96, lorenz63, rossler, logistic and henon run on the GPU.`);
  }
  const { createGpuRuntime, gpuMethods } = await import('@unroll/gpu-runtime');
  progress.begin('GPU device');
  const rt = await createGpuRuntime();
  progress.end('GPU device', 'ready');
  try {
    const s0 = Float32Array.from(system.s0);
    await rt.solve(dyn, s0, T, { method: 'sequential' }); // compiles the kernels: not timed
    const t0 = performance.now();
    await rt.solve(dyn, s0, T, { method: 'sequential' });
    const seqMs = performance.now() - t0;
    const out: MethodRun[] = [];
    for (const method of settings.methods) {
      if (isAborted(settings.signal)) break;
      const name: string = method;
      const gpuMethod = gpuMethods.find((m): m is Exclude<typeof m, 'sequential'> => m === method);
      if (gpuMethod === undefined) {
        out.push(failure(name, 'gpu', new UnrollError('UNSUPPORTED', `${method} has no GPU version (GPU methods: ${gpuMethods.filter((m) => m !== 'sequential').join(', ')}).`)));
        continue;
      }
      progress.begin(`${method} (gpu)`);
      try {
        const start = performance.now();
        const r = await rt.solve(dyn, s0, T, {
          method: methodValue(gpuMethod, settings),
          ...(settings.tol === undefined ? {} : { tol: settings.tol }),
          ...(settings.window === undefined ? {} : { window: settings.window }),
          ...(settings.maxIterations === undefined ? {} : { maxIterations: settings.maxIterations }),
          ...(settings.stop === undefined ? {} : { stop: settings.stop }),
          ...(settings.signal === undefined ? {} : { signal: settings.signal }),
          onIteration: (info) => { progress.iteration(`${method} (gpu)`, info.iteration, info.delta, info.merit); },
        });
        const ms = performance.now() - start;
        out.push({ method: name, device: 'gpu', iterations: r.iterations, converged: r.converged, fellBack: r.fellBack, timeMs: ms, relativeTime: ms / seqMs, maxError: maxAbsDifference(r.states, reference), trace: { delta: r.trace.delta, merit: r.trace.merit, resets: r.trace.resets, maxError: [] } });
        progress.end(`${method} (gpu)`, `${r.iterations} iterations`);
      } catch (error) {
        if (isAborted(settings.signal)) break; // interrupted: an unfinished solve is no row
        out.push(failure(name, 'gpu', error));
        progress.end(`${method} (gpu)`, 'failed');
      }
    }
    return { gpuRuns: out, sequentialMs: seqMs };
  } finally {
    rt.destroy();
  }
}
