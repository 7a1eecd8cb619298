import { checkOptions } from '../../options';
import { activationType } from '../activation';
import { checkTol, DEFAULT_TOL, sharedHermiteSeries } from './hermite-series';

/** φ′ = 1 − tanh², one function for every tanh layer, so that they share one series activation (`sharedHermiteSeries`). */
function tanhGrad(x: number): number {
  const t = Math.tanh(x);
  return 1 - t * t;
}

/**
 * φ(x) = tanh(x). It has no closed-form dual; its kernels come from the
 * Hermite series of `stax.elementwise` (Mehler's formula, see
 * `hermite-series.ts`) to relative accuracy `tol` (default 1e−10), with the
 * exact derivative 1 − tanh². Entry-wise in (q11, q12, q22), so a spatial
 * version applies it per pair of positions.
 *
 * @example
 * ```ts
 * const net = stax.serial(stax.dense(512, { wStd: 1.5, bStd: 0.05 }), stax.tanh(), stax.dense(1));
 * ```
 */
export const tanh = activationType({
  type: 'tanh',
  create: (options: { tol?: number } = {}) => {
    checkOptions('stax.tanh', options, ['tol']);
    const tol = checkTol('stax.tanh', options.tol ?? DEFAULT_TOL);
    return {
      ...sharedHermiteSeries(`Tanh(tol=${tol})`, Math.tanh, tol, tanhGrad),
      tfjs: (tf, h) => tf.tanh(h),
    };
  },
  toSpec: (options: { tol?: number } = {}) => [{ tol: options.tol ?? DEFAULT_TOL }],
});
