import { defineConfig } from 'tsup';

// Source maps ship without the sources inlined (`sourcesContent: false`): stack traces
// still name src/ files and lines, and the tarball does not carry the code twice.
export default defineConfig({
  entry: { index: 'src/index.ts' },
  format: ['esm'],
  dts: true,
  sourcemap: true,
  esbuildOptions(options) {
    options.sourcesContent = false;
  },
  clean: true,
  target: 'es2022',
  platform: 'neutral',
});
