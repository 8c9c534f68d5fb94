// The documentation-example runner (scripts/examples.mjs) that every package's
// examples.test.ts uses: what it extracts, what it refuses, and that a failing example fails.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exampleModule, extractMarkdownExamples, extractTsdocExamples, runExample, typecheckExamples, withResultChecks, workspacePackages } from '../../../scripts/examples.mjs';

const root = join(import.meta.dirname, '..');
const at = (code: string, lang = 'ts') => ({ file: join(root, 'virtual.md'), line: 1, lang, code, notRun: undefined, root, title: 'virtual.md:1' });

describe('extractMarkdownExamples(text)', () => {
  it('returns every fenced block with its language, opening line and not-run marker', () => {
    const md = ['# t', '', '<!-- not-run: a shell command -->', '```sh', 'pnpm add x', '```', '', 'text', '', '```ts', 'const a = 1;', '```', '```js', '```'].join('\n');
    expect(extractMarkdownExamples(md, 'R.md')).toEqual([
      { file: 'R.md', line: 4, lang: 'sh', code: 'pnpm add x', notRun: 'a shell command' },
      { file: 'R.md', line: 10, lang: 'ts', code: 'const a = 1;', notRun: undefined },
      { file: 'R.md', line: 13, lang: 'js', code: '', notRun: undefined },
    ]);
  });
  it('takes a marker only from the nearest non-blank line above the fence', () => {
    const md = ['<!-- not-run: far -->', 'a paragraph', '```ts', 'x', '```'].join('\n');
    expect(extractMarkdownExamples(md, 'R.md')[0]?.notRun).toBeUndefined();
  });
});

describe('extractTsdocExamples(source)', () => {
  it('returns the fenced code of each @example, ending at the next tag, with its source line', () => {
    const src = ['/**', ' * Doc.', ' * @example', ' * A title line.', ' * ```ts', ' * f(1);', ' * ```', ' * @throws never', ' */', 'export const f = 1;'].join('\n');
    expect(extractTsdocExamples(src, 'f.ts')).toEqual([{ file: 'f.ts', line: 5, lang: 'ts', code: 'f(1);', notRun: undefined }]);
  });
  it('reads an unfenced @example as code and a first line `// not-run: reason` as its marker', () => {
    const src = ['/**', ' * @example', ' * // not-run: a fragment', ' * f(x);', ' */'].join('\n');
    expect(extractTsdocExamples(src, 'f.ts')).toEqual([{ file: 'f.ts', line: 3, lang: 'ts', code: '// not-run: a fragment\nf(x);', notRun: 'a fragment' }]);
  });
});

describe('runExample(example)', () => {
  it('runs TypeScript against the built workspace package', () => {
    expect(() => { runExample(at("import { sumMonoid } from '@unroll/scan';\nconst m: { width: number } = sumMonoid(2);\nif (m.width !== 2) throw new Error('width');")); }).not.toThrow();
  });
  it('points @unroll imports at the built entries of the workspace', () => {
    const { code } = exampleModule(at("import { scan } from '@unroll/scan';\nconsole.log(scan);"));
    expect(code).toContain(`from '${new URL(`file://${String(workspacePackages().get('@unroll/scan')?.entry)}`).href}'`);
  });
  it('fails with the place and the error of an example that throws', () => {
    expect(() => { runExample(at("import { scan } from '@unroll/scan';\nscan(new Float64Array(0), { width: 1, combine() {} });")); }).toThrow(/virtual\.md:1: the example does not run[\s\S]*UnrollError/);
  });
  it('refuses an unmarked block in a language it cannot run, saying how to mark it', () => {
    expect(() => { runExample(at('pnpm add @unroll/scan', 'sh')); }).toThrow(/not marked.*<!-- not-run: reason -->/);
  });
  it('refuses an import of a package that is not in the workspace', () => {
    expect(() => exampleModule(at("import { x } from '@unroll/nowhere';\nconsole.log(x);"))).toThrow(/@unroll\/nowhere, which is no package of this workspace/);
  });
});

describe('withResultChecks(code)', () => {
  it('turns `expr; // → value` into a check that passes when the value is right', () => {
    const { code, checks } = withResultChecks('[1, 2].map((x) => x * 2); // → [2, 4] — doubled');
    expect(checks).toBe(1);
    expect(code).toContain('__exampleExpect(([1, 2].map((x) => x * 2)), ([2, 4]), 0,');
    expect(() => { runExample(at(code, 'js')); }).not.toThrow();
  });
  it('fails an example whose shown result is wrong, with both values', () => {
    expect(() => { runExample(at("import { scan, sumMonoid } from '@unroll/scan';\nscan(new Float64Array([1, 2]), sumMonoid(1)); // → Float64Array [1, 4]")); }).toThrow(
      /the comment shows: Float64Array \[1, 4\]\n\s+the code gives:\s+Float64Array \[1, 3\]/,
    );
  });
  it('reads a result comment alone on the next line as the result of the statement before', () => {
    expect(() => { runExample(at('Math.max(1, 2);\n// → 3', 'js')); }).toThrow(/shows: 3[\s\S]*gives:\s+2/);
  });
  it('checks `≈` to one unit of the last digit shown', () => {
    expect(() => { runExample(at('Math.PI; // ≈ 3.14', 'js')); }).not.toThrow();
    expect(() => { runExample(at('-Math.PI; // ≈ −3.16', 'js')); }).toThrow(/shows: -3.16/);
  });
  it('compares typed arrays by type as well as by value', () => {
    expect(() => { runExample(at('new Float32Array([1]); // → Float64Array [1]', 'js')); }).toThrow(/shows: Float64Array \[1\][\s\S]*gives:\s+Float32Array \[1\]/);
  });
  it('refuses a result comment after a declaration, so no shown result goes unchecked', () => {
    expect(() => withResultChecks('const x = 1; // → 1', 'R.md:3')).toThrow(/R\.md:3, line 1: a result comment .* must follow a one-line expression statement/);
  });
});

describe('typecheckExamples(examples)', () => {
  it('reports a type error with the example and its code line, and nothing for correct code', () => {
    const good = { ...at("import { scan, sumMonoid } from '@unroll/scan';\nconst s: Float64Array | Float32Array = scan(new Float64Array(1), sumMonoid(1));\nconsole.log(s);"), line: 1, title: 'virtual.md:1' };
    const bad = { ...at("import { scan, sumMonoid } from '@unroll/scan';\nconst s: string = scan(new Float64Array(1), sumMonoid(1));\nconsole.log(s);"), line: 2, title: 'virtual.md:2' };
    expect(typecheckExamples([good])).toEqual([]);
    const messages = typecheckExamples([good, bad]);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/^virtual\.md:2 \(code line 2\): Type 'FloatArray' is not assignable to type 'string'/);
  });
});
