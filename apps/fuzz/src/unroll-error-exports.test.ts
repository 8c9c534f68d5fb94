import { UnrollError as fromGpu } from '@unroll/gpu-runtime';
import { UnrollError as fromLinearize } from '@unroll/linearize';
import { UnrollError } from '@unroll/scan';
import { UnrollError as fromSolvers } from '@unroll/solvers';
import { UnrollError as fromSystems } from '@unroll/systems';
import { UnrollError as fromTheory } from '@unroll/theory';
import { describe, expect, it } from 'vitest';

describe('UnrollError', () => {
  it('is importable from every package, and is the one class (instanceof works across them)', () => {
    for (const E of [fromLinearize, fromSolvers, fromSystems, fromTheory, fromGpu]) expect(E).toBe(UnrollError);
  });
});
