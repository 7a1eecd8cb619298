import type { Tensor as TfTensor } from '@tensorflow/tfjs';
import { ShapeError } from '../errors';
import { Matrix } from '../matrix';
import { Tensor } from '../tensor';
import { isKernelList, materialize, sameRepresentation, type Kernels, type KernelState } from './kernel-state';
import { layerType } from './registry';
import { describeDims, isSpatialDims, sameDims } from './shapes';
import { isSingle } from './tensors';
import type { Dims, LayerImpl, Tensors } from './types';

/** Branch activations as rows (example, position) × channels, with the shape to give the result. */
function branches(x: Tensors | null, what: string): { rows: readonly Matrix[]; like: Matrix | Tensor } {
  if (x === null || isSingle(x) || !x.every(isSingle)) {
    throw new ShapeError(`stax.fanInConcat: expects a list of single branches (from stax.fanOut + stax.parallel), got ${what}`);
  }
  const list = x as readonly (Matrix | Tensor)[];
  const rows = list.map((b) => (b instanceof Matrix ? b : new Matrix(b.data.length / b.shape[b.shape.length - 1], b.shape[b.shape.length - 1], b.data)));
  return { rows, like: list[0] };
}

/** Concatenation along the channel (feature) axis, at every position. */
function concatChannels(x: Tensors | null, what: string): Matrix | Tensor {
  const { rows: xs, like } = branches(x, what);
  const rows = xs[0].rows;
  if (xs.some((m) => m.rows !== rows)) throw new ShapeError('stax.fanInConcat: branches have different numbers of examples or positions');
  const cols = xs.reduce((s, m) => s + m.cols, 0);
  const out = new Matrix(rows, cols);
  let offset = 0;
  for (const m of xs) {
    for (let i = 0; i < rows; i++) out.data.set(m.row(i), i * cols + offset);
    offset += m.cols;
  }
  return like instanceof Tensor ? new Tensor([...like.shape.slice(0, -1), cols], out.data) : out;
}

function channels(d: Dims): number {
  if (typeof d === 'number') return d;
  if (isSpatialDims(d)) return d.channels;
  throw new ShapeError(`stax.fanInConcat: expects several single branches, got nested branches ${describeDims(d)}`);
}

function weightedMean(arrays: readonly Float64Array[], weights: readonly number[]): Float64Array {
  const total = weights.reduce((s, w) => s + w, 0);
  const out = new Float64Array(arrays[0].length);
  arrays.forEach((a, b) => {
    const w = weights[b] / total;
    for (let i = 0; i < out.length; i++) out[i] += w * a[i];
  });
  return out;
}

/** The branches' shape with the channels added up; every branch must have the same positions. */
function concatDims(d: Dims): Dims {
  if (!Array.isArray(d))
    throw new ShapeError(`stax.fanInConcat: expects several branches (from stax.fanOut + stax.parallel), got one input ${describeDims(d)}`);
  const list = d as readonly Dims[];
  const total = list.reduce((s: number, di) => s + channels(di), 0);
  const first = list[0];
  if (!isSpatialDims(first)) {
    if (list.some((di) => isSpatialDims(di))) throw new ShapeError(`stax.fanInConcat: branches mix spatial and feature shapes: ${describeDims(d)}`);
    return total;
  }
  if (list.some((di) => !isSpatialDims(di) || !sameDims({ ...di, channels: 0 }, { ...first, channels: 0 }))) {
    throw new ShapeError(`stax.fanInConcat: branches have different positions: ${describeDims(d)}; concatenation is along the channels`);
  }
  return { spatial: first.spatial, channels: total };
}

/**
 * Concatenates its input branches along the features (the channels, at every position). A unit of the result
 * comes from branch i with probability nᵢ / Σn, so its kernels are the
 * width-weighted means 𝒦 = Σ nᵢ 𝒦ᵢ / Σ nᵢ (and likewise Θ), as in Neural
 * Tangents' `FanInConcat`. The units no longer share one covariance, so an
 * activation cannot follow directly: put a dense layer first.
 */
export const fanInConcat = layerType({
  type: 'fanInConcat',
  create: (): LayerImpl => ({
    name: 'FanInConcat',
    outputDim: concatDims,
    initFn: (_key, inputDim) => ({ outputDim: concatDims(inputDim), params: null }),
    forward(_p, x) {
      const { rows } = branches(x, 'one input');
      return { out: concatChannels(x, 'one input'), cache: { widths: rows.map((m) => m.cols), like: x } };
    },
    backward(_p, cache, gOut) {
      const { widths, like } = cache as { widths: number[]; like: readonly (Matrix | Tensor)[] };
      const g = branches([gOut], 'no gradient').rows[0];
      let offset = 0;
      const gIn = widths.map((w, b) => {
        const part = new Matrix(g.rows, w);
        for (let i = 0; i < g.rows; i++) part.data.set(g.data.subarray(i * g.cols + offset, i * g.cols + offset + w), i * w);
        offset += w;
        const shape = like[b];
        return shape instanceof Tensor ? new Tensor(shape.shape, part.data) : part;
      });
      return { gIn, gParams: null };
    },
    jvp(_p, x, _t, tx) {
      return { out: concatChannels(x, 'one input'), tOut: concatChannels(tx, 'no tangent') };
    },
    kernelRule(k: Kernels) {
      if (!isKernelList(k) || k.some((ki) => isKernelList(ki))) {
        throw new ShapeError('stax.fanInConcat: expects several single branches (from stax.fanOut + stax.parallel)');
      }
      const ks = (k as readonly KernelState[]).map(materialize);
      sameRepresentation('stax.fanInConcat', ks);
      const widths = ks.map((ki) => ki.width);
      const ntks = ks.map((ki) => ki.ntk);
      const cov1 = weightedMean(
        ks.map((ki) => ki.cov1),
        widths,
      );
      const out: KernelState = {
        ...ks[0],
        nngp: weightedMean(
          ks.map((ki) => ki.nngp),
          widths,
        ),
        ntk: ntks.every((t) => t !== null) ? weightedMean(ntks as Float64Array[], widths) : null,
        cov1,
        cov2: ks[0].x1IsX2
          ? cov1
          : weightedMean(
              ks.map((ki) => ki.cov2),
              widths,
            ),
        width: widths.reduce((s, w) => s + w, 0),
        isGaussian: false,
        hasTrainable: ks.some((ki) => ki.hasTrainable),
      };
      return out;
    },
    tfjs: () => (tf, h) => tf.concat(h as TfTensor[], -1),
  }),
});
