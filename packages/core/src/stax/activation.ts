import { InputError, ShapeError } from '../errors';
import { Matrix } from '../matrix';
import { isKernelList, mirrorUpper, type KernelState } from './kernel-state';
import { makeLayer } from './make-layer';
import type { Kernels, Layer, LayerSpec, Tensors } from './types';

/**
 * A pointwise nonlinearity φ described twice: for finite networks (φ and φ′)
 * and for infinite ones, through its dual — the maps of eq. (S1),
 *   𝒯(Σ) = E[φ(u)φ(v)],  𝒯̇(Σ) = E[φ′(u)φ′(v)],  (u, v) ~ 𝒩(0, Σ),
 * for Σ = [[q11, q12], [q12, q22]].
 */
export interface Activation {
  fn(x: number): number;
  grad(x: number): number;
  /**
   * Writes 𝒯(Σ) to out[0] and, when `wantDot`, 𝒯̇(Σ) to out[1]. Must depend
   * on nothing but its arguments, so tiled and untiled kernels agree exactly.
   */
  dual(q11: number, q12: number, q22: number, out: Float64Array, wantDot: boolean): void;
}

/**
 * Builds a layer from an {@link Activation}. Its kernel rule is eqs. (S3) and
 * (S6) without the σ_w², σ_b² of the next dense layer (as in Neural Tangents,
 * the dense layer applies those): 𝒦′ = 𝒯(𝒦), Θ′ = Θ ⊙ 𝒯̇(𝒦).
 */
export function activationLayer(name: string, spec: LayerSpec, act: Activation): Layer {
  const { fn, grad } = act;

  const asMatrix = (x: Tensors): Matrix => {
    if (!(x instanceof Matrix)) {
      throw new ShapeError(`${name}: expects one input but got ${x.length} branches; apply it inside stax.parallel(...) to act on each branch`);
    }
    return x;
  };
  const map = (x: Matrix, f: (v: number) => number): Matrix => {
    const out = new Matrix(x.rows, x.cols);
    for (let i = 0; i < x.data.length; i++) out.data[i] = f(x.data[i]);
    return out;
  };

  function rule(k: Kernels): Kernels {
    if (isKernelList(k)) {
      throw new ShapeError(`${name}: expects one input but got ${k.length} branches; apply it inside stax.parallel(...) to act on each branch`);
    }
    if (!k.isGaussian) {
      throw new InputError(
        `${name}: the input to an activation must be Gaussian (eq. S1), i.e. come right after a dense layer (or a sum of dense branches); put stax.dense(...) before ${name}`,
      );
    }
    return applyDual(k, act.dual);
  }

  return makeLayer({
    name,
    spec,
    outputDim(inputDim) {
      if (typeof inputDim !== 'number') {
        throw new ShapeError(`${name}: expects one input but got ${inputDim.length} branches; apply it inside stax.parallel(...) to act on each branch`);
      }
      return inputDim;
    },
    initFn: (_key, inputDim) => ({ outputDim: inputDim, params: null }),
    forward(_params, x) {
      const input = asMatrix(x);
      return { out: map(input, fn), cache: input };
    },
    backward(_params, cache, gOut) {
      const pre = cache as Matrix;
      const g = asMatrix(gOut);
      const gIn = new Matrix(g.rows, g.cols);
      for (let i = 0; i < g.data.length; i++) gIn.data[i] = g.data[i] * grad(pre.data[i]);
      return { gIn, gParams: null };
    },
    jvp(_params, x, _tParams, tx) {
      const input = asMatrix(x);
      const out = map(input, fn);
      const tOut = new Matrix(input.rows, input.cols);
      if (tx !== null) {
        const t = asMatrix(tx);
        for (let i = 0; i < t.data.length; i++) tOut.data[i] = t.data[i] * grad(input.data[i]);
      }
      return { out, tOut };
    },
    kernelRule: rule,
  });
}

/**
 * 𝒦′ = 𝒯(𝒦), Θ′ = Θ ⊙ 𝒯̇(𝒦) entry by entry, in place (upper triangle only
 * when symmetric, then mirrored).
 */
function applyDual(k: KernelState, dual: Activation['dual']): KernelState {
  const { n1, n2, cov1, cov2, x1IsX2, nngp, ntk } = k;
  const wantDot = ntk !== null;
  const out = new Float64Array(2);
  for (let i = 0; i < n1; i++) {
    const q11 = cov1[i];
    const row = i * n2;
    for (let j = x1IsX2 ? i : 0; j < n2; j++) {
      const idx = row + j;
      dual(q11, nngp[idx], cov2[j], out, wantDot);
      nngp[idx] = out[0];
      if (wantDot) (ntk as Float64Array)[idx] *= out[1];
    }
  }
  if (x1IsX2) {
    mirrorUpper(nngp, n1);
    if (ntk) mirrorUpper(ntk, n1);
  }
  const variances = (c: Float64Array) => {
    for (let i = 0; i < c.length; i++) {
      dual(c[i], c[i], c[i], out, false);
      c[i] = out[0];
    }
  };
  variances(cov1);
  if (!x1IsX2) variances(cov2);
  return { ...k, isGaussian: false };
}
