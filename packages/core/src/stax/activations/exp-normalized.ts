import type { Tensor } from '@tensorflow/tfjs';
import { InputError } from '../../errors';
import { Matrix } from '../../matrix';
import { checkOptions } from '../../options';
import { activationType } from '../activation';
import { activationOf, withData } from '../shapes';
import type { Tensors } from '../types';

/** Options of {@link expNormalized}, as Neural Tangents' `ExpNormalized(gamma, shift, do_clip)`. */
export interface ExpNormalizedOptions {
  /** γ, the scale of the normalised covariance in the exponent (default 1). */
  gamma?: number;
  /** Added to the normalised covariance before exponentiating (default −1). */
  shift?: number;
  /** Clip the normalised covariance to [−1, 1] first (default false; guards against round-off). */
  doClip?: boolean;
}

function readOptions(options: ExpNormalizedOptions = {}): Required<ExpNormalizedOptions> {
  checkOptions('stax.expNormalized', options, ['gamma', 'shift', 'doClip']);
  const { gamma = 1, shift = -1, doClip = false } = options;
  if (typeof gamma !== 'number' || !(gamma > 0) || !Number.isFinite(gamma))
    throw new InputError(`stax.expNormalized: gamma must be a positive finite number, got ${gamma}`);
  if (typeof shift !== 'number' || !Number.isFinite(shift)) throw new InputError(`stax.expNormalized: shift must be a finite number, got ${shift}`);
  if (typeof doClip !== 'boolean') throw new InputError(`stax.expNormalized: doClip must be true or false, got ${String(doClip)}`);
  return { gamma, shift, doClip };
}

/**
 * The input as rows of channels: (n, features) as it is, (n, ...spatial, C)
 * as (n·S)×C, one row per example and position (a view on the same data).
 */
function channelRows(x: Tensors): Matrix {
  const input = activationOf('ExpNormalized', x);
  if (input instanceof Matrix) return input;
  const c = input.shape[input.shape.length - 1];
  return new Matrix(input.data.length / c, c, input.data);
}

/**
 * Neural Tangents' `ExpNormalized(gamma, shift, do_clip)`, the "Gaussian
 * normalized kernel" of Shankar et al. 2020 (Neural Kernels Without Tangents):
 * with ρ = q12/√(q11 q22) the correlation of the two pre-activations,
 *   𝒯(Σ) = √(q11 q22)·exp(γ(ρ + shift)),   𝒯̇(Σ) = γ·exp(γ(ρ + shift)),
 * (𝒯 = 0 and ρ = 0 when a variance is 0, the limit Neural Tangents takes).
 *
 * Neural Tangents has no finite network for it. This library's is the finite
 * layer whose infinite-width kernel this is: each example's pre-activations
 * h ∈ ℝⁿ are normalised by their own root mean square s = √(‖h‖²/n) → √q,
 * and mapped through g(z) = e^{γ·shift/2}·e^{√γ·z − γ/2},
 *   φ(h)ᵢ = s·g(hᵢ/s),
 * because the generating function of the Hermite polynomials gives
 * E[g(z₁)g(z₂)] = e^{γ(ρ + shift)} for unit normals of correlation ρ, and
 * E[(√γ g)(z₁)(√γ g)(z₂)] the NTK factor. The backward pass includes the
 * dependence of s on h, whose contribution to the empirical NTK vanishes as
 * n → ∞. On images and sequences each position is normalised over its
 * channels, matching the kernel, which uses each position's variance (as
 * Neural Tangents' kernel does).
 */
export const expNormalized = activationType({
  type: 'expNormalized',
  create: (options: ExpNormalizedOptions = {}) => {
    const { gamma, shift, doClip } = readOptions(options);
    const root = Math.sqrt(gamma);
    const scale = Math.exp(0.5 * gamma * shift);
    /** g(z) on an example already normalised to unit mean square. */
    const g = (z: number) => scale * Math.exp(root * z - 0.5 * gamma);

    /** s per row, and E = g(h/s) entry by entry (0 for an all-zero row). */
    const normalise = (x: Matrix): { s: Float64Array; e: Matrix } => {
      const s = new Float64Array(x.rows);
      const e = new Matrix(x.rows, x.cols);
      for (let r = 0; r < x.rows; r++) {
        let sq = 0;
        for (let i = 0; i < x.cols; i++) sq += x.data[r * x.cols + i] ** 2;
        s[r] = Math.sqrt(sq / x.cols);
        if (s[r] > 0) for (let i = 0; i < x.cols; i++) e.data[r * x.cols + i] = g(x.data[r * x.cols + i] / s[r]);
      }
      return { s, e };
    };
    const outputOf = (x: Matrix, s: Float64Array, e: Matrix) => {
      const out = new Matrix(x.rows, x.cols);
      for (let r = 0; r < x.rows; r++) for (let i = 0; i < x.cols; i++) out.data[r * x.cols + i] = s[r] * e.data[r * x.cols + i];
      return out;
    };

    return {
      name: `ExpNormalized(${gamma}, ${shift}${doClip ? ', clip' : ''})`,
      fn: g,
      grad: (z: number) => root * g(z),
      dual(q11: number, q12: number, q22: number, out: Float64Array, wantDot: boolean) {
        const norm = Math.sqrt(q11 * q22);
        let rho = norm > 0 ? q12 / norm : 0;
        if (doClip) rho = Math.min(1, Math.max(-1, rho));
        const e = Math.exp(gamma * (rho + shift));
        out[0] = norm * e;
        if (wantDot) out[1] = gamma * e;
      },
      finite: {
        forward(_params, x) {
          const input = channelRows(x);
          const { s, e } = normalise(input);
          return { out: withData(activationOf('ExpNormalized', x), outputOf(input, s, e).data), cache: { input, s, e } };
        },
        backward(_params, cache, gOut) {
          // ∂φᵢ/∂hⱼ = √γ·Eᵢ·δᵢⱼ + Eᵢ(1 − √γ·zᵢ)·zⱼ/n, with z = h/s.
          const { input, s, e } = cache as { input: Matrix; s: Float64Array; e: Matrix };
          const g2 = channelRows(gOut);
          const n = input.cols;
          const gIn = new Matrix(input.rows, n);
          for (let r = 0; r < input.rows; r++) {
            if (!(s[r] > 0)) continue;
            let coupling = 0;
            for (let i = 0; i < n; i++) {
              const idx = r * n + i;
              coupling += g2.data[idx] * e.data[idx] * (1 - (root * input.data[idx]) / s[r]);
            }
            for (let j = 0; j < n; j++) {
              const idx = r * n + j;
              gIn.data[idx] = root * g2.data[idx] * e.data[idx] + (input.data[idx] / s[r] / n) * coupling;
            }
          }
          return { gIn: withData(activationOf('ExpNormalized', gOut), gIn.data), gParams: null };
        },
        jvp(_params, x, _tParams, tx) {
          const input = channelRows(x);
          const { s, e } = normalise(input);
          const n = input.cols;
          const tOut = new Matrix(input.rows, n);
          if (tx !== null) {
            const t = channelRows(tx);
            for (let r = 0; r < input.rows; r++) {
              if (!(s[r] > 0)) continue;
              let along = 0;
              for (let j = 0; j < n; j++) along += (input.data[r * n + j] / s[r]) * t.data[r * n + j];
              along /= n;
              for (let i = 0; i < n; i++) {
                const idx = r * n + i;
                const z = input.data[idx] / s[r];
                tOut.data[idx] = root * e.data[idx] * t.data[idx] + e.data[idx] * (1 - root * z) * along;
              }
            }
          }
          const like = activationOf('ExpNormalized', x);
          return { out: withData(like, outputOf(input, s, e).data), tOut: withData(like, tOut.data) };
        },
        tfjs: () => (tf, h) => {
          // An all-zero row (a position whose channels are all 0, e.g. a bias-free
          // conv over a blank patch) maps to 0 with gradient 0, as in float64: the
          // root is taken of 1 there instead (the gradient of √ at 0 would turn the
          // masked branch's 0 into NaN), and the row is multiplied by a 0/1 step —
          // ops tfjs differentiates at any rank, unlike a comparison feeding
          // tf.where or the tile behind tf.broadcastTo at rank 5.
          const x = h as Tensor;
          const meanSquare = tf.mean(tf.square(x), -1, true);
          const nonzero = tf.step(meanSquare, 0);
          const s = tf.sqrt(tf.add(meanSquare, tf.sub(1, nonzero)));
          const out = tf.mul(s, tf.mul(tf.exp(tf.sub(tf.mul(tf.div(x, s), root), 0.5 * gamma)), scale));
          return tf.mul(out, nonzero);
        },
      },
    };
  },
  toSpec: (options: ExpNormalizedOptions = {}) => [readOptions(options)],
});
