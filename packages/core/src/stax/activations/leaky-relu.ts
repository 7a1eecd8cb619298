import type { ActivationLayer } from '../activation';
import { abReluLayer } from './ab-relu';

/** φ(x) = max(x, αx) for 0 ≤ α < 1 (slope α for x < 0), closed form as `abRelu(alpha, 1)`. */
export function leakyRelu(alpha: number): ActivationLayer {
  return abReluLayer(alpha, 1, `LeakyRelu(${alpha})`, { type: 'leakyRelu', args: [alpha] });
}
