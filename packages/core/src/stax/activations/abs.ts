import type { ActivationLayer } from '../activation';
import { abReluLayer } from './ab-relu';

/** φ(x) = |x|, closed form as `abRelu(-1, 1)`. */
export function abs(): ActivationLayer {
  return abReluLayer(-1, 1, 'Abs', { type: 'abs', args: [] });
}
