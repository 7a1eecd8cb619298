import { activationType } from '../activation';
import { abReluActivation } from './ab-relu';

/** φ(x) = max(x, 0), with the closed-form arc-cosine kernel of Lee et al. 2019, eqs. (S14)–(S16). */
export const relu = activationType({
  type: 'relu',
  create: () => ({ ...abReluActivation('Relu', 0, 1), tfjs: (tf, h) => tf.relu(h) }),
});
