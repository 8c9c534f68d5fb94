/**
 * A module resolution hook (Node's `module.register`), loaded only while `--system` imports
 * a user's module. A user's file imports `@unroll/linearize` (to call `defineDynamics`),
 * but Node resolves that from the file's own folder: in this repository's root, or in a
 * folder where the CLI ran through `npx @unroll/cli`, no `node_modules/@unroll` exists
 * there. When an `@unroll/*` import cannot be resolved where it is written, this hook
 * resolves it from the CLI's own location instead, where its dependencies are installed.
 * A copy the user installed next to the file still wins: it resolves first.
 *
 * Built as its own file (`dist/unroll-packages-resolve-hook.js`): Node loads hooks
 * off the main thread, by URL.
 */
import type { ResolveHook } from 'node:module';

/** The scope whose packages the CLI ships with and lends to a user's module. */
const lentScope = '@unroll/';

function isNotFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && (error.code === 'ERR_MODULE_NOT_FOUND' || error.code === 'ERR_PACKAGE_PATH_NOT_EXPORTED');
}

/** Resolves as Node does; an `@unroll/*` package not found there is resolved from the CLI. */
export const resolve: ResolveHook = async (specifier, context, nextResolve) => {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    if (!specifier.startsWith(lentScope) || !isNotFound(error)) throw error;
    try {
      return await nextResolve(specifier, { ...context, parentURL: import.meta.url });
    } catch {
      throw error; // not a package the CLI has either: the user's own error is the one to show
    }
  }
};
