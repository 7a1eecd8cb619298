import type { Tensor } from '@tensorflow/tfjs';
import { ShapeError } from '../errors';
import { Matrix } from '../matrix';
import { isKernelList, materialize, type Kernels, type KernelState } from './kernel-state';
import { layerType } from './registry';
import type { Dims, LayerImpl, Tensors } from './types';

function matrices(x: Tensors | null, what: string): readonly Matrix[] {
  if (x === null || x instanceof Matrix || !x.every((b) => b instanceof Matrix)) {
    throw new ShapeError(`stax.fanInConcat: expects a list of branch matrices (from stax.fanOut + stax.parallel), got ${what}`);
  }
  return x as readonly Matrix[];
}

function concatColumns(xs: readonly Matrix[]): Matrix {
  const rows = xs[0].rows;
  if (xs.some((x) => x.rows !== rows)) throw new ShapeError('stax.fanInConcat: branches have different numbers of rows');
  const cols = xs.reduce((s, x) => s + x.cols, 0);
  const out = new Matrix(rows, cols);
  let offset = 0;
  for (const x of xs) {
    for (let i = 0; i < rows; i++) out.data.set(x.row(i), i * cols + offset);
    offset += x.cols;
  }
  return out;
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

/**
 * Concatenates its input branches along the features. A unit of the result
 * comes from branch i with probability nᵢ / Σn, so its kernels are the
 * width-weighted means 𝒦 = Σ nᵢ 𝒦ᵢ / Σ nᵢ (and likewise Θ), as in Neural
 * Tangents' `FanInConcat`. The units no longer share one covariance, so an
 * activation cannot follow directly: put a dense layer first.
 */
export const fanInConcat = layerType({
  type: 'fanInConcat',
  create: (): LayerImpl => ({
    name: 'FanInConcat',
    outputDim(d: Dims) {
      if (typeof d === 'number' || !d.every((di) => typeof di === 'number')) {
        throw new ShapeError(`stax.fanInConcat: expects several single-matrix branches, got ${JSON.stringify(d)}`);
      }
      return (d as number[]).reduce((s, w) => s + w, 0);
    },
    initFn: (_key, inputDim) => ({
      outputDim: (inputDim as number[]).reduce((s, w) => s + w, 0),
      params: null,
    }),
    forward(_p, x) {
      const xs = matrices(x, 'one matrix');
      return { out: concatColumns(xs), cache: xs.map((m) => m.cols) };
    },
    backward(_p, cache, gOut) {
      const widths = cache as number[];
      const g = gOut as Matrix;
      let offset = 0;
      const gIn = widths.map((w) => {
        const part = new Matrix(g.rows, w);
        for (let i = 0; i < g.rows; i++) part.data.set(g.data.subarray(i * g.cols + offset, i * g.cols + offset + w), i * w);
        offset += w;
        return part;
      });
      return { gIn, gParams: null };
    },
    jvp(_p, x, _t, tx) {
      const xs = matrices(x, 'one matrix');
      const ts = matrices(tx, 'no tangent');
      return { out: concatColumns(xs), tOut: concatColumns(ts) };
    },
    kernelRule(k: Kernels) {
      if (!isKernelList(k) || k.some((ki) => isKernelList(ki))) {
        throw new ShapeError('stax.fanInConcat: expects several single branches (from stax.fanOut + stax.parallel)');
      }
      const ks = (k as readonly KernelState[]).map(materialize);
      const widths = ks.map((ki) => ki.width);
      const ntks = ks.map((ki) => ki.ntk);
      const cov1 = weightedMean(ks.map((ki) => ki.cov1), widths);
      const out: KernelState = {
        ...ks[0],
        nngp: weightedMean(ks.map((ki) => ki.nngp), widths),
        ntk: ntks.every((t) => t !== null) ? weightedMean(ntks as Float64Array[], widths) : null,
        cov1,
        cov2: ks[0].x1IsX2 ? cov1 : weightedMean(ks.map((ki) => ki.cov2), widths),
        width: widths.reduce((s, w) => s + w, 0),
        isGaussian: false,
        hasTrainable: ks.some((ki) => ki.hasTrainable),
      };
      return out;
    },
    tfjs: () => (tf, h) => tf.concat(h as Tensor[], -1),
  }),
});
