/**
 * Turns an example's source (an ES module importing `@unroll/*`) into a module the worker
 * can load from a Blob URL: a Blob module cannot resolve bare package names, so each
 * `import { a, b as c } from '@unroll/x'` reads the worker's own copy of the package from
 * `globalThis.__unroll` instead. Anything else imported is refused with what to do.
 */
export function rewriteImports(source: string): string {
  return source.replace(/^\s*import\s+(type\s+)?([^;]*?)\s+from\s+['"]([^'"]+)['"];?/gm, (_all, typeOnly: string | undefined, clause: string, from: string) => {
    if (typeOnly !== undefined) return '';
    if (!from.startsWith('@unroll/')) throw new Error(`Live examples can import only the @unroll packages (found '${from}'); paste what you need from '${from}' into the example itself.`);
    const named = /^\{([^}]*)\}$/.exec(clause.trim());
    if (named === null) throw new Error(`Live examples import named exports: write import { … } from '${from}' (found import ${clause}).`);
    const bindings = named[1]
      .split(',')
      .map((b) => b.trim())
      .filter((b) => b !== '' && !b.startsWith('type '))
      .map((b) => b.replace(/\s+as\s+/, ': '));
    return `const { ${bindings.join(', ')} } = globalThis.__unroll[${JSON.stringify(from)}];`;
  });
}
