import type { RecurrenceKernel } from './recurrence-kernel.js';
import type { Structure, StructureModule } from './structure.js';
import type { StructureWgsl } from './structure-wgsl.js';

/** What a built-in factory adds to its operations: its fast kernel and its worker address. */
export interface BuiltinCapabilities {
  /** The factory's name as the package exports it (`'blockDiagonal'`, not `'block-diagonal'`). */
  readonly exportName: string;
  /** The factory's arguments, so `exportName(...args)` rebuilds the same structure. */
  readonly args: readonly number[];
  /** A fresh specialised kernel (each owns its scratch). */
  readonly kernel: () => RecurrenceKernel;
  /** The algebra in WGSL, for the GPU (describes these exact operations, so a copy does not inherit it). */
  readonly wgsl?: StructureWgsl;
}

/**
 * Seals a built-in structure: its operations, plus `kernel` and `module` as the record's
 * own — non-enumerable — capabilities. They describe this exact record, so a copy made by
 * spreading it (`{ ...diagonal(3), name: 'mine', apply: … }`) does not inherit them: a
 * copy with a changed operation would otherwise run the built-in's loops, or be rebuilt
 * on a worker as the built-in. Every other capability is an operation and is copied.
 */
export function builtinStructure(own: BuiltinCapabilities, ops: Structure): Structure {
  const module: StructureModule = Object.freeze({ url: packageUrl(), exportName: own.exportName, args: Object.freeze([...own.args]) });
  Object.defineProperties(ops, {
    kernel: { value: own.kernel, enumerable: false },
    module: { value: module, enumerable: false },
    ...(own.wgsl === undefined ? {} : { wgsl: { value: own.wgsl, enumerable: false } }),
  });
  return Object.freeze(ops);
}

let cachedUrl: string | undefined;

/**
 * The URL of this package's built entry point, which exports every built-in factory —
 * what a worker thread imports to rebuild one. Once built, this code sits next to
 * `index.js` in `dist/`; run from the sources (tests), the built copy is `../dist/index.js`.
 */
function packageUrl(): string {
  if (cachedUrl !== undefined) return cachedUrl;
  let url = new URL('./index.js', import.meta.url);
  const p = (globalThis as { process?: Partial<typeof process> }).process;
  if (url.protocol === 'file:' && typeof p?.getBuiltinModule === 'function') {
    const fs = p.getBuiltinModule('node:fs');
    const built = new URL('../dist/index.js', import.meta.url);
    if (!fs.existsSync(url) && fs.existsSync(built)) url = built;
  }
  cachedUrl = url.href;
  return cachedUrl;
}
