import type { Tensor } from '@tensorflow/tfjs';
import { InputError, ShapeError } from '../errors';
import { Matrix } from '../matrix';
import { checkOptions } from '../options';
import { isKernelList, materialize, type Kernels, type KernelState } from './kernel-state';
import { layerType } from './registry';
import type { LayerImpl, Tensors } from './types';

/** Options of {@link layerNorm}, as Neural Tangents' `LayerNorm(axis, eps)`. */
export interface LayerNormOptions {
  /** The axis normalised over: −1 (default), the features of (n, features) inputs. */
  axis?: number | readonly number[];
  /** Added to each variance before the square root (default 1e−12, as Neural Tangents). */
  eps?: number;
}

function readOptions(options: LayerNormOptions = {}): { axis: -1; eps: number } {
  checkOptions('stax.layerNorm', options, ['axis', 'eps']);
  const { axis = -1, eps = 1e-12 } = options;
  const axes = Array.isArray(axis) ? axis : [axis];
  if (axes.length !== 1 || (axes[0] !== -1 && axes[0] !== 1)) {
    throw new InputError(
      `stax.layerNorm: axis must be -1 (or 1), the features of (n, features) inputs, got ${JSON.stringify(axis)}; normalising over the batch axis couples the examples, so its kernel is not defined entry by entry, and Neural Tangents requires the feature (channel) axis`,
    );
  }
  if (typeof eps !== 'number' || !(eps >= 0) || !Number.isFinite(eps)) throw new InputError(`stax.layerNorm: eps must be a non-negative finite number, got ${eps}`);
  return { axis: -1, eps };
}

function asMatrix(x: Tensors): Matrix {
  if (!(x instanceof Matrix)) throw new ShapeError(`LayerNorm: expects one input but got ${x.length} branches; apply it inside stax.parallel(...) to act on each branch`);
  return x;
}

/**
 * Layer normalisation, Neural Tangents' `LayerNorm(axis=-1, eps)`: each
 * example's features are centred and divided by √(eps + variance),
 *   y = (h − mean(h)) / √(eps + var(h)).
 *
 * Infinite width: the pre-activations are a centred Gaussian process, so the
 * mean tends to 0 and the variance to 𝒦(x, x); the layer scales each example
 * by 1/√(eps + 𝒦(x, x)), and
 *   𝒦′(x, x′) = 𝒦(x, x′)/√((eps + 𝒦(x, x))(eps + 𝒦(x′, x′))),   Θ′ likewise,
 * (the centring and the variance's own dependence on θ contribute O(1/n) to
 * the NTK). It needs a Gaussian input — a dense layer right before — and its
 * output stays Gaussian. Entry-wise in today's (n, features) kernels; a
 * spatial version normalises over channels at each position (using that
 * position's variance), or also over the spatial axes (their mean variance).
 */
export const layerNorm = layerType({
  type: 'layerNorm',
  create: (options: LayerNormOptions = {}): LayerImpl => {
    const { eps } = readOptions(options);
    const name = `LayerNorm(eps=${eps})`;

    /** Per row: the centred input divided by σ̃ = √(eps + var), and 1/σ̃. */
    const normalise = (x: Matrix): { y: Matrix; inv: Float64Array } => {
      const { rows, cols } = x;
      const y = new Matrix(rows, cols);
      const inv = new Float64Array(rows);
      for (let r = 0; r < rows; r++) {
        let mean = 0;
        for (let i = 0; i < cols; i++) mean += x.data[r * cols + i];
        mean /= cols;
        let v = 0;
        for (let i = 0; i < cols; i++) v += (x.data[r * cols + i] - mean) ** 2;
        inv[r] = 1 / Math.sqrt(eps + v / cols);
        for (let i = 0; i < cols; i++) y.data[r * cols + i] = (x.data[r * cols + i] - mean) * inv[r];
      }
      return { y, inv };
    };
    /**
     * ∂yᵢ/∂hⱼ = (δᵢⱼ − 1/n − yᵢyⱼ/n)/σ̃ (with eps inside σ̃ and y), a symmetric
     * Jacobian: J·t = (t − mean(t) − y·mean(t ⊙ y))/σ̃ per row, for backward and JVP.
     */
    const applyJacobian = (y: Matrix, inv: Float64Array, t: Matrix): Matrix => {
      const { rows, cols } = y;
      const out = new Matrix(rows, cols);
      for (let r = 0; r < rows; r++) {
        let mt = 0;
        let mty = 0;
        for (let i = 0; i < cols; i++) {
          mt += t.data[r * cols + i];
          mty += t.data[r * cols + i] * y.data[r * cols + i];
        }
        mt /= cols;
        mty /= cols;
        for (let i = 0; i < cols; i++) out.data[r * cols + i] = (t.data[r * cols + i] - mt - y.data[r * cols + i] * mty) * inv[r];
      }
      return out;
    };
    return {
      name,
      outputDim(d) {
        if (typeof d !== 'number') throw new ShapeError(`${name}: expects one input but got ${d.length} branches; apply it inside stax.parallel(...)`);
        return d;
      },
      initFn: (_key, d) => ({ outputDim: d, params: null }),
      forward(_params, x) {
        const { y, inv } = normalise(asMatrix(x));
        return { out: y, cache: { y, inv } };
      },
      backward(_params, cache, gOut) {
        const { y, inv } = cache as { y: Matrix; inv: Float64Array };
        return { gIn: applyJacobian(y, inv, asMatrix(gOut)), gParams: null };
      },
      jvp(_params, x, _tParams, tx) {
        const { y, inv } = normalise(asMatrix(x));
        const tOut = tx === null ? new Matrix(y.rows, y.cols) : applyJacobian(y, inv, asMatrix(tx));
        return { out: y, tOut };
      },
      kernelRule(k: Kernels) {
        if (isKernelList(k)) throw new ShapeError(`${name}: expects one input but got ${k.length} branches; apply it inside stax.parallel(...)`);
        if (!k.isGaussian) {
          throw new InputError(`${name}: its infinite-width kernel needs Gaussian pre-activations (as in Neural Tangents), i.e. a dense layer right before; put stax.dense(...) before stax.layerNorm()`);
        }
        const s = materialize(k);
        const scale1 = new Float64Array(s.n1);
        const scale2 = s.x1IsX2 ? scale1 : new Float64Array(s.n2);
        for (let i = 0; i < s.n1; i++) scale1[i] = 1 / Math.sqrt(eps + s.cov1[i]);
        if (!s.x1IsX2) for (let j = 0; j < s.n2; j++) scale2[j] = 1 / Math.sqrt(eps + s.cov2[j]);
        for (let i = 0; i < s.n1; i++) {
          for (let j = 0; j < s.n2; j++) {
            const f = scale1[i] * scale2[j];
            s.nngp[i * s.n2 + j] *= f;
            if (s.ntk !== null) s.ntk[i * s.n2 + j] *= f;
          }
        }
        for (let i = 0; i < s.n1; i++) s.cov1[i] *= scale1[i] * scale1[i];
        if (!s.x1IsX2) for (let j = 0; j < s.n2; j++) s.cov2[j] *= scale2[j] * scale2[j];
        const out: KernelState = { ...s };
        return out;
      },
      tfjs: () => (tf, h) => {
        const x = h as Tensor;
        const { mean, variance } = tf.moments(x, -1, true);
        return tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps)));
      },
    };
  },
  toSpec: (options: LayerNormOptions = {}) => [readOptions(options)],
});
