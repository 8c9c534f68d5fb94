import type { DefinedDynamics } from '@unroll/linearize';
import { parametrizedFlow, type FlowStepParams } from './parametrized-flow.js';

/** Parameters of {@link vallisElNino}. */
export interface VallisElNinoParams extends FlowStepParams {
  /** b (default 102). */
  readonly b?: number;
  /** c (default 3). */
  readonly c?: number;
  /** p (default 0). */
  readonly p?: number;
}

/**
 * Vallis' El Niño model (1986): `ẋ = b y − c(x + p), ẏ = −y + xz, ż = −z − xy + 1`, chaotic
 * at (b, c, p) = (102, 3, 0) (the predictability paper's Table 1). Default: RK4 with
 * dt = 0.01.
 */
export function vallisElNino(params?: VallisElNinoParams): DefinedDynamics & {
  /** The parameters, frozen, with every default filled in: passing them back rebuilds the same system. */
  readonly params: Required<VallisElNinoParams>;
} {
  return parametrizedFlow('vallisElNino', 3, params, { b: 102, c: 3, p: 0 }, ({ b, c, p }) => ({
    f(s, o, out, oo) {
      const x = s[o], y = s[o + 1], z = s[o + 2];
      out[oo] = b * y - c * (x + p);
      out[oo + 1] = -y + x * z;
      out[oo + 2] = -z - x * y + 1;
    },
    jacobian(s, o, out, oo) {
      const x = s[o], y = s[o + 1], z = s[o + 2];
      out.set([-c, b, 0, z, -1, x, -y, -x, -1], oo);
    },
  }));
}
