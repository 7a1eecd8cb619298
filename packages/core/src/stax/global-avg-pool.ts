import type { Tensor as TfTensor } from '@tensorflow/tfjs';
import { ShapeError } from '../errors';
import { Matrix } from '../matrix';
import { Tensor } from '../tensor';
import { isKernelList, positionCount, settle, type Kernels, type KernelState } from './kernel-state';
import { layerType } from './registry';
import { describeDims, isSpatialDims } from './shapes';
import type { Dims, LayerImpl, Tensors } from './types';

function channelsOf(d: Dims): number {
  if (!isSpatialDims(d)) throw new ShapeError(`stax.globalAvgPool: expects images or sequences, got examples of shape ${describeDims(d)}`);
  return d.channels;
}

/** The mean over positions of each example's channels: (n, ...spatial, C) → (n, C). */
function meanOverPositions(x: Tensor): Matrix {
  const [n] = x.shape;
  const c = x.shape[x.shape.length - 1];
  const s = x.data.length / (n * c);
  const out = new Matrix(n, c);
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < s; p++) {
      for (let k = 0; k < c; k++) out.data[i * c + k] += x.data[(i * s + p) * c + k];
    }
  }
  for (let i = 0; i < out.data.length; i++) out.data[i] /= s;
  return out;
}

/**
 * The mean of each block (all pairs of positions). For a symmetric kernel
 * only blocks with j ≥ i are read and each mean is mirrored, so the result is
 * exactly symmetric (a block and its transpose would sum in different orders).
 */
function blockMeans(src: Float64Array, n1: number, n2: number, size: number, upperOnly: boolean): Float64Array {
  const out = new Float64Array(n1 * n2);
  for (let i = 0; i < n1; i++) {
    for (let j = upperOnly ? i : 0; j < n2; j++) {
      const b = i * n2 + j;
      let sum = 0;
      for (let e = 0; e < size; e++) sum += src[b * size + e];
      out[b] = sum / size;
      if (upperOnly) out[j * n2 + i] = out[b];
    }
  }
  return out;
}

function asTensor(x: Tensors): Tensor {
  if (!(x instanceof Tensor))
    throw new ShapeError(
      `stax.globalAvgPool: expects (n, H, W, C) images or (n, L, C) sequences, got ${x instanceof Matrix ? 'a matrix' : 'several branches'}`,
    );
  return x;
}

/**
 * The mean over all positions, (n, H, W, C) → (n, C) (Neural Tangents'
 * `GlobalAvgPool`). Its kernel is the mean over all pairs of positions of the
 * input covariance, so the layers before it keep every pair: (H·W)² entries
 * per pair of examples.
 */
export const globalAvgPool = layerType({
  type: 'globalAvgPool',
  create: (): LayerImpl => ({
    name: 'GlobalAvgPool',
    outputDim: channelsOf,
    initFn: (_key, d) => ({ outputDim: channelsOf(d), params: null }),
    forward(_p, x) {
      const t = asTensor(x);
      return { out: meanOverPositions(t), cache: t.shape };
    },
    backward(_p, cache, gOut) {
      const shape = cache as number[];
      const g = gOut as Matrix;
      const c = shape[shape.length - 1];
      const s = shape.slice(1, -1).reduce((a, b) => a * b, 1);
      const gIn = new Tensor(shape);
      for (let i = 0; i < shape[0]; i++) {
        for (let p = 0; p < s; p++) {
          for (let k = 0; k < c; k++) gIn.data[(i * s + p) * c + k] = g.data[i * c + k] / s;
        }
      }
      return { gIn, gParams: null };
    },
    jvp: (_p, x, _t, tx) => ({ out: meanOverPositions(asTensor(x)), tOut: meanOverPositions(asTensor(tx as Tensors)) }),
    spatialNeed: () => true,
    kernelRule(k: Kernels) {
      if (isKernelList(k)) throw new ShapeError(`stax.globalAvgPool: expects one input but got ${k.length} branches`);
      if (k.spatial.length === 0) throw new ShapeError('stax.globalAvgPool: expects images or sequences, got inputs without positions');
      if (k.diagonal) throw new Error('stax.globalAvgPool: internal error, the kernel keeps only same-position covariances');
      const state = settle(k);
      const size = positionCount(state) ** 2;
      const { n1, n2, upperOnly } = state;
      const cov1 = blockMeans(state.cov1, n1, 1, size, false);
      const out: KernelState = {
        ...state,
        spatial: [],
        diagonal: true,
        upperOnly: false,
        nngp: blockMeans(state.nngp, n1, n2, size, upperOnly),
        ntk: state.ntk === null ? null : blockMeans(state.ntk, n1, n2, size, upperOnly),
        cov1,
        cov2: state.x1IsX2 ? cov1 : blockMeans(state.cov2, n2, 1, size, false),
      };
      return out;
    },
    tfjs: () => (tf, h) => {
      const t = h as TfTensor;
      return tf.mean(
        t,
        t.shape.slice(2, -1).map((_, i) => i + 2),
      );
    },
  }),
});
