import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sequentialRollout } from '@unroll/solvers';
import { gru } from '@unroll/systems';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The same built package, loaded by a page in headless Chromium: createGpuRuntime takes
// navigator.gpu there (SwiftShader without a GPU) — the browser half of the one code path.
const chromiumPath = '/usr/bin/chromium';
const packages = fileURLToPath(new URL('../../', import.meta.url));
const served: Record<string, string> = { gpu: 'gpu-runtime', scan: 'scan', linearize: 'linearize', solvers: 'solvers', systems: 'systems' };

const page = `<!doctype html><meta charset="utf-8"><title>unroll gpu</title>
<script type="importmap">${JSON.stringify({ imports: Object.fromEntries(Object.keys(served).filter((k) => k !== 'gpu').map((k) => [`@unroll/${served[k] ?? k}`, `/${k}/index.js`])) })}</script>`;

let server: Server;
let origin: string;
let context: BrowserContext;
let profile: string;

beforeAll(async () => {
  if (!existsSync(chromiumPath)) throw new Error(`browser tests need Debian's chromium at ${chromiumPath}: run bash scripts/setup.sh (as root) first.`);
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/') {
      res.setHeader('content-type', 'text/html');
      res.end(page);
      return;
    }
    const [, root = '', ...rest] = url.pathname.split('/');
    const pkg = root in served ? served[root] : undefined;
    const dist = pkg === undefined ? undefined : join(packages, pkg, 'dist');
    const file = dist === undefined ? undefined : normalize(join(dist, ...rest));
    if (dist === undefined || file === undefined || !file.startsWith(dist) || !existsSync(file)) {
      res.statusCode = 404;
      res.end();
      return;
    }
    res.setHeader('content-type', extname(file) === '.js' ? 'text/javascript' : 'application/json');
    res.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://localhost:${(server.address() as AddressInfo).port}`;
  profile = mkdtempSync(join(tmpdir(), 'unroll-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader'],
  });
});

afterAll(async () => {
  await context.close();
  await new Promise((resolve) => server.close(resolve));
  rmSync(profile, { recursive: true, force: true });
});

describe('in a browser (navigator.gpu)', () => {
  it('solves the GRU of @unroll/systems (it carries its WGSL) and matches the CPU rollout', async () => {
    const tab = await context.newPage();
    const errors: string[] = [];
    tab.on('pageerror', (e) => errors.push(e.message));
    await tab.goto(`${origin}/`);
    const params = { dim: 4, inputDim: 0, seed: 11 };
    const T = 300;
    const s0 = [0.2, -0.1, 0.4, 0];
    // A string, not a function: the test runner rewrites dynamic imports in functions.
    const out = await tab.evaluate<{ adapter: string; converged: boolean; iterations: number; states: number[]; live: number }>(`(async () => {
      const { createGpuRuntime } = await import('/gpu/index.js');
      const { gru } = await import('/systems/index.js');
      const rt = await createGpuRuntime();
      try {
        const r = await rt.solve(gru(${JSON.stringify(params)}), ${JSON.stringify(s0)}, ${T}, { method: 'quasi-deer', tol: 1e-6 });
        return { adapter: rt.adapter, converged: r.converged, iterations: r.iterations, states: Array.from(r.states), live: rt.liveBuffers };
      } finally {
        rt.destroy();
      }
    })()`);
    expect(errors).toEqual([]);
    expect(out.converged).toBe(true);
    expect(out.live).toBe(0);
    expect(out.adapter).not.toBe('device given');
    expect(out.iterations).toBeGreaterThan(1);
    const ref = sequentialRollout(gru(params), Float64Array.from(s0), T, new Float64Array(T * 4));
    let err = 0;
    for (let i = 0; i < ref.length; i++) err = Math.max(err, Math.abs((out.states[i] ?? NaN) - (ref[i] ?? NaN)));
    expect(err).toBeLessThan(2e-5);
    await tab.close();
  });
});
