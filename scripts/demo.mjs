// `pnpm demo`: the main job, for now a short readable run of the scan benchmarks.
// (Later it grows into the runner that reproduces the papers' case studies.)
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const scanDir = fileURLToPath(new URL('../packages/scan/', import.meta.url));
console.log('unroll demo — @unroll/scan: a linear recurrence s_t = A_t s_{t-1} + b_t,');
console.log('solved by linearRecurrence (1 and 2 threads) vs a hand-written loop and a memory copy.\n');
const r = spawnSync(process.execPath, ['bench/run.mjs', '--quick'], { cwd: scanDir, stdio: 'inherit' });
console.log('\nFull grid (T up to 2^20): `pnpm bench`; recorded results: BENCHMARKS.md.');
process.exit(r.status ?? 1);
