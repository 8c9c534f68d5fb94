import { advise, type Advice } from '@unroll/theory';
import { flag, numberOption, stringOption, type OptionSpecs } from '../args.js';
import type { Command, Io } from '../command.js';
import { readInvocation } from '../invocation.js';
import { formatNumber } from '../format.js';
import { heartbeatSecondsFrom, Progress } from '../progress.js';
import { resolveSystem, systemOptions } from '../systems/resolve-system.js';
import { UsageError } from '../usage-error.js';
import { writeJson } from '../write-json.js';

const options: OptionSpecs = {
  ...systemOptions,
  processors: { type: 'string', value: '<n>', description: 'processors of the parallel machine (default ∞: an ideal GPU)' },
  prefix: { type: 'string', value: '<n>', description: 'steps of the trial prefix (default min(T, 256))' },
  json: { type: 'string', value: '<file>', description: 'write the advice (schema/advise.schema.json)' },
  quiet: { type: 'boolean', short: 'q', description: 'no progress output' },
  help: { type: 'boolean', short: 'h', description: 'show this help' },
};

/** What `unroll advise --json` writes. */
export interface AdviseReport {
  readonly schema: 'unroll-advise/1';
  readonly system: string;
  readonly T: number;
  readonly seed: number;
  readonly processors: number | null;
  readonly advice: Advice;
}

export const adviseCommand: Command = {
  name: 'advise',
  summary: 'should this system be evaluated in parallel, with which method, and why',
  usage: 'advise --system <name|file.mjs> [-p key=value …] [-T n] [--processors n] [--json out.json]',
  options,
  examples: ['unroll advise --system gru -T 100000', 'unroll advise --system lorenz63 -T 10000 --processors 64'],
  async run(argv: readonly string[], io: Io): Promise<number> {
    const invocation = readInvocation(adviseCommand, argv, io);
    if (invocation === undefined) return 0;
    const { values } = invocation;
    const processors = numberOption(values, 'processors', { integer: true, min: 1 });
    const prefix = numberOption(values, 'prefix', { integer: true, min: 8 });
    const { T, seed, system } = await resolveSystem(values);
    if (prefix !== undefined && prefix > T) throw new UsageError(`--prefix must be ≤ T = ${T}.`);
    const progress = new Progress(io.err, 'advise', { quiet: flag(values, 'quiet'), heartbeatSeconds: heartbeatSecondsFrom(process.env) });
    progress.begin(system.label);
    const a = advise(system.dynamics, system.s0, T, { seed, ...(processors === undefined ? {} : { processors }), ...(prefix === undefined ? {} : { prefix }) });
    progress.end(system.label, a.recommended);
    progress.clear();
    io.out.write(`${system.label} · T = ${T} · seed ${seed}\n`);
    io.out.write(`recommended: ${a.recommended}${a.recommended === 'sequential' ? '' : ` (≈ ${a.predictedIterations} iterations, ${formatNumber(a.relativeCost)}× the sequential cost)`}\n`);
    io.out.write(`largest Lyapunov exponent: ${formatNumber(a.lle)} per step — ${a.predictable ? 'predictable' : 'unpredictable'}\n\n`);
    for (const reason of a.reasons) io.out.write(`  • ${reason}\n`);
    const json = stringOption(values, 'json');
    if (json !== undefined) {
      const report: AdviseReport = { schema: 'unroll-advise/1', system: system.label, T, seed, processors: processors ?? null, advice: a };
      writeJson(json, report);
      io.out.write(`\nwritten to ${json}\n`);
    }
    return 0;
  },
};
