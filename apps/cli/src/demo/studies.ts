import { arGru } from './ar-gru.js';
import type { CaseStudy } from './case-study.js';
import { elkSweep } from './elk.js';
import { gruInit } from './gru-init.js';
import { langevinMixture } from './langevin.js';
import { observers } from './observers.js';
import { optimizers } from './optimizers.js';
import { predictability } from './predictability.js';
import { thresholdScale } from './threshold-scale.js';
import { memoryStudy } from './memory.js';
import { rates } from './rates.js';
import { twoWellLangevin } from './two-well.js';
import { wordS5 } from './word-s5.js';

/** The case studies of `unroll demo`, in order. */
export const studies: readonly CaseStudy[] = [wordS5, gruInit, langevinMixture, predictability, observers, elkSweep, optimizers, thresholdScale, twoWellLangevin, rates, memoryStudy, arGru];
