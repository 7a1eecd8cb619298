import type { TfjsPointwise } from '../engines/tfjs/op';
import { InputError, ShapeError } from '../errors';
import type { Matrix } from '../matrix';
import type { NativeDual } from '../native/dual-steps';
import { nativeSpatialDuals } from '../native/spatial-duals';
import type { Tensor } from '../tensor';
import { threadsFor } from '../workers/pool';
import { scratch } from '../workspace';
import type { DeferredDual } from './deferred-duals';
import { dualRows, dualSelf, positionVariances, type DualJob, type DualMatrix, type DualRow } from './dual-rows';
import { blockSize, isKernelList, positionCount, type Kernels, type KernelState } from './kernel-state';
import { moduleProblem, registerLayerType, type LayerFactory, type LayerType } from './registry';
import { activationOf, withData } from './shapes';
import { splitRows, type RowsJob } from './split-rows';
import type { Layer, LayerImpl, LayerSpec, Tensors } from './types';

/**
 * A pointwise nonlinearity φ described twice: for finite networks (φ and φ′)
 * and for infinite ones, through its dual — the maps of Lee et al. 2019,
 * eq. (S1),
 *   𝒯(Σ) = E[φ(u)φ(v)],  𝒯̇(Σ) = E[φ′(u)φ′(v)],  (u, v) ~ 𝒩(0, Σ),
 * for Σ = [[q11, q12], [q12, q22]] — and, optionally, in TensorFlow.js ops.
 */
export interface Activation {
  /** A readable name with the parameters, e.g. `Erf(1, 1, 0)`. */
  readonly name: string;
  fn(x: number): number;
  grad(x: number): number;
  /**
   * Writes 𝒯(Σ) to out[0] and, when `wantDot`, 𝒯̇(Σ) to out[1]. Must depend
   * on nothing but its arguments, so tiled and untiled kernels agree exactly.
   */
  dual(q11: number, q12: number, q22: number, out: Float64Array, wantDot: boolean): void;
  /**
   * Optionally, the dual over a row of entries at once (the kernels' inner
   * loop, without a call per entry); it must give exactly `dual`'s values.
   */
  dualRow?: DualRow;
  /**
   * Optionally, 𝒯 of each variance with itself, in place:
   * variances[i] ← 𝒯([[q, q], [q, q]]) for q = variances[i] (a kernel's
   * diagonal, where the numerical activations look up hundreds of
   * expansions at once); it must give exactly `dual`'s values.
   */
  selfDuals?(variances: Float64Array): void;
  /**
   * Optionally, the dual on a whole kernel at once, where that is faster
   * here than row by row (the numerical activations' native sums); it must
   * give exactly `dual`'s values.
   */
  readonly dualMatrix?: DualMatrix;
  /**
   * Optionally, the dual as one of the closed forms in native code
   * (`native/duals.h`, where the library runs): its kind and parameters. It
   * must give exactly `dual`'s values.
   */
  readonly nativeDual?: NativeDual;
  /**
   * Optionally, φ over a whole array, out[i] = fn(x[i]), in one loop: the
   * finite layer's forward pass uses it instead of a call per entry. It must
   * give exactly `fn`'s values (the same arithmetic).
   */
  fnArray?(x: Float64Array, out: Float64Array): void;
  /**
   * Optionally, a backward signal through φ over a whole array,
   * out[i] = g[i]·grad(x[i]), in one loop; exactly the values of `grad`.
   */
  gradTimes?(g: Float64Array, x: Float64Array, out: Float64Array): void;
  /** φ in tfjs ops, for the `'tfjs'` engine (which differentiates it); omitted: float64 engine only. */
  readonly tfjs?: TfjsPointwise;
  /** Why worker threads cannot rebuild this activation from its spec, if they cannot. */
  readonly localOnly?: string;
  /**
   * For an activation that is not entrywise in the finite network (Neural
   * Tangents' `ExpNormalized` divides each example by its own norm first):
   * the finite layer's forward, backward, JVP and tfjs op, used instead of the
   * entrywise ones built from `fn` and `grad`. Its infinite-width rule is still
   * the dual above, entry by entry.
   */
  readonly finite?: Pick<LayerImpl, 'forward' | 'backward' | 'jvp' | 'tfjs'>;
}

/** The implementation of an activation layer: a {@link LayerImpl} that also exposes its {@link Activation}. */
export interface ActivationImpl extends LayerImpl {
  readonly activation: Activation;
}

/** A layer that is a pointwise activation; `impl.activation` exposes φ, φ′ and its dual (eq. S1). */
export type ActivationLayer = Layer & { readonly impl: ActivationImpl };

function branchesError(name: string, count: number): ShapeError {
  return new ShapeError(`${name}: expects one input but got ${count} branches; apply it inside stax.parallel(...) to act on each branch`);
}

/**
 * 𝒦′ = 𝒯(𝒦), Θ′ = Θ ⊙ 𝒯̇(𝒦) entry by entry. Without spatial axes the rule
 * is deferred (`deferred-duals`: consecutive layers then run row by row in
 * one pass); with them it runs now, in place, rows split across worker
 * threads for large kernels. Either way the variances 𝒦(x, x) are updated
 * now, and a symmetric kernel is left upper-triangular.
 */
function applyDual(k: KernelState, impl: LayerImpl, spec: LayerSpec, act: Activation): KernelState {
  const { n1, n2, x1IsX2, diagonal } = k;
  const s = positionCount(k);
  if (s === 1) {
    const var1 = k.cov1.slice();
    const step: DeferredDual = {
      affine: k.pending,
      activation: act,
      spec,
      modules: spec.module === undefined ? [] : [spec.module],
      localOnly: impl.localOnly,
      var1,
      var2: x1IsX2 ? var1 : k.cov2.slice(),
    };
    dualSelf(act, k.cov1, var1, 1, diagonal);
    if (!x1IsX2) dualSelf(act, k.cov2, step.var2, 1, diagonal);
    return { ...k, deferred: [...k.deferred, step], pending: null, upperOnly: x1IsX2, isGaussian: false };
  }
  const var1 = positionVariances(k.cov1, s, diagonal);
  const var2 = x1IsX2 ? var1 : positionVariances(k.cov2, s, diagonal);
  const job: DualJob & RowsJob = {
    nngp: k.nngp,
    ntk: k.ntk,
    var1,
    var2,
    n1,
    n2,
    positions: s,
    diagonal,
    symmetric: x1IsX2,
    pending: k.pending,
    arrays: [k.nngp, k.ntk],
  };
  const entries = n1 * n2 * blockSize(k);
  if (act.nativeDual === undefined || !nativeSpatialDuals(job, n1, act.nativeDual, threadsFor(entries))) splitRows(impl, spec, job, entries);
  dualSelf(act, k.cov1, var1, s, diagonal);
  if (!x1IsX2) dualSelf(act, k.cov2, var2, s, diagonal);
  return { ...k, pending: null, upperOnly: x1IsX2, isGaussian: false };
}

/**
 * The layer of an {@link Activation}. Its kernel rule is eqs. (S3) and (S6)
 * without the σ_w², σ_b² of the next dense layer (as in Neural Tangents, the
 * dense layer applies those): 𝒦′ = 𝒯(𝒦), Θ′ = Θ ⊙ 𝒯̇(𝒦).
 */
function activationImpl(act: Activation, spec: LayerSpec): ActivationImpl {
  const { name, fn, grad } = act;
  const one = (x: Tensors) => activationOf(name, x);
  const map = (x: Matrix | Tensor, f: (v: number) => number) => {
    const out = scratch(x.data.length);
    if (act.fnArray) act.fnArray(x.data, out);
    else for (let i = 0; i < out.length; i++) out[i] = f(x.data[i]);
    return withData(x, out);
  };
  /** out[i] = g[i]·φ′(x[i]). */
  const gradTimes = (g: Float64Array, x: Float64Array, out: Float64Array) => {
    if (act.gradTimes) act.gradTimes(g, x, out);
    else for (let i = 0; i < out.length; i++) out[i] = g[i] * grad(x[i]);
  };
  const pointwise = act.tfjs;
  const impl: ActivationImpl = {
    name,
    activation: act,
    localOnly: act.localOnly,
    outputDim(inputDim) {
      if (Array.isArray(inputDim)) throw branchesError(name, inputDim.length);
      return inputDim;
    },
    initFn: (_key, inputDim) => ({ outputDim: inputDim, params: null }),
    forward(_params, x) {
      const input = one(x);
      return { out: map(input, fn), cache: input };
    },
    backward(_params, cache, gOut) {
      const pre = cache as Matrix | Tensor;
      const g = one(gOut);
      const gIn = scratch(g.data.length);
      gradTimes(g.data, pre.data, gIn);
      return { gIn: withData(g, gIn), gParams: null };
    },
    jvp(_params, x, _tParams, tx) {
      const input = one(x);
      const out = map(input, fn);
      const tOut = new Float64Array(input.data.length);
      if (tx !== null) {
        gradTimes(one(tx).data, input.data, tOut);
      }
      return { out, tOut: withData(input, tOut) };
    },
    kernelRule(k: Kernels) {
      if (isKernelList(k)) throw branchesError(name, k.length);
      if (!k.isGaussian) {
        throw new InputError(
          `${name}: the input to an activation must be Gaussian (eq. S1), i.e. come right after a dense layer (or a sum of dense branches); put stax.dense(...) before ${name}`,
        );
      }
      return applyDual(k, impl, spec, act);
    },
    rows: (job, i0, i1) => dualRows(act.dual, job as DualJob, i0, i1),
    ...(pointwise === undefined ? {} : { tfjs: () => (tf, h) => pointwise(tf, h as Parameters<TfjsPointwise>[1]) }),
    ...act.finite,
  };
  return impl;
}

/**
 * One activation type, declared in one file: its spec name and the
 * {@link Activation} its arguments build (see {@link LayerType} for the
 * spec round-trip and `module`).
 */
export interface ActivationType<A extends readonly unknown[]> extends Omit<LayerType<A, ActivationImpl>, 'create'> {
  /** Validates the arguments and gives φ, φ′, the dual and optionally the tfjs op. */
  create(...args: A): Activation;
}

/** Registers an activation type and returns its factory. `builtIn` marks the library's own. */
export function registerActivationType<A extends readonly unknown[]>(record: ActivationType<A>, builtIn: boolean): LayerFactory<A, ActivationImpl> {
  const spec = (args: A): LayerSpec => {
    const specArgs = record.toSpec ? record.toSpec(...args) : args;
    return record.module === undefined ? { type: record.type, args: specArgs } : { type: record.type, args: specArgs, module: record.module };
  };
  const missingModule = moduleProblem(record, builtIn);
  const create = (...args: A) => {
    const act = record.create(...args);
    return activationImpl(act.localOnly === undefined && missingModule !== undefined ? { ...act, localOnly: missingModule } : act, spec(args));
  };
  return registerLayerType<A, ActivationImpl>({ ...record, create }, builtIn);
}

/** Registers one of the library's own activation types (loaded on every thread with `stax`). */
export function activationType<A extends readonly unknown[]>(record: ActivationType<A>): LayerFactory<A, ActivationImpl> {
  return registerActivationType(record, true);
}
