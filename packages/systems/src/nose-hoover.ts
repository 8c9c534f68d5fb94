import type { DefinedDynamics } from '@unroll/linearize';
import { parametrizedFlow, type FlowStepParams } from './parametrized-flow.js';

/** Parameters of {@link noseHoover}. */
export interface NoseHooverParams extends FlowStepParams {
  /** a (default 1.5). */
  readonly a?: number;
}

/**
 * The Nosé–Hoover thermostat (Hoover 1985; Sprott's case A): `ẋ = y, ẏ = −x + yz,
 * ż = a − y²`, chaotic at a = 1.5 (the predictability paper's Table 1), conservative
 * (its exponents sum to ≈ 0). Default: RK4 with dt = 0.01.
 */
export function noseHoover(params?: NoseHooverParams): DefinedDynamics & {
  /** The parameters, frozen, with every default filled in: passing them back rebuilds the same system. */
  readonly params: Required<NoseHooverParams>;
} {
  return parametrizedFlow('noseHoover', 3, params, { a: 1.5 }, ({ a }) => ({
    f(s, o, out, oo) {
      const x = s[o], y = s[o + 1], z = s[o + 2];
      out[oo] = y;
      out[oo + 1] = -x + y * z;
      out[oo + 2] = a - y * y;
    },
    jacobian(s, o, out, oo) {
      const y = s[o + 1], z = s[o + 2];
      out.set([0, 1, 0, -1, z, y, 0, -2 * y, 0], oo);
    },
  }));
}
