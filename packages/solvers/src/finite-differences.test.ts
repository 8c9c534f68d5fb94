import { defineDynamics } from '@unroll/linearize';
import { afterEach, describe, expect, it } from 'vitest';
import { setWarningHandler, solve, type UnrollWarning } from './index.js';

/** s_t = 0.5 tanh(s_{t−1}) + 1 per coordinate, D = 4, with or without its derivatives. */
function cell(name: string, closedForm: boolean) {
  return defineDynamics({
    dim: 4,
    name,
    step(_t, s, so, out, oo) {
      for (let i = 0; i < 4; i++) out[oo + i] = 0.5 * Math.tanh(s[so + i] ?? 0) + 1;
    },
    ...(closedForm
      ? {
          diagonal(_t: number, s: ArrayLike<number>, so: number, out: Float64Array | Float32Array, oo: number) {
            for (let i = 0; i < 4; i++) {
              const c = Math.tanh(s[so + i] ?? 0);
              out[oo + i] = 0.5 * (1 - c * c);
            }
          },
        }
      : {}),
  });
}

let previous: ReturnType<typeof setWarningHandler> | undefined;
afterEach(() => {
  if (previous !== undefined) setWarningHandler(previous);
  previous = undefined;
});

describe('finite differences are reported, not silent', () => {
  it("the result's linearization says how Ã_t was formed; a FINITE_DIFFERENCES warning comes once per dynamics and method", () => {
    const seen: UnrollWarning[] = [];
    previous = setWarningHandler((w) => seen.push(w));
    const fd = cell('fd-cell', false);
    const a = solve(fd, [0, 0, 0, 0], 200, { method: 'quasi-deer' });
    solve(fd, [0, 0, 0, 0], 200, { method: 'quasi-deer' });
    expect(a.linearization?.callsPerStep.step).toBeGreaterThan(0);
    expect(a.linearization?.source).toMatch(/finite-difference/);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ code: 'FINITE_DIFFERENCES', message: expect.stringMatching(/'fd-cell'.*extra evaluations of f per step.*closed-form diagonal/) as unknown });
    // Another method on it warns on its own.
    solve(fd, [0, 0, 0, 0], 50, { method: 'deer' });
    expect(seen).toHaveLength(2);
    expect(seen[1]?.message).toMatch(/closed-form jacobian/);
  });

  it('closed-form derivatives: no warning, and the result says so', () => {
    const seen: UnrollWarning[] = [];
    previous = setWarningHandler((w) => seen.push(w));
    const r = solve(cell('closed-cell', true), [0, 0, 0, 0], 200, { method: 'quasi-deer' });
    expect(r.linearization).toEqual({ source: 'closed-form diagonal', callsPerStep: { step: 0, jvp: 0, jacobian: 0, diagonal: 1 } });
    expect(seen).toHaveLength(0);
    // Methods without derivatives need none.
    expect(solve(cell('closed-cell', true), [0, 0, 0, 0], 200, { method: 'picard' }).linearization?.callsPerStep.step).toBe(0);
  });
});
