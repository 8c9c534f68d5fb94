import { defineConfig } from 'tsup';

// Two entries: the library (runCampaign and the pieces it is made of) and the command.
// The command also serves as the child process the campaign forks for work that must be
// isolated (hangs, GPU environment variables, --expose-gc), so it must be a file of its own.
export default defineConfig({
  entry: { index: 'src/index.ts', bin: 'src/bin.ts' },
  format: ['esm'],
  dts: { entry: { index: 'src/index.ts' } },
  sourcemap: true,
  clean: true,
  target: 'es2022',
  platform: 'node',
});
