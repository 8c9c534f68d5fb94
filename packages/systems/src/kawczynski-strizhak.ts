import type { DefinedDynamics } from '@unroll/linearize';
import { parametrizedFlow, type FlowStepParams } from './parametrized-flow.js';

/** Parameters of {@link kawczynskiStrizhak}. */
export interface KawczynskiStrizhakParams extends FlowStepParams {
  /** β (default −0.4). */
  readonly beta?: number;
  /** γ (default 0.49). */
  readonly gamma?: number;
  /** κ (default 0.2). */
  readonly kappa?: number;
  /** μ (default 2.1). */
  readonly mu?: number;
}

/**
 * Kawczyński & Strizhak's three-variable model of the Belousov–Zhabotinsky reaction (2000),
 * as in dysts: `ẋ = γ(y − x³ + 3μx), ẏ = −2μx − y − z + β, ż = κ(x − z)`, chaotic at
 * (β, γ, κ, μ) = (−0.4, 0.49, 0.2, 2.1) (the predictability paper's Table 1). Default: RK4
 * with dt = 0.01.
 */
export function kawczynskiStrizhak(params?: KawczynskiStrizhakParams): DefinedDynamics & {
  /** The parameters, frozen, with every default filled in: passing them back rebuilds the same system. */
  readonly params: Required<KawczynskiStrizhakParams>;
} {
  return parametrizedFlow('kawczynskiStrizhak', 3, params, { beta: -0.4, gamma: 0.49, kappa: 0.2, mu: 2.1 }, ({ beta, gamma, kappa, mu }) => ({
    f(s, o, out, oo) {
      const x = s[o], y = s[o + 1], z = s[o + 2];
      out[oo] = gamma * (y - x * x * x + 3 * mu * x);
      out[oo + 1] = -2 * mu * x - y - z + beta;
      out[oo + 2] = kappa * (x - z);
    },
    jacobian(s, o, out, oo) {
      const x = s[o];
      out.set([gamma * (3 * mu - 3 * x * x), gamma, 0, -2 * mu, -1, -1, kappa, 0, -kappa], oo);
    },
  }));
}
