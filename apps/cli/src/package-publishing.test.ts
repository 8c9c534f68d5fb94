import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { spawnCli } from './spawn-cli.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { name: string; version: string; private?: boolean; bin?: Record<string, string>; files?: string[] };

describe('@unroll/cli as published', () => {
  it('is a public package named @unroll/cli whose command is `unroll`, shipping the built bin', () => {
    expect(pkg.name).toBe('@unroll/cli');
    expect(pkg.private).toBeUndefined();
    expect(pkg.bin).toEqual({ unroll: './dist/bin.js' });
    expect(pkg.files).toContain('dist');
    expect(readFileSync(join(packageDir, 'dist', 'bin.js'), 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
  });

  it('every doc tells a stranger `npx @unroll/cli`, never `npx unroll` (the unscoped name is someone else\u2019s package)', () => {
    const docs = readdirSync(packageDir).filter((f) => f.endsWith('.md'));
    expect(docs).toContain('README.md');
    for (const doc of docs) expect(readFileSync(join(packageDir, doc), 'utf8')).not.toMatch(/npx\s+unroll\b/);
    expect(readFileSync(join(packageDir, 'README.md'), 'utf8')).toMatch(/npx @unroll\/cli compare /);
  });

  it('unroll --version (spawned) prints the package\u2019s name and version', () => {
    for (const flag of ['--version', '-V']) {
      const r = spawnCli([flag]);
      expect(r.code).toBe(0);
      expect(r.out).toBe(`@unroll/cli ${pkg.version}\n`);
      expect(r.err).toBe('');
    }
  });
});
