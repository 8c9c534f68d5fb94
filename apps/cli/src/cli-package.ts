import { readFileSync } from 'node:fs';

/** What the CLI reads of its own `package.json`. */
export interface CliPackage {
  readonly name: string;
  readonly version: string;
  /** The packages it depends on, by name. */
  readonly dependencies: readonly string[];
}

let cached: CliPackage | undefined;

/**
 * The CLI's `package.json`, read once. It sits one folder above both `src/` and the built
 * `dist/`, and every installed copy ships it, so the version printed is the one installed.
 */
export function cliPackage(): CliPackage {
  if (cached !== undefined) return cached;
  const json = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { name?: unknown; version?: unknown; dependencies?: unknown };
  cached = {
    name: typeof json.name === 'string' ? json.name : '@unroll/cli',
    version: typeof json.version === 'string' ? json.version : '0.0.0',
    dependencies: typeof json.dependencies === 'object' && json.dependencies !== null ? Object.keys(json.dependencies) : [],
  };
  return cached;
}
