import { activationType } from '../activation';
import { abReluActivation } from './ab-relu';

/** φ(x) = |x|, closed form as `abRelu(-1, 1)`. */
export const abs = activationType({
  type: 'abs',
  create: () => ({ ...abReluActivation('Abs', -1, 1), tfjs: (tf, h) => tf.abs(h) }),
});
