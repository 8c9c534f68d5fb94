import { cpSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { spawnCli } from './spawn-cli.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };

/**
 * Nothing on stderr but the CLI's notes: the README's module has no derivatives, so DEER
 * takes finite differences and says so once (`unroll: note (FINITE_DIFFERENCES): …`).
 */
function expectOnlyNotes(err: string) {
  for (const line of err.split('\n').filter((l) => l !== '')) expect(line).toMatch(/^unroll: note \(FINITE_DIFFERENCES\): /);
}

/** A user's module as the README shows it: it imports `@unroll/linearize` and nothing is installed beside it. */
function writeUserModule(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'my-system.mjs');
  writeFileSync(
    file,
    "import { defineDynamics } from '@unroll/linearize';\n" +
      "export function dynamics({ params }) { const a = params.a ?? 0.5; return defineDynamics({ dim: 1, name: 'my-affine', step(t, s, so, out, oo) { out[oo] = a * s[so] + 1; } }); }\n",
  );
  return file;
}

/**
 * The layout `npx @unroll/cli` leaves: the CLI and its dependencies side by side in a cache
 * folder's node_modules, far from the user's project. The dependencies link to this
 * workspace's packages (the same files an install of their tarballs holds).
 */
function installedCli(root: string): string {
  const cli = join(root, 'node_modules', '@unroll', 'cli');
  mkdirSync(cli, { recursive: true });
  for (const part of ['dist', 'schema', 'package.json']) cpSync(join(packageDir, part), join(cli, part), { recursive: true });
  for (const dep of Object.keys(pkg.dependencies)) symlinkSync(realpathSync(join(packageDir, 'node_modules', dep)), join(root, 'node_modules', dep), 'dir');
  return join(cli, 'dist', 'bin.js');
}

describe('unroll compare --system <user module> (spawned)', () => {
  it('a module that imports @unroll/linearize loads where no node_modules holds it (the repository root, a scratch folder)', () => {
    const file = writeUserModule(mkdtempSync(join(tmpdir(), 'unroll-user-')));
    const r = spawnCli(['compare', '--system', file, '-T', '50', '-p', 'a=0.25', '--methods', 'deer', '--no-advise', '--quiet']);
    expectOnlyNotes(r.err);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^my-affine · D = 1 · T = 50/);
    expect(r.out).toMatch(/deer\s+cpu\s+2\s+yes/); // affine: Newton exact at once, confirmed by the second solve
  });

  it('an installed CLI (the npx layout) lends its @unroll packages to a module in the user\u2019s own folder', () => {
    const root = mkdtempSync(join(tmpdir(), 'unroll-npx-'));
    const bin = installedCli(join(root, 'cache'));
    const project = join(root, 'project');
    writeUserModule(project);
    const r = spawnCli(['compare', '--system', './my-system.mjs', '-T', '40', '--methods', 'deer,jacobi', '--no-advise', '--quiet'], { bin, cwd: project });
    expectOnlyNotes(r.err);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/jacobi\s+cpu\s+\d+\s+yes/);
    const version = spawnCli(['--version'], { bin, cwd: project });
    expect(version.out.trim()).toMatch(/^@unroll\/cli \d+\.\d+\.\d+/);
  });

  it('a relative path is also read from INIT_CWD, the folder a package manager was started in (`pnpm unroll …` below the root)', () => {
    const root = mkdtempSync(join(tmpdir(), 'unroll-initcwd-'));
    const below = join(root, 'experiments');
    writeUserModule(below);
    const args = ['compare', '--system', './my-system.mjs', '-T', '30', '--methods', 'deer', '--no-advise', '--quiet'];
    const r = spawnCli(args, { cwd: root, env: { INIT_CWD: below } });
    expectOnlyNotes(r.err);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^my-affine · D = 1 · T = 30/);
    // Without it the file is looked for where the CLI runs, and the message says where.
    const lost = spawnCli(args, { cwd: root, env: { INIT_CWD: '' } });
    expect(lost.code).toBe(2);
    expect(lost.err).toContain(`system module ./my-system.mjs not found (no file ${join(root, 'my-system.mjs')})`);
  });

  it('the library\u2019s warnings are one `unroll: note` line each, not Node\u2019s process-warning dump', () => {
    const file = writeUserModule(mkdtempSync(join(tmpdir(), 'unroll-note-')));
    const r = spawnCli(['compare', '--system', file, '-T', '30', '--methods', 'deer', '--no-advise', '--quiet']);
    expect(r.code).toBe(0);
    const lines = r.err.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(1); // once per cause, though DEER runs three solves here
    expect(lines[0]).toMatch(/^unroll: note \(FINITE_DIFFERENCES\): solve: 'deer' on 'my-affine' .*finite-difference/);
    expect(r.err).not.toMatch(/\(node:\d+\)|--trace-warnings/);
  });

  it('a missing file, a missing package and an unknown @unroll package each get one line saying what to do, without the CLI\u2019s internal files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'unroll-bad-'));
    const cases: [string, RegExp][] = [
      [join(dir, 'absent.mjs'), /system module .*absent\.mjs not found \(no file .*\): give the path of an ES module/],
      ['left-pad-missing', /imports "left-pad-missing", which is not installed where the module is: install it there \(npm install left-pad-missing\)/],
      ['@unroll/no-such-package', /imports "@unroll\/no-such-package", which is not a package of unroll; its packages: .*@unroll\/linearize/],
    ];
    for (const [target, message] of cases) {
      let file = target;
      if (!target.endsWith('.mjs')) {
        file = join(dir, `${target.replace(/\W/g, '_')}.mjs`);
        writeFileSync(file, `import x from '${target}';\nexport const dynamics = x;\n`);
      }
      const r = spawnCli(['compare', '--system', file]);
      expect(r.code).toBe(2);
      const lines = r.err.split('\n').filter((l) => l !== '');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^unroll: /);
      expect(lines[0]).toMatch(message);
      expect(r.err).not.toMatch(/chunk-|dist\//);
    }
  });

  it('a factory that throws (e.g. on a -p setting it refuses) is reported with its own message, exit 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'unroll-throw-'));
    const file = join(dir, 'picky.mjs');
    writeFileSync(file, "export function dynamics({ params }) { throw new Error(`dim must be even, got ${params.dim}`); }\n");
    const r = spawnCli(['compare', '--system', file, '-p', 'dim=3']);
    expect(r.code).toBe(2);
    expect(r.err.trim()).toBe(`unroll: system module ${file}: its dynamics({ T, seed, params }) threw: dim must be even, got 3`);
  });
});
