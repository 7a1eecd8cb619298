import type { Tensor3D as Tensor3 } from '@tensorflow/tfjs';
import { InputError, ShapeError } from '../errors';
import { activeBackend } from '../linalg/backend';
import { Matrix } from '../matrix';
import { Tensor } from '../tensor';
import { gramAddPass } from '../simd/passes';
import { scratch } from '../workspace';
import { checkOptions, positiveInteger } from '../options';
import { fillNormal } from '../random/distributions';
import { split } from '../random/key';
import { composeAffine, isKernelList, type KernelAffine, type Kernels, type KernelState } from './kernel-state';
import { layerType } from './registry';
import { isSpatialDims } from './shapes';
import { sharedWeightGram } from './spatial/gradient-gram';
import type { DenseParams, Dims, LayerImpl, Params, Tensors } from './types';

/** How a dense layer scales its weights (Lee et al. 2019, eq. 1 vs eq. S32). */
export type Parameterization = 'ntk' | 'standard';

export interface DenseOptions {
  /** σ_w, the weight standard deviation (default 1). */
  wStd?: number;
  /** σ_b, the bias standard deviation (default 0: no bias parameter). */
  bStd?: number;
  /** `'ntk'` (default, eq. 1) or `'standard'` (eq. S32). */
  parameterization?: Parameterization;
  /**
   * Keep a trainable bias even with `bStd = 0` (default: a bias exactly when
   * bStd > 0). With standard parameterization this is Neural Tangents'
   * `b_std=0.`: zero-initialised, trainable, adding 1 to the NTK.
   */
  trainableBias?: boolean;
}

const OPTIONS = ['wStd', 'bStd', 'parameterization', 'trainableBias'] as const;

/** Validates the arguments and builds the dense layer's implementation. */
function denseImpl(outDim: number, options: DenseOptions = {}): LayerImpl {
  checkOptions('stax.dense', options, OPTIONS);
  positiveInteger('stax.dense', 'outDim', outDim);
  const { wStd = 1, bStd = 0, parameterization = 'ntk', trainableBias = bStd > 0 } = options;
  if (typeof wStd !== 'number' || !(wStd > 0) || !Number.isFinite(wStd)) {
    throw new InputError(`stax.dense(${outDim}): wStd must be a positive finite number (σ_w), got ${wStd}`);
  }
  if (typeof bStd !== 'number' || !(bStd >= 0) || !Number.isFinite(bStd)) {
    throw new InputError(`stax.dense(${outDim}): bStd must be a non-negative finite number (σ_b; 0 for no bias), got ${bStd}`);
  }
  if (parameterization !== 'ntk' && parameterization !== 'standard') {
    throw new InputError(`stax.dense(${outDim}): parameterization must be 'ntk' or 'standard', got ${JSON.stringify(parameterization)}`);
  }
  const name = `Dense(${outDim})`;
  const ntkParam = parameterization === 'ntk';
  if (typeof trainableBias !== 'boolean')
    throw new InputError(`stax.dense(${outDim}): trainableBias must be true or false, got ${JSON.stringify(trainableBias)}`);
  if (!trainableBias && bStd > 0) throw new InputError(`stax.dense(${outDim}): bStd = ${bStd} needs a bias; drop trainableBias: false or set bStd: 0`);
  const hasBias = trainableBias;
  const w2 = wStd * wStd;
  const b2 = bStd * bStd;

  /** The input's channel (feature) count; a dense layer acts on the last axis, at every position of an image or sequence. */
  const checkInput = (inputDim: Dims): number => {
    if (Array.isArray(inputDim)) {
      throw new ShapeError(`${name}: expects one input but got ${inputDim.length} branches; combine them with stax.fanInSum() or stax.fanInConcat() first`);
    }
    return isSpatialDims(inputDim) ? inputDim.channels : (inputDim as number);
  };
  const outputOf = (inputDim: Dims): Dims => (isSpatialDims(inputDim) ? { spatial: inputDim.spatial, channels: outDim } : outDim);
  /** Multiplier of x·W in the forward pass. */
  const weightScale = (nIn: number) => (ntkParam ? wStd / Math.sqrt(nIn) : 1);
  const biasScale = ntkParam ? bStd : 1;

  const asParams = (p: Params): DenseParams => {
    if (p === null || Array.isArray(p) || !((p as DenseParams).W instanceof Matrix)) {
      throw new ShapeError(`${name}: expected parameters { W, b } from this layer's init`);
    }
    return p as DenseParams;
  };
  /** Activations as rows: a matrix as is, an (n, ...spatial, C) tensor as (n·S)×C, one row per example and position. */
  const asMatrix = (x: Tensors): Matrix => {
    if (x instanceof Matrix) return x;
    if (x instanceof Tensor) return new Matrix(x.data.length / x.shape[x.shape.length - 1], x.shape[x.shape.length - 1], x.data);
    throw new ShapeError(`${name}: expects one input, got ${x.length} branches; combine them with stax.fanInSum() or stax.fanInConcat() first`);
  };
  /** Rows back in the shape of `like`, with `cols` channels. */
  const shaped = (rows: Matrix, like: Tensors): Matrix | Tensor =>
    like instanceof Tensor ? new Tensor([...like.shape.slice(0, -1), rows.cols], rows.data) : rows;
  /** Examples in a batch of activations (rows of a matrix, axis 0 of a tensor). */
  const examples = (x: Tensors): number => (x instanceof Tensor ? x.shape[0] : (x as Matrix).rows);

  function affine(x: Matrix, W: Matrix, b: Float64Array | null): Matrix {
    if (x.cols !== W.rows) {
      throw new ShapeError(`${name}: input has ${x.cols} features but W is ${W.rows}×${W.cols}; parameters were initialised for another input dimension`);
    }
    // Every entry is written below (bias rows, then dgemm with beta 1, or beta 0).
    const out = new Matrix(x.rows, outDim, scratch(x.rows * outDim));
    if (b) {
      // Every row starts as the bias and dgemm adds x·W to it (beta = 1): one
      // copy instead of dgemm zeroing the output and a second pass adding b.
      const row = out.data.subarray(0, outDim);
      for (let j = 0; j < outDim; j++) row[j] = biasScale * b[j];
      // Doubling copies: log₂(rows) memmoves instead of one per row.
      for (let filled = 1; filled < x.rows; filled *= 2) out.data.copyWithin(filled * outDim, 0, Math.min(filled, x.rows - filled) * outDim);
    }
    activeBackend().gemm(false, false, x.rows, outDim, x.cols, weightScale(x.cols), x.data, W.data, b ? 1 : 0, out.data);
    return out;
  }

  // The layer's action on each kernel entry (deferred: see KernelAffine).
  // NTK parameterization: 𝒦′ = σ_w² 𝒦 + σ_b² (eqs. S3–S4), Θ′ = 𝒦′ + σ_w² Θ (eq. S6).
  // Standard: the same 𝒦′, Θ′ = n·𝒦 + σ_w² Θ (+1 with a bias), n the input width.
  const entryMap = (inputWidth: number): KernelAffine =>
    ntkParam ? { a: w2, b: b2, c: w2, d: w2, e: b2 } : { a: w2, b: b2, c: w2, d: inputWidth, e: hasBias ? 1 : 0 };

  function rule(k: Kernels): Kernels {
    if (isKernelList(k)) {
      throw new ShapeError(`${name}: expects one input but got ${k.length} branches; combine them with stax.fanInSum() or stax.fanInConcat() first`);
    }
    if (!ntkParam && k.ntk !== null && !Number.isFinite(k.width)) {
      throw new InputError(
        `${name}: standard parameterization needs the width of its input (Θ′ = n·𝒦 + σ_w²Θ, eq. S32), which this Kernel does not record; continue from a layer's kernel() result, or compute the network from its inputs`,
      );
    }
    const affineVariance = (c: Float64Array) => {
      for (let i = 0; i < c.length; i++) c[i] = w2 * c[i] + b2;
    };
    affineVariance(k.cov1);
    if (!k.x1IsX2) affineVariance(k.cov2);
    const map = composeAffine(k.pending, entryMap(k.width));
    const out: KernelState = {
      ...k,
      pending: k.hasTrainable ? map : { ...map, thetaZero: true },
      width: outDim,
      isGaussian: true,
      hasTrainable: true,
    };
    return out;
  }

  const impl: LayerImpl = {
    name,
    outputDim: (inputDim) => {
      checkInput(inputDim);
      return outputOf(inputDim);
    },
    initFn(key, inputDim) {
      const nIn = checkInput(inputDim);
      const [kW, kb] = split(key, 2);
      const W = new Matrix(nIn, outDim);
      fillNormal(kW, W.data);
      let b: Float64Array | null = null;
      if (hasBias) {
        b = new Float64Array(outDim);
        fillNormal(kb, b);
      }
      if (!ntkParam) {
        // eq. S32: W ~ 𝒩(0, σ_w²/n), b ~ 𝒩(0, σ_b²), trained as they are.
        const s = wStd / Math.sqrt(nIn);
        for (let i = 0; i < W.data.length; i++) W.data[i] *= s;
        if (b) for (let j = 0; j < outDim; j++) b[j] *= bStd;
      }
      return { outputDim: outputOf(inputDim), params: { W, b } };
    },
    forward(params, x) {
      const p = asParams(params);
      const input = asMatrix(x);
      return { out: shaped(affine(input, p.W, p.b), x), cache: { rows: input, like: x } };
    },
    backward(params, cache, gOut, visit, needInput = true) {
      const p = asParams(params);
      const { rows: x, like } = cache as { rows: Matrix; like: Tensors };
      const g = asMatrix(gOut);
      const skipParams = visit?.(impl, params, cache, gOut) === 'skipParams';
      const s = weightScale(x.cols);
      const backend = activeBackend();
      let gIn: Tensors = new Matrix(0, 0);
      if (needInput) {
        const rows = new Matrix(x.rows, x.cols, scratch(x.rows * x.cols));
        backend.gemm(false, true, x.rows, x.cols, outDim, s, g.data, p.W.data, 0, rows.data);
        gIn = shaped(rows, like);
      }
      if (skipParams) return { gIn, gParams: null };
      const gW = new Matrix(x.cols, outDim);
      backend.gemm(true, false, x.cols, outDim, x.rows, s, x.data, g.data, 0, gW.data);
      let gb: Float64Array | null = null;
      if (p.b) {
        gb = new Float64Array(outDim);
        for (let i = 0; i < g.rows; i++) {
          for (let j = 0; j < outDim; j++) gb[j] += g.data[i * outDim + j];
        }
        for (let j = 0; j < outDim; j++) gb[j] *= biasScale;
      }
      return { gIn, gParams: { W: gW, b: gb } };
    },
    jvp(params, x, tParams, tx) {
      const p = asParams(params);
      const input = asMatrix(x);
      const out = shaped(affine(input, p.W, p.b), x);
      const tOut = new Matrix(input.rows, outDim);
      const backend = activeBackend();
      const s = weightScale(input.cols);
      if (tParams !== null) {
        const t = asParams(tParams);
        backend.gemm(false, false, input.rows, outDim, input.cols, s, input.data, t.W.data, 0, tOut.data);
        if (t.b) {
          for (let i = 0; i < input.rows; i++) {
            for (let j = 0; j < outDim; j++) tOut.data[i * outDim + j] += biasScale * t.b[j];
          }
        }
      }
      if (tx !== null) {
        const dx = asMatrix(tx);
        backend.gemm(false, false, input.rows, outDim, input.cols, s, dx.data, p.W.data, 1, tOut.data);
      }
      return { out, tOut: shaped(tOut, x) };
    },
    gradientGram(params, cache1, gOut1, cache2, gOut2, into) {
      // ∂h/∂W_ij = s·x_i δ_j and ∂h/∂b_j = s_b·δ_j, so summed over the layer's
      // parameters the Gram is s²(X₁X₂ᵀ) ⊙ (Δ₁Δ₂ᵀ) + s_b²·Δ₁Δ₂ᵀ (eq. 5, layer l).
      const p = asParams(params);
      const { rows: x1, like: like1 } = cache1 as { rows: Matrix; like: Tensors };
      const { rows: x2, like: like2 } = cache2 as { rows: Matrix; like: Tensors };
      const d1 = asMatrix(gOut1);
      const d2 = asMatrix(gOut2);
      const n1 = examples(like1);
      if (n1 !== x1.rows) {
        // At every position the same W: the Gram of per-example weight gradients.
        const positions = x1.rows / n1;
        const example = (x: Matrix) => (a: number) => x.data.subarray(a * positions * x.cols, (a + 1) * positions * x.cols);
        return sharedWeightGram(
          example(x1),
          d1.data,
          n1,
          example(x2),
          d2.data,
          examples(like2),
          x1 === x2 && d1 === d2,
          positions,
          x1.cols,
          outDim,
          weightScale(x1.cols) ** 2,
          p.b ? biasScale * biasScale : 0,
        );
      }
      const backend = activeBackend();
      const n = x1.rows;
      const m = x2.rows;
      // Written before read: in full, or the upper triangles that alone are
      // read. Without `into` the result is `inputs`, the caller's to keep.
      const inputs = into ? scratch(n * m) : new Float64Array(n * m);
      const signals = scratch(n * m);
      // One batch with itself: symmetric Grams, half the products (dsyrk);
      // with `into`, only their upper triangles (the caller mirrors the sum once).
      const same = x1 === x2 && d1 === d2;
      if (same && into) {
        backend.syrkUpper(n, x1.cols, x1.data, inputs);
        backend.syrkUpper(n, outDim, d1.data, signals);
      } else if (same) {
        backend.syrk(n, x1.cols, x1.data, inputs);
        backend.syrk(n, outDim, d1.data, signals);
      } else {
        backend.gemm(false, true, n, m, x1.cols, 1, x1.data, x2.data, 0, inputs);
        backend.gemm(false, true, n, m, outDim, 1, d1.data, d2.data, 0, signals);
      }
      const s2 = weightScale(x1.cols) ** 2;
      const b2 = p.b ? biasScale * biasScale : 0;
      if (!into) {
        for (let i = 0; i < inputs.length; i++) inputs[i] = (s2 * inputs[i] + b2) * signals[i];
        return inputs;
      }
      // On SIMD when `into` is an arena array too (`simd/passes`, the same bits).
      if (gramAddPass(into, inputs, signals, n, m, s2, b2, same)) return into;
      if (same) {
        for (let i = 0; i < n; i++) {
          for (let j = i; j < n; j++) into[i * n + j] += (s2 * inputs[i * n + j] + b2) * signals[i * n + j];
        }
      } else {
        for (let i = 0; i < inputs.length; i++) into[i] += (s2 * inputs[i] + b2) * signals[i];
      }
      return into;
    },
    kernelRule: rule,
    tfjs(params, compiler) {
      const { W, b } = asParams(params);
      compiler.leaf([W.rows, W.cols]);
      if (b) compiler.leaf([1, b.length]);
      // NTK parameterization (eq. 1): h = σ_w/√n · xω + σ_b·β; standard (eq. S32): h = xW + b.
      const scale = weightScale(W.rows);
      return (tf, hidden, take) => {
        // [M, n, ...spatial, C] acts as [M, n·S, C] rows; the weights of each of the M networks are [C, out].
        const h = hidden as Tensor3;
        const rows = h.rank === 3 ? h : tf.reshape(h, [h.shape[0], -1, W.rows]);
        const xw = tf.matMul(rows as Tensor3, take() as Tensor3);
        const scaledXw = scale === 1 ? xw : tf.mul(xw, scale);
        const out = b ? tf.add(scaledXw, biasScale === 1 ? take() : tf.mul(take(), biasScale)) : scaledXw;
        return h.rank === 3 ? out : tf.reshape(out, [...h.shape.slice(0, -1), outDim]);
      };
    },
  };
  return impl;
}

/**
 * A fully-connected layer h = x W + b (Lee et al. 2019).
 *
 * - NTK parameterization (default, eq. 1): W = σ_w/√n · ω, b = σ_b · β with
 *   ω, β ~ 𝒩(0, 1) the trainable variables. Kernels: 𝒦′ = σ_w² 𝒦 + σ_b²
 *   (eqs. S3–S4) and Θ′ = 𝒦′ + σ_w² Θ (eq. S6). The width never enters.
 * - Standard parameterization (eq. S32): W ~ 𝒩(0, σ_w²/n), b ~ 𝒩(0, σ_b²)
 *   trained directly. The NNGP is the same, but the NTK counts the gradient
 *   with respect to every weight, Θ′ = n·𝒦 + σ_w² Θ (+1 with a bias), so it
 *   grows with the width n of the layer's input — as in Neural Tangents'
 *   `Dense(..., parameterization='standard')`, which uses the finite widths.
 *
 * `bStd = 0` means the layer has no bias at all: this equals Neural Tangents'
 * default `b_std=None`. NT's `b_std=0.` with standard parameterization keeps a
 * zero-initialised trainable bias that adds 1 to the NTK: that is
 * `{ bStd: 0, trainableBias: true, parameterization: 'standard' }`.
 *
 * @example
 * ```ts
 * const layer = stax.dense(512, { wStd: 1.5, bStd: 0.05 });
 * ```
 */
export const dense = layerType({
  type: 'dense',
  create: denseImpl,
  toSpec: (outDim: number, options: DenseOptions = {}) => {
    const { wStd = 1, bStd = 0, parameterization = 'ntk', trainableBias } = options;
    // trainableBias only when it differs from its default, so older specs (and their cache keys) stay the same.
    return [
      outDim,
      trainableBias === undefined || trainableBias === bStd > 0 ? { wStd, bStd, parameterization } : { wStd, bStd, parameterization, trainableBias },
    ];
  },
});
