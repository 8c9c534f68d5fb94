// Documentation examples as tests: every fenced code block of a README and every `@example`
// of a package's TSDoc is extracted, written to a temporary module whose `@unroll/*` imports
// point at the workspace's built packages, and run in its own Node process — so an example
// that stops working fails a test instead of misleading a reader.
//
// A block that is not meant to run (a shell line, a fragment, an interface sketch) says so
// where it stands:
//   - in Markdown, an HTML comment on the line before the fence: `<!-- not-run: reason -->`
//   - in TSDoc, a first code line `// not-run: reason`
// Every other block must be ```ts / ```js (or typescript, javascript, mjs) and must run;
// a block in another language without the marker is reported as unmarked, never skipped.
//
// A result a reader is shown is checked too, when it is written as a result comment after a
// one-line expression statement (or alone on the next line):
//   scan(new Float64Array([1, 2, 3, 4]), sumMonoid(1)); // → Float64Array [1, 3, 6, 10]
//   lle.value; // ≈ −0.65 — predictable
// `→` asserts deep equality (numbers to 1e-12 relative), `≈` agreement to one unit of the
// last digit shown; text after ` — ` is commentary. Other comments are not read.
//
// Use it from a package's vitest file (see packages/scan/src/examples.test.ts):
//   const examples = collectExamples({ root: packageDir, markdown: ['README.md'], sources: ['src'] });
//   for (const e of examples) it(e.title, () => runExample(e));
// or from the command line, over any files and folders of the repository:
//   node scripts/examples.mjs README.md packages/theory/README.md packages/theory/src
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

/** The repository root (this file lives in `scripts/`). */
export const workspaceRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const RUNNABLE = new Set(['ts', 'typescript', 'js', 'javascript', 'mjs']);
const MARKDOWN_MARKER = /^<!--\s*not-run:\s*(.*?)\s*-->$/;
const CODE_MARKER = /^\/\/\s*not-run:\s*(.*)$/;

/**
 * The fenced code blocks of a Markdown text, in order, each with the 1-based line of its
 * opening fence and the reason it is not run (from a `<!-- not-run: reason -->` on the
 * nearest non-blank line above the fence), if any.
 */
export function extractMarkdownExamples(text, file) {
  const lines = text.split('\n');
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)(.*)$/.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence, lang] = open;
    const body = [];
    let j = i + 1;
    while (j < lines.length && !lines[j].startsWith(indent + fence)) {
      body.push(lines[j].startsWith(indent) ? lines[j].slice(indent.length) : lines[j]);
      j++;
    }
    let k = i - 1;
    while (k >= 0 && lines[k].trim() === '') k--;
    const marker = k >= 0 ? MARKDOWN_MARKER.exec(lines[k].trim()) : null;
    blocks.push({ file, line: i + 1, lang: lang.toLowerCase(), code: body.join('\n'), notRun: marker ? marker[1] : undefined });
    i = j;
  }
  return blocks;
}

/**
 * The `@example` sections of the TSDoc comments in a TypeScript or JavaScript source. A
 * section's code is its fenced blocks, or the whole section when it has none (as TypeDoc
 * reads it); a first code line `// not-run: reason` marks it as not run.
 */
export function extractTsdocExamples(text, file) {
  const examples = [];
  const comment = /\/\*\*([\s\S]*?)\*\//g;
  for (let m = comment.exec(text); m; m = comment.exec(text)) {
    const startLine = text.slice(0, m.index).split('\n').length;
    const lines = m[1].split('\n').map((l) => l.replace(/^\s*\* ?/, ''));
    for (let i = 0; i < lines.length; i++) {
      if (!/^@example\b/.test(lines[i].trim())) continue;
      const section = [];
      let j = i + 1;
      let inFence = false;
      for (; j < lines.length; j++) {
        if (/^\s*```/.test(lines[j])) inFence = !inFence;
        if (!inFence && /^\s*@\w+/.test(lines[j])) break;
        section.push(lines[j]);
      }
      const fenced = extractMarkdownExamples(section.join('\n'), file);
      while (section.length > 0 && section[section.length - 1].trim() === '') section.pop();
      const blocks = fenced.length > 0 ? fenced : [{ line: 1, lang: 'ts', code: section.join('\n') }];
      for (const b of blocks) {
        const first = b.code.split('\n').find((l) => l.trim() !== '') ?? '';
        const marker = CODE_MARKER.exec(first.trim());
        examples.push({ file, line: startLine + i + b.line, lang: b.lang || 'ts', code: b.code, notRun: marker ? marker[1] : undefined });
      }
      i = j - 1;
    }
  }
  return examples;
}

function sourceFiles(dir) {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(ts|mts|js|mjs)$/.test(f) && !/\.test\.|\.d\.m?ts$/.test(f))
    .sort()
    .map((f) => join(dir, f));
}

/**
 * Every example of a package (or of any set of files): the fenced blocks of the Markdown
 * files and the `@example`s of the sources under the given folders, paths relative to
 * `root`. Each has a `title` (`file:line`) for a test name.
 */
export function collectExamples({ root, markdown = [], sources = [] }) {
  const examples = [];
  for (const m of markdown) examples.push(...extractMarkdownExamples(readFileSync(join(root, m), 'utf8'), join(root, m)));
  for (const s of sources) {
    const path = join(root, s);
    const files = statSync(path).isDirectory() ? sourceFiles(path) : [path];
    for (const f of files) examples.push(...extractTsdocExamples(readFileSync(f, 'utf8'), f));
  }
  return examples.map((e) => ({ ...e, root, title: `${relative(workspaceRoot, e.file)}:${e.line}` }));
}

/** The workspace's packages by name: `{ dir, entry }`, `entry` the built default export. */
export function workspacePackages() {
  const packages = new Map();
  for (const group of ['packages', 'apps']) {
    const base = join(workspaceRoot, group);
    if (!existsSync(base)) continue;
    for (const name of readdirSync(base)) {
      const manifest = join(base, name, 'package.json');
      if (!existsSync(manifest)) continue;
      const pkg = JSON.parse(readFileSync(manifest, 'utf8'));
      const dot = pkg.exports?.['.'];
      const entry = typeof dot === 'string' ? dot : dot?.default ?? dot?.import ?? pkg.main;
      if (pkg.name && entry) packages.set(pkg.name, { dir: join(base, name), entry: join(base, name, entry) });
    }
  }
  return packages;
}

// Rebuild a package whose built entry is missing or older than a source file, so an example
// never runs against stale code (tests are not sources: changing one needs no rebuild).
const checked = new Set();
function ensureBuilt(pkg) {
  if (checked.has(pkg.dir)) return;
  const src = join(pkg.dir, 'src');
  const newest = existsSync(src)
    ? Math.max(0, ...readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) => !/\.test\./.test(f)).map((f) => statSync(join(src, f)).mtimeMs))
    : 0;
  if (!existsSync(pkg.entry) || statSync(pkg.entry).mtimeMs < newest) {
    execFileSync('pnpm', ['exec', 'tsup'], { cwd: pkg.dir, stdio: 'pipe' });
  }
  checked.add(pkg.dir);
}

const RESULT_COMMENT = /^(\s*)(.*?)\s*\/\/\s*([→≈])\s*(.*)$/;
const TYPED_LITERAL = /^(Float64Array|Float32Array|Int32Array|Uint32Array)\s*(\[[\s\S]*\])$/;

// Appended to an example that has result comments (function declarations are hoisted).
const EXPECT_HELPER = `
function __exampleExpect(actual, expected, tol, where) {
  const close = (a, b) => Object.is(a, b) || (typeof a === 'number' && Math.abs(a - b) <= Math.max(tol, 1e-12 * Math.max(1, Math.abs(b))));
  const eq = (a, b) => {
    if (typeof b === 'number') return close(a, b);
    if (ArrayBuffer.isView(b)) return ArrayBuffer.isView(a) && a.constructor === b.constructor && a.length === b.length && Array.prototype.every.call(b, (x, i) => close(a[i], x));
    if (Array.isArray(b)) return Array.isArray(a) && a.length === b.length && b.every((x, i) => eq(a[i], x));
    if (b !== null && typeof b === 'object') {
      if (a === null || typeof a !== 'object' || Array.isArray(a) || ArrayBuffer.isView(a)) return false;
      const ka = Object.keys(a).sort(), kb = Object.keys(b).sort();
      return ka.length === kb.length && ka.every((k, i) => k === kb[i] && eq(a[k], b[k]));
    }
    return Object.is(a, b);
  };
  const show = (x) => ArrayBuffer.isView(x) ? x.constructor.name + ' [' + Array.from(x).join(', ') + ']' : typeof x === 'number' || x === undefined ? String(x) : JSON.stringify(x, (k, v) => ArrayBuffer.isView(v) ? show(v) : v);
  if (!eq(actual, expected)) throw new Error(where + '\\n  the comment shows: ' + show(expected) + '\\n  the code gives:    ' + show(actual));
}
`;

/**
 * Rewrites each result comment (`expr; // → value`, or `// → value` alone on the line after
 * `expr;`) into an assertion that `expr` gives `value` (`≈`: to one unit of the last digit
 * shown). A result comment after anything but a one-line expression statement is an error,
 * so no shown result goes unchecked by accident.
 */
export function withResultChecks(code, where = 'example') {
  const lines = code.split('\n');
  let checks = 0;
  for (let i = 0; i < lines.length; i++) {
    const m = RESULT_COMMENT.exec(lines[i]);
    if (!m) continue;
    let [, indent, statement] = m;
    const [, , , mark, shown] = m;
    let target = i;
    if (statement.trim() === '') {
      target = i - 1;
      while (target >= 0 && lines[target].trim() === '') target--;
      if (target < 0) throw new Error(`${where}, line ${i + 1}: a result comment with no statement before it`);
      statement = lines[target].trim();
      indent = /^\s*/.exec(lines[target])[0];
      lines[i] = '';
    }
    if (!statement.endsWith(';') || /^(const|let|var|import|export|return|if|for|while|do|switch|try|function|class|type|interface)\b|^[{}]/.test(statement.trim())) {
      throw new Error(`${where}, line ${target + 1}: a result comment (// ${mark} …) must follow a one-line expression statement ending in ';', found: ${statement.trim()}`);
    }
    const valueText = shown.split(' — ')[0].trim().replace(/−/g, '-');
    const typed = TYPED_LITERAL.exec(valueText);
    const expected = typed ? `new ${typed[1]}(${typed[2]})` : valueText;
    let tol = 0;
    if (mark === '≈') {
      if (!/^-?\d+(\.\d+)?(e-?\d+)?$/.test(valueText)) throw new Error(`${where}, line ${i + 1}: '≈' needs a number, found: ${shown}`);
      const decimals = /\.(\d+)/.exec(valueText.split('e')[0])?.[1].length ?? 0;
      tol = 10 ** -decimals * 10 ** Number(valueText.split('e')[1] ?? 0);
    }
    const expr = statement.trim().replace(/;$/, '');
    lines[target] = `${indent}__exampleExpect((${expr}), (${expected}), ${tol}, ${JSON.stringify(`${where}, line ${target + 1}: ${expr}`)});`;
    checks++;
  }
  return { code: lines.join('\n') + (checks > 0 ? `\n${EXPECT_HELPER}` : ''), checks };
}

const IMPORT_SPECIFIER = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])(@unroll\/[^'"]+)\2/g;

/**
 * The module an example runs as: TypeScript transpiled to JavaScript (types are not checked
 * here: the packages' typecheck covers their sources), and each `@unroll/name` import
 * pointed at that workspace package's built entry.
 */
export function exampleModule(example, packages = workspacePackages()) {
  const source = withResultChecks(example.code, example.title ?? example.file).code;
  const js = ['ts', 'typescript'].includes(example.lang)
    ? ts.transpileModule(source, {
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
        fileName: 'example.ts',
      }).outputText
    : source;
  const used = [];
  const code = js.replace(IMPORT_SPECIFIER, (whole, lead, quote, spec) => {
    const pkg = packages.get(spec);
    if (!pkg) throw new Error(`${example.title ?? example.file}: imports ${spec}, which is no package of this workspace (or has no built entry in its package.json exports)`);
    used.push(pkg);
    return `${lead}${quote}${pathToFileURL(pkg.entry).href}${quote}`;
  });
  return { code, packages: used };
}

/**
 * Runs one example in its own Node process (working directory: the example's `root`) and
 * throws, with the example's place and the process's output, when it does not run to the
 * end. The temporary module goes under `root/node_modules/.cache/examples/`, so imports of
 * packages other than `@unroll/*` resolve as they would for the package itself.
 */
export function runExample(example, { timeoutMs = 60_000 } = {}) {
  if (example.notRun !== undefined) throw new Error(`${example.title}: marked not-run (${example.notRun}); skip it instead of running it`);
  if (!RUNNABLE.has(example.lang)) {
    throw new Error(
      `${example.title}: a \`\`\`${example.lang || '(no language)'} block that is not marked; mark it with ` +
        '`<!-- not-run: reason -->` on the line before the fence (or `// not-run: reason` as the first line of a TSDoc example), or make it ```ts',
    );
  }
  const { code, packages } = exampleModule(example);
  for (const pkg of packages) ensureBuilt(pkg);
  const dir = join(example.root, 'node_modules', '.cache', 'examples');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${relative(workspaceRoot, example.file).replace(/[^\w.-]+/g, '_')}-${example.line}.mjs`);
  writeFileSync(file, `// ${example.title}\n${code}`);
  try {
    execFileSync(process.execPath, [file], { cwd: example.root, stdio: 'pipe', timeout: timeoutMs, encoding: 'utf8' });
  } catch (e) {
    const output = [e.stdout, e.stderr].filter(Boolean).join('\n').trim();
    throw new Error(`${example.title}: the example does not run${e.signal ? ` (${e.signal} after ${timeoutMs} ms)` : ''}\n${output}\n--- as run (${file}) ---\n${code}`);
  }
}

/**
 * Type-checks the TypeScript examples (```ts blocks and TSDoc examples) together, as a user
 * compiling them would — `strict`, ES2022, each `@unroll/name` resolved to that workspace
 * package's built declarations — and returns one message per error (`file:line: message`),
 * none when they all check. A result comment is only a comment here. Examples marked
 * not-run are not checked.
 */
export function typecheckExamples(examples) {
  const packages = workspacePackages();
  const paths = {};
  for (const [name, pkg] of packages) {
    const types = pkg.entry.replace(/\.m?js$/, '.d.ts');
    if (existsSync(join(pkg.dir, 'src'))) paths[name] = [types];
  }
  const files = new Map();
  for (const e of examples) {
    if (e.notRun !== undefined || !['ts', 'typescript'].includes(e.lang)) continue;
    for (const m of e.code.matchAll(IMPORT_SPECIFIER)) {
      const pkg = packages.get(m[3]);
      if (pkg) ensureBuilt(pkg);
    }
    const dir = join(e.root, 'node_modules', '.cache', 'examples');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${relative(workspaceRoot, e.file).replace(/[^\w.-]+/g, '_')}-${e.line}.ts`);
    // `export {}` makes each a module of its own, so examples never share a scope.
    writeFileSync(file, `${e.code}\nexport {};\n`);
    files.set(resolve(file), e);
  }
  if (files.size === 0) return [];
  const program = ts.createProgram([...files.keys()], {
    strict: true,
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2022.d.ts'],
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    paths,
    types: ['node'],
    typeRoots: [join(workspaceRoot, 'node_modules', '@types')],
    skipLibCheck: true,
    noEmit: true,
  });
  const messages = [];
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    const e = d.file ? files.get(resolve(d.file.fileName)) : undefined;
    if (d.file && e && d.start !== undefined) {
      const { line } = d.file.getLineAndCharacterOfPosition(d.start);
      messages.push(`${e.title} (code line ${line + 1}): ${text}`);
    } else {
      messages.push(`${d.file ? relative(workspaceRoot, d.file.fileName) : 'typescript'}: ${text}`);
    }
  }
  return messages;
}

// Command line: run every example of the files and folders given (Markdown files for their
// fenced blocks, anything else for TSDoc), print one line each, exit 1 if any failed.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const paths = process.argv.slice(2);
  if (paths.length === 0) {
    console.error('usage: node scripts/examples.mjs <README.md | source folder | file>...');
    process.exit(2);
  }
  let failed = 0;
  for (const p of paths) {
    const abs = resolve(p);
    let root = statSync(abs).isDirectory() ? abs : dirname(abs);
    while (!existsSync(join(root, 'package.json')) && root !== dirname(root)) root = dirname(root);
    const rel = relative(root, abs);
    const examples = collectExamples(abs.endsWith('.md') ? { root, markdown: [rel] } : { root, sources: [rel || '.'] });
    for (const e of examples) {
      if (e.notRun !== undefined) {
        console.log(`skip ${e.title} (not-run: ${e.notRun})`);
        continue;
      }
      try {
        runExample(e);
        console.log(`ok   ${e.title}`);
      } catch (err) {
        failed++;
        console.log(`FAIL ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
  process.exit(failed > 0 ? 1 : 0);
}
