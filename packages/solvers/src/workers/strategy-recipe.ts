import { clipped, diagonal, full, identity, scaled, zero, type Strategy } from '@unroll/linearize';
import type { LinearizationRecipe } from '../methods.js';

/**
 * The strategy a built-in method's recipe names (methods.ts), rebuilt where the method
 * value cannot go — in a worker, which receives the recipe as data: the Jacobian form
 * (full, its diagonal, I or 0), then the scale (1 − k) or the clamp of scale- and clip-ELK.
 */
export function strategyFromRecipe(recipe: LinearizationRecipe): Strategy {
  const base = recipe.jacobian === 'full' ? full() : recipe.jacobian === 'diagonal' ? diagonal() : recipe.jacobian === 'identity' ? identity() : zero();
  if (recipe.clip !== undefined) return clipped({ lo: recipe.clip.lo, hi: recipe.clip.hi, base });
  if (recipe.k !== undefined) return scaled(recipe.k, base);
  return base;
}
