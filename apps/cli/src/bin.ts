#!/usr/bin/env node
import { spawnSync } from 'node:child_process';
import { gpuEnvironment } from './gpu-environment.js';
import { main } from './main.js';

const argv = process.argv.slice(2);
const env = argv.includes('--gpu') ? gpuEnvironment(process.env) : undefined;
if (env !== undefined) {
  // The Vulkan loader reads its variables at start-up only: run again with them set.
  const r = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], { env, stdio: 'inherit' });
  process.exitCode = r.status ?? 1;
} else {
  process.exitCode = await main(argv, { out: process.stdout, err: process.stderr });
}
