import { inject } from 'vitest';
import type { Tarballs } from '../src/pack-workspace.js';

/** The tarballs global-setup packed, as a map. */
export function packedTarballs(): Tarballs {
  return new Map(Object.entries(inject('tarballs')));
}
