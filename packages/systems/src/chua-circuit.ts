import type { DefinedDynamics } from '@unroll/linearize';
import { parametrizedFlow, type FlowStepParams } from './parametrized-flow.js';

/** Parameters of {@link chuaCircuit}. */
export interface ChuaCircuitParams extends FlowStepParams {
  /** α (default 15.6). */
  readonly alpha?: number;
  /** β (default 28). */
  readonly beta?: number;
  /** Inner slope m₀ of the diode, |x| < 1 (default −1.142857). */
  readonly m0?: number;
  /** Outer slope m₁ of the diode, |x| > 1 (default −0.71429). */
  readonly m1?: number;
}

/**
 * Chua's circuit (1986): `ẋ = α(y − x − g(x)), ẏ = x − y + z, ż = −βy` with the piecewise
 * linear diode `g(x) = m₁x + ½(m₀ − m₁)(|x + 1| − |x − 1|)`; the double scroll at
 * (α, β, m₀, m₁) = (15.6, 28, −1.142857, −0.71429) (the predictability paper's Table 1).
 * The Jacobian is piecewise constant: g'(x) = m₀ for |x| < 1, m₁ for |x| > 1 (at the kinks,
 * m₁). Default: RK4 with dt = 0.01.
 */
export function chuaCircuit(params?: ChuaCircuitParams): DefinedDynamics & {
  /** The parameters, frozen, with every default filled in: passing them back rebuilds the same system. */
  readonly params: Required<ChuaCircuitParams>;
} {
  return parametrizedFlow('chuaCircuit', 3, params, { alpha: 15.6, beta: 28, m0: -1.142857, m1: -0.71429 }, ({ alpha, beta, m0, m1 }) => ({
    f(s, o, out, oo) {
      const x = s[o], y = s[o + 1], z = s[o + 2];
      const g = m1 * x + 0.5 * (m0 - m1) * (Math.abs(x + 1) - Math.abs(x - 1));
      out[oo] = alpha * (y - x - g);
      out[oo + 1] = x - y + z;
      out[oo + 2] = -beta * y;
    },
    jacobian(s, o, out, oo) {
      const slope = Math.abs(s[o]) < 1 ? m0 : m1;
      out.set([-alpha * (1 + slope), alpha, 0, 1, -1, 1, 0, -beta, 0], oo);
    },
  }));
}
