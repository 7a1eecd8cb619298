import type { Tensor as TfTensor } from '@tensorflow/tfjs';
import { InputError, ShapeError } from '../errors';
import { Matrix } from '../matrix';
import { checkOptions } from '../options';
import { Tensor } from '../tensor';
import { isKernelList, materialize, positionCount, type Kernels, type KernelState } from './kernel-state';
import { layerType } from './registry';
import { activationOf, isSpatialDims, withData } from './shapes';
import type { Dims, LayerImpl } from './types';

/** Options of {@link layerNorm}, as Neural Tangents' `LayerNorm(axis, eps)`. */
export interface LayerNormOptions {
  /**
   * The axes normalised over, counted on the input (n, ...spatial, C) with
   * negative values from the end: −1 (default) the features of (n, features)
   * inputs, or the channels of images and sequences at each position; e.g.
   * [1, 2, 3] for images normalises each example over positions and channels.
   * The channel axis must be among them and the batch axis (0) must not, as
   * in Neural Tangents.
   */
  axis?: number | readonly number[];
  /** Added to each variance before the square root (default 1e−12, as Neural Tangents). */
  eps?: number;
}

interface Options {
  axis: readonly number[];
  eps: number;
}

function readOptions(options: LayerNormOptions = {}): Options {
  checkOptions('stax.layerNorm', options, ['axis', 'eps']);
  const { axis = -1, eps = 1e-12 } = options;
  const axes: number[] = Array.isArray(axis) ? [...(axis as readonly number[])] : [axis as number];
  if (axes.length === 0 || axes.some((a) => !Number.isInteger(a)) || new Set(axes).size !== axes.length) {
    throw new InputError(
      `stax.layerNorm: axis must be an integer or a list of distinct integers (axes of the input (n, ...spatial, C), negative from the end), got ${JSON.stringify(axis)}`,
    );
  }
  if (axes.includes(0)) {
    throw new InputError(
      `stax.layerNorm: axis ${JSON.stringify(axis)} includes the batch axis 0, which couples the examples so that the kernel is not defined pair by pair (Neural Tangents' kernels need the channel axis and allow spatial ones); normalise over the channels (-1) and, for images and sequences, spatial axes`,
    );
  }
  if (typeof eps !== 'number' || !(eps >= 0) || !Number.isFinite(eps))
    throw new InputError(`stax.layerNorm: eps must be a non-negative finite number, got ${eps}`);
  return { axis: axes, eps };
}

/**
 * The normalised axes for inputs with `spatialRank` spatial axes, as a flag
 * per spatial axis; refuses, naming the layer, sets without the channel axis
 * or with the batch axis (Neural Tangents refuses them too).
 */
function normalisedSpatialAxes(name: string, axis: readonly number[], spatialRank: number): boolean[] {
  const rank = spatialRank + 2;
  const shape = spatialRank === 0 ? '(n, features)' : `(n, ${Array.from({ length: spatialRank }, (_, i) => `s${i + 1}`).join(', ')}, C)`;
  const resolved = axis.map((a) => (a < 0 ? a + rank : a));
  const bad = resolved.findIndex((a) => a < 0 || a >= rank);
  if (bad >= 0) throw new ShapeError(`${name}: axis ${axis[bad]} is out of range for inputs of rank ${rank} ${shape}; use axes from ${-rank} to ${rank - 1}`);
  if (!resolved.includes(rank - 1)) {
    throw new InputError(
      `${name}: axis ${JSON.stringify(axis)} leaves out the channel axis (${rank - 1}, or -1) of inputs ${shape}; normalising over channels is what makes the infinite-width kernel exist (Neural Tangents requires it too), so include -1`,
    );
  }
  if (resolved.includes(0)) {
    throw new InputError(
      `${name}: axis ${JSON.stringify(axis)} includes the batch axis 0, which couples the examples so that the kernel is not defined pair by pair; normalise over the channels (-1) and, for images and sequences, spatial axes (1 … ${rank - 2})`,
    );
  }
  return Array.from({ length: spatialRank }, (_, i) => resolved.includes(i + 1));
}

/**
 * The normalisation groups of an example: positions that share their
 * coordinates along the axes not normalised form one group. Returns each
 * position's group and the number of groups (1 when every spatial axis is
 * normalised, S when none is).
 */
function positionGroups(spatial: readonly number[], normalised: readonly boolean[]): { group: Int32Array; count: number } {
  const s = spatial.reduce((a, b) => a * b, 1);
  const group = new Int32Array(s);
  let count = 1;
  for (let d = 0; d < spatial.length; d++) if (!normalised[d]) count *= spatial[d];
  for (let p = 0; p < s; p++) {
    // Row-major coordinates of p; the group index keeps the unnormalised ones.
    let rest = p;
    let g = 0;
    let stride = 1;
    for (let d = spatial.length - 1; d >= 0; d--) {
      const c = rest % spatial[d];
      rest = (rest - c) / spatial[d];
      if (!normalised[d]) {
        g += c * stride;
        stride *= spatial[d];
      }
    }
    group[p] = g;
  }
  return { group, count };
}

/**
 * Layer normalisation, Neural Tangents' `LayerNorm(axis=-1, eps)`: each
 * example is centred and divided by √(eps + variance) over the normalised
 * axes,
 *   y = (h − mean(h)) / √(eps + var(h)),
 * by default over the features of (n, features) inputs, and over the channels
 * at each position of images and sequences; `axis` may add spatial axes.
 *
 * Infinite width: the pre-activations are a centred Gaussian process, so the
 * mean tends to 0 and the variance to the mean of 𝒦(x, x)_pp over the
 * normalised positions p of a group (one position by default); with v(x, p)
 * that limit at position p,
 *   𝒦′(x, x′)_pp′ = 𝒦(x, x′)_pp′ / √((eps + v(x, p))(eps + v(x′, p′))),   Θ′ likewise,
 * (the centring and the variance's own dependence on θ contribute O(1/n) to
 * the NTK), as Neural Tangents computes it. It needs a Gaussian input — a
 * dense or conv layer right before — and its output stays Gaussian.
 */
export const layerNorm = layerType({
  type: 'layerNorm',
  create: (options: LayerNormOptions = {}): LayerImpl => {
    const { axis, eps } = readOptions(options);
    const defaultAxis = axis.length === 1 && axis[0] === -1;
    const name = defaultAxis ? `LayerNorm(eps=${eps})` : `LayerNorm(axis=[${axis.join(', ')}], eps=${eps})`;

    /** Each entry's normalisation group: example i, group g → i·G + g, over entries in storage order. */
    const groupsOf = (x: Matrix | Tensor) => {
      const spatial = x instanceof Tensor ? x.shape.slice(1, -1) : [];
      const { group, count } = positionGroups(spatial, normalisedSpatialAxes(name, axis, spatial.length));
      const channels = x instanceof Matrix ? x.cols : x.shape[x.shape.length - 1];
      const s = group.length;
      const n = x.data.length / (s * channels);
      const of = new Int32Array(x.data.length);
      for (let i = 0; i < n; i++) {
        for (let p = 0; p < s; p++) of.fill(i * count + group[p], (i * s + p) * channels, (i * s + p + 1) * channels);
      }
      return { of, groups: n * count, size: (s / count) * channels };
    };
    /** Means over each group of `v` (or of v ⊙ w). */
    const groupMeans = (of: Int32Array, groups: number, size: number, v: Float64Array, w?: Float64Array) => {
      const m = new Float64Array(groups);
      for (let e = 0; e < v.length; e++) m[of[e]] += w === undefined ? v[e] : v[e] * w[e];
      for (let g = 0; g < groups; g++) m[g] /= size;
      return m;
    };

    /** The normalised input, and 1/σ̃ per group. */
    const normalise = (x: Matrix | Tensor) => {
      const grouping = groupsOf(x);
      const { of, groups, size } = grouping;
      const mean = groupMeans(of, groups, size, x.data);
      const centred = new Float64Array(x.data.length);
      for (let e = 0; e < centred.length; e++) centred[e] = x.data[e] - mean[of[e]];
      const variance = groupMeans(of, groups, size, centred, centred);
      const inv = variance.map((v) => 1 / Math.sqrt(eps + v));
      for (let e = 0; e < centred.length; e++) centred[e] *= inv[of[e]];
      return { y: withData(x, centred), inv, grouping };
    };
    /**
     * ∂yᵢ/∂hⱼ = (δᵢⱼ − 1/m − yᵢyⱼ/m)/σ̃ within a group of m entries (eps inside
     * σ̃ and y), a symmetric Jacobian: J·t = (t − mean(t) − y·mean(t ⊙ y))/σ̃
     * per group, for backward and JVP.
     */
    const applyJacobian = (y: Matrix | Tensor, inv: Float64Array, grouping: ReturnType<typeof groupsOf>, t: Matrix | Tensor) => {
      const { of, groups, size } = grouping;
      const mt = groupMeans(of, groups, size, t.data);
      const mty = groupMeans(of, groups, size, t.data, y.data);
      const out = new Float64Array(t.data.length);
      for (let e = 0; e < out.length; e++) out[e] = (t.data[e] - mt[of[e]] - y.data[e] * mty[of[e]]) * inv[of[e]];
      return withData(y, out);
    };
    return {
      name,
      outputDim(d: Dims) {
        if (Array.isArray(d)) throw new ShapeError(`${name}: expects one input but got ${d.length} branches; apply it inside stax.parallel(...)`);
        normalisedSpatialAxes(name, axis, isSpatialDims(d) ? d.spatial.length : 0);
        return d;
      },
      initFn: (_key, d) => ({ outputDim: d, params: null }),
      forward(_params, x) {
        const { y, inv, grouping } = normalise(activationOf(name, x));
        return { out: y, cache: { y, inv, grouping } };
      },
      backward(_params, cache, gOut) {
        const { y, inv, grouping } = cache as ReturnType<typeof normalise>;
        return { gIn: applyJacobian(y, inv, grouping, activationOf(name, gOut)), gParams: null };
      },
      jvp(_params, x, _tParams, tx) {
        const { y, inv, grouping } = normalise(activationOf(name, x));
        const tOut = tx === null ? withData(y, new Float64Array(y.data.length)) : applyJacobian(y, inv, grouping, activationOf(name, tx));
        return { out: y, tOut };
      },
      kernelRule(k: Kernels) {
        if (isKernelList(k)) throw new ShapeError(`${name}: expects one input but got ${k.length} branches; apply it inside stax.parallel(...)`);
        if (!k.isGaussian) {
          throw new InputError(
            `${name}: its infinite-width kernel needs Gaussian pre-activations (as in Neural Tangents), i.e. a dense or conv layer right before; put stax.dense(...) before stax.layerNorm()`,
          );
        }
        const state = materialize(k);
        const s = positionCount(state);
        const { diagonal, n1, n2 } = state;
        const { group, count } = positionGroups(state.spatial, normalisedSpatialAxes(name, axis, state.spatial.length));
        /** 1/√(eps + v(x, p)) for each example and position: v is the mean same-position variance over p's group. */
        const scales = (cov: Float64Array, n: number) => {
          const out = new Float64Array(n * s);
          const v = new Float64Array(count);
          for (let i = 0; i < n; i++) {
            v.fill(0);
            for (let p = 0; p < s; p++) v[group[p]] += diagonal ? cov[i * s + p] : cov[(i * s + p) * s + p];
            for (let p = 0; p < s; p++) out[i * s + p] = 1 / Math.sqrt(eps + (v[group[p]] * count) / s);
          }
          return out;
        };
        const f1 = scales(state.cov1, n1);
        const f2 = state.x1IsX2 ? f1 : scales(state.cov2, n2);
        /** Scales block (i, j) of `a` (n blocks per row) by f[i, p]·g[j, p′]. */
        const scaleBlocks = (a: Float64Array, rows: number, cols: number, f: Float64Array, g: Float64Array, self: boolean) => {
          for (let i = 0; i < rows; i++) {
            for (let j = 0; j < cols; j++) {
              const gj = self ? i : j;
              const base = (i * cols + j) * (diagonal ? s : s * s);
              if (diagonal) {
                for (let p = 0; p < s; p++) a[base + p] *= f[i * s + p] * g[gj * s + p];
              } else {
                for (let p = 0; p < s; p++) for (let q = 0; q < s; q++) a[base + p * s + q] *= f[i * s + p] * g[gj * s + q];
              }
            }
          }
        };
        scaleBlocks(state.nngp, n1, n2, f1, f2, false);
        if (state.ntk !== null) scaleBlocks(state.ntk, n1, n2, f1, f2, false);
        // Each example's own block, one per row.
        scaleBlocks(state.cov1, n1, 1, f1, f1, true);
        if (!state.x1IsX2) scaleBlocks(state.cov2, n2, 1, f2, f2, true);
        const out: KernelState = { ...state };
        return out;
      },
      tfjs: () => (tf, h) => {
        // The stacked ensemble adds a leading axis: input axis a is tfjs axis a + 1.
        const x = h as TfTensor;
        const rank = x.rank - 1;
        normalisedSpatialAxes(name, axis, rank - 2);
        const axes = axis.map((a) => (a < 0 ? a + rank : a) + 1);
        const { mean, variance } = tf.moments(x, axes, true);
        return tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps)));
      },
    };
  },
  toSpec: (options: LayerNormOptions = {}) => [readOptions(options)],
});
