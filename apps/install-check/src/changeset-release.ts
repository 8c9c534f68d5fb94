import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from './run-command.js';
import { repoRoot } from './workspace.js';

export interface PendingChangeset {
  readonly file: string;
  /** Package name → bump (`patch`, `minor`, `major`). */
  readonly releases: ReadonlyMap<string, string>;
  /** The first non-empty line of the summary: what the CHANGELOG entry must show. */
  readonly firstLine: string;
}

/** The changesets waiting in .changeset/ (every .md but its README), read from their front matter. */
export function pendingChangesets(changesetDir = join(repoRoot, '.changeset')): PendingChangeset[] {
  return readdirSync(changesetDir)
    .filter((file) => file.endsWith('.md') && file !== 'README.md')
    .sort()
    .map((file) => {
      const text = readFileSync(join(changesetDir, file), 'utf8');
      const match = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(text);
      if (match === null) throw new Error(`.changeset/${file} has no front matter: write it with \`pnpm changeset\`.`);
      const releases = new Map<string, string>();
      for (const line of match[1].split('\n')) {
        const release = /^\s*['"]?([^'":]+)['"]?\s*:\s*(patch|minor|major)\s*$/.exec(line);
        if (release !== null) releases.set(release[1], release[2]);
      }
      const firstLine =
        match[2]
          .split('\n')
          .find((line) => line.trim() !== '')
          ?.trim() ?? '';
      return { file, releases, firstLine };
    });
}

/** Workspace folders (`packages/scan`, `apps/cli`, …) that hold a package.json. */
function workspaceDirs(): string[] {
  return ['packages', 'apps'].flatMap((group) =>
    readdirSync(join(repoRoot, group), { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(join(repoRoot, group, entry.name, 'package.json')))
      .map((entry) => `${group}/${entry.name}`),
  );
}

/**
 * What a release does first, on a throwaway copy: `changeset version` consumes the
 * pending changesets, bumps versions and writes each package's CHANGELOG.md. The copy
 * holds what the command reads (workspace layout, manifests, changelogs, .changeset/);
 * the repository's own changesets are left for the real release. Returns the copy.
 */
export function versionThrowawayCopy(): string {
  const copy = mkdtempSync(join(tmpdir(), 'unroll-release-'));
  for (const file of ['package.json', 'pnpm-workspace.yaml']) cpSync(join(repoRoot, file), join(copy, file));
  cpSync(join(repoRoot, '.changeset'), join(copy, '.changeset'), { recursive: true });
  for (const dir of workspaceDirs()) {
    mkdirSync(join(copy, dir), { recursive: true });
    for (const file of ['package.json', 'CHANGELOG.md']) {
      if (existsSync(join(repoRoot, dir, file))) cpSync(join(repoRoot, dir, file), join(copy, dir, file));
    }
  }
  const bin = createRequire(import.meta.url).resolve('@changesets/cli/bin.js');
  runCommand(process.execPath, [bin, 'version'], { cwd: copy });
  return copy;
}
