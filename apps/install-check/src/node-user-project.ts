import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ReadmeExample } from './readme-examples.js';
import { runCommand } from './run-command.js';
import { swiftshaderEnv } from './swiftshader-env.js';
import { tscPath } from './typescript.js';

/**
 * A strict Node user project: `strict`, NodeNext modules, the compiler's default `lib`
 * for the target, library checks on (no skipLibCheck) and `types` left at its default
 * (every @types package installed, nothing else) — so a declaration file that leans on
 * a global its package does not bring (GPUDevice without @webgpu/types) fails here.
 */
export const nodeTsconfig = {
  compilerOptions: {
    strict: true,
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    skipLibCheck: false,
    rootDir: 'src',
    outDir: 'dist',
  },
  include: ['src'],
};

/** Writes each example to src/<id>.ts, type-checks and compiles the project. */
export function compileNodeExamples(dir: string, examples: readonly ReadmeExample[]): void {
  mkdirSync(join(dir, 'src'), { recursive: true });
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(nodeTsconfig, null, 2) + '\n');
  for (const example of examples) writeFileSync(join(dir, 'src', `${example.id}.ts`), example.code);
  runCommand(process.execPath, [tscPath, '-p', '.'], { cwd: dir });
}

/** Runs a compiled example with Node, in the environment the gpu-runtime README asks for. */
export function runNodeExample(dir: string, example: ReadmeExample): void {
  runCommand(process.execPath, [join('dist', `${example.id}.js`)], { cwd: dir, env: swiftshaderEnv(), timeoutMs: 180_000 });
}
