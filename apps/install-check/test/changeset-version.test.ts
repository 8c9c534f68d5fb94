import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pendingChangesets, versionThrowawayCopy } from '../src/changeset-release.js';
import { repoRoot } from '../src/workspace.js';

// A release runs `pnpm changeset version` (root script `version-packages`) and commits
// the bumped versions and CHANGELOG.md files; here the same command runs on a copy, so
// the pending changesets stay in the repository until that release.
const pending = pendingChangesets();
const before = readdirSync(join(repoRoot, '.changeset')).sort();
const copy = versionThrowawayCopy();
const dirOf = new Map(
  ['packages', 'apps'].flatMap((group) =>
    readdirSync(join(copy, group)).map(
      (name) => [(JSON.parse(readFileSync(join(copy, group, name, 'package.json'), 'utf8')) as { name: string }).name, join(copy, group, name)] as const,
    ),
  ),
);

afterAll(() => {
  rmSync(copy, { recursive: true, force: true });
});

describe('changeset version on a throwaway copy', () => {
  it('has pending changesets to release', () => {
    expect(pending.length).toBeGreaterThan(0);
  });

  it('consumes every pending changeset in the copy and none in the repository', () => {
    expect(readdirSync(join(copy, '.changeset')).filter((file) => file.endsWith('.md') && file !== 'README.md')).toEqual([]);
    expect(readdirSync(join(repoRoot, '.changeset')).sort()).toEqual(before);
  });

  const packages = [...new Set(pending.flatMap((changeset) => [...changeset.releases.keys()]))].sort();
  it.each(packages)('%s gets a CHANGELOG.md entry for each of its changesets under its new version', (name) => {
    const dir = dirOf.get(name);
    expect(dir, `a changeset names ${name}, which is no workspace package`).toBeDefined();
    if (dir === undefined) return;
    const changelog = join(dir, 'CHANGELOG.md');
    expect(existsSync(changelog), `${name} got no CHANGELOG.md`).toBe(true);
    const text = readFileSync(changelog, 'utf8');
    const { version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string };
    expect(text).toContain(`## ${version}`);
    for (const changeset of pending.filter((c) => c.releases.has(name))) {
      expect(text, `.changeset/${changeset.file} is missing from ${name}'s CHANGELOG.md`).toContain(changeset.firstLine);
    }
  });
});
