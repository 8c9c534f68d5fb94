import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exampleExceptions } from '../src/example-exceptions.js';
import { readPackageReadme } from '../src/readme-examples.js';
import { publishablePackages, repoRoot } from '../src/workspace.js';

const readmes = publishablePackages().map(readPackageReadme);

describe.each(readmes.map((readme) => [readme.path, readme] as const))('%s', (_path, readme) => {
  it('installs its own package', () => {
    expect(readme.install).toContain(readme.pkg.manifest.name);
  });

  it('has at least one example that runs', () => {
    expect(readme.examples.filter((example) => example.fragment === undefined).length).toBeGreaterThan(0);
  });

  it('installs every package its examples import', () => {
    const missing = readme.examples.flatMap((example) =>
      example.imports.filter((pkg) => !readme.install.includes(pkg)).map((pkg) => `${pkg} (imported by the example at line ${example.line})`),
    );
    expect(missing, `add them to the \`pnpm add\` line of ${readme.path}`).toEqual([]);
  });
});

describe('example-exceptions', () => {
  it.each(exampleExceptions.map((e) => [e.readme, e.firstLine] as const))('%s: the block starting `%s` still exists', (readme, firstLine) => {
    const lines = readFileSync(join(repoRoot, readme), 'utf8')
      .split('\n')
      .map((line) => line.trim());
    expect(lines, `no block of ${readme} starts with this line any more: update or remove the entry in src/example-exceptions.ts`).toContain(firstLine);
  });
});
