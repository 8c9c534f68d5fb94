import type { DefinedDynamics } from '@unroll/linearize';
import { checkNumber, checkOptions } from '@unroll/scan';
import { checkStep, integrate, type Flow, type Integrator } from './flow.js';

/** The step options every small flow of this package takes besides its own parameters. */
export interface FlowStepParams {
  /** Step size (default 0.01). */
  readonly dt?: number;
  /** Integrator of one step (default `'rk4'`). */
  readonly integrator?: Integrator;
}

/** A flow's closed forms, written for its (checked) parameters. */
type FlowForms = Pick<Flow, 'f' | 'jacobian'>;

/**
 * The discrete dynamics of a small flow with named numeric parameters: fills in the
 * defaults, checks each parameter is finite and the step is valid, and integrates
 * `build(params)` with `integrate` (exact Jacobian of the whole step).
 */
export function parametrizedFlow<P extends Record<string, number>>(
  name: string,
  dim: number,
  given: Partial<P> & FlowStepParams | undefined,
  defaults: P,
  build: (p: Readonly<P>) => FlowForms,
): DefinedDynamics & {
  /** The parameters, frozen, with every default filled in: passing them back rebuilds the same system. */
  readonly params: Readonly<P> & Required<FlowStepParams>;
} {
  const example = `{ ${[...Object.entries(defaults).map(([k, v]) => `${k}: ${v}`), 'dt: 0.01', "integrator: 'rk4'"].join(', ')} }`;
  const opts: Record<string, unknown> = checkOptions(`${name}(params)`, given, example, 'params');
  const values: Record<string, number> = {};
  for (const [key, fallback] of Object.entries(defaults)) {
    const v = opts[key] ?? fallback;
    checkNumber(name, key, v);
    values[key] = v;
  }
  const dt = opts['dt'] ?? 0.01, integrator = opts['integrator'] ?? 'rk4';
  checkStep(name, dt, integrator);
  const p = values as P;
  const flow: Flow = { dim, name, ...build(p) };
  return Object.freeze({ ...integrate(flow, dt as number, integrator), params: Object.freeze({ ...p, dt: dt as number, integrator }) });
}
