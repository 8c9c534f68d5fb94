import { meanFieldRnn } from '@unroll/systems';
import { expect, it } from 'vitest';
import { advise, largestLyapunovExponent, plBounds } from './index.js';

it('the README example runs and says what it claims', () => {
  const rnn = meanFieldRnn({ dim: 32, g: 0.5, seed: 1 });
  const s0 = new Array<number>(32).fill(0.5);
  const { value: lle } = largestLyapunovExponent(rnn, s0, 2000);
  expect(lle).toBeLessThan(0);
  expect(plBounds({ lle, T: 1000 }).log10SqrtMu.lower).toBeGreaterThan(-1);
  const advice = advise(rnn, s0, 1000);
  expect(advice.recommended).not.toBe('sequential');
  expect(advice.reasons.length).toBeGreaterThan(2);
  // The systems README quotes λ ≈ −0.65 for D = 64, g = 0.5.
  expect(largestLyapunovExponent(meanFieldRnn({ dim: 64, g: 0.5, seed: 1 }), new Array<number>(64).fill(0.5), 2000).value).toBeCloseTo(-0.65, 2);
});
