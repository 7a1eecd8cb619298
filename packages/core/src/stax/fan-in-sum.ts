import type { Tensor } from '@tensorflow/tfjs';
import { InputError, ShapeError } from '../errors';
import { isKernelList, materialize, sameRepresentation, type Kernels, type KernelState } from './kernel-state';
import { layerType } from './registry';
import { describeDims, sameDims } from './shapes';
import { addTensors, isSingle } from './tensors';
import type { Dims, LayerImpl, Tensors } from './types';

function sumArrays(arrays: readonly Float64Array[]): Float64Array {
  const out = arrays[0].slice();
  for (let b = 1; b < arrays.length; b++) {
    const a = arrays[b];
    for (let i = 0; i < out.length; i++) out[i] += a[i];
  }
  return out;
}

/**
 * Sums its input branches (the join of a residual block). In the infinite-width
 * limit the branches are independent centred Gaussian processes — each ends in
 * its own dense layer, or is the one branch that does not — so the kernels add:
 * 𝒦 = Σ 𝒦ᵢ, Θ = Σ Θᵢ (Neural Tangents' `FanInSum`).
 */
export const fanInSum = layerType({ type: 'fanInSum', create: fanInSumImpl });

function fanInSumImpl(): LayerImpl {
  const name = 'FanInSum';
  const list = <T>(x: T | readonly T[], what: string): readonly T[] => {
    if (!Array.isArray(x)) throw new ShapeError(`stax.fanInSum: expects several branches (from stax.fanOut + stax.parallel) but got one ${what}`);
    return x as readonly T[];
  };
  return {
    name,
    outputDim(d: Dims) {
      const dims = list(d, 'input');
      if (dims.some((di) => Array.isArray(di) || !sameDims(di, dims[0]))) {
        throw new ShapeError(
          `stax.fanInSum: branches have different widths (${dims.map((di) => (typeof di === 'number' ? di : describeDims(di))).join(', ')}); every branch must end with the same shape, e.g. a dense layer of the same width`,
        );
      }
      return dims[0];
    },
    initFn(_key, inputDim) {
      return { outputDim: list(inputDim, 'input')[0], params: null };
    },
    forward(_p, x) {
      if (isSingle(x)) throw new ShapeError('stax.fanInSum: expects several branches (from stax.fanOut + stax.parallel) but got one input');
      return { out: x.reduce(addTensors), cache: x.length };
    },
    backward: (_p, cache, gOut) => ({ gIn: Array.from({ length: cache as number }, () => gOut), gParams: null }),
    jvp(_p, x, _t, tx) {
      const xs = list(x as readonly Tensors[], 'matrix');
      return { out: xs.reduce(addTensors), tOut: (tx as readonly Tensors[]).reduce(addTensors) };
    },
    kernelRule(k: Kernels) {
      if (!isKernelList(k)) throw new ShapeError('stax.fanInSum: expects several branches (from stax.fanOut + stax.parallel) but got one kernel');
      if (k.some((ki) => isKernelList(ki))) throw new ShapeError('stax.fanInSum: nested branches; join inner branches first');
      const ks = (k as readonly KernelState[]).map(materialize);
      const widths = ks.map((ki) => ki.width);
      if (widths.some((w) => w !== widths[0])) {
        throw new ShapeError(`stax.fanInSum: branches have different widths (${widths.join(', ')}); every branch must end with the same number of features`);
      }
      sameRepresentation('stax.fanInSum', ks);
      if (ks.length > 1 && !ks.every((ki) => ki.isGaussian)) {
        throw new InputError(
          'stax.fanInSum: in the infinite-width limit every summed branch must be a centred Gaussian process, i.e. end in a dense layer (or be an identity of one); add stax.dense(...) at the end of each branch',
        );
      }
      const ntks = ks.map((ki) => ki.ntk);
      const cov1 = sumArrays(ks.map((ki) => ki.cov1));
      const out: KernelState = {
        ...ks[0],
        nngp: sumArrays(ks.map((ki) => ki.nngp)),
        ntk: ntks.every((t) => t !== null) ? sumArrays(ntks as Float64Array[]) : null,
        cov1,
        cov2: ks[0].x1IsX2 ? cov1 : sumArrays(ks.map((ki) => ki.cov2)),
        isGaussian: ks.every((ki) => ki.isGaussian),
        hasTrainable: ks.some((ki) => ki.hasTrainable),
      };
      return out;
    },
    tfjs: () => (tf, h) => (h as readonly Tensor[]).reduce((acc, t) => tf.add(acc, t)),
  };
}
