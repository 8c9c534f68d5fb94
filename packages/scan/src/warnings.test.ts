import { describe, expect, it } from 'vitest';
import { setWarningHandler, warnOnce, type UnrollWarning } from './index.js';

describe('warnings', () => {
  it('go to the installed handler once per key; undefined restores the default', () => {
    const seen: UnrollWarning[] = [];
    const previous = setWarningHandler((w) => seen.push(w));
    try {
      warnOnce('k1', { code: 'TEST', message: 'first' });
      warnOnce('k1', { code: 'TEST', message: 'again' });
      warnOnce('k2', { code: 'TEST', message: 'second' });
    } finally {
      setWarningHandler(previous);
    }
    expect(seen.map((w) => w.message)).toEqual(['first', 'second']);
  });

  it("the default is Node's process.emitWarning with type UnrollWarning", async () => {
    const emitted = new Promise<Error>((resolve) => process.once('warning', resolve));
    setWarningHandler(undefined);
    warnOnce(`default-${Math.random()}`, { code: 'TEST_DEFAULT', message: 'to node' });
    const w = await emitted;
    expect(w.name).toBe('UnrollWarning');
    expect((w as Error & { code?: string }).code).toBe('TEST_DEFAULT');
  });

  it('a handler that throws does not break the caller; bad arguments are typed errors', () => {
    const previous = setWarningHandler(() => {
      throw new Error('logger down');
    });
    try {
      expect(() => { warnOnce('k3', { code: 'TEST', message: 'x' }); }).not.toThrow();
    } finally {
      setWarningHandler(previous);
    }
    expect(() => setWarningHandler('log' as never)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }) as Error);
    expect(() => { warnOnce('k4', { code: 1 } as never); }).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }) as Error);
  });
});
