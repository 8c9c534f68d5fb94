// The campaign's child processes run the built command (dist/bin.js). Rebuild before the
// tests whenever a source file is newer than it, so `vitest` alone never tests stale code.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function newest(dir: string): number {
  return Math.max(
    0,
    ...readdirSync(dir, { withFileTypes: true }).map((e) => (e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs)),
  );
}

export default function setup(): void {
  const root = join(import.meta.dirname, '..');
  const built = join(root, 'dist', 'bin.js');
  if (!existsSync(built) || statSync(built).mtimeMs < newest(join(root, 'src'))) {
    execFileSync('pnpm', ['exec', 'tsup'], { cwd: root, stdio: 'inherit' });
  }
}
