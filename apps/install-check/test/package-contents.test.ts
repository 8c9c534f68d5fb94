import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { unpackTarball, type UnpackedTarball } from '../src/tarball-files.js';
import { publishablePackages, repoRoot } from '../src/workspace.js';
import { packedTarballs } from './packed-tarballs.js';

// What npm will publish, read from the packed tarballs: the metadata a registry page
// shows, the license text, and dist/ with source maps that do not carry the sources.
const packages = publishablePackages();
const tarballs = packedTarballs();
const license = readFileSync(join(repoRoot, 'LICENSE'), 'utf8');
const unpacked = new Map<string, UnpackedTarball>();
function contents(name: string): UnpackedTarball {
  const known = unpacked.get(name);
  if (known !== undefined) return known;
  const tarball = tarballs.get(name);
  if (tarball === undefined) throw new Error(`${name} was not packed`);
  const made = unpackTarball(tarball);
  unpacked.set(name, made);
  return made;
}

afterAll(() => {
  for (const { root } of unpacked.values()) rmSync(dirname(root), { recursive: true, force: true });
});

const repositoryUrls = new Set(packages.map((pkg) => pkg.manifest.repository?.url));

describe.each(packages.map((pkg) => [pkg.manifest.name, pkg] as const))('%s', (name, pkg) => {
  it('names the MIT license, its repository folder, homepage, issue tracker and keywords', () => {
    const { license: spdx, repository, homepage, bugs, keywords } = pkg.manifest;
    expect(spdx).toBe('MIT');
    expect(repository?.type).toBe('git');
    expect(repository?.url).toMatch(/^git\+https:\/\/github\.com\/[\w.-]+\/[\w.-]+\.git$/);
    expect(repository?.directory).toBe(pkg.dir);
    const web = (repository?.url ?? '').replace(/^git\+/, '').replace(/\.git$/, '');
    expect(homepage).toBe(`${web}/tree/main/${pkg.dir}#readme`);
    expect(bugs?.url).toBe(`${web}/issues`);
    expect(keywords?.length ?? 0).toBeGreaterThan(0);
  });

  it('ships package.json, README.md, LICENSE (the repository license) and dist/ only', () => {
    const { files, read } = contents(name);
    expect(files.filter((file) => !['package.json', 'README.md', 'LICENSE'].includes(file) && !file.startsWith('dist/'))).toEqual([]);
    expect(files).toContain('dist/index.js');
    expect(files).toContain('dist/index.d.ts');
    expect(read('LICENSE')).toBe(license);
  });

  it('ships source maps without the sources inlined, smaller than the code they map', () => {
    const { files, read } = contents(name);
    const maps = files.filter((file) => file.endsWith('.map'));
    expect(maps.length).toBeGreaterThan(0);
    let mapBytes = 0;
    let codeBytes = 0;
    for (const map of maps) {
      const text = read(map);
      mapBytes += text.length;
      codeBytes += read(map.slice(0, -'.map'.length)).length;
      expect(
        (JSON.parse(text) as { sourcesContent?: unknown }).sourcesContent,
        `${map} inlines its sources: set esbuildOptions sourcesContent = false in tsup.config.ts`,
      ).toBeUndefined();
    }
    expect(mapBytes).toBeLessThan(codeBytes);
  });

  it('exports UnrollError, so catching its errors needs no second package', () => {
    expect(contents(name).read('dist/index.d.ts')).toMatch(/export \{[^}]*\bUnrollError\b[^}]*\}/);
  });

  it('references in its declarations only types it depends on', () => {
    const { files, read } = contents(name);
    const dependencies = Object.keys(pkg.manifest.dependencies ?? {});
    const referenced = files
      .filter((file) => file.endsWith('.d.ts'))
      .flatMap((file) => [...read(file).matchAll(/\/\/\/\s*<reference\s+types="([^"]+)"/g)].map((match) => match[1]));
    expect(referenced.filter((types) => !dependencies.includes(types) && types !== 'node')).toEqual([]);
  });
});

it('every package points at the same repository', () => {
  expect(repositoryUrls.size).toBe(1);
});
