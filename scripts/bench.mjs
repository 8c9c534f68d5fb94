// `pnpm bench`: every package's benchmarks, one after the other, with the same flags
// (`--quick`, `--markdown`).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
for (const pkg of ['scan', 'solvers']) {
  const cwd = fileURLToPath(new URL(`../packages/${pkg}/`, import.meta.url));
  const r = spawnSync(process.execPath, ['bench/run.mjs', ...args], { cwd, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
