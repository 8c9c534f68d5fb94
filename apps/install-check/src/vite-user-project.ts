import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ReadmeExample } from './readme-examples.js';
import { runCommand } from './run-command.js';
import { tscPath } from './typescript.js';

/** The Vite the browser check builds with (Vite 7 runs on Node 20). */
export const viteVersion = '7.3.8';

/**
 * A strict Vite user project, as `npm create vite` (vanilla-ts) sets it up but with
 * library checks on and `types` left at its default: bundler resolution, DOM libs.
 */
export const viteTsconfig = {
  compilerOptions: {
    strict: true,
    target: 'ES2022',
    lib: ['ES2022', 'DOM', 'DOM.Iterable'],
    module: 'ESNext',
    moduleResolution: 'bundler',
    noEmit: true,
    skipLibCheck: false,
    isolatedModules: true,
    moduleDetection: 'force',
  },
  include: ['src'],
};

/** The page: runs each example in turn and leaves `{ id: 'ok' | error }` on `<body data-results>`. */
function mainModule(examples: readonly ReadmeExample[]): string {
  const loaders = examples.map((example) => `  ${JSON.stringify(example.id)}: () => import('./${example.id}'),`).join('\n');
  return `const examples: Record<string, () => Promise<unknown>> = {
${loaders}
};
const results: Record<string, string> = {};
for (const [id, load] of Object.entries(examples)) {
  try {
    await load();
    results[id] = 'ok';
  } catch (error) {
    results[id] = error instanceof Error ? \`\${error.name}: \${error.message}\` : String(error);
  }
}
document.body.dataset['results'] = JSON.stringify(results);
`;
}

/**
 * Writes the examples and a page that runs them into a project where the packages and
 * `vite` are installed, type-checks it and builds it. Returns the built site's folder.
 * The build targets ES2022: the gpu-runtime example awaits at top level.
 */
export function buildViteExamples(dir: string, examples: readonly ReadmeExample[]): string {
  mkdirSync(join(dir, 'src'), { recursive: true });
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(viteTsconfig, null, 2) + '\n');
  writeFileSync(join(dir, 'vite.config.js'), "export default { build: { target: 'es2022' } };\n");
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html>\n<html><head><meta charset="utf-8"><title>unroll examples</title></head>\n<body><script type="module" src="/src/main.ts"></script></body></html>\n',
  );
  writeFileSync(join(dir, 'src', 'main.ts'), mainModule(examples));
  for (const example of examples) writeFileSync(join(dir, 'src', `${example.id}.ts`), example.code);
  runCommand(process.execPath, [tscPath, '-p', '.'], { cwd: dir });
  runCommand(process.execPath, [join('node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], { cwd: dir });
  return join(dir, 'dist');
}
