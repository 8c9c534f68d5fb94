import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const chromiumPath = '/usr/bin/chromium';

export interface Chromium {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Debian's chromium, headless, on a fresh profile, with nothing downloaded and nothing
 * phoned home. WebGPU runs on SwiftShader (no GPU needed), so gpu-runtime's README
 * example runs in the page as it would on a user's machine.
 */
export async function launchChromium(): Promise<Chromium> {
  if (!existsSync(chromiumPath))
    throw new Error(`the browser check needs Debian's chromium at ${chromiumPath}: run \`bash scripts/setup.sh\` (as root) first.`);
  const profile = mkdtempSync(join(tmpdir(), 'unroll-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--enable-unsafe-webgpu',
      '--use-webgpu-adapter=swiftshader',
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
