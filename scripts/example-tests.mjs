// The examples suite every package's `src/examples.test.ts` runs: every fenced block of
// its README and every @example of its TSDoc runs against the built packages (and the
// TypeScript ones type-check), so the documentation cannot rot; blocks marked `not-run`
// are listed as skipped. Call it from a vitest test file.
import { describe, expect, it } from 'vitest';
import { collectExamples, runExample, typecheckExamples } from './examples.mjs';

/** Registers the examples suite of the package rooted at `root` (its README.md and src/). */
export function describeExamples(root) {
  const examples = collectExamples({ root, markdown: ['README.md'], sources: ['src'] });
  describe('README and TSDoc examples', () => {
    it('the README has examples to run', () => {
      expect(examples.filter((e) => e.file.endsWith('README.md') && e.notRun === undefined).length).toBeGreaterThan(0);
    });
    it('every TypeScript example type-checks (strict) against the built declarations', () => {
      expect(typecheckExamples(examples)).toEqual([]);
    });
    for (const example of examples) {
      if (example.notRun === undefined) it(`${example.title} runs`, () => { runExample(example); });
      else it.skip(`${example.title} (not-run: ${example.notRun})`, () => undefined);
    }
  });
}
