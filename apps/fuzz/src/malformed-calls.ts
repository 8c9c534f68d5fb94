import fc from 'fast-check';
import { createGpuRuntime, type GpuRuntime } from '@unroll/gpu-runtime';
import { UnrollError } from '@unroll/scan';
import { Child } from './child-process.js';
import { gpuEnvironment } from './gpu-environment.js';
import { inject, label, malformedKinds, materialize, valueAt, type MalformedKind } from './malformed-values.js';
import type { CaseFailure, PropertyClass } from './property-runner.js';
import { errorMessage, errorName } from './solve-properties.js';
import { allTargets } from './targets/catalog.js';
import type { Slot, Target, TargetContext } from './targets/target.js';

/** One malformed call: a target, one of its slots, and the malformed value put there. */
export interface MalformedCase {
  readonly target: string;
  readonly slot: string;
  readonly kind: MalformedKind;
}

/** What a malformed call did, as the child reports it. */
export type MalformedOutcome =
  | { readonly kind: 'ok' }
  | { readonly kind: 'refused'; readonly code: string; readonly message: string; readonly named: boolean }
  | { readonly kind: 'raw'; readonly name: string; readonly message: string; readonly where: string }
  | { readonly kind: 'broken'; readonly message: string };

const ordinals = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth'];

/**
 * Whether `message` names the slot: one of its words (whole, or with a plural s), "the
 * N-th argument" for a top-level argument, or — when the slot holds an options or params
 * object — one of that object's keys ("lorenz96: dim must be an integer ≥ 4" names what is
 * wrong inside the params it was given). `dim` is also named by D, its symbol everywhere.
 */
export function namesSlot(message: string, s: Slot, valid: unknown): boolean {
  const words = [...s.names];
  const ordinal = ordinals.at(Number(s.path));
  if (!s.path.includes('.') && ordinal !== undefined) words.push(`${ordinal} argument`);
  if (isPlainObject(valid)) words.push(...Object.keys(valid));
  // The state dimension is `dim` in the API and D in every message and doc (DESIGN.md §1).
  if (words.includes('dim')) words.push('D');
  return words.some((w) => new RegExp(`(?<![A-Za-z0-9_])${w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}s?(?![A-Za-z0-9_])`).test(message));
}

/** An object literal (not an array, typed array, function or class instance with its own prototype chain). */
function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || ArrayBuffer.isView(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** The first stack frame inside a package, to say where a raw error came from. */
function whereFrom(error: unknown): string {
  const stack = error instanceof Error ? (error.stack ?? '') : '';
  const frame = stack.split('\n').find((line) => /packages\/|@unroll\//.test(line)) ?? stack.split('\n').at(1) ?? '';
  return frame.trim().replace(/^at /, '').replace(/\(?file:\/\/\S*?(packages\/[^/]+)\/\S*\/([^/]+:\d+):\d+\)?/, '($1 $2)');
}

/**
 * Runs one malformed call (in the child): builds the target's valid arguments, replaces
 * the slot, calls, awaits a promise, and classifies what happened. Never throws.
 */
export async function runMalformedCase(c: MalformedCase, targets: ReadonlyMap<string, Target>, ctx: TargetContext): Promise<MalformedOutcome> {
  const t = targets.get(c.target);
  const s = t?.slots.find((x) => x.path === c.slot);
  if (t === undefined || s === undefined) return { kind: 'broken', message: `unknown target or slot ${c.target} ${c.slot}` };
  let result: unknown;
  let original: unknown;
  let refusal: MalformedOutcome | undefined;
  try {
    const valid = t.args();
    original = valueAt(valid, c.slot);
    result = await t.call(inject(valid, c.slot, materialize(c.kind, original)), ctx);
  } catch (error) {
    refusal =
      error instanceof UnrollError
        ? { kind: 'refused', code: error.code, message: error.message, named: namesSlot(error.message, s, original) }
        : { kind: 'raw', name: errorName(error), message: errorMessage(error).slice(0, 300), where: whereFrom(error) };
  }
  try {
    const broken = (refusal === undefined ? checked(() => t.after?.(result)) : undefined) ?? (await t.always?.(ctx));
    if (broken !== undefined) return { kind: 'broken', message: refusal === undefined ? broken : `${describeOutcome(refusal)}, and ${broken}` };
    return refusal ?? { kind: 'ok' };
  } finally {
    if (refusal === undefined) t.cleanup?.(result);
  }
}

function describeOutcome(o: MalformedOutcome): string {
  return o.kind === 'refused' ? `refused (${o.code})` : o.kind === 'raw' ? `threw ${o.name}` : o.kind;
}

/** Runs a result check; a check that cannot read the result reports that. */
function checked(check: () => string | undefined): string | undefined {
  try {
    return check();
  } catch (error) {
    return `its result could not be checked: ${errorMessage(error)}`;
  }
}

/** Serves malformed calls in a child process; the GPU runtime is made once, on first use. */
export async function serveMalformed(): Promise<{ info: unknown; handle: (message: unknown) => Promise<unknown> }> {
  const targets = new Map(allTargets().map((t) => [t.name, t]));
  let runtime: GpuRuntime | undefined;
  let gpu: string | true;
  try {
    runtime = await createGpuRuntime();
    gpu = true;
  } catch (error) {
    gpu = errorMessage(error);
  }
  const ctx: TargetContext = {
    runtime: async () => {
      // A malformed call may lose the device: start again on a fresh one.
      if (runtime === undefined) runtime = await createGpuRuntime();
      return runtime;
    },
  };
  return {
    info: { gpu },
    handle: async (message) => {
      const outcome = await runMalformedCase((message as { case: MalformedCase }).case, targets, ctx);
      if (outcome.kind === 'refused' && outcome.code === 'DEVICE_LOST' && runtime !== undefined) {
        runtime.destroy();
        runtime = undefined;
      }
      // Let a stray rejection or worker error of this call surface now, attributed to it.
      await new Promise((resolve) => setImmediate(resolve));
      return outcome;
    },
  };
}

/** A restarting child for the malformed calls (a hang or crash kills only that call's child). */
class MalformedWorker {
  #child: Child | undefined;
  gpu: string | true = 'not started';

  async ensure(): Promise<Child> {
    if (this.#child?.alive !== true) {
      const { child, info } = await Child.start('malformed', { env: gpuEnvironment(process.env) ?? process.env, execArgv: ['--max-old-space-size=2048'] });
      this.#child = child;
      this.gpu = (info as { gpu: string | true }).gpu;
    }
    return this.#child;
  }

  async close(): Promise<void> {
    await this.#child?.close(10_000);
  }
}

/** Per-call limit: a malformed call has no business running longer. */
const callTimeoutMs = 10_000;

/**
 * The malformed-calls class: every exported function, one argument or option field
 * replaced by a malformed value. Promise: the call succeeds (and a solve result still
 * keeps converged ⇒ finite), or throws an UnrollError whose message names what was
 * wrong — never a raw TypeError/RangeError, never a hang, never a crash.
 */
export async function malformedCalls(): Promise<{ cls: PropertyClass<MalformedCase>; skipped: string | undefined; close: () => Promise<void> }> {
  const worker = new MalformedWorker();
  await worker.ensure();
  const gpuUsable = worker.gpu === true;
  const targets = allTargets().filter((t) => gpuUsable || t.gpu !== true);
  const combos: MalformedCase[] = [];
  for (const t of targets) {
    for (const s of t.slots) for (const kind of malformedKinds) if (!(s.skip ?? []).includes(kind)) combos.push({ target: t.name, slot: s.path, kind });
  }
  const cls: PropertyClass<MalformedCase> = {
    name: 'malformed-calls',
    // Uniform over (function, slot, value): functions with many options get more calls.
    arbitrary: fc.constantFrom(...combos),
    describe: (c) => `${c.target}: ${c.slot === '' ? '' : `argument path ${c.slot}`} = ${label(c.kind)}`,
    check: async (c): Promise<CaseFailure | undefined> => {
      const child = await worker.ensure();
      const answer = await child.request({ case: c }, callTimeoutMs);
      const tags = { package: c.target.split('.')[0] ?? '', value: c.kind };
      const fail = (what: string, message: string): CaseFailure => ({ signature: `${c.target}|${c.slot}|${what}`, message, tags });
      if (!answer.ok) return fail(answer.reason === 'timeout' ? 'hang' : 'crash', answer.reason === 'timeout' ? `did not return within ${callTimeoutMs / 1000} s` : `the process died: ${answer.detail}`);
      const outcome = answer.value as MalformedOutcome;
      switch (outcome.kind) {
        case 'ok':
          return undefined;
        case 'refused':
          return outcome.named ? undefined : fail('unnamed', `UnrollError(${outcome.code}) does not name '${c.slot}': ${outcome.message}`);
        case 'raw':
          return fail(outcome.name, `threw ${outcome.name}: ${outcome.message}${outcome.where === '' ? '' : ` [at ${outcome.where}]`}`);
        case 'broken':
          return fail('broken', outcome.message);
      }
    },
  };
  const skipped = gpuUsable ? undefined : `GPU runtime targets skipped: ${String(worker.gpu)}`;
  return { cls, skipped, close: () => worker.close() };
}
