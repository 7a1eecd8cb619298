import type { Tensor as TfTensor } from '@tensorflow/tfjs';
import { ShapeError } from '../errors';
import { Matrix } from '../matrix';
import { Tensor } from '../tensor';
import { isKernelList, materialize, positionCount, type Kernels, type KernelState } from './kernel-state';
import { layerType } from './registry';
import { isSpatialDims } from './shapes';
import type { Dims, LayerImpl, Tensors } from './types';

/** The mean of each block's same-position entries: the diagonal of an S×S block, or an S-entry block. */
function readout(src: Float64Array, blocks: number, s: number, diagonal: boolean): Float64Array {
  const out = new Float64Array(blocks);
  const inv = 1 / s;
  for (let b = 0; b < blocks; b++) {
    let sum = 0;
    if (diagonal) {
      for (let p = 0; p < s; p++) sum += src[b * s + p];
    } else {
      for (let p = 0; p < s; p++) sum += src[(b * s + p) * s + p];
    }
    out[b] = sum * inv;
  }
  return out;
}

function flatDims(d: Dims): number {
  if (Array.isArray(d)) throw new ShapeError(`stax.flatten: expects one input but got ${d.length} branches`);
  if (isSpatialDims(d)) return d.spatial.reduce((a, b) => a * b, 1) * d.channels;
  return d as number;
}

/**
 * Flattens every example to one feature vector, (n, H, W, C) → (n, H·W·C)
 * (Neural Tangents' `Flatten`). A dense layer after it sees each position's
 * channels once, so its kernel is the mean over positions of the same-position
 * covariances: only those need computing, O(n²·H·W) per layer, which is why a
 * net that ends in `flatten` keeps just the spatial diagonal. The flattened
 * features do not share one covariance (each position has its own), so an
 * activation cannot follow directly: put a dense layer first.
 */
export const flatten = layerType({
  type: 'flatten',
  create: (): LayerImpl => ({
    name: 'Flatten',
    outputDim: flatDims,
    initFn: (_key, d) => ({ outputDim: flatDims(d), params: null }),
    forward(_p, x) {
      if (x instanceof Matrix) return { out: x, cache: null };
      if (!(x instanceof Tensor)) throw new ShapeError(`stax.flatten: expects one input but got ${x.length} branches`);
      return { out: x.flatten(), cache: x.shape };
    },
    backward: (_p, cache, gOut) => ({ gIn: cache === null ? gOut : new Tensor(cache as number[], (gOut as Matrix).data), gParams: null }),
    jvp(_p, x, _t, tx) {
      const flat = (t: Tensors) => (t instanceof Tensor ? t.flatten() : t);
      return { out: flat(x), tOut: flat(tx as Tensors) };
    },
    spatialNeed: () => false,
    kernelRule(k: Kernels) {
      if (isKernelList(k)) throw new ShapeError(`stax.flatten: expects one input but got ${k.length} branches`);
      if (k.spatial.length === 0) return k;
      const state = materialize(k);
      const s = positionCount(state);
      const cov1 = readout(state.cov1, state.n1, s, state.diagonal);
      const out: KernelState = {
        ...state,
        spatial: [],
        diagonal: true,
        nngp: readout(state.nngp, state.n1 * state.n2, s, state.diagonal),
        ntk: state.ntk === null ? null : readout(state.ntk, state.n1 * state.n2, s, state.diagonal),
        cov1,
        cov2: state.x1IsX2 ? cov1 : readout(state.cov2, state.n2, s, state.diagonal),
        width: state.width * s,
        isGaussian: false,
      };
      return out;
    },
    tfjs: () => (tf, h) => {
      const t = h as TfTensor;
      return t.rank <= 3 ? t : tf.reshape(t, [t.shape[0], t.shape[1] as number, -1]);
    },
  }),
});
