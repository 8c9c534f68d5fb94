import { denseLimit, methodNames, type Method } from '@unroll/solvers';
import { UsageError } from './usage-error.js';

/** Every method `--methods` accepts (the solvers' `methodNames`), sequential excluded: it is always run as the reference. */
export const parallelMethods: readonly Exclude<Method, 'sequential'>[] = methodNames.filter((m): m is Exclude<Method, 'sequential'> => m !== 'sequential');

/** Methods with an O(D³) dense scan: left out of the default list above this dimension (the project's one dense limit). */
export const denseMethodLimit = denseLimit;

/** The default comparison: the unifying framework's four LDS choices (DEER only while dense is cheap). */
export function defaultMethods(D: number): Exclude<Method, 'sequential'>[] {
  return D <= denseMethodLimit ? ['deer', 'quasi-deer', 'picard', 'jacobi'] : ['quasi-deer', 'picard', 'jacobi'];
}

/** Parses `--methods a,b,c`, naming the valid methods on a typo. */
export function parseMethods(text: string | undefined, D: number): Exclude<Method, 'sequential'>[] {
  if (text === undefined) return defaultMethods(D);
  const names = text.split(',').map((s) => s.trim()).filter((s) => s !== '' && s !== 'sequential');
  if (names.length === 0) throw new UsageError(`--methods needs at least one parallel method: ${parallelMethods.join(', ')}.`);
  return names.map((name) => {
    const m = parallelMethods.find((p) => p === name);
    if (m === undefined) throw new UsageError(`unknown method "${name}"; valid methods: ${parallelMethods.join(', ')}.`);
    return m;
  });
}
