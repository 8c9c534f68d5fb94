import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { runCommand } from './run-command.js';

export interface UnpackedTarball {
  /** The unpacked `package/` folder. */
  readonly root: string;
  /** Every file, relative to `package/`, sorted. */
  readonly files: readonly string[];
  readonly read: (file: string) => string;
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)]));
}

/** Unpacks a package tarball into a new temporary folder, as npm would read it. */
export function unpackTarball(tarball: string): UnpackedTarball {
  const into = mkdtempSync(join(tmpdir(), 'unroll-unpacked-'));
  runCommand('tar', ['-xzf', tarball, '-C', into], { cwd: into });
  const root = join(into, 'package');
  return {
    root,
    files: walk(root)
      .map((file) => relative(root, file))
      .sort(),
    read: (file) => readFileSync(join(root, file), 'utf8'),
  };
}
