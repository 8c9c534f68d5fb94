import { gpuTargets } from './gpu-targets.js';
import { linearizeTargets } from './linearize-targets.js';
import { scanTargets } from './scan-targets.js';
import { solversTargets } from './solvers-targets.js';
import { systemsTargets } from './systems-targets.js';
import type { Target } from './target.js';
import { theoryTargets } from './theory-targets.js';

/**
 * Every exported function of every package (from each packages/∗/src/index.ts) with a
 * valid call, package by package. Types, interfaces and the UnrollError class are not
 * functions; `shutdownThreads`, `full`, `diagonal`, `identity` and `zero` of
 * @unroll/linearize take no arguments, so there is nothing to malform.
 */
export function allTargets(): Target[] {
  return [...scanTargets(), ...linearizeTargets(), ...solversTargets(), ...systemsTargets(), ...theoryTargets(), ...gpuTargets()];
}
