import { checkDynamics, type Dynamics } from '@unroll/linearize';
import type * as nodeModuleTypes from 'node:module';
import type * as nodeUrlTypes from 'node:url';
import { describeValue as describe, UnrollError } from '@unroll/scan';

/**
 * Where a worker finds a dynamics: an importable module, the name of a factory it exports,
 * and the factory's arguments — `(await import(module))[exportName](...args)` must build the
 * same system as the dynamics it is attached to. The reference systems of `@unroll/systems`
 * go by name: `{ system: 'gru', args: [{ dim: 8, inputDim: 0, seed: 1 }] }`.
 */
export type WorkerDynamicsModule =
  | {
      /**
       * The module: a URL (`import.meta.url` of the file that defines the factory, a
       * `file:` or `data:` URL), an absolute path, a path relative to `resolveFrom`, or a
       * package specifier (`'my-systems'`, resolved from `resolveFrom`). A worker loads it
       * with Node's own loader, so it must be JavaScript (not TypeScript).
       */
      readonly module: string;
      /** The name under which the module exports the factory (default `'default'`). */
      readonly exportName?: string;
      /** The factory's arguments: anything `structuredClone` copies (numbers, strings, plain objects, arrays, typed arrays). */
      readonly args?: readonly unknown[];
    }
  | {
      /** A factory exported by `@unroll/systems`, by name: `'gru'`, `'meanFieldRnn'`, `'logisticMap'`, … */
      readonly system: string;
      /** The factory's arguments (structured-cloneable), e.g. `[{ dim: 8, inputDim: 0, seed: 1 }]`. */
      readonly args?: readonly unknown[];
    };

/** A descriptor with its module resolved to a URL a worker can import, as it crosses to the workers. */
export interface ResolvedWorkerModule {
  /** The module's URL. */
  readonly url: string;
  /** The factory's export name. */
  readonly exportName: string;
  /** The factory's arguments. */
  readonly args: readonly unknown[];
}

/** Where {@link withWorkerModule} and {@link loadWorkerDynamics} resolve a module (done once, when the descriptor is attached). */
export interface WorkerModuleResolution {
  /**
   * Where package specifiers and relative paths are resolved from: a `file:` URL of a
   * directory (ending in `/`) or of a file in it. Default: the current working directory.
   */
  readonly resolveFrom?: string | URL;
}

/** The package the reference systems come from. */
const systemsPackage = '@unroll/systems';

const attached = new WeakMap<object, ResolvedWorkerModule>();

/**
 * Attaches a worker module to a dynamics and returns the same object, so the one object
 * runs in this process (`solve`) and in worker threads (`solveAsync(dyn, s0, T, { backend:
 * createCpuWorkers(…) })`). The module is resolved now (see {@link WorkerModuleResolution}).
 * The workers rebuild the system from the descriptor — it must build the same system;
 * compare `solve`'s result with the pool's in the module's tests.
 *
 * @example
 * ```ts
 * // not-run: resolves @unroll/systems from the working directory, where an app installs it (the pool's tests run this with the workspace's copy)
 * import { gru } from '@unroll/systems';
 * import { withWorkerModule } from '@unroll/solvers';
 *
 * const params = { dim: 8, inputDim: 0, seed: 1 };
 * const dyn = withWorkerModule(gru(params), { system: 'gru', args: [params] });
 * ```
 * @throws {UnrollError} `INVALID_ARGUMENT` for a malformed dynamics or descriptor (an
 *   argument `structuredClone` cannot copy, an empty module or export name), or a
 *   package that cannot be found.
 */
export function withWorkerModule<D extends Dynamics>(dyn: D, descriptor: WorkerDynamicsModule, options: WorkerModuleResolution = {}): D {
  const where = 'withWorkerModule';
  checkDynamics(where, dyn);
  attached.set(dyn, resolveWorkerModule(where, checkDescriptor(where, descriptor), options.resolveFrom));
  return dyn;
}

/** The worker module attached to `dyn` by {@link withWorkerModule} or {@link loadWorkerDynamics}, resolved to a URL; undefined if none. */
export function workerModuleOf(dyn: Dynamics): ResolvedWorkerModule | undefined {
  const given: unknown = dyn;
  return typeof given === 'object' && given !== null ? attached.get(given) : undefined;
}

/**
 * Builds a dynamics from a worker module in this process — `(await import(module))
 * [exportName](...args)` — and attaches the descriptor to it, so the same object solves
 * here and in a pool's workers.
 *
 * @example
 * ```ts
 * // not-run: resolves @unroll/systems from the working directory, where an app installs it (the pool's tests run this with the workspace's copy)
 * import { createCpuWorkers, loadWorkerDynamics, solveAsync } from '@unroll/solvers';
 *
 * const dyn = await loadWorkerDynamics({ system: 'gru', args: [{ dim: 8, inputDim: 0, seed: 1 }] });
 * const pool = createCpuWorkers({ workers: 2 });
 * const { states } = await solveAsync(dyn, new Float64Array(8), 100_000, { method: 'quasi-deer', backend: pool });
 * pool.destroy();
 * ```
 * @throws {UnrollError} `INVALID_ARGUMENT` for a malformed descriptor, a module that does
 *   not load, an export that is not a function, or a factory that does not return a dynamics.
 */
export async function loadWorkerDynamics(descriptor: WorkerDynamicsModule, options: WorkerModuleResolution = {}): Promise<Dynamics> {
  const where = 'loadWorkerDynamics';
  const resolved = resolveWorkerModule(where, checkDescriptor(where, descriptor), options.resolveFrom);
  const dyn = await buildFromModule(where, resolved);
  attached.set(dyn, resolved);
  return dyn;
}

/**
 * Imports a resolved module and calls its factory: the one place a descriptor becomes a
 * dynamics, in this process and in every worker.
 *
 * @throws {UnrollError} `INVALID_ARGUMENT` naming what failed (import, export, factory, result).
 */
export async function buildFromModule(where: string, m: ResolvedWorkerModule): Promise<Dynamics> {
  let exports: Record<string, unknown>;
  try {
    exports = (await import(/* @vite-ignore */ m.url)) as Record<string, unknown>;
  } catch (e) {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: the dynamics module ${m.url} did not load (${messageOf(e)}); check the path or URL, and that it is JavaScript Node can import.`, { cause: e });
  }
  const factory = exports[m.exportName];
  if (typeof factory !== 'function') {
    const names = Object.keys(exports).filter((k) => typeof exports[k] === 'function');
    throw new UnrollError('INVALID_ARGUMENT', `${where}: the module ${m.url} exports no function '${m.exportName}'${names.length > 0 ? `; its functions are ${names.slice(0, 12).join(', ')}` : ''}.`);
  }
  let dyn: unknown;
  try {
    dyn = (factory as (...a: unknown[]) => unknown)(...m.args);
  } catch (e) {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: ${m.exportName}(…) from ${m.url} threw: ${messageOf(e)}`, { cause: e });
  }
  checkDynamics(`${where}: ${m.exportName}(…) from ${m.url}`, dyn);
  return dyn;
}

/** Checks a descriptor's shape and that its arguments can cross to a worker. */
export function checkDescriptor(where: string, descriptor: unknown): WorkerDynamicsModule {
  const how = "give { module: url, exportName, args } or { system: 'gru', args: [params] }";
  if (typeof descriptor !== 'object' || descriptor === null) throw new UnrollError('INVALID_ARGUMENT', `${where}: the worker module must be an object; ${how}; got ${describe(descriptor)}.`);
  const d = descriptor as { module?: unknown; system?: unknown; exportName?: unknown; args?: unknown };
  if ((d.module === undefined) === (d.system === undefined)) throw new UnrollError('INVALID_ARGUMENT', `${where}: the worker module needs exactly one of module and system; ${how}.`);
  for (const key of ['module', 'system', 'exportName'] as const) {
    const v = d[key];
    if (v !== undefined && (typeof v !== 'string' || v.length === 0)) throw new UnrollError('INVALID_ARGUMENT', `${where}: the worker module's ${key} must be a non-empty string, got ${describe(v)}.`);
  }
  if (d.system !== undefined && d.exportName !== undefined) throw new UnrollError('INVALID_ARGUMENT', `${where}: a reference system is named by system alone (the export of @unroll/systems); drop exportName.`);
  if (d.args !== undefined) {
    if (!Array.isArray(d.args)) throw new UnrollError('INVALID_ARGUMENT', `${where}: the worker module's args must be an array of the factory's arguments, got ${describe(d.args)}.`);
    try {
      structuredClone(d.args);
    } catch (e) {
      throw new UnrollError('INVALID_ARGUMENT', `${where}: the worker module's args cannot be copied to a worker (${messageOf(e)}); pass numbers, strings, plain objects, arrays or typed arrays — no functions.`, { cause: e });
    }
  }
  return Object.freeze({ ...d }) as WorkerDynamicsModule;
}

type NodeModuleApi = typeof nodeModuleTypes;
type NodeUrlApi = typeof nodeUrlTypes;

/**
 * Resolves a descriptor's module to a URL a worker can import: URLs as they are, paths
 * against `resolveFrom`, package specifiers with Node's resolution from `resolveFrom`
 * (then from this package). Done here, once, so every worker imports the same file.
 *
 * @throws {UnrollError} `INVALID_ARGUMENT` when a package cannot be found.
 */
export function resolveWorkerModule(where: string, d: WorkerDynamicsModule, resolveFrom: string | URL | undefined): ResolvedWorkerModule {
  const named = (d as { system?: string }).system;
  const spec = named === undefined ? (d as { module: string }).module : systemsPackage;
  const exportName = named ?? (d as { exportName?: string }).exportName ?? 'default';
  const args = d.args ?? [];
  if (/^[a-z][a-z0-9+.-]+:/i.test(spec)) return { url: spec, exportName, args };
  const p = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown; cwd?: () => string } }).process;
  if (typeof p?.getBuiltinModule !== 'function' || typeof p.cwd !== 'function') {
    throw new UnrollError('UNSUPPORTED', `${where}: only URLs can be resolved here (no Node); pass module as a URL, e.g. new URL('./my-system.js', import.meta.url).href.`);
  }
  const url = p.getBuiltinModule('node:url') as NodeUrlApi;
  const nodeModule = p.getBuiltinModule('node:module') as NodeModuleApi;
  const base = resolveFrom === undefined ? url.pathToFileURL(`${p.cwd()}/`).href : String(resolveFrom);
  if (spec.startsWith('/')) return { url: url.pathToFileURL(spec).href, exportName, args };
  if (spec.startsWith('./') || spec.startsWith('../')) return { url: new URL(spec, base).href, exportName, args };
  for (const from of [base, import.meta.url]) {
    try {
      return { url: url.pathToFileURL(nodeModule.createRequire(from).resolve(spec)).href, exportName, args };
    } catch {
      // Not found from there: try the next place.
    }
  }
  throw new UnrollError(
    'INVALID_ARGUMENT',
    `${where}: the package '${spec}' could not be found from ${base}; install it there${spec === systemsPackage ? ' (npm install @unroll/systems)' : ''}, or pass resolveFrom (a file URL of a directory that can import it), or give module as a URL.`,
  );
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
