import { createRequire } from 'node:module';

/** The TypeScript compiler the repository pins (typescript 5.9), run on user projects. */
export const tscPath = createRequire(import.meta.url).resolve('typescript/bin/tsc');
