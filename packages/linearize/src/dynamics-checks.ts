import { UnrollError, checkArrayLength, checkInteger, describeValue, isRecord } from '@unroll/scan';
import type { Dynamics } from './dynamics.js';
import type { Strategy } from './strategy.js';

/**
 * How {@link checkDynamics} names what it checks: `argument` (`'dynamics'`, `'the first
 * argument'`), `what` (the text after "must be a Dynamics", through the punctuation
 * before "got"), `field` (how a field of it is named: `'dynamics.dim'`) and `smaller`
 * (what to do when its dim is too large to allocate).
 */
export interface DynamicsNaming {
  /** How the argument is named: `'dynamics'`, `'the first argument'`. */
  readonly argument: string;
  /** The text after "must be a Dynamics", through the punctuation before "got". */
  readonly what: string;
  /** How a field of it is named: `(key) => 'dynamics.' + key`. */
  readonly field: (key: string) => string;
  /** What to do when its dim is too large to allocate: `'pass a smaller dynamics.dim'`. */
  readonly smaller: string;
}

/** The naming of an argument called `name`: `${name}.dim`, "build one with defineDynamics". */
export function dynamicsNaming(name = 'dynamics'): DynamicsNaming {
  return {
    argument: name,
    what: '({ dim, step, … }) — build one with defineDynamics;',
    field: (key) => `${name}.${key}`,
    smaller: `pass a smaller ${name}.dim`,
  };
}

/**
 * Throws unless `dyn` is a Dynamics: an object with a positive integer `dim` small enough
 * for a D-vector to be allocated, a `step` function, and functions (or nothing) for
 * `jacobian`, `diagonal` and `jvp`. Each message names the argument as `naming` says.
 */
export function checkDynamics(where: string, dyn: unknown, naming: DynamicsNaming = dynamicsNaming()): asserts dyn is Dynamics {
  if (typeof dyn !== 'object' || dyn === null || typeof (dyn as { step?: unknown }).step !== 'function') {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: ${naming.argument} must be a Dynamics ${naming.what} got ${describeValue(dyn)}.`);
  }
  const dim = (dyn as { dim?: unknown }).dim;
  checkInteger(where, naming.field('dim'), dim, 1);
  checkArrayLength(where, `a state of ${naming.field('dim')} = ${dim}`, dim, naming.smaller);
  for (const fn of ['jacobian', 'diagonal', 'jvp'] as const) {
    const f = (dyn as Record<string, unknown>)[fn];
    if (f !== undefined && typeof f !== 'function') {
      throw new UnrollError('INVALID_ARGUMENT', `${where}: ${naming.field(fn)} must be a function or absent, got ${describeValue(f)}.`);
    }
  }
  const block = (dyn as Record<string, unknown>)['block'];
  if (block !== undefined) {
    const fields = isRecord(block) ? block : undefined;
    const bad = fields === undefined || typeof fields['step'] !== 'function' ? 'step' : (['stepDiagonal', 'stepJacobian'] as const).find((k) => fields[k] !== undefined && typeof fields[k] !== 'function');
    if (bad !== undefined) {
      throw new UnrollError('INVALID_ARGUMENT', `${where}: ${naming.field('block')} must be { step(t0, n, prev, po, out, oo), stepDiagonal?, stepJacobian? } (functions) or absent — ${naming.field(`block.${bad}`)} is ${describeValue(fields?.[bad])}; defineDynamics checks a block against step.`);
    }
  }
}

/**
 * Throws unless `s` is a Strategy: an object (not an array) with a string `name` and
 * `structure` and `prepare` functions. `examples` is what the message suggests.
 */
export function checkStrategy(where: string, name: string, s: unknown, examples = 'full() or diagonal()'): asserts s is Strategy {
  const ok = isRecord(s) && typeof s['name'] === 'string' && typeof s['structure'] === 'function' && typeof s['prepare'] === 'function';
  if (!ok) {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: ${name} must be a Strategy ({ name, structure, prepare }) such as ${examples}, got ${describeValue(s)}.${confusion(s)}`);
  }
}

/**
 * What a newcomer most likely meant: `diagonal` is a structure `(D)` in @unroll/scan and a
 * strategy `()` here; a structure passed where a strategy belongs, or a factory passed
 * uncalled, gets a sentence saying which to use.
 */
function confusion(s: unknown): string {
  if (typeof s === 'function') return ` You passed the factory ${s.name === '' ? '' : `'${s.name}' `}itself: call it, e.g. diagonal() or full().`;
  if (isRecord(s) && typeof s['compose'] === 'function' && typeof s['apply'] === 'function') {
    const named = typeof s['name'] === 'string' ? ` '${s['name']}'` : '';
    return ` That is the Structure${named} (the algebra of Ã_t, from @unroll/scan); the strategy that fills it comes from @unroll/linearize, e.g. diagonal() for diagonal(D).`;
  }
  return '';
}
