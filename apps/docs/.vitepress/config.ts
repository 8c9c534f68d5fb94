import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitepress';

// The reference systems' GPU path imports the optional Node package `webgpu` (Dawn) only
// where there is no navigator.gpu; in the browser that import must fail cleanly (the
// runtime turns it into UNSUPPORTED, and the page falls back to the CPU), never bundle Dawn.
const noDawn = fileURLToPath(new URL('./theme/no-dawn.ts', import.meta.url));

const packages = ['scan', 'linearize', 'solvers', 'systems', 'theory', 'gpu-runtime'];

export default defineConfig({
  title: 'unroll',
  description: 'Evaluate sequential computations in parallel over the sequence length.',
  srcDir: 'pages',
  cleanUrls: false,
  lastUpdated: false,
  head: [['link', { rel: 'icon', type: 'image/svg+xml', href: '/favicon.svg' }]],
  themeConfig: {
    nav: [
      { text: 'Guide', link: '/getting-started' },
      { text: 'Playground', link: '/playground' },
      { text: 'API', link: '/api/' },
      { text: 'Papers', link: '/papers' },
    ],
    sidebar: [
      {
        text: 'Start here',
        items: [
          { text: 'Getting started', link: '/getting-started' },
          { text: 'Concepts: the one loop', link: '/concepts' },
          { text: 'Will it parallelize?', link: '/will-it-parallelize' },
          { text: 'Playground', link: '/playground' },
        ],
      },
      {
        text: 'Packages',
        items: packages.map((p) => ({ text: `@unroll/${p}`, link: `/packages/${p}` })),
      },
      {
        text: 'Going further',
        items: [
          { text: 'Extend it', link: '/extend' },
          { text: 'The GPU', link: '/gpu' },
          { text: 'Reproducing the papers', link: '/reproducing' },
          { text: 'The papers', link: '/papers' },
        ],
      },
      {
        text: 'API reference',
        items: [{ text: 'Overview', link: '/api/' }, ...packages.map((p) => ({ text: `@unroll/${p}`, link: `/api/${p}` }))],
      },
    ],
    outline: { level: [2, 3] },
    search: { provider: 'local' },
  },
  vite: {
    resolve: { alias: { webgpu: noDawn } },
    worker: { format: 'es' },
    build: { chunkSizeWarningLimit: 2000 },
  },
});
