import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { flag, numberOption, stringOption, type OptionSpecs } from '../args.js';
import type { Command, Io } from '../command.js';
import { readInvocation } from '../invocation.js';
import { renderFigure } from '../plot/line-chart.js';
import { renderStudyMarkdown, renderStudyText } from '../demo/render-demo.js';
import { runDemo } from '../demo/run-demo.js';
import { studies } from '../demo/studies.js';
import { interruptedExitCode, listenForInterrupt } from '../interrupt.js';
import { heartbeatSecondsFrom, Progress } from '../progress.js';
import { UsageError } from '../usage-error.js';
import { writeJson } from '../write-json.js';

const options: OptionSpecs = {
  full: { type: 'boolean', description: 'larger sizes, closer to the papers (minutes instead of seconds)' },
  only: { type: 'string', value: '<id,…>', description: `run some case studies: ${studies.map((s) => s.id).join(', ')} (or their numbers)` },
  seed: { type: 'string', value: '<n>', description: 'seed of every random choice (default 0)' },
  json: { type: 'string', value: '<file>', description: 'write every table and comparison (schema/demo.schema.json)' },
  svg: { type: 'string', value: '<dir>', description: "write each study's figures as SVG files into this folder (the papers' figures: same axes, same series)" },
  markdown: { type: 'boolean', description: 'print Markdown (the README section) instead of text tables' },
  quiet: { type: 'boolean', short: 'q', description: 'no progress output' },
  help: { type: 'boolean', short: 'h', description: 'show this help' },
};

export const demoCommand: Command = {
  name: 'demo',
  summary: 'reproduce the papers\' case studies, each next to the numbers the papers report',
  usage: 'demo [--full] [--only id,…] [--seed n] [--json out.json] [--svg dir] [--markdown]',
  options,
  examples: ['unroll demo', 'unroll demo --only word-s5,elk --json demo.json', 'unroll demo --only threshold-scale --svg figures'],
  async run(argv: readonly string[], io: Io): Promise<number> {
    const invocation = readInvocation(demoCommand, argv, io, { help: `\ncase studies:\n${studies.map((s) => `  ${s.number}. ${s.id.padEnd(15)} ${s.title}`).join('\n')}\n` });
    if (invocation === undefined) return 0;
    const { values } = invocation;
    const seed = numberOption(values, 'seed', { integer: true, min: 0 }) ?? 0;
    const onlyText = stringOption(values, 'only');
    const selected =
      onlyText === undefined
        ? studies
        : onlyText.split(',').map((key) => {
            const k = key.trim();
            const s = studies.find((c) => c.id === k || String(c.number) === k);
            if (s === undefined) throw new UsageError(`unknown case study "${k}"; case studies: ${studies.map((c) => `${c.number} ${c.id}`).join(', ')}.`);
            return s;
          });
    const full = flag(values, 'full'), markdown = flag(values, 'markdown');
    const progress = new Progress(io.err, 'demo', { quiet: flag(values, 'quiet'), heartbeatSeconds: heartbeatSecondsFrom(process.env) });
    if (!markdown) {
      io.out.write(`unroll demo — the papers' case studies at ${full ? 'full' : 'demo'} size (seed ${seed}${full ? '' : '; --full for larger sizes'}).\n`);
      io.out.write('Iterations count LDS solves until the max-abs change is below the tolerance, including the confirming one,\nunless a table says otherwise; every error is measured against the sequential rollout.\n\n');
    }
    const svgDir = stringOption(values, 'svg');
    const interrupt = listenForInterrupt(io.err);
    const report = await runDemo(selected, { full, seed, signal: interrupt.signal }, {
      begin: (s) => { progress.begin(`${s.number}. ${s.title}`); },
      status: (m) => { progress.status(m); },
      end: (o) => {
        progress.end(`${o.number}. ${o.title}`, o.error === undefined ? 'done' : 'failed');
        io.out.write(`${markdown ? renderStudyMarkdown(o) : renderStudyText(o)}\n`);
      },
      figures: (_s, figures) => {
        if (svgDir === undefined) return;
        mkdirSync(svgDir, { recursive: true });
        for (const f of figures) {
          const path = join(svgDir, f.file);
          writeFileSync(path, renderFigure(f.panels, f.caption));
          if (!markdown) io.out.write(`figure written to ${path}\n`);
        }
      },
    }).finally(() => {
      interrupt.dispose();
    });
    const failed = report.studies.filter((s) => s.error !== undefined);
    if (!markdown) io.out.write(`${report.studies.length - failed.length} of ${report.studies.length} case studies done in ${report.seconds.toFixed(1)} s.\n`);
    if (report.interrupted) io.out.write(`interrupted (Ctrl-C) after ${report.studies.length} of ${selected.length} case studies.\n`);
    const json = stringOption(values, 'json');
    if (json !== undefined) {
      writeJson(json, report);
      io.out.write(`written to ${json}\n`);
    }
    if (report.interrupted) return interruptedExitCode;
    return failed.length > 0 ? 1 : 0;
  },
};
