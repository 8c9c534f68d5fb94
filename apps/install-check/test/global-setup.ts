import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { packWorkspace } from '../src/pack-workspace.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Package name → packed tarball, made once for every test file. */
    tarballs: Record<string, string>;
  }
}

// Packs every publishable package once (they must be built: turbo runs `build` of each
// before this lane's `test`), and removes the tarballs afterwards.
export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'unroll-tarballs-'));
  project.provide('tarballs', Object.fromEntries(packWorkspace(dir)));
  return () => {
    rmSync(dir, { recursive: true, force: true });
  };
}
