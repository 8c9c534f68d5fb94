#!/usr/bin/env node
import { writeFileSync } from 'node:fs';
import { classNames, passed, runCampaign, type ClassName, type Counts, type Size } from './campaign.js';
import { setWarningHandler } from '@unroll/scan';
import { childMain } from './child-main.js';
import { formatReport } from './report.js';
import { replayCase } from './replay.js';

const usage = `Usage:
  pnpm fuzz [--short | --long] [--seed N] [--only CLASS,…] [--solves N] [--malformed N]
            [--gpu-cycles N] [--gpu-max-t N] [--thread-calls N] [--shrink N] [--json FILE]
  pnpm fuzz [--short | --long] --replay CLASS --seed N --path P

Runs the unroll fuzz campaign (medium by default; --long: 6000 random solves, 20000
malformed calls, 200 GPU cycles, 300 threaded calls per input kind) and prints a
Markdown report; exits 1 on any failure. Classes: ${classNames.join(', ')}.
--replay reruns one case a report printed (same size flag as the run that found it).`;

/** The value after `--name`, or undefined. */
function option(argv: readonly string[], name: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  if (i < 0) return undefined;
  const v = argv.at(i + 1);
  if (v === undefined || v.startsWith('--')) throw new Error(`--${name} needs a value`);
  return v;
}

function integer(argv: readonly string[], name: string): number | undefined {
  const v = option(argv, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer, got ${v}`);
  return n;
}

async function main(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  // The campaign's random systems give no derivatives on purpose: the finite-difference
  // advice they trigger is expected, not news.
  setWarningHandler(() => undefined);
  const size: Size = argv.includes('--long') ? 'long' : argv.includes('--short') ? 'short' : 'medium';
  const seed = integer(argv, 'seed') ?? 1;
  const replay = option(argv, 'replay');
  if (replay !== undefined) {
    const path = option(argv, 'path');
    if (path === undefined) throw new Error('--replay needs --path (and the --seed of the run)');
    const { counterexample, failure } = await replayCase(replay, seed, path, size);
    process.stdout.write(`case: ${counterexample}\n${failure === undefined ? 'passes now' : `fails: ${failure.signature}\n${failure.message}`}\n`);
    return failure === undefined ? 0 : 1;
  }
  const only = option(argv, 'only')?.split(',').map((s) => s.trim());
  for (const name of only ?? []) if (!(classNames as readonly string[]).includes(name)) throw new Error(`unknown class '${name}'; use ${classNames.join(', ')}`);
  const counts: Partial<Counts> = {
    ...optional('solves', integer(argv, 'solves')),
    ...optional('malformed', integer(argv, 'malformed')),
    ...optional('gpuCycles', integer(argv, 'gpu-cycles')),
    ...optional('gpuMaxT', integer(argv, 'gpu-max-t')),
    ...optional('threadCalls', integer(argv, 'thread-calls')),
  };
  const shrink = integer(argv, 'shrink');
  const result = await runCampaign({
    size,
    seed,
    counts,
    ...(only === undefined ? {} : { only: only as ClassName[] }),
    ...(shrink === undefined ? {} : { shrink }),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(`${formatReport(result)}\n`);
  const json = option(argv, 'json');
  if (json !== undefined) writeFileSync(json, `${JSON.stringify(result, null, 2)}\n`);
  return passed(result) ? 0 : 1;
}

function optional<K extends keyof Counts>(key: K, value: number | undefined): Partial<Pick<Counts, K>> {
  return value === undefined ? {} : ({ [key]: value } as Pick<Counts, K>);
}

const argv = process.argv.slice(2);
const child = argv.indexOf('--child');
if (child >= 0) {
  await childMain(argv[child + 1] ?? '');
} else {
  try {
    process.exitCode = await main(argv);
  } catch (error) {
    process.stderr.write(`unroll-fuzz: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  }
}
