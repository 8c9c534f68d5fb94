import type { KalmanCapability, KalmanElements, StructureModule } from './structure.js';
import { UnrollError } from './unroll-error.js';
import { describe, isObject, maxArrayLength } from './validate.js';

// Shape checks of a structure's optional capabilities, shared by defineStructure and the
// paths that use a capability (a plain-object structure never went through defineStructure).

/**
 * Throws `INVALID_ARGUMENT` unless `module` is `{ url: string, exportName: string, args:
 * JSON primitives[] }` — what a worker thread can import and call.
 */
export function assertModule(where: string, module: unknown): asserts module is StructureModule {
  const how = "give module: { url: import.meta.url, exportName: 'myStructure', args: [D] } — the module's URL, the name of the factory it exports, and the factory's arguments";
  if (!isObject(module)) {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: module must be an object, got ${describe(module)}; ${how}.`);
  }
  const m = module as Partial<Record<keyof StructureModule, unknown>>;
  if (typeof m.url !== 'string' || m.url.length === 0) {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: module.url must be a non-empty string (a URL workers can import), got ${describe(m.url)}; ${how}.`);
  }
  if (typeof m.exportName !== 'string' || m.exportName.length === 0) {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: module.exportName must be a non-empty string, got ${describe(m.exportName)}; ${how}.`);
  }
  if (!Array.isArray(m.args)) {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: module.args must be an array of the factory's arguments, got ${describe(m.args)}; ${how}.`);
  }
  (m.args as unknown[]).forEach((arg, i) => {
    const primitive = typeof arg === 'string' || typeof arg === 'boolean' || (typeof arg === 'number' && Number.isFinite(arg));
    if (!primitive) {
      throw new UnrollError('INVALID_ARGUMENT', `${where}: module.args[${i}] is ${describe(arg)}; arguments must be finite numbers, strings or booleans (they travel to worker threads as JSON).`);
    }
  });
}

/** Throws `INVALID_ARGUMENT` unless `kalman` has the shape of a {@link KalmanCapability}. */
export function assertKalman(name: string, kalman: unknown): asserts kalman is KalmanCapability {
  const where = `defineStructure('${name}')`;
  if (!isObject(kalman)) {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: kalman must be an object { covarianceWidth, filter, parallel? }, got ${describe(kalman)}.`);
  }
  const k = kalman as Partial<Record<keyof KalmanCapability, unknown>>;
  if (typeof k.covarianceWidth !== 'number' || !Number.isInteger(k.covarianceWidth) || k.covarianceWidth < 0 || k.covarianceWidth > maxArrayLength) {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: kalman.covarianceWidth must be a non-negative integer (numbers per filtered covariance), got ${describe(k.covarianceWidth)}.`);
  }
  if (typeof k.filter !== 'function') {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: kalman.filter must be a function (A, b, y, s0, lambda, q, means, covariances) => void, got ${describe(k.filter)}.`);
  }
  if (k.parallel !== undefined) {
    const p = k.parallel as unknown;
    const e = (isObject(p) ? p : {}) as Partial<Record<keyof KalmanElements, unknown>>;
    const ok = isObject(p) && typeof e.width === 'number' && Number.isInteger(e.width) && e.width > 0 && typeof e.build === 'function' && typeof e.read === 'function' && isObject(e.monoid);
    if (!ok) {
      throw new UnrollError('INVALID_ARGUMENT', `${where}: kalman.parallel must be { width, build, monoid, read } when given, got ${describe(p)}.`);
    }
  }
}
