#!/usr/bin/env node
import { gpuEnvironment } from './gpu-environment.js';
import { main } from './main.js';
import { rerunWithEnvironment } from './rerun-with-environment.js';

const argv = process.argv.slice(2);
const env = argv.includes('--gpu') ? gpuEnvironment(process.env) : undefined;
// The Vulkan loader reads its variables at start-up only: with them to set, run again in a child.
process.exitCode = env !== undefined ? await rerunWithEnvironment(env) : await main(argv, { out: process.stdout, err: process.stderr });
