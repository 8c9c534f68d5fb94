// `pnpm bench`: every package's benchmarks, one after the other, with the same flags
// (`--quick`, `--markdown`).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** SwiftShader, the CPU Vulkan driver Debian's chromium ships, with the Vulkan loader beside it. */
const swiftshaderDir = '/usr/lib/chromium';
const swiftshaderIcd = `${swiftshaderDir}/vk_swiftshader_icd.json`;

/** Whether a Vulkan driver is installed system-wide (a GPU's, or Mesa's). */
function hasVulkanDriver() {
  return ['/etc/vulkan/icd.d', '/usr/share/vulkan/icd.d', '/usr/local/share/vulkan/icd.d'].some((dir) => {
    try {
      return readdirSync(dir).some((f) => f.endsWith('.json'));
    } catch {
      return false;
    }
  });
}

/**
 * The GPU benchmarks' environment. On a machine without a Vulkan driver (no GPU), Dawn can
 * still run the kernels on SwiftShader when chromium is installed, but the Vulkan loader
 * reads these variables only at process start, so they are set here for the child. A
 * machine with a driver, or whose user chose one, keeps its own environment.
 */
function gpuEnv() {
  const env = process.env;
  if (env.VK_ICD_FILENAMES !== undefined || env.VK_DRIVER_FILES !== undefined || !existsSync(swiftshaderIcd) || hasVulkanDriver()) return env;
  return {
    ...env,
    VK_ICD_FILENAMES: swiftshaderIcd,
    LD_LIBRARY_PATH: env.LD_LIBRARY_PATH ? `${swiftshaderDir}:${env.LD_LIBRARY_PATH}` : swiftshaderDir,
  };
}

const args = process.argv.slice(2);
// The GPU kernels' plan is counted on a recording device (no GPU needed), then timed.
for (const [pkg, script] of [['scan', 'run'], ['solvers', 'run'], ['systems', 'batched'], ['systems', 'jax-js'], ['solvers', 'workers'], ['gpu-runtime', 'plan'], ['gpu-runtime', 'run']]) {
  const cwd = fileURLToPath(new URL(`../packages/${pkg}/`, import.meta.url));
  const env = pkg === 'gpu-runtime' ? gpuEnv() : process.env;
  const r = spawnSync(process.execPath, [`bench/${script}.mjs`, ...args], { cwd, env, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
