import { existsSync } from 'node:fs';
import { register } from 'node:module';

/** The hook file tsup builds beside the CLI's chunks (see `unroll-packages-resolve-hook.ts`). */
const hookUrl = new URL('./unroll-packages-resolve-hook.js', import.meta.url);
let lent = false;

/**
 * Lets modules loaded from now on import the `@unroll/*` packages the CLI ships with, even
 * where they are not installed next to the module (a user's `--system ./my-system.mjs` in
 * the repository's root, or under `npx @unroll/cli`). Idempotent. Outside the built CLI
 * (the sources, run by a test runner) there is no hook file and nothing is registered.
 */
export function lendUnrollPackages(): void {
  if (lent) return;
  lent = true;
  if (existsSync(hookUrl)) register(hookUrl);
}
