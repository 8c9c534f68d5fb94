import { rmSync } from 'node:fs';
import { describe, it } from 'vitest';
import { freshProject, type PackageManager } from '../src/fresh-project.js';
import { compileNodeExamples, runNodeExample } from '../src/node-user-project.js';
import { readPackageReadme } from '../src/readme-examples.js';
import { publishablePackages } from '../src/workspace.js';
import { packedTarballs } from './packed-tarballs.js';

// For each package's README and each package manager: a fresh project installs exactly
// the README's install line from the packed tarballs, type-checks every example in a
// strict user project (default `types`, library checks on), and runs each with Node.
const readmes = publishablePackages().map(readPackageReadme);
const managers: readonly PackageManager[] = ['npm', 'pnpm'];

describe.each(managers)('a fresh %s project', (manager) => {
  it.each(readmes.map((readme) => [readme.path, `pnpm add ${readme.install.join(' ')}`, readme] as const))(
    '%s: `%s`, then every example type-checks and runs',
    (_path, _line, readme) => {
      const examples = readme.examples.filter((example) => example.fragment === undefined);
      const label = readme.pkg.dir.split('/').pop() ?? 'package';
      const dir = freshProject(manager, label, readme.install, packedTarballs());
      try {
        compileNodeExamples(dir, examples);
        for (const example of examples) runNodeExample(dir, example);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
