import type { Tensor as TfTensor } from '@tensorflow/tfjs';
import { InputError, ShapeError } from '../errors';
import type { Matrix } from '../matrix';
import type { Tensor } from '../tensor';
import { sharedFloat64 } from '../workers/pool';
import { isKernelList, materialize, sameRepresentation, type Kernels, type KernelState } from './kernel-state';
import { layerType } from './registry';
import { describeDims, sameDims, withData } from './shapes';
import { isSingle } from './tensors';
import type { Dims, LayerImpl, Tensors } from './types';

function branches(x: Tensors, what: string): readonly (Matrix | Tensor)[] {
  if (isSingle(x)) throw new ShapeError(`stax.fanInProd: expects several branches (from stax.fanOut + stax.parallel) but got one ${what}`);
  if (!x.every(isSingle)) throw new ShapeError('stax.fanInProd: nested branches; join inner branches first');
  return x as readonly (Matrix | Tensor)[];
}

/** The product of all branches but `skip`, entry by entry (positions and channels alike). */
function productExcept(xs: readonly (Matrix | Tensor)[], skip: number): Matrix | Tensor {
  const out = new Float64Array(xs[0].data.length).fill(1);
  xs.forEach((x, b) => {
    if (b === skip) return;
    for (let i = 0; i < out.length; i++) out[i] *= x.data[i];
  });
  return withData(xs[0], out);
}

/**
 * Multiplies its input branches entry by entry, Neural Tangents'
 * `FanInProd()`. In the infinite-width limit the branches are independent
 * centred Gaussian processes — each ends in its own dense layer — so the
 * second moments factor:
 *   𝒦 = Π_b 𝒦_b,   Θ = Σ_b Θ_b·Π_{c≠b} 𝒦_c
 * (the product rule: the parameters of branch b move only its factor). The
 * product is not Gaussian; put a dense layer after it before an activation.
 * On images and sequences the branches multiply position by position, and so
 * do their kernels, block entry by block entry.
 */
export const fanInProd = layerType({ type: 'fanInProd', create: fanInProdImpl });

function fanInProdImpl(): LayerImpl {
  const name = 'FanInProd';
  return {
    name,
    outputDim(d: Dims) {
      if (!Array.isArray(d)) throw new ShapeError('stax.fanInProd: expects several branches (from stax.fanOut + stax.parallel) but got one input');
      const dims = d as readonly Dims[];
      if (dims.some((di) => Array.isArray(di) || !sameDims(di, dims[0]))) {
        throw new ShapeError(
          `stax.fanInProd: branches have different shapes (${dims.map(describeDims).join(', ')}); every branch must end with the same shape, e.g. a dense layer of the same width`,
        );
      }
      return dims[0];
    },
    initFn(_key, inputDim) {
      return { outputDim: (inputDim as readonly Dims[])[0], params: null };
    },
    forward(_p, x) {
      const xs = branches(x, 'matrix');
      return { out: productExcept(xs, -1), cache: xs };
    },
    backward(_p, cache, gOut) {
      const xs = cache as readonly (Matrix | Tensor)[];
      const g = gOut as Matrix | Tensor;
      return {
        gIn: xs.map((_, b) => {
          const others = productExcept(xs, b);
          for (let i = 0; i < others.data.length; i++) others.data[i] *= g.data[i];
          return others;
        }),
        gParams: null,
      };
    },
    jvp(_p, x, _t, tx) {
      const xs = branches(x, 'matrix');
      const out = productExcept(xs, -1);
      const tOut = new Float64Array(out.data.length);
      if (tx !== null) {
        const ts = branches(tx, 'tangent');
        xs.forEach((_, b) => {
          const others = productExcept(xs, b);
          for (let i = 0; i < tOut.length; i++) tOut[i] += others.data[i] * ts[b].data[i];
        });
      }
      return { out, tOut: withData(out, tOut) };
    },
    kernelRule(k: Kernels) {
      if (!isKernelList(k)) throw new ShapeError('stax.fanInProd: expects several branches (from stax.fanOut + stax.parallel) but got one kernel');
      if (k.some((ki) => isKernelList(ki))) throw new ShapeError('stax.fanInProd: nested branches; join inner branches first');
      const ks = (k as readonly KernelState[]).map(materialize);
      const widths = ks.map((ki) => ki.width);
      if (widths.some((w) => w !== widths[0])) {
        throw new ShapeError(`stax.fanInProd: branches have different widths (${widths.join(', ')}); every branch must end with the same number of features`);
      }
      sameRepresentation('stax.fanInProd', ks);
      if (ks.length > 1 && !ks.every((ki) => ki.isGaussian)) {
        throw new InputError(
          'stax.fanInProd: in the infinite-width limit the multiplied branches must be independent centred Gaussian processes, i.e. each end in its own dense layer; add stax.dense(...) at the end of each branch',
        );
      }
      const first = ks[0];
      // Copies on shared memory, so a following activation can still split its rows across threads.
      const copy = (a: Float64Array) => {
        const out = sharedFloat64(a.length);
        out.set(a);
        return out;
      };
      const nngp = copy(first.nngp);
      const ntk = ks.every((ki) => ki.ntk !== null) ? copy(first.ntk as Float64Array) : null;
      const cov1 = first.cov1.slice();
      const cov2 = first.x1IsX2 ? cov1 : first.cov2.slice();
      for (const ki of ks.slice(1)) {
        for (let i = 0; i < nngp.length; i++) {
          // (Θ, 𝒦) ← (Θ·𝒦_b + 𝒦·Θ_b, 𝒦·𝒦_b): the product rule, one branch at a time.
          if (ntk !== null) ntk[i] = ntk[i] * ki.nngp[i] + nngp[i] * (ki.ntk as Float64Array)[i];
          nngp[i] *= ki.nngp[i];
        }
        for (let i = 0; i < cov1.length; i++) cov1[i] *= ki.cov1[i];
        if (!first.x1IsX2) for (let j = 0; j < cov2.length; j++) cov2[j] *= ki.cov2[j];
      }
      const out: KernelState = {
        ...first,
        nngp,
        ntk,
        cov1,
        cov2,
        isGaussian: ks.length === 1 && first.isGaussian,
        hasTrainable: ks.some((ki) => ki.hasTrainable),
      };
      return out;
    },
    tfjs: () => (tf, h) => (h as readonly TfTensor[]).reduce((acc, t) => tf.mul(acc, t)),
  };
}
