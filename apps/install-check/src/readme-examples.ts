import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { exampleExceptions } from './example-exceptions.js';
import { repoRoot, type WorkspacePackage } from './workspace.js';

export interface ReadmeExample {
  /** `scan-1`: the README's package folder and the block's place among its examples. */
  readonly id: string;
  /** The README's line where the block's code starts, for messages. */
  readonly line: number;
  readonly code: string;
  /** Bare module specifiers' package names the block imports (`@unroll/solvers`, …). */
  readonly imports: readonly string[];
  /** Set when the block is a continuation of another (see example-exceptions.ts). */
  readonly fragment?: string;
  /** Set when the block only runs in Node (see example-exceptions.ts). */
  readonly nodeOnly?: string;
}

export interface PackageReadme {
  readonly pkg: WorkspacePackage;
  /** `packages/scan/README.md`. */
  readonly path: string;
  /** The words after `pnpm add` on the README's install line, comment stripped. */
  readonly install: readonly string[];
  /** Every ts/js block that imports a package, in order. */
  readonly examples: readonly ReadmeExample[];
}

const fence = /^```([a-z]*)\s*$/;

/** The package a bare specifier names: `@unroll/scan/x` → `@unroll/scan`, `node:fs` → none. */
export function packageOfSpecifier(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

export function importedPackages(code: string): string[] {
  const specifiers = [
    ...[...code.matchAll(/(?:^|\s)(?:import|export)\s[^;]*?\sfrom\s+['"]([^'"]+)['"]/gm)].map((match) => match[1]),
    ...[...code.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((match) => match[1]),
  ];
  const found = new Set<string>();
  for (const specifier of specifiers) {
    const pkg = packageOfSpecifier(specifier);
    if (pkg !== undefined) found.add(pkg);
  }
  return [...found].sort();
}

/**
 * Reads a package's README: its `pnpm add …` install line (the first in a sh block) and
 * every ts/js block that imports something. A README without an install line is an
 * error: each package's README says how to install it (DESIGN.md §8).
 */
export function readPackageReadme(pkg: WorkspacePackage): PackageReadme {
  const path = `${pkg.dir}/README.md`;
  const lines = readFileSync(join(repoRoot, path), 'utf8').split('\n');
  const folder = pkg.dir.split('/').pop() ?? pkg.dir;
  let install: string[] | undefined;
  const examples: ReadmeExample[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = fence.exec(lines[i] ?? '');
    if (open === null) continue;
    const lang = open[1];
    const start = i + 1;
    let end = start;
    while (end < lines.length && !(lines[end] ?? '').startsWith('```')) end++;
    const body = lines.slice(start, end);
    i = end;
    if (lang === 'sh' && install === undefined) {
      const add = body.map((line) => line.replace(/#.*$/, '').trim()).find((line) => line.startsWith('pnpm add '));
      if (add !== undefined) install = add.slice('pnpm add '.length).trim().split(/\s+/);
      continue;
    }
    if (lang !== 'ts' && lang !== 'js') continue;
    const code = body.join('\n') + '\n';
    const imports = importedPackages(code);
    if (imports.length === 0) continue;
    const id = `${folder}-${examples.length + 1}`;
    const firstLine = body.find((line) => line.trim() !== '')?.trim() ?? '';
    const exception = exampleExceptions.find((e) => e.readme === path && e.firstLine === firstLine);
    examples.push({
      id,
      line: start + 1,
      code,
      imports,
      ...(exception?.fragment === undefined ? {} : { fragment: exception.fragment }),
      ...(exception?.nodeOnly === undefined ? {} : { nodeOnly: exception.nodeOnly }),
    });
  }
  if (install === undefined)
    throw new Error(`${path} has no install line: add a \`\`\`sh block with \`pnpm add ${pkg.manifest.name} …\` naming every package its examples import.`);
  return { pkg, path, install, examples };
}
