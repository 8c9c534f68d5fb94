import type { GpuRuntime } from '@unroll/gpu-runtime';
import type { MalformedKind } from '../malformed-values.js';

/** Any exported function (its parameter types do not matter: the arguments may be wrong on purpose). */
export type Callable = (...args: never[]) => unknown;

/** What a target may need besides its arguments. */
export interface TargetContext {
  /** The child's shared GPU runtime (created on first use). */
  readonly runtime: () => Promise<GpuRuntime>;
}

/** One argument or option field a malformed call replaces. */
export interface Slot {
  /** "2": the third argument; "3.tol": its field `tol`; "0.probe.state": a nested field. */
  readonly path: string;
  /**
   * Words a refusal's message may use to name it (matched as whole words, case-sensitive);
   * a top-level argument may also be named by position ("the first argument").
   */
  readonly names: readonly string[];
  /** Kinds not tried here: values that only ask for a lot of legitimate work (trials: 1e10). */
  readonly skip?: readonly MalformedKind[];
}

/**
 * One exported function (or runtime method) of a package with a valid call: `args()`
 * builds fresh valid arguments, and the campaign replaces one slot at a time.
 */
export interface Target {
  /** `package.function`, with a `[variant]` suffix when one function has several valid calls. */
  readonly name: string;
  /** Needs a WebGPU adapter (skipped without one). */
  readonly gpu?: boolean;
  readonly args: () => unknown[];
  /** Calls the function with the (possibly malformed) arguments; may return a promise. */
  readonly call: (args: readonly unknown[], ctx: TargetContext) => unknown;
  readonly slots: readonly Slot[];
  /** A promise a successful result must still keep (e.g. converged ⇒ finite states); returns what broke. */
  readonly after?: (result: unknown) => string | undefined;
  /** A promise that holds after every call, refused or not (e.g. no GPU buffers left); returns what broke. */
  readonly always?: (ctx: TargetContext) => Promise<string | undefined>;
  /** Frees what a successful call made (a runtime). */
  readonly cleanup?: (result: unknown) => void;
}

/** A slot named by the given words. */
export function slot(path: string, ...names: string[]): Slot {
  return { path, names };
}

/** Slots for the fields of an options object at argument `index`, each named by its key. */
export function optionSlots(index: number, keys: readonly string[], objectNames: readonly string[] = ['opts', 'options']): Slot[] {
  return [{ path: String(index), names: objectNames }, ...keys.map((key) => ({ path: `${index}.${key}`, names: [key] }))];
}

/** A target calling an exported function. */
export function target(name: string, fn: Callable, args: () => unknown[], slots: readonly Slot[], extra: Partial<Pick<Target, 'after' | 'cleanup' | 'gpu'>> = {}): Target {
  return { name, args, slots, call: (a) => (fn as unknown as (...x: readonly unknown[]) => unknown)(...a), ...extra };
}

/** Checks a solve-like result: converged: true must come with finite states. */
export function convergedFinite(result: unknown): string | undefined {
  const r = result as { converged?: unknown; states?: ArrayLike<number> } | readonly { converged?: unknown; states?: ArrayLike<number> }[];
  const list = Array.isArray(r) ? r : [r];
  for (const item of list as readonly { converged?: unknown; states?: ArrayLike<number> }[]) {
    if (item.converged === true && item.states !== undefined) {
      for (let i = 0; i < item.states.length; i++) {
        if (!Number.isFinite(item.states[i])) return `returned converged: true with states[${i}] = ${String(item.states[i])}`;
      }
    }
  }
  return undefined;
}
