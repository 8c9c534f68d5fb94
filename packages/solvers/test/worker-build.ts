// The worker pool's threads run the built script (dist/cpu-worker.js), not the TypeScript
// sources vitest runs: rebuild before its tests whenever a source file is newer, so the
// pool's tests never run stale worker code.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export function ensureWorkerBuilt(): void {
  const root = join(import.meta.dirname, '..');
  const built = join(root, 'dist', 'cpu-worker.js');
  const sources = readdirSync(join(root, 'src'), { recursive: true, encoding: 'utf8' });
  const newestSource = Math.max(...sources.map((f) => statSync(join(root, 'src', f)).mtimeMs));
  if (!existsSync(built) || statSync(built).mtimeMs < newestSource) {
    execFileSync('pnpm', ['exec', 'tsup'], { cwd: root, stdio: 'inherit' });
  }
}

/** A directory URL from which `@unroll/systems` resolves (the package itself: solvers cannot depend on it). */
export const systemsHome = new URL('../../systems/package.json', import.meta.url);

/** The fixture module of a user's dynamics (test/fixtures/tanh-rnn-module.mjs), as a URL. */
export const fixtureModule = new URL('./fixtures/tanh-rnn-module.mjs', import.meta.url).href;
