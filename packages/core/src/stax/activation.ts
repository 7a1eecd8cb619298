import { InputError, ShapeError } from '../errors';
import { Matrix } from '../matrix';
import { balancedRanges, isShared, MIN_PARALLEL_ENTRIES, runRows, threadCount } from '../threads/pool';
import { dualRows, type DualJob } from './dual-rows';
import { fromSpec } from './from-spec';
import { isKernelList, type KernelState } from './kernel-state';
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

/** A layer that is a pointwise activation; `activation` exposes φ, φ′ and its dual (eq. S1). */
export interface ActivationLayer extends Layer {
  readonly activation: Activation;
}

/**
 * Builds a layer from an {@link Activation}. Its kernel rule is eqs. (S3) and
 * (S6) without the σ_w², σ_b² of the next dense layer (as in Neural Tangents,
 * the dense layer applies those): 𝒦′ = 𝒯(𝒦), Θ′ = Θ ⊙ 𝒯̇(𝒦).
 */
export function activationLayer(name: string, spec: LayerSpec, act: Activation): ActivationLayer {
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
    return applyDual(k, spec, act);
  }

  const layer = makeLayer({
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
  return Object.assign(layer, { activation: act });
}

/** Activations whose rebuilt copy (from the layer spec) computes the same dual: safe for worker threads. */
const rebuildable = new WeakMap<Activation, boolean>();

function canRunOnWorkers(spec: LayerSpec, act: Activation): boolean {
  let ok = rebuildable.get(act);
  if (ok === undefined) {
    ok = false;
    try {
      const copy = (fromSpec(spec) as { activation?: Activation }).activation;
      if (copy) {
        const x = new Float64Array(2);
        const y = new Float64Array(2);
        ok = [[1, 0.3, 2], [0.5, -0.4, 0.9], [2, 2, 2]].every(([q11, q12, q22]) => {
          act.dual(q11, q12, q22, x, true);
          copy.dual(q11, q12, q22, y, true);
          return Object.is(x[0], y[0]) && Object.is(x[1], y[1]);
        });
      }
    } catch {
      ok = false;
    }
    rebuildable.set(act, ok);
  }
  return ok;
}

/**
 * 𝒦′ = 𝒯(𝒦), Θ′ = Θ ⊙ 𝒯̇(𝒦) entry by entry, in place, rows split across
 * worker threads for large kernels. A symmetric kernel is left upper-triangular.
 */
function applyDual(k: KernelState, spec: LayerSpec, act: Activation): KernelState {
  const { n1, n2, x1IsX2 } = k;
  const job: DualJob = {
    nngp: k.nngp, ntk: k.ntk, cov1: k.cov1, cov2: k.cov2, n2, symmetric: x1IsX2, pending: k.pending,
  };
  const parts = threadCount();
  if (parts > 1 && n1 * n2 >= MIN_PARALLEL_ENTRIES && isShared(k.nngp) && isShared(k.ntk) && canRunOnWorkers(spec, act)) {
    runRows({ spec, dual: job }, balancedRanges(n1, n2, x1IsX2, parts), (i0, i1) => dualRows(act.dual, job, i0, i1));
  } else {
    dualRows(act.dual, job, 0, n1);
  }
  const out = new Float64Array(2);
  const variances = (c: Float64Array) => {
    for (let i = 0; i < c.length; i++) {
      act.dual(c[i], c[i], c[i], out, false);
      c[i] = out[0];
    }
  };
  variances(k.cov1);
  if (!x1IsX2) variances(k.cov2);
  return { ...k, pending: null, upperOnly: x1IsX2, isGaussian: false };
}
