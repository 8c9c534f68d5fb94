import fc from 'fast-check';
import { createGpuRuntime, type GpuMethod, type GpuRuntime, type GpuSolveOptions } from '@unroll/gpu-runtime';
import { UnrollError } from '@unroll/scan';
import { elk, scaleElk } from '@unroll/solvers';
import { Child } from './child-process.js';
import { gpuEnvironment } from './gpu-environment.js';
import { gpuRnn } from './gpu-rnn.js';
import { maxAbsDifference, residual, rollout } from './oracle.js';
import { compact, type CaseFailure, type PropertyClass } from './property-runner.js';
import { real } from './random-systems.js';
import { describeError } from './solve-properties.js';

/** One create → solve → destroy cycle, as plain data. */
export interface GpuCycle {
  readonly D: number;
  readonly T: number;
  /** Sequences solved in one call (s0 holds S·D numbers). */
  readonly sequences: number;
  /** Raw weights in [−1, 1], scaled so ‖W‖∞ = rho (a contraction). */
  readonly W: readonly number[];
  readonly rho: number;
  readonly u: readonly number[];
  readonly starts: readonly number[];
  readonly method: GpuMethod;
  readonly k: number;
  /** ELK's λ (elk, quasi-elk). */
  readonly lambda: number;
  /** A sliding window as a fraction of T (undefined: none). */
  readonly window: number | undefined;
  /** PASO's rules: steps enter a window at the previous window's last state; changes measured mean-square. */
  readonly entryPrevious: boolean;
  readonly meanSquare: boolean;
  /** Iterations per read-back (without a window). */
  readonly readEvery: number;
  readonly stop: 'delta' | 'merit' | undefined;
  readonly fallback: 'none' | 'sequential' | undefined;
  readonly init: 'zeros' | 'random' | 'jacobi' | undefined;
}

const gpuMethods: readonly GpuMethod[] = ['quasi-deer', 'deer', 'picard', 'jacobi', 'clip-elk', 'scale-elk', 'elk', 'quasi-elk', 'sequential'];

/** ELK's trust region does not fix a leading step per iteration: it is promised to end, and to be right when converged, not to converge within T. */
const isElk = (m: GpuMethod): boolean => m === 'elk' || m === 'quasi-elk';

/** Cycles with T up to `maxT` (short runs keep it small: SwiftShader runs the kernels on the CPU). */
export function gpuCycleArbitrary(maxT: number): fc.Arbitrary<GpuCycle> {
  return fc.integer({ min: 1, max: 4 }).chain((D) =>
    fc.record({
      D: fc.constant(D),
      T: fc.integer({ min: 1, max: maxT }),
      sequences: fc.integer({ min: 1, max: 2 }),
      W: fc.array(real(-1, 1), { minLength: D * D, maxLength: D * D }),
      rho: real(0.05, 0.6),
      u: fc.array(real(-1, 1), { minLength: D, maxLength: D }),
      starts: fc.array(real(-1, 1), { minLength: 2 * D, maxLength: 2 * D }),
      method: fc.constantFrom(...gpuMethods),
      k: real(0, 1),
      lambda: real(0, 2),
      window: fc.option(real(0.05, 1), { nil: undefined }),
      entryPrevious: fc.boolean(),
      meanSquare: fc.boolean(),
      readEvery: fc.integer({ min: 1, max: 4 }),
      stop: fc.option(fc.constantFrom('delta' as const, 'merit' as const), { nil: undefined }),
      fallback: fc.option(fc.constantFrom('none' as const, 'sequential' as const), { nil: undefined }),
      init: fc.option(fc.constantFrom('zeros' as const, 'random' as const, 'jacobi' as const), { nil: undefined }),
    }),
  );
}

/** The weights of a cycle: rows rescaled so ‖W‖∞ ≤ rho. */
function weights(c: GpuCycle): number[] {
  const W = [...c.W];
  for (let i = 0; i < c.D; i++) {
    let sum = 0;
    for (let j = 0; j < c.D; j++) sum += Math.abs(W[i * c.D + j] ?? 0);
    const scale = sum > c.rho ? c.rho / sum : 1;
    for (let j = 0; j < c.D; j++) W[i * c.D + j] = (W[i * c.D + j] ?? 0) * scale;
  }
  return W;
}

/**
 * How far a float32 GPU evaluation of f may be from the float64 CPU twin, per entry:
 * a few hundred float32 roundoffs at |f| ≤ 1 (the argument's sum of D products, tanh's
 * own error in WGSL). Far below the residual tolerance it is added to (√1e-5 ≈ 3e-3).
 */
const evaluationSlack = 1e-5;

/**
 * One cycle in the GPU child: create a runtime, solve, check, destroy. Promises: no throw
 * (the call is valid), `converged: true` (a contraction converges within T iterations),
 * finite states whose float64 residual meets the stopping rule, within max|r|/(1 − L) of
 * the CPU rollout, no buffers left after the solve, and a destroyed runtime refusing work
 * with DEVICE_LOST.
 */
export async function runGpuCycle(c: GpuCycle): Promise<CaseFailure | undefined> {
  const fail = (check: string, message: string): CaseFailure => ({ signature: check, message, tags: { method: c.method, stop: c.stop ?? 'delta', sequences: String(c.sequences) } });
  const { gpu, cpu, lipschitz } = gpuRnn(c.D, weights(c), c.u);
  const S = c.sequences, D = c.D, T = c.T;
  const s0 = Float32Array.from(c.starts.slice(0, S * D));
  const options: GpuSolveOptions = {
    method: c.method === 'scale-elk' ? scaleElk({ k: c.k }) : c.method === 'elk' ? elk({ lambda: c.lambda }) : c.method === 'quasi-elk' ? elk({ lambda: c.lambda, base: 'diagonal' }) : c.method,
    ...(c.window === undefined || c.method === 'sequential' ? {} : { window: Math.max(1, Math.round(c.window * c.T)), ...(c.entryPrevious ? { windowEntry: 'previous' as const } : {}) }),
    ...(c.meanSquare ? { change: 'mean-square' as const } : {}),
    ...(c.window === undefined && c.readEvery > 1 ? { readEvery: c.readEvery } : {}),
    ...(c.stop === undefined ? {} : { stop: c.stop }),
    ...(c.fallback === undefined ? {} : { fallback: c.fallback }),
    ...(c.init === undefined ? {} : { init: c.init }),
  };
  let rt: GpuRuntime | undefined;
  try {
    rt = await createGpuRuntime();
    const result = await rt.solve(gpu, s0, T, options);
    if (rt.liveBuffers !== 0) return fail('buffers-left', `${rt.liveBuffers} buffers still allocated after the solve returned`);
    // ELK may end unconverged (see isElk); everything else that is checked below holds for it too.
    if (!result.converged && !isElk(c.method)) return fail('not-converged', `a contraction (L = ${lipschitz.toPrecision(3)}) did not converge in ${result.iterations} iterations`);
    if (!(result.states instanceof Float32Array) || result.states.length !== S * T * D) return fail('states-shape', `states ${result.states.constructor.name}(${result.states.length}), expected Float32Array(${S * T * D})`);
    if (result.iterations > T) return fail('iterations', `${result.iterations} iterations > T = ${T}`);
    const tol = 1e-5;
    const allowed = c.method === 'sequential' || result.fellBack ? 0 : c.stop === 'merit' ? Math.sqrt(2 * S * T * tol) : Math.sqrt(tol);
    for (let k = 0; k < (result.converged ? S : 0); k++) {
      // Sequence k's states and s_0 (as the GPU held it: float32).
      const states = result.states.slice(k * T * D, (k + 1) * T * D);
      const start = Float64Array.from(s0.slice(k * D, (k + 1) * D));
      for (const v of states) if (!Number.isFinite(v)) return fail('converged-nonfinite', `converged: true with non-finite states in sequence ${k}`);
      const r = residual(cpu, start, states, T, 'float64');
      if (!(r.max <= allowed + evaluationSlack)) return fail('residual', `converged: true but sequence ${k}'s float64 residual max|r| = ${r.max} > ${allowed} + ${evaluationSlack}`);
      const truth = rollout(cpu, start, T, 'float64');
      const error = maxAbsDifference(states, truth);
      const bound = (allowed + evaluationSlack) / (1 - lipschitz);
      if (!(error <= bound)) return fail('far-from-rollout', `sequence ${k} is ${error} from the CPU float64 rollout, more than max|r|/(1 − L) = ${bound.toPrecision(3)}`);
    }
    rt.destroy();
    const after = await rt.solve(gpu, s0, T, options).then(
      () => 'resolved',
      (e: unknown) => (e instanceof UnrollError && e.code === 'DEVICE_LOST' ? undefined : describeError(e)),
    );
    if (after !== undefined) return fail('use-after-destroy', `a solve on a destroyed runtime gave ${after} instead of rejecting with DEVICE_LOST`);
    const left = buffersHeld(rt);
    if (left !== 0) return fail('buffers-after-destroy', `${left} buffers after destroy()`);
    return undefined;
  } catch (error) {
    return fail(error instanceof UnrollError ? `refused-${error.code}` : `threw-${error instanceof Error ? error.name : typeof error}`, `a valid cycle threw ${describeError(error)}`);
  } finally {
    rt?.destroy();
  }
}

/** Buffers a runtime holds now (a call, not a property read, so no stale narrowing). */
function buffersHeld(rt: GpuRuntime): number {
  return rt.liveBuffers;
}

/** The GPU child: reports whether a WebGPU adapter exists, then runs cycles. */
export async function serveGpuCycles(): Promise<{ info: unknown; handle: (message: unknown) => Promise<unknown> }> {
  let gpu: string | true = true;
  try {
    (await createGpuRuntime()).destroy();
  } catch (error) {
    gpu = describeError(error);
  }
  return { info: { gpu }, handle: (message) => runGpuCycle((message as { cycle: GpuCycle }).cycle) };
}

/** Per-cycle limit: SwiftShader is slow, but a cycle of T ≤ 200 takes seconds. */
const cycleTimeoutMs = 120_000;

/**
 * The GPU-cycles class, run in a child process with the SwiftShader environment when
 * needed. `close()` then checks that the child exits by itself once disconnected (no
 * device, buffer or callback keeps Node alive after `destroy()`).
 */
export async function gpuCycles(maxT: number): Promise<{ cls: PropertyClass<GpuCycle> | undefined; skipped: string | undefined; close: () => Promise<CaseFailure | undefined> }> {
  const env = gpuEnvironment(process.env) ?? process.env;
  let current = await Child.start('gpu', { env });
  const gpu = (current.info as { gpu: string | true }).gpu;
  if (gpu !== true) {
    await current.child.close(10_000);
    return { cls: undefined, skipped: `no WebGPU adapter here (${gpu})`, close: () => Promise.resolve(undefined) };
  }
  const cls: PropertyClass<GpuCycle> = {
    name: 'gpu-cycles',
    arbitrary: gpuCycleArbitrary(maxT),
    describe: (c) => compact({ ...c, W: weights(c) }),
    check: async (c) => {
      if (!current.child.alive) current = await Child.start('gpu', { env });
      const answer = await current.child.request({ cycle: c }, cycleTimeoutMs);
      if (answer.ok) return answer.value as CaseFailure | undefined;
      return { signature: answer.reason === 'timeout' ? 'hang' : 'crash', message: answer.reason === 'timeout' ? `no answer within ${cycleTimeoutMs / 1000} s` : `the GPU process died: ${answer.detail}`, tags: { method: c.method } };
    },
  };
  return {
    cls,
    skipped: undefined,
    close: async () => {
      const { exitedByItself, detail } = await current.child.close(30_000);
      return exitedByItself ? undefined : { signature: 'process-did-not-exit', message: `after the cycles and destroy(), the process did not exit within 30 s of disconnecting (${detail})` };
    },
  };
}
