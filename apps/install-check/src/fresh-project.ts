import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Tarballs } from './pack-workspace.js';
import { runCommand } from './run-command.js';

export type PackageManager = 'npm' | 'pnpm';

/**
 * A new project outside the workspace (so neither manager sees it), into which
 * `manager` installs exactly `install` — the words of a README's `pnpm add` line — with
 * every `@unroll/*` name taken from its packed tarball instead of the registry. The
 * `@unroll/*` packages the line does not name reach the project only as dependencies of
 * those it names, also from the tarballs (overrides), never from a workspace link.
 */
export function freshProject(manager: PackageManager, label: string, install: readonly string[], tarballs: Tarballs): string {
  const dir = mkdtempSync(join(tmpdir(), `unroll-${manager}-${label}-`));
  const named = new Set<string>();
  const specs = install.map((word) => {
    if (!word.startsWith('@unroll/')) return word;
    const tarball = tarballs.get(word);
    if (tarball === undefined) throw new Error(`the install line names ${word}, which is no publishable package (known: ${[...tarballs.keys()].join(', ')}).`);
    named.add(word);
    return tarball;
  });
  // npm refuses an override of a direct dependency that differs from its spec, and
  // dedupes a named tarball into the ranges of the others; pnpm resolves each range on
  // its own, so it needs every @unroll/* name pointed at its tarball.
  const all = [...tarballs].map(([name, tarball]) => [name, `file:${tarball}`] as const);
  const manifest = {
    name: `unroll-${label}`,
    version: '0.0.0',
    private: true,
    type: 'module',
    ...(manager === 'npm' ? { overrides: Object.fromEntries(all.filter(([name]) => !named.has(name))) } : { pnpm: { overrides: Object.fromEntries(all) } }),
  };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
  if (manager === 'npm') {
    runCommand('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...specs], { cwd: dir });
  } else {
    runCommand('pnpm', ['add', '--reporter=append-only', ...specs], { cwd: dir });
  }
  return dir;
}
