import type { Tensor as TfTensor } from '@tensorflow/tfjs';
import { InputError, ShapeError } from '../errors';
import type { Matrix } from '../matrix';
import { checkOptions } from '../options';
import { fillUniform } from '../random/distributions';
import { checkKey, foldIn, key as makeKey, type Key } from '../random/key';
import type { Tensor } from '../tensor';
import { blockSize, isKernelList, materialize, positionCount, type Kernels, type KernelState } from './kernel-state';
import { layerType } from './registry';
import { activationOf, withData } from './shapes';
import type { LayerImpl } from './types';

/** Options of {@link dropout}. */
export interface DropoutOptions {
  /** `'train'` (default): drop at random, as Neural Tangents' default; `'test'`: the identity. */
  mode?: 'train' | 'test';
  /** The key the masks are drawn from (default random.key(0)): the k-th forward pass of the layer uses foldIn(key, k). */
  key?: Key;
}

function readArgs(rate: unknown, options: DropoutOptions = {}): { rate: number; mode: 'train' | 'test'; key: Key } {
  checkOptions('stax.dropout', options, ['mode', 'key']);
  if (typeof rate !== 'number' || !(rate > 0 && rate <= 1)) {
    throw new InputError(
      `stax.dropout: rate is the probability of KEEPING a unit, as in Neural Tangents, and must be in (0, 1] (1 keeps everything), got ${String(rate)}`,
    );
  }
  const { mode = 'train', key = makeKey(0) } = options;
  if (mode !== 'train' && mode !== 'test') throw new InputError(`stax.dropout: mode must be 'train' or 'test', got ${JSON.stringify(mode)}`);
  return { rate, mode, key: checkKey('stax.dropout', key) };
}

/**
 * Multiplies by `factor`, in place, the entries of `count` blocks of `a`
 * (every `stride`-th block from the first) that pair a position with itself:
 * all S of a same-position block, the S diagonal entries of an S×S block.
 */
function scaleSamePosition(a: Float64Array, stride: number, count: number, s: number, diagonal: boolean, factor: number): void {
  const b = diagonal ? s : s * s;
  for (let n = 0; n < count; n++) {
    const base = n * stride * b;
    if (diagonal) for (let p = 0; p < s; p++) a[base + p] *= factor;
    else for (let p = 0; p < s; p++) a[base + p * s + p] *= factor;
  }
}

/**
 * Dropout, Neural Tangents' `Dropout(rate, mode)`, where `rate` is the
 * probability of keeping a unit. In `'train'` mode each forward pass keeps
 * each entry with probability `rate` and scales it by 1/rate (so its mean is
 * unchanged); `'test'` mode is the identity. The masks come from `key`: the
 * k-th forward pass of this layer (forward, JVP or a tfjs step alike) uses
 * foldIn(key, k), so a rebuilt network — `stax.fromSpec(net.spec)` — draws
 * the same sequence, and a float64 and a tfjs run of one network see the
 * same masks. Ensembles (`train.ensemble`) do not: the float64 engine trains
 * the members one after another along one sequence, the tfjs engine draws
 * one mask per step for all members at once (each a valid dropout run).
 *
 * Infinite width, train mode (as Neural Tangents): a unit is kept in both of
 * two different examples with probability rate², which the 1/rate scaling
 * cancels, but in one example with probability rate, so the variances gain a
 * factor 1/rate: 𝒦′(x, x) = 𝒦(x, x)/rate and the diagonal of a kernel of a
 * batch with itself (x2 omitted) is divided by rate, NNGP and NTK alike;
 * other entries are unchanged. The output is no longer Gaussian (put a dense
 * layer after it), and dropout on the raw inputs is refused, as in Neural
 * Tangents. On images and sequences each entry (position and channel) has
 * its own mask, and the same factor applies where an example meets itself at
 * the same position (Neural Tangents' `_diag_mul` on spatial kernels).
 */
export const dropout = layerType({
  type: 'dropout',
  create: (rate: number, options: DropoutOptions = {}): LayerImpl => {
    const { mode, key } = readArgs(rate, options);
    const name = `Dropout(${rate}, ${mode})`;
    const train = mode === 'train' && rate < 1;
    let passes = 0;
    /** The next mask, entries 1/rate (kept) or 0. */
    const nextMask = (size: number): Float64Array => {
      const u = new Float64Array(size);
      fillUniform(foldIn(key, passes), u);
      passes = (passes + 1) % 4294967296;
      for (let i = 0; i < size; i++) u[i] = u[i] < rate ? 1 / rate : 0;
      return u;
    };
    const masked = (x: Matrix | Tensor, mask: Float64Array) => {
      const out = new Float64Array(x.data.length);
      for (let i = 0; i < out.length; i++) out[i] = x.data[i] * mask[i];
      return withData(x, out);
    };
    return {
      name,
      outputDim(d) {
        if (Array.isArray(d)) throw new ShapeError(`${name}: expects one input but got ${d.length} branches; apply it inside stax.parallel(...)`);
        return d;
      },
      initFn: (_key, d) => ({ outputDim: d, params: null }),
      forward(_params, x) {
        const input = activationOf(name, x);
        if (!train) return { out: input, cache: null };
        const mask = nextMask(input.data.length);
        return { out: masked(input, mask), cache: mask };
      },
      backward(_params, cache, gOut) {
        const g = activationOf(name, gOut);
        return { gIn: cache === null ? g : masked(g, cache as Float64Array), gParams: null };
      },
      jvp(_params, x, _tParams, tx) {
        const input = activationOf(name, x);
        const t = tx === null ? withData(input, new Float64Array(input.data.length)) : activationOf(name, tx);
        if (!train) return { out: input, tOut: t };
        const mask = nextMask(input.data.length);
        return { out: masked(input, mask), tOut: masked(t, mask) };
      },
      kernelRule(k: Kernels) {
        if (isKernelList(k)) throw new ShapeError(`${name}: expects one input but got ${k.length} branches; apply it inside stax.parallel(...)`);
        if (!train) return k;
        if (!k.hasTrainable) {
          throw new InputError(
            `${name}: dropout cannot be applied to the inputs in the infinite-width limit (as in Neural Tangents): the inputs' finite dimension does not average the masks out; put it after a dense layer`,
          );
        }
        const s = materialize(k);
        const factor = 1 / rate;
        const positions = positionCount(s);
        // Without positions a block is one entry, which the diagonal case scales.
        const diagonal = s.diagonal || blockSize(s) === 1;
        if (s.x1IsX2) {
          // Blocks (i, i) are i·(n + 1) apart.
          scaleSamePosition(s.nngp, s.n1 + 1, s.n1, positions, diagonal, factor);
          if (s.ntk !== null) scaleSamePosition(s.ntk, s.n1 + 1, s.n1, positions, diagonal, factor);
        }
        scaleSamePosition(s.cov1, 1, s.n1, positions, diagonal, factor);
        if (!s.x1IsX2) scaleSamePosition(s.cov2, 1, s.n2, positions, diagonal, factor);
        const out: KernelState = { ...s, isGaussian: false };
        return out;
      },
      tfjs: () => (tf, h) => {
        if (!train) return h;
        const x = h as TfTensor;
        return tf.mul(x, tf.tensor(Float32Array.from(nextMask(x.size)), x.shape));
      },
    };
  },
  toSpec: (rate: number, options: DropoutOptions = {}) => {
    const { mode, key } = readArgs(rate, options);
    return [rate, { mode, key: [...key] }];
  },
});
