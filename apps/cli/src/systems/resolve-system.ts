import { listOption, parseNumber, stringOption, type OptionSpecs, type OptionValues } from '../args.js';
import { UsageError } from '../usage-error.js';
import type { BuiltSystem, ParamValues, SystemEntry } from './built-system.js';
import { catalog, systemNames } from './catalog.js';
import { loadUserSystem, looksLikePath } from './user-module.js';

/** The options every command that takes a system shares. */
export const systemOptions: OptionSpecs = {
  system: { type: 'string', short: 's', value: '<name|file.mjs>', description: `a named system (${systemNames.join(', ')}) or an ES module exporting a Dynamics` },
  param: { type: 'string', short: 'p', multiple: true, value: '<key=value>', description: 'a system parameter (repeatable); `unroll systems` lists them' },
  steps: { type: 'string', short: 'T', value: '<n>', description: 'sequence length T (default: the system\'s)' },
  seed: { type: 'string', value: '<n>', description: 'seed of weights, inputs, data and noise (default 0)' },
};

/** Looks a name up in the catalog; an unknown one gets the list of valid names. */
export function findSystem(name: string): SystemEntry {
  const entry = catalog.find((e) => e.name === name);
  if (entry === undefined) throw new UsageError(`unknown system "${name}"; valid systems: ${systemNames.join(', ')} (or a path to an ES module exporting a Dynamics).`);
  return entry;
}

/** `key=value` pairs from repeated `--param`. */
export function parseParamPairs(pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--param takes key=value, got "${pair}".`);
    out[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  return out;
}

/** Checks and converts parameter text against an entry's parameter list, filling defaults. */
export function resolveParams(entry: SystemEntry, raw: Readonly<Record<string, string>>): ParamValues {
  const known = new Map(entry.params.map((p) => [p.name, p]));
  for (const key of Object.keys(raw)) {
    if (!known.has(key)) {
      const list = entry.params.map((p) => p.name).join(', ');
      throw new UsageError(`system ${entry.name} has no parameter "${key}"; its parameters: ${list === '' ? '(none)' : list}.`);
    }
  }
  const out: Record<string, number | string> = {};
  for (const p of entry.params) {
    const text = Object.hasOwn(raw, p.name) ? raw[p.name] : undefined;
    if (text === undefined) {
      out[p.name] = p.default;
      continue;
    }
    if (p.kind === 'choice') {
      if (!(p.choices ?? []).includes(text)) throw new UsageError(`${entry.name} parameter ${p.name} must be one of ${(p.choices ?? []).join(', ')}, got "${text}".`);
      out[p.name] = text;
    } else {
      out[p.name] = parseNumber(text, `${entry.name} parameter ${p.name}`, {
        integer: p.kind === 'integer',
        ...(p.min === undefined ? {} : { min: p.min }),
        ...(p.max === undefined ? {} : { max: p.max }),
        ...(p.exclusiveMin === true ? { exclusiveMin: true } : {}),
      });
    }
  }
  return out;
}

/** T, seed and the system named by a command's options. */
export interface SystemChoice {
  readonly T: number;
  readonly seed: number;
  readonly system: BuiltSystem;
  /** The catalog entry, or undefined for a user module. */
  readonly entry: SystemEntry | undefined;
}

/**
 * Builds the system the options name. `overrides` replaces parameters (an LLE sweep varies
 * one); `requireSystem` is false for commands with a default system.
 */
export async function resolveSystem(values: OptionValues, overrides: Readonly<Record<string, string>> = {}): Promise<SystemChoice> {
  const name = stringOption(values, 'system');
  if (name === undefined) throw new UsageError(`--system is required: one of ${systemNames.join(', ')}, or a path to an ES module exporting a Dynamics.`);
  const raw = { ...parseParamPairs(listOption(values, 'param')), ...overrides };
  const seedText = stringOption(values, 'seed');
  const seed = seedText === undefined ? 0 : parseNumber(seedText, '--seed', { integer: true, min: 0 });
  const stepsText = stringOption(values, 'steps');
  if (looksLikePath(name)) {
    const T = stepsText === undefined ? 1000 : parseNumber(stepsText, '-T', { integer: true, min: 1 });
    return { T, seed, system: await loadUserSystem(name, raw, T, seed), entry: undefined };
  }
  const entry = findSystem(name);
  const T = stepsText === undefined ? entry.defaultSteps : parseNumber(stepsText, '-T', { integer: true, min: 1 });
  const params = resolveParams(entry, raw);
  return { T, seed, system: entry.build(params, T, seed), entry };
}
