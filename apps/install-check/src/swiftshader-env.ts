import { existsSync } from 'node:fs';

const swiftshaderDir = '/usr/lib/chromium';
const swiftshaderIcd = `${swiftshaderDir}/vk_swiftshader_icd.json`;

/**
 * The environment the gpu-runtime README tells a user without a GPU to set before Node
 * starts: Dawn on the SwiftShader Vulkan driver Debian's chromium ships. An explicit
 * VK_ICD_FILENAMES wins; without chromium the environment is left as it is.
 */
export function swiftshaderEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  if (env['VK_ICD_FILENAMES'] !== undefined || !existsSync(swiftshaderIcd)) return env;
  const ld = env['LD_LIBRARY_PATH'];
  return { ...env, VK_ICD_FILENAMES: swiftshaderIcd, LD_LIBRARY_PATH: ld === undefined || ld === '' ? swiftshaderDir : `${swiftshaderDir}:${ld}` };
}
