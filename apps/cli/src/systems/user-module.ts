import { existsSync, statSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { Dynamics } from '@unroll/linearize';
import { UsageError } from '../usage-error.js';
import type { BuiltSystem, ParamValues } from './built-system.js';
import { lendUnrollPackages } from './lend-unroll-packages.js';
import { locateUserModule } from './locate-user-module.js';
import { describeModuleLoadError } from './module-load-error.js';

/** Whether `--system` names a file rather than a catalog entry. */
export function looksLikePath(system: string): boolean {
  return system.includes('/') || system.includes('\\') || /\.(m?js|cjs)$/.test(system);
}

function isDynamics(x: unknown): x is Dynamics {
  return typeof x === 'object' && x !== null && 'dim' in x && 'step' in x && typeof x.step === 'function' && typeof x.dim === 'number' && Number.isInteger(x.dim) && x.dim >= 1;
}

/**
 * Loads a user's system from an ES module. The module exports (as `dynamics` or `default`)
 * either a `Dynamics` or a function `({ T, seed, params }) => Dynamics` — the latter when
 * inputs depend on T or `--param key=value` settings; and optionally `s0` (numbers; default
 * zeros) and `dt` (a flow's step, for Lyapunov exponents per unit time). `--param` values
 * arrive as numbers when they parse as numbers, strings otherwise.
 */
export async function loadUserSystem(path: string, rawParams: Readonly<Record<string, string>>, T: number, seed: number): Promise<BuiltSystem> {
  const file = locateUserModule(path);
  if (!existsSync(file)) throw new UsageError(`system module ${path} not found (no file ${file}): give the path of an ES module that exports \`dynamics\`, or a named system (\`unroll systems\` lists them).`);
  if (!statSync(file).isFile()) throw new UsageError(`system module ${path} is not a file: give the path of an ES module that exports \`dynamics\`.`);
  lendUnrollPackages();
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    throw new UsageError(describeModuleLoadError(error, path));
  }
  const params: ParamValues = Object.fromEntries(Object.entries(rawParams).map(([k, v]) => [k, v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : v]));
  const exported = mod['dynamics'] ?? mod['default'];
  let dynamics: unknown = exported;
  if (typeof exported === 'function') {
    try {
      dynamics = (exported as (o: { T: number; seed: number; params: ParamValues }) => unknown)({ T, seed, params });
    } catch (error) {
      // Most often a -p setting the module does not accept: the module's own message says which.
      throw new UsageError(`system module ${path}: its dynamics({ T, seed, params }) threw: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (!isDynamics(dynamics)) {
    throw new UsageError(`system module ${path} must export \`dynamics\` (or a default export): a Dynamics with an integer \`dim\` ≥ 1 and a \`step\` function, or a function ({ T, seed, params }) returning one.`);
  }
  const D = dynamics.dim;
  const rawS0 = mod['s0'];
  let s0: Float64Array;
  if (rawS0 === undefined) s0 = new Float64Array(D);
  else if (Array.isArray(rawS0) || ArrayBuffer.isView(rawS0)) {
    s0 = Float64Array.from(rawS0 as ArrayLike<number>);
    if (s0.length !== D || s0.some((v) => !Number.isFinite(v))) throw new UsageError(`system module ${path}: s0 must be ${D} finite numbers (the dynamics' dim), got ${s0.length}.`);
  } else throw new UsageError(`system module ${path}: s0 must be an array of ${D} numbers.`);
  const dt = mod['dt'];
  if (dt !== undefined && !(typeof dt === 'number' && dt > 0 && Number.isFinite(dt))) throw new UsageError(`system module ${path}: dt must be a finite number > 0.`);
  const name = dynamics.name ?? path;
  return { label: name, dynamics, s0, params, ...(typeof dt === 'number' ? { dt } : {}) };
}
