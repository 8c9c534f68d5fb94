import { defineConfig } from 'tsup';

// Two entries: the library, and the script the worker pool's threads run
// (createCpuWorkers): Node loads it by URL, next to the library in dist/.
// Source maps ship without the sources inlined (`sourcesContent: false`): stack traces
// still name src/ files and lines, and the tarball does not carry the code twice.
export default defineConfig({
  entry: { index: 'src/index.ts', 'cpu-worker': 'src/workers/cpu-worker.ts' },
  format: ['esm'],
  dts: { entry: { index: 'src/index.ts' } },
  sourcemap: true,
  esbuildOptions(options) {
    options.sourcesContent = false;
  },
  clean: true,
  target: 'es2022',
  platform: 'neutral',
});
