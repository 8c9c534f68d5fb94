import { existsSync, readdirSync } from 'node:fs';

/** SwiftShader, the CPU Vulkan driver Debian's chromium ships, with the Vulkan loader beside it. */
const swiftshaderDir = '/usr/lib/chromium';
const swiftshaderIcd = `${swiftshaderDir}/vk_swiftshader_icd.json`;

function hasVulkanDriver(): boolean {
  return ['/etc/vulkan/icd.d', '/usr/share/vulkan/icd.d', '/usr/local/share/vulkan/icd.d'].some((dir) => {
    try {
      return readdirSync(dir).some((f) => f.endsWith('.json'));
    } catch {
      return false;
    }
  });
}

/**
 * The environment a child process that uses WebGPU needs, or undefined when the current
 * one will do. Without a Vulkan driver (no GPU) Dawn can still run on SwiftShader when
 * chromium is installed, but the Vulkan loader reads these variables only at process
 * start — which is one reason the GPU work runs in a child. A machine with a driver, or a
 * user who chose one, keeps its own.
 */
export function gpuEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv | undefined {
  if (env['VK_ICD_FILENAMES'] !== undefined || env['VK_DRIVER_FILES'] !== undefined || !existsSync(swiftshaderIcd) || hasVulkanDriver()) return undefined;
  const ld = env['LD_LIBRARY_PATH'];
  return { ...env, VK_ICD_FILENAMES: swiftshaderIcd, LD_LIBRARY_PATH: ld === undefined || ld === '' ? swiftshaderDir : `${swiftshaderDir}:${ld}` };
}
