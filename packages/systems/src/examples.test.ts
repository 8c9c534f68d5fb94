// Every fenced block of the README and every @example of the TSDoc runs, against the built
// packages (and the TypeScript ones type-check), so the documentation cannot rot; blocks
// marked `not-run` are listed as skipped.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectExamples, runExample, typecheckExamples } from '../../../scripts/examples.mjs';

const examples = collectExamples({ root: join(import.meta.dirname, '..'), markdown: ['README.md'], sources: ['src'] });

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
