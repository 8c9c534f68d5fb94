import { parseArgs } from 'node:util';
import { UsageError } from './usage-error.js';

/** One option of a command, as `--help` shows it. */
export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  readonly multiple?: boolean;
  /** Placeholder of the value in help text, e.g. `<n>`. */
  readonly value?: string;
  readonly description: string;
}

/** The options of a command, by long name. */
export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/** Parsed options: strings, booleans, or string lists for `multiple` options. */
export type OptionValues = Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>;

/** A token that reads as a negative number (`-5`, `-0.5`, `-1e-3`, `-.5`), not as an option. */
const negativeNumber = /^-(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/**
 * Joins an option that takes a value with a following negative number (`-T -5` becomes
 * `--steps=-5`). Node's parser refuses a value that starts with "-" as ambiguous; but no
 * option is a digit, so `-5` after `-T` can only be its value — and then the value's own
 * check speaks ("-T must be an integer ≥ 1, got "-5""), which says what is wrong.
 */
function attachNegativeNumbers(specs: OptionSpecs, argv: readonly string[]): string[] {
  const longNameOf = new Map<string, string>(); // `--steps` and `-T` → `--steps`, for options that take a value
  for (const [name, spec] of Object.entries(specs)) {
    if (spec.type !== 'string') continue;
    longNameOf.set(`--${name}`, `--${name}`);
    if (spec.short !== undefined) longNameOf.set(`-${spec.short}`, `--${name}`);
  }
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv.at(i) ?? '';
    if (token === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const long = longNameOf.get(token), next = argv.at(i + 1);
    if (long !== undefined && next !== undefined && negativeNumber.test(next)) {
      out.push(`${long}=${next}`);
      i++;
    } else out.push(token);
  }
  return out;
}

/**
 * Parses a command's arguments strictly. Node's parser words its errors for programmers
 * ("To specify a positional argument starting with a '-'…"); a user gets one line naming
 * the option and where to look instead.
 */
export function parseCommandArgs(command: string, specs: OptionSpecs, argv: readonly string[]): { values: OptionValues; positionals: string[] } {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const [name, spec] of Object.entries(specs)) {
    options[name] = { type: spec.type, ...(spec.short === undefined ? {} : { short: spec.short }), ...(spec.multiple === true ? { multiple: true } : {}) };
  }
  try {
    const { values, positionals } = parseArgs({ args: attachNegativeNumbers(specs, argv), options, allowPositionals: true, strict: true });
    return { values, positionals };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
    const quoted = /'([^']+)'/.exec(message)?.[1] ?? '';
    const help = `see \`unroll ${command} --help\``;
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new UsageError(`unknown option ${quoted} for \`unroll ${command}\` (${help}).`);
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      const name = /--[\w-]+/.exec(quoted)?.[0] ?? quoted;
      if (message.includes('argument missing')) throw new UsageError(`option ${name} needs a value (${help}).`);
      if (message.includes('ambiguous')) throw new UsageError(`option ${name}: write a value that starts with "-" as ${name}=<value> (${help}).`);
      throw new UsageError(`option ${name} takes no value (${help}).`);
    }
    throw new UsageError(`${message.split('. ')[0] ?? message} (${help}).`);
  }
}

/** The string value of an option, or undefined. */
export function stringOption(values: OptionValues, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

/** Whether a boolean flag was given. */
export function flag(values: OptionValues, name: string): boolean {
  return values[name] === true;
}

/** Every value of a repeatable option. */
export function listOption(values: OptionValues, name: string): string[] {
  const v = values[name];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : [];
}

/** Parses a number given on the command line, with bounds; `what` names it in the error. */
export function parseNumber(text: string, what: string, bounds: { integer?: boolean; min?: number; max?: number; exclusiveMin?: boolean } = {}): number {
  const x = text.trim() === '' ? Number.NaN : Number(text);
  const kind = bounds.integer === true ? 'an integer' : 'a number';
  const range =
    bounds.min !== undefined && bounds.max !== undefined ? ` in [${bounds.min}, ${bounds.max}]` : bounds.min !== undefined ? (bounds.exclusiveMin === true ? ` > ${bounds.min}` : ` ≥ ${bounds.min}`) : bounds.max !== undefined ? ` ≤ ${bounds.max}` : '';
  const bad =
    !Number.isFinite(x) ||
    (bounds.integer === true && !Number.isInteger(x)) ||
    (bounds.min !== undefined && (bounds.exclusiveMin === true ? x <= bounds.min : x < bounds.min)) ||
    (bounds.max !== undefined && x > bounds.max);
  if (bad) throw new UsageError(`${what} must be ${kind}${range}, got "${text}".`);
  return x;
}

/** An optional numeric option. */
export function numberOption(values: OptionValues, name: string, bounds: Parameters<typeof parseNumber>[2] = {}): number | undefined {
  const v = stringOption(values, name);
  return v === undefined ? undefined : parseNumber(v, `--${name}`, bounds);
}

/** Help text for a command's options, aligned. */
export function describeOptions(specs: OptionSpecs): string {
  const heads = Object.entries(specs).map(([name, s]) => `${s.short === undefined ? '    ' : `-${s.short}, `}--${name}${s.type === 'string' ? ` ${s.value ?? '<value>'}` : ''}`);
  const w = Math.max(...heads.map((h) => h.length));
  return Object.values(specs)
    .map((s, i) => `  ${(heads[i] ?? '').padEnd(w)}  ${s.description}`)
    .join('\n');
}
