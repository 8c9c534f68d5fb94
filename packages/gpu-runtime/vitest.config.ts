import { existsSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

// Without a GPU, Dawn runs on SwiftShader's Vulkan driver, which Debian's chromium ships
// (with the Vulkan loader) in /usr/lib/chromium. An explicit VK_ICD_FILENAMES wins.
const swiftshader = '/usr/lib/chromium/vk_swiftshader_icd.json';
const env: Record<string, string> = {};
if (process.env['VK_ICD_FILENAMES'] === undefined && existsSync(swiftshader)) {
  env['VK_ICD_FILENAMES'] = swiftshader;
  env['LD_LIBRARY_PATH'] = ['/usr/lib/chromium', process.env['LD_LIBRARY_PATH']].filter(Boolean).join(':');
}

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    env,
    pool: 'forks',
  },
});
