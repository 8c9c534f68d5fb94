import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatCell } from '../.vitepress/theme/format.js';
import type { ExampleContext, ExampleResult } from '../examples/context.js';
import { runPlayground } from '../playground/run.js';
import { formatSetup, parseSetup } from '../playground/setup.js';
import { serveSite, siteFile } from './serve-site.js';

// The built site in Debian's headless Chromium: every page loads without a console error
// and links only to pages that exist; every live example runs in its worker and shows
// what the same module computes in Node; the playground's URL round-trips.
const chromiumPath = '/usr/bin/chromium';
const app = fileURLToPath(new URL('..', import.meta.url));
const dist = join(app, '.vitepress', 'dist');
const artifacts = join(app, 'test-artifacts');

let server: Server;
let origin: string;
let context: BrowserContext;
let profile: string;
const pages: string[] = [];

function htmlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'assets' ? [] : htmlFiles(path);
    return name.endsWith('.html') && name !== '404.html' ? [path] : [];
  });
}

beforeAll(async () => {
  if (!existsSync(chromiumPath)) throw new Error(`The docs' browser tests need Debian's chromium at ${chromiumPath}: run bash scripts/setup.sh (as root) first.`);
  if (!existsSync(join(dist, 'index.html'))) execFileSync('pnpm', ['run', 'build'], { cwd: app, stdio: 'inherit' });
  for (const file of htmlFiles(dist)) pages.push(`/${relative(dist, file)}`);
  pages.sort();
  rmSync(artifacts, { recursive: true, force: true });
  mkdirSync(artifacts, { recursive: true });
  ({ server, origin } = await serveSite(dist));
  profile = mkdtempSync(join(tmpdir(), 'unroll-docs-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader'],
  });
});

afterAll(async () => {
  await context.close();
  await new Promise((resolve) => server.close(resolve));
  rmSync(profile, { recursive: true, force: true });
});

/** A tab that records console errors and uncaught exceptions. */
async function open(path: string): Promise<{ tab: Page; errors: string[] }> {
  const tab = await context.newPage();
  const errors: string[] = [];
  tab.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  tab.on('pageerror', (e) => errors.push(`page: ${e.message}`));
  await tab.goto(`${origin}${path}`, { waitUntil: 'networkidle' });
  return { tab, errors };
}

/** Fraction of pixels that differ from the top-left one: 0 for a blank screenshot. */
async function inkFraction(tab: Page, png: Buffer): Promise<number> {
  return tab.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.width;
    canvas.height = img.height;
    const g = canvas.getContext('2d');
    if (g === null) return 0;
    g.drawImage(img, 0, 0);
    const d = g.getImageData(0, 0, img.width, img.height).data;
    let differ = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] !== d[0] || d[i + 1] !== d[1] || d[i + 2] !== d[2]) differ++;
    return differ / (d.length / 4);
  }, png.toString('base64'));
}

/** The same module in Node, on the CPU. */
async function runInNode(name: string): Promise<ExampleResult> {
  const mod = (await import(`../examples/${name}.js`)) as { run: (ctx: ExampleContext) => Promise<ExampleResult> };
  return mod.run(cpuContext());
}
const cpuContext = (): ExampleContext => ({ backend: 'cpu', signal: new AbortController().signal, progress: () => undefined, gpu: () => Promise.resolve({ reason: 'Node' }) });

/** What a result view shows: summary lines and table cells, as text. */
async function shown(tab: Page, root: string): Promise<{ summary: string[]; tables: string[][][]; figures: number }> {
  return tab.locator(root).evaluate((el) => ({
    summary: Array.from(el.querySelectorAll('.live-summary')).map((p) => p.textContent.trim()),
    tables: Array.from(el.querySelectorAll('.live-table table')).map((t) => Array.from(t.querySelectorAll('tbody tr')).map((r) => Array.from(r.querySelectorAll('td')).map((c) => c.textContent.trim()))),
    figures: el.querySelectorAll(".live-figure").length,
  }));
}
const expected = (r: ExampleResult) => ({ summary: [...r.summary], tables: r.tables.map((t) => t.rows.map((row) => row.map(formatCell))), figures: r.figures.length });

describe('the built site in Chromium', () => {
  it('loads every page without a console error, links only to pages that exist, and draws something', async () => {
    expect(pages.length).toBeGreaterThanOrEqual(18);
    const report: string[] = [];
    for (const path of pages) {
      const { tab, errors } = await open(path);
      const links = await tab.$$eval('a[href]', (as) => as.map((a) => a.getAttribute('href') ?? ''));
      for (const href of links) {
        const url = new URL(href, `${origin}${path}`);
        if (url.origin !== origin) continue;
        if (siteFile(dist, url.pathname) === undefined) errors.push(`broken link ${href}`);
      }
      const png = await tab.screenshot();
      const name = path.replace(/^\//, '').replace(/\//g, '__').replace(/\.html$/, '');
      writeFileSync(join(artifacts, `${name}.png`), png);
      const ink = await inkFraction(tab, png);
      report.push(`${path}: ${links.length} links, ink ${(100 * ink).toFixed(1)} %`);
      expect.soft(errors, path).toEqual([]);
      expect.soft(ink, `${path} screenshot is blank`).toBeGreaterThan(0.02);
      await tab.close();
    }
    writeFileSync(join(artifacts, 'pages.txt'), `${report.join('\n')}\n`);
  });

  it('runs every live example in a worker, showing the numbers the same module computes in Node', async () => {
    const seen = new Set<string>();
    const report: string[] = [];
    for (const path of pages) {
      if (path.startsWith('/api/')) continue;
      const { tab, errors } = await open(path);
      const names = await tab.$$eval('.live-example', (els) => els.map((e) => e.getAttribute('data-example') ?? ''));
      for (const name of names) {
        if (seen.has(name)) continue;
        seen.add(name);
        const root = `.live-example[data-example="${name}"] >> nth=0`;
        await tab.locator(`${root} >> .live-run`).click();
        await tab.locator(`.live-example[data-example="${name}"][data-state="done"], .live-example[data-example="${name}"][data-state="error"]`).first().waitFor({ timeout: 120_000 });
        const status = await tab.locator(`${root} >> .live-status`).textContent();
        report.push(`${name} (${path}): ${status ?? ''}`);
        expect(status, `${name} on ${path}`).toMatch(/^Done in \d+ ms on CPU\.$/);
        const node = expected(await runInNode(name));
        // Figures are drawn once Observable Plot has loaded, just after the tables.
        if (node.figures > 0) await tab.locator(`${root} >> .live-figure svg`).nth(0).waitFor({ timeout: 30_000 });
        await tab.locator(root).screenshot({ path: join(artifacts, `example-${name}.png`) });
        expect(await shown(tab, root), name).toEqual(node);
      }
      expect(errors, path).toEqual([]);
      await tab.close();
    }
    writeFileSync(join(artifacts, 'examples.txt'), `${report.join('\n')}\n`);
    expect([...seen].sort()).toEqual(readdirSync(join(app, 'examples')).filter((f) => f.endsWith('.js')).map((f) => f.replace(/\.js$/, '')).sort());
  }, 400_000);

  it('runs the GPU example on navigator.gpu inside the worker (SwiftShader here) and matches the CPU rollout', async () => {
    const { tab, errors } = await open('/gpu.html');
    const root = '.live-example[data-example="custom-dynamics"] >> nth=0';
    await tab.locator(`${root} >> select`).selectOption('gpu');
    await tab.locator(`${root} >> .live-run`).click();
    await tab.locator('.live-example[data-example="custom-dynamics"]:is([data-state="done"], [data-state="error"])').first().waitFor({ timeout: 120_000 });
    const status = (await tab.locator(`${root} >> .live-status`).textContent()) ?? '';
    expect(status).toMatch(/^Done in \d+ ms on GPU \(/);
    const { tables } = await shown(tab, root);
    const [backend, T, , converged, error] = tables[0]?.[0] ?? [];
    expect([backend, T, converged]).toEqual(['GPU (WebGPU, float32)', '2000', 'yes']);
    expect(Number(error)).toBeLessThan(1e-3); // float32 on the device against the float64 rollout, states of order 1
    await tab.locator(root).screenshot({ path: join(artifacts, 'example-custom-dynamics-gpu.png') });
    expect(errors).toEqual([]);
    await tab.close();
  });

  it('keeps the playground setup in the URL: a link restores it, edits rewrite it, and the run matches Node', async () => {
    const search = '?system=henon&p.a=1.3&p.b=0.3&T=300&methods=deer,jacobi&backend=cpu&lambda=0.01&k=0.5';
    const { tab, errors } = await open(`/playground.html${search}`);
    await tab.locator('.playground[data-ready="yes"]').waitFor();
    expect(await tab.locator('select[name="system"]').inputValue()).toBe('henon');
    expect(await tab.locator('input[name="p.a"]').inputValue()).toBe('1.3');
    expect(await tab.locator('input[name="T"]').inputValue()).toBe('300');
    expect(await tab.locator('input[name="method.deer"]').isChecked()).toBe(true);
    expect(await tab.locator('input[name="method.picard"]').isChecked()).toBe(false);
    const setup = parseSetup(search);
    expect(await tab.evaluate(() => window.location.search)).toBe(formatSetup(setup));

    await tab.locator('input[name="T"]').fill('200');
    await tab.locator('input[name="T"]').dispatchEvent('change');
    await tab.locator('input[name="method.picard"]').check();
    const edited = await tab.evaluate(() => window.location.search);
    expect(parseSetup(edited)).toEqual({ ...setup, T: 200, methods: ['deer', 'picard', 'jacobi'] });
    await tab.reload({ waitUntil: 'networkidle' });
    await tab.locator('.playground[data-ready="yes"]').waitFor();
    expect(await tab.locator('input[name="T"]').inputValue()).toBe('200');
    expect(await tab.locator('input[name="method.picard"]').isChecked()).toBe(true);

    await tab.locator('.playground .live-run').click();
    await tab.locator('.playground:is([data-state="done"], [data-state="error"])').waitFor({ timeout: 120_000 });
    expect(await tab.locator('.playground .live-status').textContent()).toMatch(/^Done in \d+ ms on CPU\.$/);
    const page = await shown(tab, '.playground');
    const node = expected(await runPlayground(parseSetup(edited), cpuContext()));
    // Timings (the last column of the methods table) are this machine's and differ run to run.
    const untimed = (tables: string[][][]) => tables.map((t, i) => (i === tables.length - 1 ? t.map((row) => row.slice(0, -1)) : t));
    expect({ ...page, tables: untimed(page.tables) }).toEqual({ ...node, tables: untimed(node.tables) });
    await tab.screenshot({ path: join(artifacts, 'playground-run.png'), fullPage: true });
    expect(errors).toEqual([]);
    await tab.close();
  });

  it('keeps the page responsive during a long run, shows progress, and stops it on Cancel', async () => {
    // Picard on a chaotic network over 20 000 steps needs about T iterations: minutes of work.
    const { tab, errors } = await open('/playground.html?system=mean-field&p.dim=16&p.g=2&p.seed=1&T=20000&methods=picard&backend=cpu');
    await tab.locator('.playground[data-ready="yes"]').waitFor();
    await tab.locator('.playground .live-run').click();
    await tab.locator('.playground .live-status', { hasText: /picard, iteration \d+/ }).waitFor({ timeout: 60_000 });
    expect(await tab.locator('.playground progress').count()).toBe(1);
    // Twenty 20 ms timers on the page's main thread while the worker computes: none may be late by much.
    const worstLateness = await tab.evaluate(
      () =>
        new Promise<number>((resolve) => {
          let worst = 0, n = 0;
          const tick = (due: number) => {
            worst = Math.max(worst, performance.now() - due);
            if (++n === 20) resolve(worst);
            else setTimeout(tick, 20, performance.now() + 20);
          };
          setTimeout(tick, 20, performance.now() + 20);
        }),
    );
    expect(worstLateness).toBeLessThan(250);
    const before = await tab.locator('.playground .live-status').textContent();
    await tab.waitForTimeout(300);
    expect(await tab.locator('.playground .live-status').textContent()).not.toBe(before); // progress moves
    await tab.locator('.playground .live-cancel').click();
    await tab.locator('.playground[data-state="cancelled"]').waitFor({ timeout: 5_000 });
    expect(await tab.locator('.playground .live-status').textContent()).toBe('Cancelled.');
    expect(errors).toEqual([]);
    await tab.close();
  });
});

