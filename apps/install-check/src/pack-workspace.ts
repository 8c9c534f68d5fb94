import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand } from './run-command.js';
import { publishablePackages, repoRoot } from './workspace.js';

/** Package name → absolute path of its packed tarball. */
export type Tarballs = ReadonlyMap<string, string>;

/**
 * Packs every publishable package into `destination` with `pnpm pack`, exactly as a
 * release would (workspace:^ ranges become versions, `files` decides the contents).
 * Each package must be built first (`pnpm build`): a package without dist/ is an error.
 */
export function packWorkspace(destination: string): Tarballs {
  mkdirSync(destination, { recursive: true });
  const tarballs = new Map<string, string>();
  for (const pkg of publishablePackages()) {
    const dir = join(repoRoot, pkg.dir);
    if (!existsSync(join(dir, 'dist', 'index.js'))) {
      throw new Error(`${pkg.manifest.name} is not built (${pkg.dir}/dist/index.js is missing): run \`pnpm build\` at the repository root first.`);
    }
    const before = new Set(readdirSync(destination));
    runCommand('pnpm', ['pack', '--pack-destination', destination], { cwd: dir });
    const made = readdirSync(destination).filter((file) => file.endsWith('.tgz') && !before.has(file));
    const file = made.length === 1 ? made[0] : undefined;
    if (file === undefined) throw new Error(`pnpm pack in ${pkg.dir} made ${made.length} tarballs (${made.join(', ')}); expected one.`);
    tarballs.set(pkg.manifest.name, join(destination, file));
  }
  return tarballs;
}
