import { registerActivationType, type ActivationImpl, type ActivationType } from './activation';
import { registerLayerType, type LayerFactory, type LayerType } from './registry';
import type { LayerImpl } from './types';

/**
 * Defines a new layer type from outside the library and returns its factory:
 * after this one call the layer composes with every other, computes kernels
 * (also on worker threads, given `module`), trains, and runs on the tfjs
 * engine when `create` gives a `tfjs` op. See {@link defineActivation} for
 * the common case of a pointwise activation.
 */
export function defineLayer<A extends readonly unknown[], I extends LayerImpl>(record: LayerType<A, I>): LayerFactory<A, I> {
  return registerLayerType(record, false);
}

/**
 * Defines a new pointwise activation from φ, φ′ and its dual (eq. S1 of Lee
 * et al. 2019), and optionally its tfjs op, and returns its factory.
 *
 * @example
 * ```ts
 * // φ(x) = x²: E[u²v²] = q11·q22 + 2·q12², E[2u·2v] = 4·q12.
 * const square = stax.defineActivation({
 *   type: 'square',
 *   module: __filename,                       // lets worker threads load it
 *   create: () => ({
 *     name: 'Square',
 *     fn: (x) => x * x,
 *     grad: (x) => 2 * x,
 *     dual(q11, q12, q22, out, wantDot) {
 *       out[0] = q11 * q22 + 2 * q12 * q12;
 *       if (wantDot) out[1] = 4 * q12;
 *     },
 *     tfjs: (tf, h) => tf.square(h),
 *   }),
 * });
 * const net = stax.serial(stax.dense(64), square(), stax.dense(1));
 * ```
 */
export function defineActivation<A extends readonly unknown[]>(record: ActivationType<A>): LayerFactory<A, ActivationImpl> {
  return registerActivationType(record, false);
}
