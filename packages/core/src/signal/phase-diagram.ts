import { vectorArg, type VectorLike } from '../arrays/vector';
import { InputError } from '../errors';
import { Matrix } from '../matrix';
import type { ActivationLayer } from '../stax/activation';
import { meanField } from './mean-field';

/** χ₁ and the depth scale ξ_c over a grid of (σ_w², σ_b²). */
export interface PhaseDiagram {
  /** σ_w² values (columns). */
  wVar: number[];
  /** σ_b² values (rows). */
  bVar: number[];
  /** χ₁ at each (σ_b², σ_w²): rows follow bVar, columns wVar. The critical line is χ₁ = 1. */
  chi1: Matrix;
  /** ξ_c at each grid point (Infinity on the critical line). */
  xiC: Matrix;
}

/**
 * The order-to-chaos phase diagram (Poole et al. 2016; Schoenholz et al. 2017) for one activation.
 *
 * @example
 * ```ts
 * const d = signal.phaseDiagram(stax.erf(), { wVar: [0.5, 1, 2, 3], bVar: [0, 0.05, 0.1] });
 * d.chi1.get(0, 0) < 1; // ordered at small σ_w²
 * ```
 */
export function phaseDiagram(layer: ActivationLayer, grids: { wVar: VectorLike; bVar: VectorLike }): PhaseDiagram {
  // Plain arrays, so linspace(…) and other typed arrays are accepted as grids.
  const wVar = Array.from(vectorArg('signal.phaseDiagram', 'wVar', grids?.wVar));
  const bVar = Array.from(vectorArg('signal.phaseDiagram', 'bVar', grids?.bVar));
  for (const [name, grid] of [
    ['wVar', wVar],
    ['bVar', bVar],
  ] as const) {
    if (!grid.every((v) => v >= 0)) throw new InputError(`signal.phaseDiagram: ${name} must hold non-negative variances`);
  }
  if (!wVar.every((v) => v > 0)) throw new InputError('signal.phaseDiagram: wVar must be positive');
  const chi1 = new Matrix(bVar.length, wVar.length);
  const xiC = new Matrix(bVar.length, wVar.length);
  bVar.forEach((b2, i) => {
    wVar.forEach((w2, j) => {
      const mf = meanField(layer, { wStd: Math.sqrt(w2), bStd: Math.sqrt(b2) });
      chi1.set(i, j, mf.chi1);
      xiC.set(i, j, mf.xiC);
    });
  });
  return { wVar: [...wVar], bVar: [...bVar], chi1, xiC };
}
