/**
 * README blocks that are not whole programs, or that only run in Node, each found by
 * its README and its first non-empty line. The lane fails when an entry matches no
 * block (a README changed): update the entry rather than let it silently skip nothing.
 */
export interface ExampleException {
  readonly readme: string;
  readonly firstLine: string;
  /** Why the block is not run: it continues an earlier block. Its imports are still checked against the install line. */
  readonly fragment?: string;
  /** Why the block runs in Node but not in the browser page. */
  readonly nodeOnly?: string;
}

export const exampleExceptions: readonly ExampleException[] = [
  {
    readme: 'packages/solvers/README.md',
    firstLine: "import { gru } from '@unroll/systems';",
    nodeOnly: 'the multi-core solve runs worker_threads and resolves its module by package name, which the README marks as Node',
  },
  {
    readme: 'packages/scan/README.md',
    firstLine: "import { dense, diagonal, linearRecurrence, scan, sumMonoid } from '@unroll/scan';",
    nodeOnly: 'it runs `threads: 2`, which the README marks as Node (worker_threads)',
  },
  {
    readme: 'packages/scan/README.md',
    firstLine: '// pair-rotation.js',
    fragment: 'its compose/apply/identity are "as above" and A, b, s0, expect come from the reader',
  },
  {
    readme: 'packages/scan/README.md',
    firstLine: "import { blockDiagonal, scan } from '@unroll/scan';",
    fragment: 'T, A, b, y and s0 come from the reader',
  },
];
