import type { KernelAffine } from '../stax/kernel-state';

/**
 * An activation's dual as one of the closed forms of `duals.h`, with the
 * parameters its `dual` uses; the native code computes exactly `dual`'s
 * values from them.
 */
export type NativeDual =
  | { readonly kind: 'abRelu'; readonly factor: number; readonly half: number }
  | { readonly kind: 'erf'; readonly twoB2: number; readonly scale: number; readonly shift: number; readonly dotScale: number };

/** How many numbers describe a step in `duals.h` (STEP_SIZE). */
export const STEP_SIZE = 10;
const KINDS = { abRelu: 0, erf: 1 } as const;

/** A step's numbers in the layout of `duals.h`: the dense map before the dual (identity when null), the dual's kind, its parameters. */
export function stepNumbers(affine: KernelAffine | null, dual: NativeDual): number[] {
  const { a, b, c, d, e } = affine ?? { a: 1, b: 0, c: 1, d: 0, e: 0 };
  const own = dual.kind === 'abRelu' ? [dual.factor, dual.half, 0, 0] : [dual.twoB2, dual.scale, dual.shift, dual.dotScale];
  return [a, b, c, d, e, KINDS[dual.kind], ...own];
}
