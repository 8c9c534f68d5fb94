import { clipped, diagonal, full, identity, scaled, zero, type Strategy } from '@unroll/linearize';
import { UnrollError } from '@unroll/scan';
import { describe } from './run-controls.js';
import type { Method, SolveOptions } from './solve-options.js';

const methods: readonly Method[] = ['sequential', 'deer', 'quasi-deer', 'picard', 'jacobi', 'elk', 'quasi-elk', 'scale-elk', 'clip-elk'];

/** The name of a method option: a built-in name, or a strategy's `name`; anything else is refused. */
export function methodName(where: string, method: unknown): string {
  if (typeof method === 'string') {
    if ((methods as readonly string[]).includes(method)) return method;
    throw new UnrollError('INVALID_ARGUMENT', `${where}: unknown method '${method}'; use one of ${methods.join(', ')}, or a Strategy.`);
  }
  const s = method as Partial<Strategy> | null;
  if (typeof s !== 'object' || s === null || typeof s.name !== 'string' || typeof s.structure !== 'function' || typeof s.prepare !== 'function') {
    throw new UnrollError(
      'INVALID_ARGUMENT',
      `${where}: method must be one of ${methods.join(', ')}, or a Strategy ({ name, structure(D), prepare(dyn) } — build one with defineStrategy or full(), diagonal(), …), got ${describe(method)}.`,
    );
  }
  return s.name;
}

/** The strategy behind a method (DESIGN.md §1 table; `'scale-elk'` scales the full Jacobian). Validate with `methodName` first. */
export function strategyFor(where: string, method: Method | Strategy, opts: SolveOptions): Strategy {
  if (typeof method === 'object') return method;
  switch (method) {
    case 'deer':
    case 'elk':
      return full();
    case 'quasi-deer':
    case 'quasi-elk':
      return diagonal();
    case 'picard':
      return identity();
    case 'jacobi':
      return zero();
    case 'clip-elk':
      return clipped();
    case 'scale-elk': {
      const k: unknown = opts.k;
      if (typeof k !== 'number' || !(k >= 0 && k <= 1)) {
        throw new UnrollError('INVALID_ARGUMENT', `${where}: method 'scale-elk' needs k ∈ [0, 1] (Ã_t = (1 − k)·J), got ${describe(k)}; pass { k }.`);
      }
      return scaled(k, full());
    }
    default:
      throw new UnrollError('INVALID_ARGUMENT', `${where}: method '${method}' has no fixed-point strategy.`);
  }
}
