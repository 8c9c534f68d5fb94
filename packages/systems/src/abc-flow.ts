import type { DefinedDynamics } from '@unroll/linearize';
import { parametrizedFlow, type FlowStepParams } from './parametrized-flow.js';

/** Parameters of {@link abcFlow}: the flow's (A, B, C), written lower case. */
export interface AbcFlowParams extends FlowStepParams {
  /** A (default 1.73205, ≈ √3). */
  readonly a?: number;
  /** B (default 1.41421, ≈ √2). */
  readonly b?: number;
  /** C (default 1). */
  readonly c?: number;
}

/**
 * The Arnold–Beltrami–Childress flow: `ẋ = A sin z + C cos y, ẏ = B sin x + A cos z,
 * ż = C sin y + B cos x`, chaotic at (A, B, C) = (√3, √2, 1) (the predictability paper's
 * Table 1, dysts' (1.73205, 1.41421, 1)). Default: RK4 with dt = 0.01.
 */
export function abcFlow(params?: AbcFlowParams): DefinedDynamics & {
  /** The parameters, frozen, with every default filled in: passing them back rebuilds the same system. */
  readonly params: Required<AbcFlowParams>;
} {
  return parametrizedFlow('abcFlow', 3, params, { a: 1.73205, b: 1.41421, c: 1 }, ({ a, b, c }) => ({
    f(s, o, out, oo) {
      const x = s[o], y = s[o + 1], z = s[o + 2];
      out[oo] = a * Math.sin(z) + c * Math.cos(y);
      out[oo + 1] = b * Math.sin(x) + a * Math.cos(z);
      out[oo + 2] = c * Math.sin(y) + b * Math.cos(x);
    },
    jacobian(s, o, out, oo) {
      const x = s[o], y = s[o + 1], z = s[o + 2];
      out.set([0, -c * Math.sin(y), a * Math.cos(z), b * Math.cos(x), 0, -a * Math.sin(z), -b * Math.sin(x), c * Math.cos(y), 0], oo);
    },
  }));
}
