// The threaded path loads the built worker script (dist/worker.js), and its workers rebuild
// built-in structures from dist/index.js. Rebuild before the tests whenever a source file
// (in any folder under src/) is newer than it, so `vitest` alone never tests stale code.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export default function setup(): void {
  const root = join(import.meta.dirname, '..');
  const built = join(root, 'dist', 'worker.js');
  const sources = readdirSync(join(root, 'src'), { recursive: true, encoding: 'utf8' });
  const newestSource = Math.max(...sources.map((f) => statSync(join(root, 'src', f)).mtimeMs));
  if (!existsSync(built) || statSync(built).mtimeMs < newestSource) {
    execFileSync('pnpm', ['exec', 'tsup'], { cwd: root, stdio: 'inherit' });
  }
}
