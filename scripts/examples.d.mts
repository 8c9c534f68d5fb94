/** One documentation example: a fenced block of a Markdown file or an `@example` of TSDoc. */
export interface Example {
  /** Absolute path of the file it stands in. */
  readonly file: string;
  /** 1-based line of its opening fence (or of its first line, for an unfenced TSDoc example). */
  readonly line: number;
  /** The fence's language, lower-cased (`'ts'` for an unfenced TSDoc example). */
  readonly lang: string;
  /** The code, without the fences and TSDoc's leading `*`. */
  readonly code: string;
  /** Why it is not run, from its `not-run:` marker; `undefined` when it must run. */
  readonly notRun: string | undefined;
}

/** An example of a collection: with the folder it runs in and a `file:line` title. */
export interface CollectedExample extends Example {
  /** The folder it runs from (its package): imports other than `@unroll/*` resolve from here. */
  readonly root: string;
  /** `path/from/repository/root:line`, for a test name. */
  readonly title: string;
}

/** The repository root. */
export const workspaceRoot: string;
/** The fenced code blocks of a Markdown text, with their `<!-- not-run: reason -->` markers. */
export function extractMarkdownExamples(text: string, file: string): Example[];
/** The `@example` sections of TSDoc comments, with their `// not-run: reason` markers. */
export function extractTsdocExamples(text: string, file: string): Example[];
/** Every example of the Markdown files and of the sources under the folders (paths relative to `root`). */
export function collectExamples(options: { root: string; markdown?: string[]; sources?: string[] }): CollectedExample[];
/** The workspace's packages by name, with their folder and built entry file. */
export function workspacePackages(): Map<string, { dir: string; entry: string }>;
/** The JavaScript an example runs as, and the workspace packages it imports. */
export function exampleModule(
  example: Example & { title?: string },
  packages?: Map<string, { dir: string; entry: string }>,
): { code: string; packages: { dir: string; entry: string }[] };
/** Runs one example in its own Node process; throws with its place and output when it fails. */
export function runExample(example: CollectedExample, options?: { timeoutMs?: number }): void;
/** Rewrites `expr; // → value` (and `// ≈ number`) result comments into checks; `checks` counts them. */
export function withResultChecks(code: string, where?: string): { code: string; checks: number };
/** Type-checks the TypeScript examples (strict, against the built packages); one message per error. */
export function typecheckExamples(examples: readonly CollectedExample[]): string[];
