import { clipped, diagonal, full, identity, scaled, zero, type Strategy } from '@unroll/linearize';
import { UnrollError } from '@unroll/scan';
import type { Method, SolveOptions } from './solve-options.js';

const methods: readonly Method[] = ['sequential', 'deer', 'quasi-deer', 'picard', 'jacobi', 'elk', 'quasi-elk', 'scale-elk', 'clip-elk'];

/** The strategy behind a method name (DESIGN.md §1 table; `'scale-elk'` scales the full Jacobian). */
export function strategyFor(method: Method | Strategy, opts: SolveOptions): Strategy {
  if (typeof method === 'object') return method;
  const name: unknown = method;
  switch (name) {
    case 'deer':
      return full();
    case 'quasi-deer':
      return diagonal();
    case 'picard':
      return identity();
    case 'jacobi':
      return zero();
    case 'clip-elk':
      return clipped();
    case 'scale-elk':
      if (opts.k === undefined) {
        throw new UnrollError('INVALID_ARGUMENT', "solve: method 'scale-elk' needs k ∈ [0, 1] (Ã_t = (1 − k)·J); pass { k }.");
      }
      return scaled(opts.k, full());
    case 'elk':
      return full();
    case 'quasi-elk':
      return diagonal();
    default:
      throw new UnrollError('INVALID_ARGUMENT', `solve: unknown method '${String(name)}'; use one of ${methods.join(', ')}, or a Strategy.`);
  }
}
