import type { ActivationLayer } from '../activation';
import { abReluLayer } from './ab-relu';

/** φ(x) = max(x, 0), with the closed-form arc-cosine kernel of eqs. (S14)–(S16). */
export function relu(): ActivationLayer {
  return abReluLayer(0, 1, 'Relu', { type: 'relu', args: [] });
}
