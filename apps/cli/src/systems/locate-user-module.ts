import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';

/**
 * The file `--system <path>` names. A relative path is read from the working directory;
 * when no file is there, from `INIT_CWD` — the folder the user was in when a package
 * manager started the CLI (`pnpm unroll …` run from a folder below the repository's root
 * runs the script in the root, but the user wrote the path from where they were). Returns
 * the first candidate when neither exists, for the error message.
 */
export function locateUserModule(path: string, cwd: string = process.cwd(), env: NodeJS.ProcessEnv = process.env): string {
  const here = resolve(cwd, path);
  const started = env['INIT_CWD'];
  if (existsSync(here) || isAbsolute(path) || started === undefined || started === '') return here;
  const there = resolve(started, path);
  return existsSync(there) ? there : here;
}
