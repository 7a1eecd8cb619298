import { InputError } from '../errors';
import type { Params } from '../stax/types';
import { checkSameStructure, cloneParams, leaves } from './tree';

/**
 * θ_a + θ_b as a new tree; neither argument changes (like `jax.tree_util`
 * arithmetic). For an update in place, use {@link axpy}.
 *
 * @example
 * ```ts
 * const moved = params.add(p0, params.scale(grad, -0.1)); // p0 − 0.1·∇, p0 unchanged
 * ```
 */
export function add(a: Params, b: Params): Params {
  return combine('params.add', a, b, 1);
}

/** θ_a − θ_b as a new tree; neither argument changes. */
export function sub(a: Params, b: Params): Params {
  return combine('params.sub', a, b, -1);
}

/** s·θ as a new tree; the argument does not change. */
export function scale(a: Params, s: number): Params {
  if (typeof s !== 'number' || !Number.isFinite(s)) throw new InputError(`params.scale: the factor must be a finite number, got ${String(s)}`);
  const out = cloneParams(a);
  for (const v of leaves(out)) for (let i = 0; i < v.length; i++) v[i] *= s;
  return out;
}

function combine(where: string, a: Params, b: Params, sign: 1 | -1): Params {
  checkSameStructure(where, a, b);
  const out = cloneParams(a);
  const lo = leaves(out);
  const lb = leaves(b);
  for (let k = 0; k < lo.length; k++) {
    const v = lo[k];
    const u = lb[k];
    for (let i = 0; i < v.length; i++) v[i] += sign * u[i];
  }
  return out;
}
