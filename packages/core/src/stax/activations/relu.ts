import type { Layer } from '../types';
import { abReluLayer } from './ab-relu';

/** φ(x) = max(x, 0), with the closed-form arc-cosine kernel of eqs. (S14)–(S16). */
export function relu(): Layer {
  return abReluLayer(0, 1, 'Relu', { type: 'relu', args: [] });
}
