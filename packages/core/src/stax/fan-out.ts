import { positiveInteger } from '../options';
import { cloneKernels } from './kernel-state';
import { anyNeed } from './make-layer';
import { layerType } from './registry';
import { addTensors, zerosLike } from './tensors';
import type { LayerImpl, Tensors } from './types';

/**
 * Copies its input into `n` branches (for residual or multi-path networks).
 * The backward pass sums the branches' gradients.
 */
export const fanOut = layerType({ type: 'fanOut', create: fanOutImpl });

function fanOutImpl(n: number): LayerImpl {
  positiveInteger('stax.fanOut', 'n', n);
  const copies = <T>(x: T): T[] => Array.from({ length: n }, () => x);
  return {
    name: `FanOut(${n})`,
    outputDim: (d) => copies(d),
    initFn: (_key, inputDim) => ({ outputDim: copies(inputDim), params: null }),
    forward: (_p, x) => ({ out: copies(x), cache: null }),
    backward: (_p, _cache, gOut) => ({ gIn: (gOut as readonly Tensors[]).reduce(addTensors), gParams: null }),
    jvp: (_p, x, _t, tx) => ({ out: copies(x), tOut: copies(tx ?? zerosLike(x)) }),
    // Kernel rules update states in place, so every branch gets its own copy.
    kernelRule: (k) => Array.from({ length: n }, (_, i) => (i === 0 ? k : cloneKernels(k))),
    tfjs: () => (_tf, h) => copies(h),
    // One input feeds every branch: it keeps what any of them needs.
    spatialNeed: (downstream) => anyNeed(downstream),
  };
}
