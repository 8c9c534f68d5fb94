import { describe, expect, it } from 'vitest';
import { runCommand } from '../src/run-command.js';
import { readPackageJson, repoRoot } from '../src/workspace.js';

// `pnpm format` runs the root's prettier with the root's .prettierrc.json: it must be
// installed there (it once was called without being a dependency).
describe('pnpm format', () => {
  it('runs prettier from the repository root', () => {
    expect(readPackageJson(repoRoot).scripts?.['format']).toMatch(/^prettier /);
    expect(runCommand('pnpm', ['exec', 'prettier', '--version'], { cwd: repoRoot }).trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('finds this lane formatted', () => {
    runCommand('pnpm', ['exec', 'prettier', '--check', 'apps/install-check'], { cwd: repoRoot });
  });
});
