/** Registers the examples suite of the package rooted at `root` (its README.md and src/): every README block and TSDoc example runs and type-checks. */
export function describeExamples(root: string): void;
