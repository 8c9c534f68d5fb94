import { parseNumber } from './args.js';
import { UsageError } from './usage-error.js';

/** A parameter sweep: `name=a:b:step` (inclusive range) or `name=v1,v2,…`. */
export interface Sweep {
  readonly name: string;
  readonly values: readonly number[];
}

/** Parses `--sweep`; at most 200 values, so a typo cannot start an hour-long run. */
export function parseSweep(text: string): Sweep {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new UsageError(`--sweep takes name=start:stop:step or name=v1,v2,…, got "${text}".`);
  const name = text.slice(0, eq).trim(), spec = text.slice(eq + 1).trim();
  let values: number[];
  if (spec.includes(':')) {
    const parts = spec.split(':');
    if (parts.length !== 3) throw new UsageError(`--sweep range must be start:stop:step, got "${spec}".`);
    const [a, b, h] = parts.map((p, i) => parseNumber(p, `--sweep ${['start', 'stop', 'step'][i] ?? ''}`)) as [number, number, number];
    if (!(h > 0)) throw new UsageError(`--sweep step must be > 0, got ${h}.`);
    if (b < a) throw new UsageError(`--sweep stop must be ≥ start, got ${a}:${b}.`);
    const n = Math.floor((b - a) / h + 1e-9) + 1;
    if (n > 200) throw new UsageError(`--sweep would run ${n} values; at most 200.`);
    values = Array.from({ length: n }, (_, i) => Number((a + i * h).toPrecision(12)));
  } else {
    values = spec.split(',').map((v) => parseNumber(v, `--sweep value`));
    if (values.length > 200) throw new UsageError(`--sweep lists ${values.length} values; at most 200.`);
  }
  return { name, values };
}
