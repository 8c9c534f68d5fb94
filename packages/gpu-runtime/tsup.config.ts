import { defineConfig } from 'tsup';

// The declarations name GPUDevice, GPUBuffer, …: the reference to @webgpu/types (a
// dependency) must be in the built index.d.ts, or a user's project without it does not
// compile. The bundler drops the source's triple-slash line, so it goes in as a banner.
// Source maps ship without the sources inlined, as in the other packages.
export default defineConfig({
  entry: { index: 'src/index.ts' },
  format: ['esm'],
  dts: { banner: '/// <reference types="@webgpu/types" />' },
  sourcemap: true,
  esbuildOptions(options) {
    options.sourcesContent = false;
  },
  clean: true,
  target: 'es2022',
  platform: 'neutral',
});
