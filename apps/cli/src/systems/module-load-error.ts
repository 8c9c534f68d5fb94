import { fileURLToPath } from 'node:url';
import { cliPackage } from '../cli-package.js';

/** The folder of the CLI's built files: a path there means nothing to a user. */
const cliDir = fileURLToPath(new URL('.', import.meta.url));

function errorCode(error: unknown): string {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
}

/**
 * What to tell a user whose `--system` module failed to load, in one line that says what
 * to do. Node's messages name the importing file; when that is one of the CLI's own
 * bundled chunks (`… imported from …/dist/chunk-XYZ.js`) it is left out, since the user
 * never wrote it.
 */
export function describeModuleLoadError(error: unknown, path: string): string {
  const message = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
  const missingPackage = /^Cannot find package '([^']+)'/.exec(message)?.[1];
  if (errorCode(error) === 'ERR_MODULE_NOT_FOUND' && missingPackage !== undefined) {
    const name = missingPackage.startsWith('@') ? missingPackage.split('/').slice(0, 2).join('/') : (missingPackage.split('/')[0] ?? missingPackage);
    const lent = cliPackage().dependencies.filter((d) => d.startsWith('@unroll/'));
    if (name.startsWith('@unroll/') && !lent.includes(name)) return `system module ${path} imports "${name}", which is not a package of unroll; its packages: ${lent.join(', ')}.`;
    return `system module ${path} imports "${name}", which is not installed where the module is: install it there (npm install ${name}).`;
  }
  const cleaned = message.replace(/ imported from (\S+)/, (whole, importer: string) => (importer.replace(/^file:\/\//, '').startsWith(cliDir) ? '' : whole));
  return `cannot load system module ${path}: ${cleaned}`;
}
