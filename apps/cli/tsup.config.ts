import { defineConfig } from 'tsup';

export default defineConfig({
  // The resolve hook is its own file: Node loads module hooks by URL, off the main thread;
  // the memory probe too: case study 11 runs each configuration in a fresh process.
  entry: { index: 'src/index.ts', bin: 'src/bin.ts', 'unroll-packages-resolve-hook': 'src/systems/unroll-packages-resolve-hook.ts', 'memory-probe': 'src/demo/memory-probe.ts' },
  format: ['esm'],
  dts: { entry: { index: 'src/index.ts' } },
  sourcemap: true,
  clean: true,
  target: 'es2022',
  platform: 'node',
});
