import type { DefinedDynamics } from '@unroll/linearize';
import { parametrizedFlow, type FlowStepParams } from './parametrized-flow.js';

/** Parameters of {@link thomas}. */
export interface ThomasParams extends FlowStepParams {
  /** Damping a (default 1.85). */
  readonly a?: number;
  /** Forcing b (default 10). */
  readonly b?: number;
}

/**
 * Thomas' cyclically symmetric flow (1999) in the form of the dysts benchmark:
 * `ẋ = −a x + b sin y, ẏ = −a y + b sin z, ż = −a z + b sin x`, chaotic at (a, b) = (1.85, 10)
 * (the predictability paper's Table 1). Default: RK4 with dt = 0.01.
 */
export function thomas(params?: ThomasParams): DefinedDynamics & {
  /** The parameters, frozen, with every default filled in: passing them back rebuilds the same system. */
  readonly params: Required<ThomasParams>;
} {
  return parametrizedFlow('thomas', 3, params, { a: 1.85, b: 10 }, ({ a, b }) => ({
    f(s, o, out, oo) {
      const x = s[o], y = s[o + 1], z = s[o + 2];
      out[oo] = -a * x + b * Math.sin(y);
      out[oo + 1] = -a * y + b * Math.sin(z);
      out[oo + 2] = -a * z + b * Math.sin(x);
    },
    jacobian(s, o, out, oo) {
      const x = s[o], y = s[o + 1], z = s[o + 2];
      out.set([-a, b * Math.cos(y), 0, 0, -a, b * Math.cos(z), b * Math.cos(x), 0, -a], oo);
    },
  }));
}
