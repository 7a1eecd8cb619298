import { activationType } from '../activation';
import { readScaleOptions, type ScaleOptions } from './scale-options';
import { sinActivation } from './sin';

/** φ(x) = a·cos(b·x + c) = a·sin(b·x + c + π/2), Neural Tangents' `Cos(a, b, c)`; closed-form kernels. */
export const cos = activationType({
  type: 'cos',
  create: (options: ScaleOptions = {}) => {
    const { a, b, c } = readScaleOptions('stax.cos', options);
    return {
      ...sinActivation(`Cos(${a}, ${b}, ${c})`, { a, b, c: c + Math.PI / 2 }),
      tfjs: (tf, h) => tf.mul(tf.cos(tf.add(tf.mul(h, b), c)), a),
    };
  },
  toSpec: (options: ScaleOptions = {}) => [readScaleOptions('stax.cos', options)],
});
