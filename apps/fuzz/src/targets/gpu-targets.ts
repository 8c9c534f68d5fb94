import { createGpuRuntime, defineGpuDynamics, type GpuRuntime } from '@unroll/gpu-runtime';
import { diagonal } from '@unroll/scan';
import { scaleElk } from '@unroll/solvers';
import { gpuRnn } from '../gpu-rnn.js';
import { solveOptionKeys } from './solvers-targets.js';
import { convergedFinite, optionSlots, slot, target, type Slot, type Target, type TargetContext } from './target.js';

const D = 2;
const T = 8;

type Method = 'scan' | 'linearRecurrence' | 'compile' | 'evaluate' | 'solve' | 'measureScan';

/** After any runtime call, refused or not, the runtime holds no buffers (README: "0 between calls"). */
async function noBuffersLeft(ctx: TargetContext): Promise<string | undefined> {
  const rt = await ctx.runtime();
  return rt.liveBuffers === 0 ? undefined : `left ${rt.liveBuffers} GPU buffers allocated after the call`;
}

/** A method of the child's shared runtime as a target. */
function runtimeTarget(name: string, method: Method, args: () => unknown[], slots: readonly Slot[], after?: Target['after']): Target {
  return {
    name: `gpu-runtime.rt.${name}`,
    gpu: true,
    args,
    slots,
    call: async (a, ctx) => {
      const rt = await ctx.runtime();
      return (rt[method] as (...x: unknown[]) => unknown).apply(rt, [...a]);
    },
    ...(after === undefined ? {} : { after }),
    always: noBuffersLeft,
  };
}

/** The fuzz RNN as a Dynamics that carries its WGSL (the object both backends take). */
const rnnDynamics = () => gpuRnn(D, [0.3, -0.2, 0.1, 0.4], [0.5, -0.5]).gpu;
/** The same RNN as WGSL-only GPU dynamics (defineGpuDynamics). */
const rnn = () => {
  const { wgsl } = rnnDynamics();
  if (wgsl === undefined) throw new Error('gpuRnn lost its wgsl');
  return defineGpuDynamics({ dim: D, name: 'gpu-rnn', wgsl: wgsl.source, params: wgsl.params });
};

const gpuDynamicsSlots = (index: number): Slot[] => [
  slot(String(index), 'dynamics', 'dyn', 'first argument'),
  slot(`${index}.dim`, 'dim'),
  slot(`${index}.wgsl`, 'wgsl', 'WGSL'),
  slot(`${index}.params`, 'params'),
];

/**
 * The GPU runtime's exports and methods with valid calls. The runtime methods run on
 * the child's shared runtime; `createGpuRuntime` makes (and destroys) its own.
 */
export function gpuTargets(): Target[] {
  // Options of the CPU solvers the GPU does not take (window, lambda, dtype) are tried too:
  // a GPU solve must refuse them or honour them, never misreport.
  const gpuSolveKeys = solveOptionKeys.filter((k) => k !== 'memoryBudget');
  return [
    target('gpu-runtime.createGpuRuntime', createGpuRuntime, () => [{ chunk: 32 }], optionSlots(0, ['device', 'powerPreference', 'chunk', 'maxBindingBytes', 'maxWorkgroupsPerDimension']), {
      gpu: true,
      cleanup: (rt) => {
        (rt as GpuRuntime).destroy();
      },
    }),
    target('gpu-runtime.defineGpuDynamics', defineGpuDynamics, () => [{ dim: D, wgsl: rnn().wgsl, params: rnn().params, name: 'rnn' }], optionSlots(0, ['dim', 'wgsl', 'params', 'name'], ['spec', 'first argument'])),
    runtimeTarget('scan', 'scan', () => [new Float32Array(T * 2 * D).fill(0.5), 'diagonal', D], [slot('0', 'elements'), slot('1', 'kind'), slot('2', 'D')]),
    runtimeTarget('linearRecurrence', 'linearRecurrence', () => [diagonal(D), new Float32Array(T * D).fill(0.5), new Float32Array(T * D).fill(1), [0, 0]], [
      slot('0', 'structure', 'first argument'),
      slot('1', 'A'),
      slot('2', 'b'),
      slot('3', 's0'),
    ]),
    runtimeTarget('compile', 'compile', () => [rnn()], gpuDynamicsSlots(0)),
    runtimeTarget('evaluate', 'evaluate', () => [rnn(), { t: [1, 2], prev: [0.1, 0.2, 0.3, 0.4] }], [
      ...gpuDynamicsSlots(0),
      ...optionSlots(1, ['prev', 'sequence'], ['points']),
      // t's length is the number of points, which prev must match: naming either is right.
      slot('1.t', 't', 'prev', 'point'),
    ]),
    runtimeTarget(
      'solve',
      'solve',
      () => [rnn(), [0.1, -0.2], T, {}],
      [...gpuDynamicsSlots(0), slot('1', 's0'), slot('2', 'T'), ...optionSlots(3, gpuSolveKeys)],
      convergedFinite,
    ),
    runtimeTarget(
      'solve[Dynamics with wgsl]',
      'solve',
      () => [rnnDynamics(), [0.1, -0.2], T, {}],
      [
        slot('0', 'dynamics', 'first argument'),
        slot('0.dim', 'dim'),
        // Without step it is no Dynamics: the message says what the GPU takes.
        slot('0.step', 'step', 'Dynamics'),
        slot('0.wgsl', 'wgsl'),
        slot('0.wgsl.source', 'source', 'wgsl'),
        slot('0.wgsl.params', 'params'),
        slot('1', 's0'),
        slot('2', 'T'),
      ],
      convergedFinite,
    ),
    runtimeTarget(
      'solve[scale-elk]',
      'solve',
      () => [rnn(), [0.1, -0.2], T, { method: scaleElk({ k: 0.5 }) }],
      [slot('1', 's0'), slot('2', 'T'), ...optionSlots(3, gpuSolveKeys)],
      convergedFinite,
    ),
    runtimeTarget('measureScan', 'measureScan', () => [{ kind: 'diagonal', D, T: 64, sequences: 1, repeats: 1 }], [
      ...optionSlots(0, ['kind', 'D', 'T', 'sequences']),
      // repeats is how often to time the kernel: 1e10 of them is work the caller asked for.
      { path: '0.repeats', names: ['repeats'], skip: ['1e10'] },
    ]),
  ];
}
