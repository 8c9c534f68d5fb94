// The threaded path loads the built worker script (dist/worker.js). Rebuild before the
// tests whenever a source file is newer than it, so `vitest` alone never tests stale code.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export default function setup(): void {
  const root = join(import.meta.dirname, '..');
  const built = join(root, 'dist', 'worker.js');
  const newestSource = Math.max(...readdirSync(join(root, 'src')).map((f) => statSync(join(root, 'src', f)).mtimeMs));
  if (!existsSync(built) || statSync(built).mtimeMs < newestSource) {
    execFileSync('pnpm', ['exec', 'tsup'], { cwd: root, stdio: 'inherit' });
  }
}
