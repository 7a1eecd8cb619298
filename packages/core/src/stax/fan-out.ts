import { positiveInteger } from '../options';
import { cloneKernels } from './kernel-state';
import { makeLayer } from './make-layer';
import { addTensors, zerosLike } from './tensors';
import type { Layer, Tensors } from './types';

/**
 * Copies its input into `n` branches (for residual or multi-path networks).
 * The backward pass sums the branches' gradients.
 */
export function fanOut(n: number): Layer {
  positiveInteger('stax.fanOut', 'n', n);
  const copies = <T>(x: T): T[] => Array.from({ length: n }, () => x);
  return makeLayer({
    name: `FanOut(${n})`,
    spec: { type: 'fanOut', args: [n] },
    outputDim: (d) => copies(d),
    initFn: (_key, inputDim) => ({ outputDim: copies(inputDim), params: null }),
    forward: (_p, x) => ({ out: copies(x), cache: null }),
    backward: (_p, _cache, gOut) => ({ gIn: (gOut as readonly Tensors[]).reduce(addTensors), gParams: null }),
    jvp: (_p, x, _t, tx) => ({ out: copies(x), tOut: copies(tx ?? zerosLike(x)) }),
    // Kernel rules update states in place, so every branch gets its own copy.
    kernelRule: (k) => Array.from({ length: n }, (_, i) => (i === 0 ? k : cloneKernels(k))),
  });
}
