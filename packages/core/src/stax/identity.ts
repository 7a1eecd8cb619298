import { makeLayer } from './make-layer';
import { zerosLike } from './tensors';
import type { Layer } from './types';

/** φ(x) = x. Passes inputs and kernels through unchanged (and keeps them Gaussian). */
export function identity(): Layer {
  return makeLayer({
    name: 'Identity',
    spec: { type: 'identity', args: [] },
    outputDim: (d) => d,
    initFn: (_key, inputDim) => ({ outputDim: inputDim, params: null }),
    forward: (_p, x) => ({ out: x, cache: null }),
    backward: (_p, _cache, gOut) => ({ gIn: gOut, gParams: null }),
    jvp: (_p, x, _t, tx) => ({ out: x, tOut: tx ?? zerosLike(x) }),
    kernelRule: (k) => k,
  });
}
