/**
 * The malformed values a malformed call puts in one argument or option field: the
 * classic wrong types and out-of-domain numbers, plus arrays that are wrong relative to
 * the valid value they replace (one too short or too long, the other float dtype, a NaN
 * inside, a number beyond float32's range). They travel between processes by name and are made where the call runs.
 */
export const malformedKinds = [
  'null',
  'undefined',
  'object',
  'array',
  'NaN',
  'Infinity',
  '-Infinity',
  '-1',
  '0',
  '1.5',
  '1e10',
  'string',
  'function',
  'too-short',
  'too-long',
  'other-dtype',
  'with-NaN',
  'beyond-float32',
] as const;

/** One of {@link malformedKinds}. */
export type MalformedKind = (typeof malformedKinds)[number];

/** How a kind prints in a reproducer. */
export function label(kind: MalformedKind): string {
  switch (kind) {
    case 'object':
      return '{}';
    case 'array':
      return '[]';
    case 'string':
      return "'bogus'";
    case 'function':
      return '() => {}';
    case 'too-short':
      return '(the valid array, one entry short)';
    case 'too-long':
      return '(the valid array, one entry longer)';
    case 'other-dtype':
      return '(the valid array in the other float dtype)';
    case 'with-NaN':
      return '(the valid array with a NaN first)';
    case 'beyond-float32':
      return '(the valid array with 1e39 first: finite in float64, Infinity in float32)';
    default:
      return kind;
  }
}

type Numbers = Float64Array | Float32Array | number[];

const isNumbers = (v: unknown): v is Numbers => v instanceof Float64Array || v instanceof Float32Array || (Array.isArray(v) && v.every((x) => typeof x === 'number'));

/** Same kind of container as `like`, holding `values`. */
function rebuild(like: Numbers, values: readonly number[]): Numbers {
  if (like instanceof Float32Array) return Float32Array.from(values);
  if (like instanceof Float64Array) return Float64Array.from(values);
  return [...values];
}

/** The malformed value of `kind` standing in for the valid value `valid`. */
export function materialize(kind: MalformedKind, valid: unknown): unknown {
  switch (kind) {
    case 'null':
      return null;
    case 'undefined':
      return undefined;
    case 'object':
      return {};
    case 'array':
      return [];
    case 'NaN':
      return NaN;
    case 'Infinity':
      return Infinity;
    case '-Infinity':
      return -Infinity;
    case '-1':
      return -1;
    case '0':
      return 0;
    case '1.5':
      return 1.5;
    case '1e10':
      return 1e10;
    case 'string':
      return 'bogus';
    case 'function':
      return () => undefined;
    default:
      break;
  }
  // Array kinds are relative to the valid value; for a value that is not an array they
  // are a short, a long, a float32 and a NaN-holding array of no particular meaning.
  const base: Numbers = isNumbers(valid) ? valid : new Float64Array([0.5, 0.25]);
  const values = Array.from(base);
  switch (kind) {
    case 'too-short':
      return rebuild(base, values.slice(0, Math.max(0, values.length - 1)));
    case 'too-long':
      return rebuild(base, [...values, 0.5]);
    case 'other-dtype':
      return base instanceof Float32Array ? Float64Array.from(values) : Float32Array.from(values);
    case 'with-NaN':
      return rebuild(base, [NaN, ...values.slice(1)]);
    case 'beyond-float32':
      // A Float32Array cannot hold 1e39 (it would become Infinity): use a float64 or plain array.
      return base instanceof Float32Array ? Float64Array.from([1e39, ...values.slice(1)]) : rebuild(base, [1e39, ...values.slice(1)]);
  }
}

/** Sets `value` at `path` ("2" = third argument, "3.tol" = its field tol) in a copy of `args`. */
export function inject(args: readonly unknown[], path: string, value: unknown): unknown[] {
  const [head = '', ...rest] = path.split('.');
  const out = [...args];
  const index = Number(head);
  out[index] = rest.length === 0 ? value : setIn(out[index], rest, value);
  return out;
}

function setIn(container: unknown, keys: readonly string[], value: unknown): unknown {
  const [key = '', ...rest] = keys;
  const source = typeof container === 'object' && container !== null ? (container as Record<string, unknown>) : {};
  const copy: Record<string, unknown> = Array.isArray(source) ? ([...(source as unknown[])] as unknown as Record<string, unknown>) : { ...source };
  copy[key] = rest.length === 0 ? value : setIn(source[key], rest, value);
  return copy;
}

/** The valid value at `path` in `args` (what the array kinds are made relative to). */
export function valueAt(args: readonly unknown[], path: string): unknown {
  let current: unknown = args;
  for (const key of path.split('.')) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
