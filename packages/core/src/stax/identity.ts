import { layerType } from './registry';
import { zerosLike } from './tensors';

/** φ(x) = x. Passes inputs and kernels through unchanged (and keeps them Gaussian). */
export const identity = layerType({
  type: 'identity',
  create: () => ({
    name: 'Identity',
    outputDim: (d) => d,
    initFn: (_key, inputDim) => ({ outputDim: inputDim, params: null }),
    forward: (_p, x) => ({ out: x, cache: null }),
    backward: (_p, _cache, gOut) => ({ gIn: gOut, gParams: null }),
    jvp: (_p, x, _t, tx) => ({ out: x, tOut: tx ?? zerosLike(x) }),
    kernelRule: (k) => k,
    tfjs: () => (_tf, h) => h,
  }),
});
