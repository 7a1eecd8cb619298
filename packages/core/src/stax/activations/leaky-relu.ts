import { activationType } from '../activation';
import { abReluActivation } from './ab-relu';

/** φ(x) = max(x, αx) for 0 ≤ α < 1 (slope α for x < 0), closed form as `abRelu(alpha, 1)`. */
export const leakyRelu = activationType({
  type: 'leakyRelu',
  create: (alpha: number) => abReluActivation(`LeakyRelu(${alpha})`, alpha, 1),
});
