import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { publishablePackages, repoRoot } from '../src/workspace.js';

interface TurboJson {
  readonly tasks: Readonly<Partial<Record<string, { readonly dependsOn?: readonly string[] }>>>;
}

// This lane packs what is built; turbo builds it first only for the packages turbo.json
// lists. A package added to packages/ must be added there too.
it("turbo.json builds every publishable package before this lane's test", () => {
  const turbo = JSON.parse(readFileSync(join(repoRoot, 'turbo.json'), 'utf8')) as TurboJson;
  const dependsOn = turbo.tasks['@unroll/install-check#test']?.dependsOn ?? [];
  expect([...dependsOn].sort()).toEqual(
    publishablePackages()
      .map((pkg) => `${pkg.manifest.name}#build`)
      .sort(),
  );
});
