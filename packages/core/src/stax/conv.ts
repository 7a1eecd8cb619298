import type { Tensor as TfTensor, Tensor5D } from '@tensorflow/tfjs';
import type { Tfjs } from '../engines/tfjs/backend';
import { InputError, ShapeError } from '../errors';
import { activeBackend } from '../linalg/backend';
import { Matrix } from '../matrix';
import { nativeConvRows } from '../native/conv-rows';
import { checkOptions, positiveInteger } from '../options';
import { fillNormal } from '../random/distributions';
import { split } from '../random/key';
import { Tensor } from '../tensor';
import { sharedFloat64, threadsFor } from '../workers/pool';
import type { Parameterization } from './dense';
import { blockSize, isKernelList, settle, type Kernels, type KernelState } from './kernel-state';
import { layerType } from './registry';
import { describeDims, isSpatialDims } from './shapes';
import { convBlock, convScratch, mapSelfBlocks } from './spatial/block-ops';
import { sharedWeightGram } from './spatial/gradient-gram';
import { col2imRows, im2colRows, patchBlockRows, patchScratch } from './spatial/im2col';
import { addGridToInput, gatherAnchors, gridRows, padToGrid, scatterAnchors, shiftedProduct, shiftGrid, type ShiftGrid } from './spatial/shifted-gemm';
import { splitRows, type RowsJob } from './split-rows';
import { windowCache, type Padding, type Window } from './spatial/window';
import { circularPad, subsample, zeroPad } from './spatial/tfjs-padding';
import type { DenseParams, Dims, LayerImpl, LayerSpec, Params, Tensors } from './types';

export interface ConvOptions {
  /** Step of the filter along each spatial axis (default 1 on every axis). */
  strides?: readonly number[];
  /** `'SAME'` (default: zero padding, ⌈L/s⌉ outputs), `'VALID'` (no padding) or `'CIRCULAR'` (periodic boundaries). */
  padding?: Padding;
  /** σ_w (default 1). */
  wStd?: number;
  /** σ_b (default 0: no bias parameter). */
  bStd?: number;
  /** `'ntk'` (default, Lee et al. 2019, eq. 1) or `'standard'` (eq. S32). */
  parameterization?: Parameterization;
}

const OPTIONS = ['strides', 'padding', 'wStd', 'bStd', 'parameterization'] as const;

/** Validates the arguments and builds the conv layer's implementation. */
function convImpl(outChannels: number, filterShape: readonly number[], options: ConvOptions = {}): LayerImpl {
  const where = 'stax.conv';
  positiveInteger(where, 'outChannels', outChannels);
  if (!Array.isArray(filterShape) || (filterShape.length !== 1 && filterShape.length !== 2) || !filterShape.every((f) => Number.isInteger(f) && f > 0)) {
    throw new InputError(`${where}: filterShape must be [fh, fw] for images or [fl] for sequences (positive integers), got ${JSON.stringify(filterShape)}`);
  }
  checkOptions(where, options, OPTIONS);
  const { strides = filterShape.map(() => 1), padding = 'SAME', wStd = 1, bStd = 0, parameterization = 'ntk' } = options;
  if (!Array.isArray(strides) || strides.length !== filterShape.length || !strides.every((s) => Number.isInteger(s) && s > 0)) {
    throw new InputError(`${where}: strides must have one positive integer per filter axis (${filterShape.length}), got ${JSON.stringify(strides)}`);
  }
  if (!(wStd > 0) || !Number.isFinite(wStd)) throw new InputError(`${where}: wStd must be a positive finite number (σ_w), got ${wStd}`);
  if (!(bStd >= 0) || !Number.isFinite(bStd)) throw new InputError(`${where}: bStd must be a non-negative finite number (σ_b; 0 for no bias), got ${bStd}`);
  if (parameterization !== 'ntk' && parameterization !== 'standard') {
    throw new InputError(`${where}: parameterization must be 'ntk' or 'standard', got ${JSON.stringify(parameterization)}`);
  }
  const name = `Conv(${outChannels}, ${filterShape.join('×')}, ${padding})`;
  const specOf = (): LayerSpec => ({ type: 'conv', args: convSpecArgs(outChannels, filterShape, options) });
  const ntkParam = parameterization === 'ntk';
  const hasBias = bStd > 0;
  const w2 = wStd * wStd;
  const b2 = bStd * bStd;
  const taps = filterShape.reduce((a, b) => a * b, 1);
  const windowFor = windowCache(name, filterShape, strides, padding);
  const checkInput = (d: Dims) => {
    if (!isSpatialDims(d)) {
      throw new ShapeError(
        `${name}: expects ${filterShape.length === 2 ? '(n, H, W, C) images' : '(n, L, C) sequences'}, got examples of shape ${describeDims(d)}${Array.isArray(d) ? ' (several branches)' : ''}`,
      );
    }
    return { window: windowFor(d.spatial), channels: d.channels };
  };
  /** Multiplier of patches·W: σ_w/√(C·|F|) under NTK parameterization (the fan-in is C·|F|). */
  const weightScale = (channels: number) => (ntkParam ? wStd / Math.sqrt(channels * taps) : 1);
  const biasScale = ntkParam ? bStd : 1;
  const asParams = (p: Params): DenseParams => {
    if (p === null || Array.isArray(p) || !((p as DenseParams).W instanceof Matrix)) {
      throw new ShapeError(`${name}: expected parameters { W, b } from this layer's init`);
    }
    return p as DenseParams;
  };
  const asImages = (x: Tensors): Tensor => {
    if (!(x instanceof Tensor)) {
      throw new ShapeError(
        `${name}: expects ${filterShape.length === 2 ? '(n, H, W, C) images' : '(n, L, C) sequences'} as a Tensor, got ${x instanceof Matrix ? `an ${x.rows}×${x.cols} matrix` : `${(x as readonly Tensors[]).length} branches`}`,
      );
    }
    return x;
  };

  /** What backward and JVP need: the input itself (patches are rebuilt block by block, never kept). */
  interface Cache {
    x: Float64Array;
    n: number;
    window: Window;
    channels: number;
  }

  /**
   * Walks the patch rows in cache-sized blocks: `step(r0, r1, patches)` gets
   * rows r0…r1 of the patches of `x` (built in scratch slot `slot`).
   */
  function eachBlock(c: Cache, slot: 0 | 1, step: (r0: number, r1: number, patches: Float64Array) => void): void {
    const rows = c.n * c.window.outSize;
    const width = taps * c.channels;
    const block = patchBlockRows(width, rows);
    for (let r0 = 0; r0 < rows; r0 += block) {
      const r1 = Math.min(rows, r0 + block);
      const patches = patchScratch(slot, (r1 - r0) * width);
      im2colRows(c.x, c.channels, c.window, r0, r1, patches);
      step(r0, r1, patches);
    }
  }

  /** Checks the input and parameters together before any work. */
  function prepare(p: DenseParams, x: Tensor): Cache {
    const [n] = x.shape;
    const { window, channels } = checkInput({ spatial: x.shape.slice(1, -1), channels: x.shape[x.shape.length - 1] });
    if (p.W.rows !== taps * channels || p.W.cols !== outChannels) {
      throw new ShapeError(
        `${name}: W is ${p.W.rows}×${p.W.cols} but inputs with ${channels} channels need ${taps * channels}×${outChannels}; parameters were initialised for another input shape`,
      );
    }
    return { x: x.data, n, window, channels };
  }

  /** Stride-1 windows run as shifted gemms on a padded grid (see spatial/shifted-gemm.ts); others by im2col. */
  const grids = new Map<Window, ShiftGrid | null>();
  const gridFor = (w: Window): ShiftGrid | null => {
    if (!grids.has(w)) grids.set(w, shiftGrid(w, strides, padding));
    return grids.get(w) as ShiftGrid | null;
  };

  /** s·P(x)·W (+ the bias term, when given) at every output row (P the patches of x), written to `out` or added to it (beta 1). */
  function product(c: Cache, x: Float64Array, W: Float64Array, s: number, out: Float64Array, beta: 0 | 1, b: Float64Array | null = null): void {
    const { n, window, channels } = c;
    const grid = gridFor(window);
    if (grid) {
      const padded = patchScratch(0, gridRows(grid, n) * channels);
      padToGrid(x, n, channels, window.inSize, grid, padded);
      const atAnchors = patchScratch(1, n * grid.size * outChannels);
      shiftedProduct(padded, n, channels, outChannels, grid, W, s, atAnchors, b && b.map((v) => biasScale * v));
      gatherAnchors(grid, n, outChannels, atAnchors, out, beta);
      return;
    }
    const backend = activeBackend();
    eachBlock({ ...c, x }, 0, (r0, r1, patches) => {
      backend.gemm(false, false, r1 - r0, outChannels, taps * channels, s, patches, W, beta, out.subarray(r0 * outChannels, r1 * outChannels));
    });
    if (b) addBias(out, b);
  }

  /** ∂W = s·Pᵀg and the input's gradient (the patches' gradient s·gWᵀ added back onto the input positions). */
  function gradients(c: Cache, g: Float64Array, W: Float64Array, s: number, gW: Float64Array, gIn: Float64Array): void {
    const { n, window, channels } = c;
    const backend = activeBackend();
    const width = taps * channels;
    const grid = gridFor(window);
    if (grid) {
      const rows = n * grid.size;
      const slice = channels * outChannels;
      const padded = patchScratch(0, gridRows(grid, n) * channels);
      padToGrid(c.x, n, channels, window.inSize, grid, padded);
      const gGrid = patchScratch(1, rows * outChannels);
      scatterAnchors(grid, n, outChannels, g, gGrid);
      const gPadded = patchScratch(2, gridRows(grid, n) * channels);
      gPadded.fill(0);
      grid.shifts.forEach((shift, f) => {
        backend.gemm(true, false, channels, outChannels, rows, s, padded.subarray(shift * channels), gGrid, 0, gW.subarray(f * slice, (f + 1) * slice));
        backend.gemm(false, true, rows, channels, outChannels, s, gGrid, W.subarray(f * slice, (f + 1) * slice), 1, gPadded.subarray(shift * channels));
      });
      addGridToInput(gPadded, n, channels, window.inSize, grid, gIn);
      return;
    }
    eachBlock(c, 0, (r0, r1, patches) => {
      const gRows = g.subarray(r0 * outChannels, r1 * outChannels);
      backend.gemm(true, false, width, outChannels, r1 - r0, s, patches, gRows, r0 === 0 ? 0 : 1, gW);
      const gPatches = patchScratch(1, (r1 - r0) * width);
      backend.gemm(false, true, r1 - r0, width, outChannels, s, gRows, W, 0, gPatches);
      col2imRows(gPatches, channels, window, r0, r1, gIn);
    });
  }

  function forwardRows(p: DenseParams, x: Tensor): { out: Matrix; cache: Cache } {
    const cache = prepare(p, x);
    const out = new Matrix(cache.n * cache.window.outSize, outChannels);
    product(cache, cache.x, p.W.data, weightScale(cache.channels), out.data, 0, p.b);
    return { out, cache };
  }
  const addBias = (out: Float64Array, b: Float64Array) => {
    for (let r = 0; r < out.length; r += outChannels) {
      for (let o = 0; o < outChannels; o++) out[r + o] += biasScale * b[o];
    }
  };
  const shapedOut = (rows: Matrix, n: number, window: Window) => new Tensor([n, ...window.output, outChannels], rows.data);
  const rowsOf = (g: Tensors): Matrix => {
    const t = asImages(g);
    return new Matrix(t.data.length / outChannels, outChannels, t.data);
  };

  // The conv's kernel rule (Neural Tangents' Conv kernel_fn): with A the mean
  // over the filter's offsets (zero-padded), 𝒦′ = σ_w²·A(𝒦) + σ_b², and
  // Θ′ = σ_w²·A(Θ) + 𝒦′ (NTK parameterization) or C·|F|·A(𝒦) + σ_w²·A(Θ) (+1)
  // (standard). The bias is shared by every position, so σ_b² adds to all of them.
  interface ConvJob extends RowsJob {
    nngp: Float64Array;
    ntk: Float64Array | null;
    outNngp: Float64Array;
    outNtk: Float64Array | null;
    spatial: readonly number[];
    diagonal: boolean;
    fanIn: number;
    /** Θ below is zero (no trainable layer: `KernelAffine.thetaZero`): A(Θ) = 0 is written, not computed from the array. */
    thetaZero: boolean;
  }

  /** Rows [i0, i1) of the conv's kernel rule: each block averaged over the filter, then σ_w², σ_b² and the NTK's sum. */
  function convRows(job: ConvJob, i0: number, i1: number): void {
    const { nngp, ntk, outNngp, outNtk, n2, symmetric, diagonal, fanIn, thetaZero } = job;
    const w = windowFor(job.spatial);
    const inBlock = diagonal ? w.inSize : w.inSize * w.inSize;
    const outBlock = diagonal ? w.outSize : w.outSize * w.outSize;
    const bias = hasBias ? 1 : 0;
    const scratch = convScratch(w, diagonal);
    for (let i = i0; i < i1; i++) {
      for (let j = symmetric ? i : 0; j < n2; j++) {
        const b = i * n2 + j;
        const start = b * outBlock;
        convBlock(w, diagonal, nngp, b * inBlock, outNngp, start, scratch);
        if (ntk !== null && outNtk !== null) {
          if (thetaZero) outNtk.fill(0, start, start + outBlock);
          else convBlock(w, diagonal, ntk, b * inBlock, outNtk, start, scratch);
          for (let e = start; e < start + outBlock; e++) {
            const a = outNngp[e];
            const next = w2 * a + b2;
            outNngp[e] = next;
            outNtk[e] = ntkParam ? w2 * outNtk[e] + next : fanIn * a + w2 * outNtk[e] + bias;
          }
        } else {
          for (let e = start; e < start + outBlock; e++) outNngp[e] = w2 * outNngp[e] + b2;
        }
      }
    }
  }

  // The conv's kernel rule (Neural Tangents' Conv kernel_fn): with A the mean
  // over the filter's offsets (zero-padded), 𝒦′ = σ_w²·A(𝒦) + σ_b², and
  // Θ′ = σ_w²·A(Θ) + 𝒦′ (NTK parameterization) or C·|F|·A(𝒦) + σ_w²·A(Θ) (+1)
  // (standard). The bias is shared by every position, so σ_b² adds to all of them.
  function rule(given: Kernels): Kernels {
    if (isKernelList(given)) throw new ShapeError(`${name}: expects one input but got ${given.length} branches; combine them first`);
    if (given.spatial.length === 0)
      throw new ShapeError(`${name}: expects images or sequences, got inputs without positions; pass (n, H, W, C) or (n, L, C) tensors`);
    const k = settle(given);
    const w = windowFor(k.spatial);
    const inBlock = blockSize(k);
    const outBlock = blockSize({ spatial: w.output, diagonal: k.diagonal });
    const outNngp = sharedFloat64(k.n1 * k.n2 * outBlock);
    const outNtk = k.ntk === null ? null : sharedFloat64(outNngp.length);
    const job: ConvJob = {
      n1: k.n1,
      n2: k.n2,
      symmetric: k.upperOnly,
      nngp: k.nngp,
      ntk: k.ntk,
      outNngp,
      outNtk,
      spatial: k.spatial,
      diagonal: k.diagonal,
      fanIn: k.width * taps,
      thetaZero: !k.hasTrainable,
      arrays: [k.nngp, k.ntk, outNngp, outNtk],
    };
    const entries = k.n1 * k.n2 * (inBlock + outBlock);
    const native = { ...job, window: w, w2, b2, bias: hasBias ? 1 : 0, ntkParameterization: ntkParam };
    if (!nativeConvRows(native, threadsFor(entries))) splitRows(impl, specOf(), job, entries);
    const scratch = convScratch(w, k.diagonal);
    const self = (cov: Float64Array, n: number) => {
      const dst = mapSelfBlocks(cov, n, inBlock, outBlock, (src, so, d, dOff) => convBlock(w, k.diagonal, src, so, d, dOff, scratch));
      for (let i = 0; i < dst.length; i++) dst[i] = w2 * dst[i] + b2;
      return dst;
    };
    const cov1 = self(k.cov1, k.n1);
    const state: KernelState = {
      ...k,
      spatial: w.output,
      nngp: outNngp,
      ntk: outNtk,
      cov1,
      cov2: k.x1IsX2 ? cov1 : self(k.cov2, k.n2),
      width: outChannels,
      isGaussian: true,
      hasTrainable: true,
    };
    return state;
  }

  const impl: LayerImpl = {
    name,
    outputDim(d) {
      const { window } = checkInput(d);
      return { spatial: window.output, channels: outChannels };
    },
    initFn(key, d) {
      const { window, channels } = checkInput(d);
      const [kW, kb] = split(key, 2);
      // W is |F|·C × out, rows ordered (filter offset, channel): the HWIO layout of Neural Tangents and tfjs.
      const W = new Matrix(taps * channels, outChannels);
      fillNormal(kW, W.data);
      let b: Float64Array | null = null;
      if (hasBias) {
        b = new Float64Array(outChannels);
        fillNormal(kb, b);
      }
      if (!ntkParam) {
        // eq. S32: W ~ 𝒩(0, σ_w²/(C·|F|)), b ~ 𝒩(0, σ_b²), trained as they are.
        const s = wStd / Math.sqrt(channels * taps);
        for (let i = 0; i < W.data.length; i++) W.data[i] *= s;
        if (b) for (let o = 0; o < outChannels; o++) b[o] *= bStd;
      }
      return { outputDim: { spatial: window.output, channels: outChannels }, params: { W, b } };
    },
    forward(params, x) {
      const images = asImages(x);
      const { out, cache } = forwardRows(asParams(params), images);
      return { out: shapedOut(out, cache.n, cache.window), cache };
    },
    backward(params, cacheIn, gOut, visit) {
      const p = asParams(params);
      const cache = cacheIn as Cache;
      const { n, window, channels } = cache;
      const g = rowsOf(gOut);
      visit?.(impl, params, cacheIn, gOut);
      const gW = new Matrix(taps * channels, outChannels);
      const gIn = new Tensor([n, ...window.input, channels], new Float64Array(cache.x.length));
      gradients(cache, g.data, p.W.data, weightScale(channels), gW.data, gIn.data);
      let gb: Float64Array | null = null;
      if (p.b) {
        gb = new Float64Array(outChannels);
        for (let r = 0; r < g.rows; r++) {
          for (let o = 0; o < outChannels; o++) gb[o] += g.data[r * outChannels + o];
        }
        for (let o = 0; o < outChannels; o++) gb[o] *= biasScale;
      }
      return { gIn, gParams: { W: gW, b: gb } };
    },
    jvp(params, x, tParams, tx) {
      const p = asParams(params);
      const images = asImages(x);
      const cache = prepare(p, images);
      const { n, window, channels } = cache;
      const out = new Matrix(n * window.outSize, outChannels);
      const tOut = new Matrix(out.rows, outChannels);
      const s = weightScale(channels);
      const t = tParams === null ? null : asParams(tParams);
      product(cache, cache.x, p.W.data, s, out.data, 0, p.b);
      if (t) product(cache, cache.x, t.W.data, s, tOut.data, 0, t.b);
      if (tx !== null) product(cache, asImages(tx).data, p.W.data, s, tOut.data, 1);
      return { out: shapedOut(out, n, window), tOut: shapedOut(tOut, n, window) };
    },
    gradientGram(params, cache1, gOut1, cache2, gOut2) {
      const p = asParams(params);
      const c1 = cache1 as Cache;
      const c2 = cache2 as Cache;
      const width = taps * c1.channels;
      const S = c1.window.outSize;
      // One example's patches at a time, each in its own slot (the Gram reads both batches' examples).
      const patchesOf = (c: Cache, slot: 0 | 1) => (a: number) => {
        const rows = patchScratch(slot, S * width);
        im2colRows(c.x, c.channels, c.window, a * S, (a + 1) * S, rows);
        return rows;
      };
      const g1 = rowsOf(gOut1).data;
      const g2 = rowsOf(gOut2).data;
      return sharedWeightGram(
        patchesOf(c1, 0),
        g1,
        c1.n,
        patchesOf(c2, 1),
        g2,
        c2.n,
        c1.x === c2.x && g1 === g2,
        S,
        width,
        outChannels,
        weightScale(c1.channels) ** 2,
        p.b ? biasScale * biasScale : 0,
      );
    },
    kernelRule: rule,
    rows: (job, i0, i1) => convRows(job as ConvJob, i0, i1),
    tfjs(params, compiler) {
      const { W, b } = asParams(params);
      const channels = W.rows / taps;
      compiler.leaf([...filterShape, channels, outChannels]);
      if (b) compiler.leaf([1, outChannels]);
      const scale = weightScale(channels);
      return (tf, hidden, take) => {
        const filters = take();
        const bias = b ? take() : null;
        return convTfjs(tf, hidden as TfTensor, filters, bias, { filterShape, strides, padding, scale, biasScale, outChannels });
      };
    },
  };
  return impl;
}

/**
 * The conv of M stacked networks in tfjs: each network's filters act on its
 * own [n, ...spatial, C] activations (tfjs convolves one filter bank at a
 * time). Every conv runs as a stride-1 3-D conv with unit extra axes on an
 * explicitly padded input (zeros, or wrapped for `CIRCULAR`), then keeps every
 * s-th position: tfjs's WebAssembly backend has no gradient kernel for
 * conv2d's filters, and its strided conv3d gradients disagree with the
 * forward pass, while padding, slicing and stride-1 conv3d differentiate exactly.
 */
function convTfjs(
  tf: Tfjs,
  h: TfTensor,
  filters: TfTensor,
  bias: TfTensor | null,
  o: { filterShape: readonly number[]; strides: readonly number[]; padding: Padding; scale: number; biasScale: number; outChannels: number },
): TfTensor {
  const members = h.shape[0];
  const volume = (shape: readonly number[]) => [...Array(3 - shape.length).fill(1), ...shape] as [number, number, number];
  const outs: TfTensor[] = [];
  for (let m = 0; m < members; m++) {
    let x = tf.squeeze(tf.slice(h, [m], [1]), [0]);
    if (o.padding === 'CIRCULAR') x = circularPad(tf, x, o.filterShape, o.strides);
    if (o.padding === 'SAME') x = zeroPad(tf, x, o.filterShape, o.strides);
    const [n, ...rest] = x.shape;
    const channels = rest[rest.length - 1];
    const spatial = rest.slice(0, -1);
    const f = tf.reshape(tf.slice(filters, [m], [1]), [...volume(o.filterShape), channels, o.outChannels]) as Tensor5D;
    const y = tf.conv3d(tf.reshape(x, [n, ...volume(spatial), channels]) as Tensor5D, f, [1, 1, 1], 'valid');
    outs.push(subsample(tf, tf.reshape(y, [n, ...y.shape.slice(4 - spatial.length, 4), o.outChannels]), o.strides));
  }
  let out = tf.mul(tf.stack(outs), o.scale);
  if (bias) out = tf.add(out, tf.reshape(tf.mul(bias, o.biasScale), [members, ...out.shape.slice(1, -1).map(() => 1), o.outChannels]));
  return out;
}

/**
 * A convolution over images (n, H, W, C) with `filterShape` [fh, fw], or over
 * sequences (n, L, C) with [fl], channels last (Neural Tangents' `Conv`; the
 * CNN of Lee et al. 2019, Fig. 5). Finite: at stride 1, one gemm per filter offset on a padded grid; otherwise im2col and gemm, block by block. Infinite
 * width: the covariance at each pair of positions is averaged over the filter
 * offsets, σ_w²/|F| (zero-padded for `SAME`), as Neural Tangents computes it.
 * `padding` defaults to `'SAME'` (Neural Tangents' default is `'VALID'`).
 *
 * @example
 * ```ts
 * const cnn = stax.serial(stax.conv(32, [3, 3]), stax.relu(), stax.conv(32, [3, 3]), stax.relu(),
 *   stax.flatten(), stax.dense(10));
 * const images = Tensor.from(randomImages);            // (n, 8, 8, 3)
 * const { nngp, ntk } = cnn.kernel(images);
 * ```
 */
export const conv = layerType({ type: 'conv', create: convImpl, toSpec: convSpecArgs });

/** The spec arguments of a conv: its arguments with every default filled in. */
function convSpecArgs(outChannels: number, filterShape: readonly number[], options: ConvOptions = {}): unknown[] {
  const { strides = filterShape.map(() => 1), padding = 'SAME', wStd = 1, bStd = 0, parameterization = 'ntk' } = options;
  return [outChannels, [...filterShape], { strides: [...strides], padding, wStd, bStd, parameterization }];
}
