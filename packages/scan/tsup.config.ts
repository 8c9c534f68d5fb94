import { defineConfig } from 'tsup';

// Two entries: the library, and the worker script that `threads > 1` starts. The
// worker must be a file of its own next to the library so Node can load it by URL.
// Source maps ship without the sources inlined (`sourcesContent: false`): stack traces
// still name src/ files and lines, and the tarball does not carry the code twice.
export default defineConfig({
  entry: { index: 'src/index.ts', worker: 'src/worker.ts' },
  format: ['esm'],
  dts: { entry: { index: 'src/index.ts' } },
  sourcemap: true,
  esbuildOptions(options) {
    options.sourcesContent = false;
  },
  clean: true,
  splitting: true,
  target: 'es2022',
  platform: 'neutral',
});
