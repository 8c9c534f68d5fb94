// Every fenced block of the README and every @example of the TSDoc runs, against the built
// packages (and the TypeScript ones type-check), so the documentation cannot rot; blocks
// marked `not-run` are listed as skipped.
import { join } from 'node:path';
import { describeExamples } from '../../../scripts/example-tests.mjs';

describeExamples(join(import.meta.dirname, '..'));
