import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type Chromium } from '../src/chromium.js';
import { freshProject } from '../src/fresh-project.js';
import { readPackageReadme } from '../src/readme-examples.js';
import { serveDirectory, type StaticServer } from '../src/static-server.js';
import { buildViteExamples, viteVersion } from '../src/vite-user-project.js';
import { publishablePackages } from '../src/workspace.js';
import { packedTarballs } from './packed-tarballs.js';

// One fresh npm project with every package and Vite: the README examples that are not
// Node-only, type-checked as a strict browser project, bundled by `vite build`, served
// and run in Chromium.
const examples = publishablePackages()
  .map(readPackageReadme)
  .flatMap((readme) => readme.examples)
  .filter((example) => example.fragment === undefined && example.nodeOnly === undefined);

let dir: string | undefined;
let browser: Chromium | undefined;
let server: StaticServer | undefined;
let results: Record<string, string>;
const pageErrors: string[] = [];

beforeAll(async () => {
  const tarballs = packedTarballs();
  const project = freshProject('npm', 'vite', [...tarballs.keys(), `vite@${viteVersion}`], tarballs);
  dir = project;
  const site = await serveDirectory(buildViteExamples(project, examples));
  server = site;
  const chromium = await launchChromium();
  browser = chromium;
  const page = await chromium.context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(site.origin);
  const handle = await page.waitForSelector('body[data-results]', { state: 'attached', timeout: 240_000 });
  results = JSON.parse((await handle.getAttribute('data-results')) ?? '{}') as Record<string, string>;
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe(`a fresh Vite ${viteVersion} project built and run in Chromium`, () => {
  it('loads without page errors', () => {
    expect(pageErrors).toEqual([]);
  });

  it.each(examples.map((example) => [example.id, example] as const))('runs the README example %s', (id) => {
    expect(results[id], `${id} failed in the browser; if its README marks it as Node-only, list it in src/example-exceptions.ts`).toBe('ok');
  });
});
