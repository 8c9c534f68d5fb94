import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { largestLyapunovExponent } from '@unroll/theory';
import { flag, numberOption, stringOption, type OptionSpecs } from '../args.js';
import type { Command, Io } from '../command.js';
import { readInvocation } from '../invocation.js';
import { compare, type CompareReport } from '../compare.js';
import { parseMethods } from '../methods.js';
import { renderFigure, type Series } from '../plot/line-chart.js';
import { heartbeatSecondsFrom, Progress } from '../progress.js';
import { parseSweep } from '../sweep.js';
import { resolveSystem, systemOptions } from '../systems/resolve-system.js';
import { UsageError } from '../usage-error.js';

const options: OptionSpecs = {
  ...systemOptions,
  methods: { type: 'string', short: 'm', value: '<a,b,…>', description: 'convergence: methods to run (default as compare)' },
  tol: { type: 'string', value: '<x>', description: 'convergence: stopping tolerance (default 1e-8)' },
  window: { type: 'string', short: 'w', value: '<n>', description: 'convergence: sliding window' },
  from: { type: 'string', value: '<report.json>', description: 'convergence: plot a saved `unroll compare --json` report instead of running' },
  sweep: { type: 'string', value: '<p=a:b:h|p=v1,v2>', description: 'lle: the parameter sweep (required)' },
  out: { type: 'string', short: 'o', value: '<file.svg>', description: 'where to write the figure (default convergence.svg / lle.svg)' },
  quiet: { type: 'boolean', short: 'q', description: 'no progress output' },
  help: { type: 'boolean', short: 'h', description: 'show this help' },
};

function writeSvg(path: string, svg: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, svg);
}

/** Merit and max error per iteration, one curve per method: the figure of `plot convergence`. */
export function convergenceFigure(report: CompareReport): string {
  const runs = report.runs.filter((r) => r.error === undefined && r.trace.merit.length > 0);
  const name = (r: (typeof runs)[number]) => (r.device === 'gpu' ? `${r.method} (gpu)` : r.method);
  const iterations = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
  const merit: Series[] = runs.map((r) => ({ name: name(r), x: iterations(r.trace.merit.length), y: r.trace.merit }));
  const error: Series[] = runs.filter((r) => r.trace.maxError.length > 0).map((r) => ({ name: name(r), x: iterations(r.trace.maxError.length), y: r.trace.maxError }));
  const { system } = report;
  return renderFigure(
    [
      { title: 'merit L(s)/T at each iterate', xLabel: 'iteration', xFromZero: true, yLabel: 'merit (log)', logY: true, series: merit },
      { title: 'max error vs the sequential rollout', xLabel: 'iteration', xFromZero: true, yLabel: 'max |s − s*| (log)', logY: true, series: error },
    ],
    `${system.label}, D = ${system.dim}, T = ${system.T}, seed ${system.seed}; λ = ${report.lle.perStep.toPrecision(3)} per step`,
  );
}

function isCompareReport(x: unknown): x is CompareReport {
  return typeof x === 'object' && x !== null && 'schema' in x && x.schema === 'unroll-compare/1' && 'runs' in x && Array.isArray(x.runs);
}

/** Rebuilds NaN from the null that JSON stores for it. */
function numbers(xs: readonly (number | null)[]): number[] {
  return xs.map((v) => (v === null ? Number.NaN : v));
}

export const plotCommand: Command = {
  name: 'plot',
  summary: 'SVG figures: convergence curves of methods (merit, max error), LLE sweeps',
  usage: 'plot convergence (--system <name> [-T n] [--methods a,b] | --from report.json) [-o file.svg]\n       unroll plot lle --system <name> --sweep p=a:b:h [-T n] [-o file.svg]',
  options,
  examples: ['unroll plot convergence --system gru -T 1000 -o gru.svg', 'unroll plot lle --system mean-field -p dim=64 --sweep g=0.5:2.5:0.25 -T 2000 -o lle.svg'],
  async run(argv: readonly string[], io: Io): Promise<number> {
    const invocation = readInvocation(plotCommand, argv, io, { maxPositionals: 1 });
    if (invocation === undefined) return 0;
    const { values, positionals } = invocation;
    const kind = positionals.at(0);
    if (kind !== 'convergence' && kind !== 'lle') throw new UsageError(`plot needs a figure kind: convergence or lle${kind === undefined ? '' : `, got "${kind}"`} (see \`unroll plot --help\`).`);
    const progress = new Progress(io.err, 'plot', { quiet: flag(values, 'quiet'), heartbeatSeconds: heartbeatSecondsFrom(process.env) });
    if (kind === 'convergence') {
      const out = stringOption(values, 'out') ?? 'convergence.svg';
      const from = stringOption(values, 'from');
      let report: CompareReport;
      if (from !== undefined) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(readFileSync(from, 'utf8'));
        } catch (error) {
          throw new UsageError(`cannot read ${from}: ${error instanceof Error ? error.message : String(error)}`);
        }
        if (!isCompareReport(parsed)) throw new UsageError(`${from} is not an \`unroll compare --json\` report (schema unroll-compare/1).`);
        report = {
          ...parsed,
          runs: parsed.runs.map((r) => ({ ...r, trace: { ...r.trace, merit: numbers(r.trace.merit), maxError: numbers(r.trace.maxError) } })),
        };
      } else {
        const tol = numberOption(values, 'tol', { min: 0, exclusiveMin: true });
        const window = numberOption(values, 'window', { integer: true, min: 1 });
        const { T, seed, system } = await resolveSystem(values);
        report = await compare(
          system,
          T,
          seed,
          { methods: parseMethods(stringOption(values, 'methods'), system.dynamics.dim), gpu: false, advise: false, ...(tol === undefined ? {} : { tol }), ...(window === undefined ? {} : { window }) },
          progress,
        );
        progress.clear();
      }
      writeSvg(out, convergenceFigure(report));
      io.out.write(`wrote ${out}\n`);
      return 0;
    }
    const sweepText = stringOption(values, 'sweep');
    if (sweepText === undefined) throw new UsageError('plot lle needs --sweep p=a:b:h (e.g. --sweep g=0.5:2:0.1).');
    const sweep = parseSweep(sweepText);
    const out = stringOption(values, 'out') ?? 'lle.svg';
    const xs: number[] = [], ys: number[] = [];
    let label = '', T = 0, perTime = false;
    for (const v of sweep.values) {
      const choice = await resolveSystem(values, { [sweep.name]: String(v) });
      T = choice.T;
      const { system } = choice;
      label = stringOption(values, 'system') ?? system.label;
      progress.begin(`${sweep.name} = ${v}`);
      const est = largestLyapunovExponent(system.dynamics, system.s0, T, { burnIn: Math.floor(T / 10), seed: choice.seed });
      progress.end(`${sweep.name} = ${v}`, est.value.toPrecision(3));
      perTime = system.dt !== undefined;
      xs.push(v);
      ys.push(system.dt === undefined ? est.value : est.value / system.dt);
    }
    progress.clear();
    const svg = renderFigure(
      [{ title: `largest Lyapunov exponent of ${label}`, xLabel: sweep.name, yLabel: perTime ? 'λ per unit time' : 'λ per step', referenceY: { value: 0, label: 'λ = 0: edge of chaos' }, series: [{ name: `T = ${T}`, x: xs, y: ys, markers: true }] }],
      `λ < 0: predictable (parallel methods converge in few iterations); λ > 0: chaotic.`,
    );
    writeSvg(out, svg);
    io.out.write(`wrote ${out}\n`);
    return 0;
  },
};
