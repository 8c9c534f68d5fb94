import { flag, numberOption, stringOption, type OptionSpecs } from '../args.js';
import type { Command, Io } from '../command.js';
import { readInvocation } from '../invocation.js';
import { compare, type CompareReport } from '../compare.js';
import { formatDuration, formatNumber, renderTable } from '../format.js';
import { parseMethods } from '../methods.js';
import { interruptedExitCode, listenForInterrupt } from '../interrupt.js';
import { heartbeatSecondsFrom, Progress } from '../progress.js';
import { resolveSystem, systemOptions } from '../systems/resolve-system.js';
import { UsageError } from '../usage-error.js';
import { writeJson } from '../write-json.js';

const options: OptionSpecs = {
  ...systemOptions,
  methods: { type: 'string', short: 'm', value: '<a,b,…>', description: 'parallel methods to run (default deer,quasi-deer,picard,jacobi; deer only for D ≤ 16)' },
  tol: { type: 'string', value: '<x>', description: 'stopping tolerance (default 1e-8: max-abs change)' },
  stop: { type: 'string', value: '<delta|merit>', description: 'stopping rule (default delta)' },
  window: { type: 'string', short: 'w', value: '<n>', description: 'sliding window of n steps (PASO-style)' },
  'max-iterations': { type: 'string', value: '<n>', description: 'cap on iterations (default T)' },
  lambda: { type: 'string', value: '<x>', description: 'ELK trust-region λ for elk / quasi-elk (default 0 = DEER)' },
  k: { type: 'string', value: '<x>', description: 'damping of scale-elk, in [0, 1] (default 0.5)' },
  gpu: { type: 'boolean', description: 'also solve on the GPU (WebGPU; systems whose dynamics carry WGSL)' },
  'no-advise': { type: 'boolean', description: 'skip the advisor (it runs short trial solves)' },
  json: { type: 'string', value: '<file>', description: 'write the full report with per-iteration traces (schema/compare.schema.json)' },
  quiet: { type: 'boolean', short: 'q', description: 'no progress output' },
  help: { type: 'boolean', short: 'h', description: 'show this help' },
};

/** The table `unroll compare` prints. */
export function renderCompare(report: CompareReport): string {
  const { system, lle, advice, sequential } = report;
  const lines = [
    `${system.label} · D = ${system.dim} · T = ${system.T} · seed ${system.seed}`,
    `sequential rollout: ${formatDuration(sequential.cpuMs)} on the CPU${sequential.gpuMs === null ? '' : `, ${formatDuration(sequential.gpuMs)} on the GPU`}`,
    `largest Lyapunov exponent: ${formatNumber(lle.perStep)} per step${lle.perUnitTime === null ? '' : ` (${formatNumber(lle.perUnitTime)} per unit time)`} — ${lle.predictable ? 'predictable: parallel iterations should converge fast' : 'unpredictable: expect iterations to grow with T'}`,
  ];
  if (advice !== null) {
    lines.push(
      `advisor: ${advice.recommended}${advice.recommended === 'sequential' ? ` (best parallel: ${advice.parallelMethod}, ${formatNumber(advice.relativeCost)}× the sequential cost)` : ` — predicted ${advice.predictedIterations} iterations, ${formatNumber(advice.relativeCost)}× the sequential cost on an ideal parallel machine`}`,
    );
  }
  lines.push('');
  const rows = report.runs.map((r) => [
    r.method,
    r.device,
    r.error === undefined ? r.iterations : null,
    r.error === undefined ? (r.converged ? (r.fellBack ? 'fell back' : 'yes') : 'no') : r.error.code,
    r.error === undefined ? formatDuration(r.timeMs) : null,
    r.error === undefined ? `${formatNumber(r.relativeTime)}×` : null,
    r.maxError,
    r.trace.resets.reduce((a, b) => a + b, 0),
    advice !== null && r.method === advice.parallelMethod ? (advice.recommended === 'sequential' ? 'best parallel' : 'recommended') : '',
  ]);
  if (rows.length > 0) lines.push(renderTable(['method', 'device', 'iterations', 'converged', 'time', 'vs sequential', 'max error', 'resets', 'advisor'], rows));
  // One line per distinct error: a GPU that could not start fails every GPU row for one reason.
  const failed = new Map<string, string[]>();
  for (const r of report.runs) if (r.error !== undefined) failed.set(r.error.message, [...(failed.get(r.error.message) ?? []), `${r.method} (${r.device})`]);
  for (const [message, which] of failed) lines.push(`  ${which.join(', ')}: ${message}`);
  if (report.interrupted) lines.push(`  interrupted (Ctrl-C): ${report.runs.length === 0 ? 'no method had finished' : `the ${report.runs.length === 1 ? 'row above is the one' : `${report.runs.length} rows above are those`} finished`}.`);
  lines.push('', '  time: wall clock here, one CPU thread (GPU rows: end to end); the advisor\'s cost is for a parallel machine.');
  return lines.join('\n');
}

export const compareCommand: Command = {
  name: 'compare',
  summary: 'run the sequential rollout and parallel methods on a system: iterations, time, error, LLE, advice',
  usage: 'compare --system <name|file.mjs> [-p key=value …] [-T n] [--methods a,b] [--gpu] [--window w] [--tol x] [--json out.json]',
  options,
  examples: [
    'unroll compare --system gru -T 2000',
    'unroll compare --system mean-field -p g=1.5 -T 500 --methods deer,quasi-deer --json out.json',
    'unroll compare --system ./my-system.mjs -T 1000 --methods quasi-deer,picard --window 200',
  ],
  async run(argv: readonly string[], io: Io): Promise<number> {
    const invocation = readInvocation(compareCommand, argv, io);
    if (invocation === undefined) return 0;
    const { values } = invocation;
    const stop = stringOption(values, 'stop');
    if (stop !== undefined && stop !== 'delta' && stop !== 'merit') throw new UsageError(`--stop must be delta or merit, got "${stop}".`);
    const tol = numberOption(values, 'tol', { min: 0, exclusiveMin: true });
    const window = numberOption(values, 'window', { integer: true, min: 1 });
    const maxIterations = numberOption(values, 'max-iterations', { integer: true, min: 1 });
    const lambda = numberOption(values, 'lambda', { min: 0 });
    const k = numberOption(values, 'k', { min: 0, max: 1 });
    const { T, seed, system } = await resolveSystem(values);
    const methods = parseMethods(stringOption(values, 'methods'), system.dynamics.dim);
    if (flag(values, 'gpu') && system.dynamics.wgsl === undefined) throw new UsageError(`--gpu: ${system.label} has no WGSL form (its dynamics carry no wgsl); systems with one: gru, mean-field, langevin, lorenz96, lorenz63, rossler, logistic, henon.`);
    const progress = new Progress(io.err, 'compare', { quiet: flag(values, 'quiet'), heartbeatSeconds: heartbeatSecondsFrom(process.env) });
    const interrupt = listenForInterrupt(io.err);
    const report = await compare(
      system,
      T,
      seed,
      {
        methods,
        gpu: flag(values, 'gpu'),
        advise: !flag(values, 'no-advise'),
        ...(tol === undefined ? {} : { tol }),
        ...(window === undefined ? {} : { window }),
        ...(maxIterations === undefined ? {} : { maxIterations }),
        ...(lambda === undefined ? {} : { lambda }),
        ...(k === undefined ? {} : { k }),
        ...(stop === undefined ? {} : { stop }),
        signal: interrupt.signal,
      },
      progress,
    ).finally(() => {
      interrupt.dispose();
    });
    progress.clear();
    io.out.write(`${renderCompare(report)}\n`);
    const json = stringOption(values, 'json');
    if (json !== undefined) {
      writeJson(json, report);
      io.out.write(`  traces written to ${json}\n`);
    }
    if (report.interrupted) return interruptedExitCode;
    return report.runs.some((r) => r.error !== undefined) ? 1 : 0;
  },
};
