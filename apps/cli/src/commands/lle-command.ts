import { largestLyapunovExponent, plBounds } from '@unroll/theory';
import { flag, numberOption, stringOption, type OptionSpecs } from '../args.js';
import type { Command, Io } from '../command.js';
import { readInvocation } from '../invocation.js';
import { formatNumber, renderTable } from '../format.js';
import { heedInterrupts, interruptedExitCode, listenForInterrupt } from '../interrupt.js';
import { heartbeatSecondsFrom, Progress } from '../progress.js';
import { parseSweep } from '../sweep.js';
import { resolveSystem, systemOptions } from '../systems/resolve-system.js';
import { UsageError } from '../usage-error.js';
import { writeJson } from '../write-json.js';

const options: OptionSpecs = {
  ...systemOptions,
  sweep: { type: 'string', value: '<p=a:b:h|p=v1,v2>', description: 'estimate λ for each value of a system parameter' },
  vectors: { type: 'string', value: '<n>', description: 'random start vectors averaged over (default 3)' },
  'burn-in': { type: 'string', value: '<n>', description: 'steps not counted while the vectors align (default T/10)' },
  json: { type: 'string', value: '<file>', description: 'write the estimates (schema/lle.schema.json)' },
  quiet: { type: 'boolean', short: 'q', description: 'no progress output' },
  help: { type: 'boolean', short: 'h', description: 'show this help' },
};

/** One LLE estimate as `unroll lle --json` writes it. */
export interface LleRow {
  readonly label: string;
  /** The swept parameter's value (null without --sweep). */
  readonly value: number | null;
  readonly perStep: number;
  readonly perUnitTime: number | null;
  readonly perVector: readonly number[];
  readonly predictable: boolean;
  /** Theorem 2's bounds on log10 √μ of the DEER merit at this T (predictability paper). */
  readonly log10SqrtMu: { readonly lower: number; readonly upper: number } | null;
}

/** What `unroll lle --json` writes. */
export interface LleReport {
  readonly schema: 'unroll-lle/1';
  readonly system: string;
  readonly T: number;
  readonly seed: number;
  readonly sweep: string | null;
  readonly rows: readonly LleRow[];
  /** Ctrl-C stopped a sweep before its last value: `rows` holds the values done. */
  readonly interrupted: boolean;
}

export const lleCommand: Command = {
  name: 'lle',
  summary: 'largest Lyapunov exponent of a system (optionally swept over a parameter) and what it predicts',
  usage: 'lle --system <name|file.mjs> [-p key=value …] [-T n] [--sweep p=a:b:h] [--vectors n] [--json out.json]',
  options,
  examples: ['unroll lle --system mean-field -p dim=64 -T 2000 --sweep g=0.5:2.5:0.25', 'unroll lle --system lorenz63 -T 20000'],
  async run(argv: readonly string[], io: Io): Promise<number> {
    const invocation = readInvocation(lleCommand, argv, io);
    if (invocation === undefined) return 0;
    const { values } = invocation;
    const vectors = numberOption(values, 'vectors', { integer: true, min: 1, max: 64 }) ?? 3;
    const burnInOption = numberOption(values, 'burn-in', { integer: true, min: 0 });
    const sweepText = stringOption(values, 'sweep');
    const sweep = sweepText === undefined ? undefined : parseSweep(sweepText);
    const progress = new Progress(io.err, 'lle', { quiet: flag(values, 'quiet'), heartbeatSeconds: heartbeatSecondsFrom(process.env) });
    const rows: LleRow[] = [];
    let T = 0, seed = 0, name = '';
    const planned = sweep?.values ?? [null];
    const interrupt = listenForInterrupt(io.err);
    try {
      for (const v of planned) {
        await heedInterrupts(); // an estimate runs to its end; Ctrl-C stops the sweep between two
        if (interrupt.signal.aborted) break;
        const choice = await resolveSystem(values, sweep === undefined || v === null ? {} : { [sweep.name]: String(v) });
        ({ T, seed } = choice);
        const { system } = choice;
        name = stringOption(values, 'system') ?? system.label;
        const burnIn = burnInOption ?? Math.floor(T / 10);
        if (burnIn >= T) throw new UsageError(`--burn-in must be < T = ${T}.`);
        progress.begin(system.label);
        const est = largestLyapunovExponent(system.dynamics, system.s0, T, { vectors, burnIn, seed });
        progress.end(system.label, formatNumber(est.value));
        rows.push({
          label: system.label,
          value: v,
          perStep: est.value,
          perUnitTime: system.dt === undefined ? null : est.value / system.dt,
          perVector: est.perVector,
          predictable: est.value < 0,
          log10SqrtMu: Number.isFinite(est.value) ? plBounds({ lle: est.value, T }).log10SqrtMu : null,
        });
      }
    } finally {
      interrupt.dispose();
    }
    const interrupted = rows.length < planned.length;
    progress.clear();
    const perTime = rows.some((r) => r.perUnitTime !== null);
    if (sweep === undefined) {
      const r = rows.at(0);
      if (r !== undefined) {
        io.out.write(`${r.label} · T = ${T} · seed ${seed}\n`);
        io.out.write(`largest Lyapunov exponent λ = ${formatNumber(r.perStep)} per step${r.perUnitTime === null ? '' : ` = ${formatNumber(r.perUnitTime)} per unit time`} (vectors: ${r.perVector.map(formatNumber).join(', ')})\n`);
        io.out.write(
          r.predictable
            ? `λ < 0: predictable. Perturbations shrink by e^{λ} per step, so DEER's merit is well conditioned at any T and parallel methods converge in a number of iterations that does not grow with T.\n`
            : `λ ≥ 0: unpredictable. The DEER merit's conditioning degrades like e^{λT} (log10 √μ ≤ ${formatNumber(r.log10SqrtMu?.upper ?? Number.NaN)} at T = ${T}): expect parallel iterations to grow with T; a stable observer of the system may be parallelizable instead.\n`,
        );
      } else io.out.write('interrupted (Ctrl-C) before the estimate finished.\n');
    } else {
      io.out.write(`${name} · T = ${T} · seed ${seed} · sweep of ${sweep.name}\n\n`);
      io.out.write(
        `${renderTable(
          [sweep.name, 'λ per step', ...(perTime ? ['λ per unit time'] : []), 'predictable', 'log10 √μ ≥'],
          rows.map((r) => [r.value, r.perStep, ...(perTime ? [r.perUnitTime] : []), r.predictable, r.log10SqrtMu?.lower ?? null]),
        )}\n`,
      );
      if (interrupted) io.out.write(`  interrupted (Ctrl-C): ${rows.length} of ${planned.length} values of ${sweep.name} done.\n`);
    }
    const json = stringOption(values, 'json');
    if (json !== undefined && rows.length > 0) {
      const report: LleReport = { schema: 'unroll-lle/1', system: name, T, seed, sweep: sweepText ?? null, rows, interrupted };
      writeJson(json, report);
      io.out.write(`written to ${json}\n`);
    }
    return interrupted ? interruptedExitCode : 0;
  },
};
