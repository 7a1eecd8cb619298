import { activationLayer, type ActivationLayer } from '../activation';
import { readScaleOptions, type ScaleOptions } from './scale-options';
import { sinActivation } from './sin';

/** φ(x) = a·cos(b·x + c) = a·sin(b·x + c + π/2), Neural Tangents' `Cos(a, b, c)`; closed-form kernels. */
export function cos(options: ScaleOptions = {}): ActivationLayer {
  const o = readScaleOptions('stax.cos', options);
  return activationLayer(`Cos(${o.a}, ${o.b}, ${o.c})`, { type: 'cos', args: [o] },
    sinActivation({ ...o, c: o.c + Math.PI / 2 }));
}
