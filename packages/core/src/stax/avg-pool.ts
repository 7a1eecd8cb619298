import type { Tensor as TfTensor, Tensor4D } from '@tensorflow/tfjs';
import type { Tfjs } from '../engines/tfjs/backend';
import { InputError, ShapeError } from '../errors';
import { Matrix } from '../matrix';
import { checkOptions } from '../options';
import { Tensor } from '../tensor';
import { sharedFloat64 } from '../workers/pool';
import { blockSize, isKernelList, settle, type Kernels, type KernelState } from './kernel-state';
import { layerType } from './registry';
import { describeDims, isSpatialDims } from './shapes';
import { mapSelfBlocks, poolBlock } from './spatial/block-ops';
import { circularPad, subsample, zeroPad } from './spatial/tfjs-padding';
import { splitRows, type RowsJob } from './split-rows';
import { windowCache, type Padding, type Window } from './spatial/window';
import type { Dims, LayerImpl, LayerSpec, Tensors } from './types';

export interface AvgPoolOptions {
  /** Step of the window along each spatial axis (default 1, as Neural Tangents). */
  strides?: readonly number[];
  /** `'VALID'` (default), `'SAME'` or `'CIRCULAR'`. */
  padding?: Padding;
  /** Divide by the positions a window really covers at the edges (`SAME` only) instead of the window size (default false, as Neural Tangents). */
  normalizeEdges?: boolean;
}

function avgPoolImpl(windowShape: readonly number[], options: AvgPoolOptions = {}): LayerImpl {
  const where = 'stax.avgPool';
  if (!Array.isArray(windowShape) || (windowShape.length !== 1 && windowShape.length !== 2) || !windowShape.every((f) => Number.isInteger(f) && f > 0)) {
    throw new InputError(`${where}: windowShape must be [wh, ww] for images or [wl] for sequences (positive integers), got ${JSON.stringify(windowShape)}`);
  }
  checkOptions(where, options, ['strides', 'padding', 'normalizeEdges']);
  const { strides = windowShape.map(() => 1), padding = 'VALID', normalizeEdges = false } = options;
  if (!Array.isArray(strides) || strides.length !== windowShape.length || !strides.every((s) => Number.isInteger(s) && s > 0)) {
    throw new InputError(`${where}: strides must have one positive integer per window axis (${windowShape.length}), got ${JSON.stringify(strides)}`);
  }
  if (typeof normalizeEdges !== 'boolean') throw new InputError(`${where}: normalizeEdges must be true or false`);
  const name = `AvgPool(${windowShape.join('×')}, ${padding})`;
  const windowFor = windowCache(name, windowShape, strides, padding);
  const checkInput = (d: Dims) => {
    if (!isSpatialDims(d))
      throw new ShapeError(
        `${name}: expects ${windowShape.length === 2 ? '(n, H, W, C) images' : '(n, L, C) sequences'}, got examples of shape ${describeDims(d)}`,
      );
    return { window: windowFor(d.spatial), channels: d.channels };
  };
  const asTensor = (x: Tensors): Tensor => {
    if (!(x instanceof Tensor))
      throw new ShapeError(`${name}: expects images or sequences as a Tensor, got ${x instanceof Matrix ? 'a matrix' : 'several branches'}`);
    return x;
  };
  /** 1/(positions averaged) for each output position. */
  const norms = (w: Window) => {
    const out = new Float64Array(w.outSize);
    for (let o = 0; o < w.outSize; o++) {
      let count = w.taps;
      if (normalizeEdges) {
        count = 0;
        for (let f = 0; f < w.taps; f++) if (w.index[o * w.taps + f] >= 0) count++;
      }
      out[o] = 1 / count;
    }
    return out;
  };
  /** The pooled activations, and its adjoint (for backward). */
  const pool = (x: Tensor): Tensor => {
    const [n] = x.shape;
    const c = x.shape[x.shape.length - 1];
    const w = windowFor(x.shape.slice(1, -1));
    const norm = norms(w);
    const out = new Tensor([n, ...w.output, c]);
    for (let i = 0; i < n; i++) {
      for (let o = 0; o < w.outSize; o++) {
        const to = (i * w.outSize + o) * c;
        for (let f = 0; f < w.taps; f++) {
          const u = w.index[o * w.taps + f];
          if (u < 0) continue;
          const from = (i * w.inSize + u) * c;
          for (let k = 0; k < c; k++) out.data[to + k] += x.data[from + k];
        }
        for (let k = 0; k < c; k++) out.data[to + k] *= norm[o];
      }
    }
    return out;
  };
  const unpool = (g: Tensor, inputShape: readonly number[]): Tensor => {
    const [n] = inputShape;
    const c = inputShape[inputShape.length - 1];
    const w = windowFor(inputShape.slice(1, -1));
    const norm = norms(w);
    const gIn = new Tensor(inputShape);
    for (let i = 0; i < n; i++) {
      for (let o = 0; o < w.outSize; o++) {
        const from = (i * w.outSize + o) * c;
        for (let f = 0; f < w.taps; f++) {
          const u = w.index[o * w.taps + f];
          if (u < 0) continue;
          const to = (i * w.inSize + u) * c;
          for (let k = 0; k < c; k++) gIn.data[to + k] += g.data[from + k] * norm[o];
        }
      }
    }
    return gIn;
  };

  const specOf = (): LayerSpec => ({ type: 'avgPool', args: avgPoolSpecArgs(windowShape, options) });
  const impl: LayerImpl = {
    name,
    outputDim(d) {
      const { window, channels } = checkInput(d);
      return { spatial: window.output, channels };
    },
    initFn(_key, d) {
      const { window, channels } = checkInput(d);
      return { outputDim: { spatial: window.output, channels }, params: null };
    },
    forward(_p, x) {
      const t = asTensor(x);
      return { out: pool(t), cache: t.shape };
    },
    backward: (_p, cache, gOut) => ({ gIn: unpool(asTensor(gOut), cache as number[]), gParams: null }),
    jvp: (_p, x, _t, tx) => ({ out: pool(asTensor(x)), tOut: pool(asTensor(tx as Tensors)) }),
    // Each output position averages a window, so its covariance with another
    // position needs every pair of positions in the two windows.
    spatialNeed: () => true,
    kernelRule(given: Kernels) {
      if (isKernelList(given)) throw new ShapeError(`${name}: expects one input but got ${given.length} branches`);
      if (given.spatial.length === 0) throw new ShapeError(`${name}: expects images or sequences, got inputs without positions`);
      if (given.diagonal) throw new Error(`${name}: internal error, the kernel keeps only same-position covariances`);
      const k = settle(given);
      const w = windowFor(k.spatial);
      const inBlock = blockSize(k);
      const outBlock = w.outSize * w.outSize;
      const outNngp = sharedFloat64(k.n1 * k.n2 * outBlock);
      const outNtk = k.ntk === null ? null : sharedFloat64(outNngp.length);
      const job: PoolJob = {
        n1: k.n1,
        n2: k.n2,
        symmetric: k.upperOnly,
        spatial: k.spatial,
        nngp: k.nngp,
        ntk: k.ntk,
        outNngp,
        outNtk,
        arrays: [k.nngp, k.ntk, outNngp, outNtk],
      };
      splitRows(impl, specOf(), job, k.n1 * k.n2 * (inBlock + outBlock));
      const self = (cov: Float64Array, n: number) =>
        mapSelfBlocks(cov, n, inBlock, outBlock, (src, so, d, dOff) => poolBlock(w, normalizeEdges, src, so, d, dOff));
      const cov1 = self(k.cov1, k.n1);
      const state: KernelState = {
        ...k,
        spatial: w.output,
        nngp: outNngp,
        ntk: outNtk,
        cov1,
        cov2: k.x1IsX2 ? cov1 : self(k.cov2, k.n2),
      };
      return state;
    },
    rows(job, i0, i1) {
      const { nngp, ntk, outNngp, outNtk, n2, symmetric, spatial } = job as PoolJob;
      const w = windowFor(spatial);
      const inBlock = w.inSize * w.inSize;
      const outBlock = w.outSize * w.outSize;
      for (let i = i0; i < i1; i++) {
        for (let j = symmetric ? i : 0; j < n2; j++) {
          const b = i * n2 + j;
          poolBlock(w, normalizeEdges, nngp, b * inBlock, outNngp, b * outBlock);
          if (ntk !== null && outNtk !== null) poolBlock(w, normalizeEdges, ntk, b * inBlock, outNtk, b * outBlock);
        }
      }
    },
    tfjs: () => (tf, h) => {
      const t = h as TfTensor;
      return avgPoolTfjs(tf, t, windowFor(t.shape.slice(2, -1)), strides, padding, normalizeEdges);
    },
  };
  return impl;
}

/** What the pool's rows read and write. */
interface PoolJob extends RowsJob {
  spatial: readonly number[];
  nngp: Float64Array;
  ntk: Float64Array | null;
  outNngp: Float64Array;
  outNtk: Float64Array | null;
}

/**
 * Average pooling of [M, n, ...spatial, C] activations in tfjs, built as the
 * conv is (explicit padding, a stride-1 'valid' pool, every s-th position) so
 * that every backend differentiates it exactly; at the edges of `SAME` with
 * `normalizeEdges`, each output is rescaled from the window size to the
 * positions it covers.
 */
function avgPoolTfjs(tf: Tfjs, h: TfTensor, w: Window, strides: readonly number[], padding: Padding, normalizeEdges: boolean): TfTensor {
  const [m, n] = h.shape;
  const rest = h.shape.slice(2);
  const window = w.window;
  const oneD = window.length === 1;
  let x = tf.reshape(h, [m * n, ...(oneD ? [1, ...rest] : rest)] as number[]) as TfTensor;
  const win = oneD ? [1, window[0]] : [...window];
  const str = oneD ? [1, strides[0]] : [...strides];
  if (padding === 'CIRCULAR') x = circularPad(tf, x, win, str);
  if (padding === 'SAME') x = zeroPad(tf, x, win, str);
  let y = subsample(tf, tf.avgPool(x as Tensor4D, [win[0], win[1]], [1, 1], 'valid'), str);
  if (padding === 'SAME' && normalizeEdges) {
    const scale = new Float32Array(w.outSize);
    for (let o = 0; o < w.outSize; o++) {
      let count = 0;
      for (let f = 0; f < w.taps; f++) if (w.index[o * w.taps + f] >= 0) count++;
      scale[o] = w.taps / count;
    }
    y = tf.mul(y, tf.tensor(scale, [1, ...(oneD ? [1, w.outSize] : w.output), 1]));
  }
  return tf.reshape(y, [m, n, ...(oneD ? y.shape.slice(2) : y.shape.slice(1))] as number[]);
}

/**
 * Average pooling over windows of `windowShape` positions (Neural Tangents'
 * `AvgPool`: stride 1 and `'VALID'` padding by default, edges normalised by
 * the window size). Its kernel averages the covariance over both windows, so
 * the layers before it keep every pair of positions.
 *
 * @example
 * ```ts
 * const net = stax.serial(stax.conv(16, [3, 3]), stax.relu(), stax.avgPool([2, 2], { strides: [2, 2] }),
 *   stax.flatten(), stax.dense(1));
 * ```
 */
export const avgPool = layerType({ type: 'avgPool', create: avgPoolImpl, toSpec: avgPoolSpecArgs });

/** The spec arguments of an average pool: its arguments with every default filled in. */
function avgPoolSpecArgs(windowShape: readonly number[], options: AvgPoolOptions = {}): unknown[] {
  const { strides = windowShape.map(() => 1), padding = 'VALID', normalizeEdges = false } = options;
  return [[...windowShape], { strides: [...strides], padding, normalizeEdges }];
}
