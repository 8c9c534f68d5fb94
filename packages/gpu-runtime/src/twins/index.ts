import { gruTwin } from './gru.js';
import { langevinTwin } from './langevin.js';
import { lorenz96Twin } from './lorenz96.js';
import { meanFieldRnnTwin } from './mean-field-rnn.js';

export { gruTwin, langevinTwin, lorenz96Twin, meanFieldRnnTwin };

/**
 * WGSL twins of reference systems from `@unroll/systems`: each takes exactly the params
 * of the CPU system of the same name and returns a `GpuDynamics` computing the same
 * map, diagonal and Jacobian in f32 (seeded weights and noise resolved as on the CPU).
 *
 * @example
 * ```ts
 * import { lorenz96 } from '@unroll/systems';
 * const params = { dim: 16, forcing: 8 };
 * const cpu = lorenz96(params);
 * const gpu = twins.lorenz96(params);
 * ```
 */
export const twins = Object.freeze({
  gru: gruTwin,
  meanFieldRnn: meanFieldRnnTwin,
  langevin: langevinTwin,
  lorenz96: lorenz96Twin,
});
