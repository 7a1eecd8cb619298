import { InputError, ShapeError } from '../errors';
import { totalmem } from 'node:os';
import { Matrix } from '../matrix';
import { examplesFrom } from '../examples';
import { Tensor, type InputLike } from '../tensor';
import { checkKey, type Key } from '../random/key';
import { sharedFloat64 } from '../workers/pool';
import { inputKernel, isKernelList, materialize, type Kernels, type KernelState } from './kernel-state';
import { orderedKernel } from './kernel-result';
import { isTracing, recordOutput } from '../grad/trace';
import { describeDims, dimsFromPublic, dimsOf, positions, publicDims, rowsOf, sameDims } from './shapes';
import type { Get, InputShape, Kernel, KernelFn, KernelInput, Layer, LayerImpl, LayerSpec, NetworkInput, Params, SpatialNeed, Tensors } from './types';

/** Parses `get` as Neural Tangents does: a string, an array of strings, or undefined (both). */
export function parseGet(where: string, get: unknown): { kernels: Get[]; single: boolean } {
  if (get === undefined || get === null) return { kernels: ['nngp', 'ntk'], single: false };
  const list = typeof get === 'string' ? [get] : get;
  if (!Array.isArray(list) || list.length === 0) {
    throw new InputError(`${where}: get must be 'nngp', 'ntk' or an array of them, got ${JSON.stringify(get)}`);
  }
  for (const g of list) {
    if (g !== 'nngp' && g !== 'ntk') {
      throw new InputError(`${where}: get must be 'nngp' or 'ntk' (or an array of them), got ${JSON.stringify(g)}`);
    }
  }
  return { kernels: list as Get[], single: typeof get === 'string' };
}

/** A list of inputs, one per branch: an array of Matrix or Tensor values (a nested array is always one input). */
function isInputList(x: unknown): x is readonly (Matrix | Tensor)[] {
  return Array.isArray(x) && x.length > 0 && (x[0] instanceof Matrix || x[0] instanceof Tensor);
}

/** Validates a public input (one input, or one per branch) into {@link Tensors}. */
export function toTensors(x: NetworkInput, name: string): Tensors {
  if (isInputList(x)) return x.map((xi, i) => examplesFrom(xi, `${name}[${i}]`));
  return examplesFrom(x as InputLike, name);
}

/** One entry per input branch, for a need given once for all of them. */
function needFor(need: SpatialNeed, branch: number): SpatialNeed {
  return typeof need === 'boolean' ? need : need[branch];
}

function buildInputKernels(x1: Tensors, x2: Tensors | null, wantNtk: boolean, need: SpatialNeed): Kernels {
  if (x1 instanceof Matrix || x1 instanceof Tensor) return inputKernel(x1, x2 as Matrix | Tensor | null, wantNtk, !anyNeed(need));
  return x1.map((xi, i) => buildInputKernels(xi, x2 === null ? null : (x2 as readonly Tensors[])[i], wantNtk, needFor(need, i)));
}

/** Whether any branch needs full spatial covariances. */
export function anyNeed(need: SpatialNeed): boolean {
  return typeof need === 'boolean' ? need : need.some(anyNeed);
}

/** Bytes of the largest kernel arrays a call will hold: the input kernels, the largest stage for every layer keeps or shrinks the positions. */
function kernelBytes(x1: Tensors, x2: Tensors | null, wantNtk: boolean, need: SpatialNeed): number {
  if (x1 instanceof Matrix || x1 instanceof Tensor) {
    const other = (x2 ?? x1) as Matrix | Tensor;
    const n = (t: Matrix | Tensor) => (t instanceof Matrix ? t.rows : t.shape[0]);
    const s = x1 instanceof Tensor ? positions(x1.shape.slice(1, -1)) : 1;
    const block = anyNeed(need) ? s * s : s;
    return n(x1) * n(other) * block * 8 * (wantNtk ? 2 : 1);
  }
  return x1.reduce((sum, xi, i) => sum + kernelBytes(xi, x2 === null ? null : (x2 as readonly Tensors[])[i], wantNtk, needFor(need, i)), 0);
}

/** The machine's memory, asked once: `os.totalmem` reads it from the system on every call (measured: about 12 µs, for each kernel call). */
let machineMemory = 0;

/** Refuses, before any work, a kernel that cannot fit in this machine's memory, naming its size and the ways out. */
function checkMemory(where: string, bytes: number, need: SpatialNeed): void {
  machineMemory ||= totalmem();
  const limit = 0.75 * machineMemory;
  if (bytes <= limit) return;
  const gb = (v: number) => `${(v / 2 ** 30).toFixed(1)} GB`;
  const readout = anyNeed(need)
    ? ' A network that pools (avgPool, globalAvgPool) needs every pair of positions, (H·W)² entries per pair of examples; one that ends in stax.flatten() needs only H·W.'
    : '';
  throw new InputError(
    `${where}: this kernel needs ${gb(bytes)} but the machine has ${gb(machineMemory)} of memory (limit ${gb(limit)}).${readout} Compute it in tiles with batch(net.kernel, { batchSize }) (and { store: dir } to keep it on disk), or pass fewer points.`,
  );
}

/**
 * What a Kernel result carries besides its public fields, so that another
 * layer can continue from it (not enumerable: printing and equality see the
 * fields of the {@link Kernel} only).
 */
const STATE = Symbol('tangent-lab.kernel-state');

interface KernelMeta {
  width: number;
  isGaussian: boolean;
  hasTrainable: boolean;
}

function extract(pendingState: KernelState, kernels: Get[], single: boolean, name: string): Kernel | Matrix {
  if (pendingState.spatial.length > 0) {
    throw new ShapeError(
      `${name}.kernel: the network's output is still spatial (positions ${pendingState.spatial.join('×')}); end it with a readout, stax.flatten() or stax.globalAvgPool(), and a dense layer, as Neural Tangents' CNN examples do`,
    );
  }
  const state = materialize(pendingState);
  // Nothing trainable: Θ = 0 (eq. S6 has no term), Neural Tangents' convention.
  const ntk = kernels.includes('ntk')
    ? { ntk: new Matrix(state.n1, state.n2, state.hasTrainable && state.ntk ? state.ntk : new Float64Array(state.n1 * state.n2)) }
    : {};
  const out: Kernel = { nngp: new Matrix(state.n1, state.n2, state.nngp), ...ntk, cov1: state.cov1, cov2: state.cov2, x1IsX2: state.x1IsX2 };
  const meta: KernelMeta = { width: state.width, isGaussian: state.isGaussian, hasTrainable: state.hasTrainable };
  Object.defineProperty(out, STATE, { value: meta, enumerable: false });
  if (single) return kernels[0] === 'nngp' ? out.nngp : (out.ntk as Matrix);
  return orderedKernel(out, kernels);
}

/** Whether `x` is a {@link Kernel} (a layer's result, to continue from) rather than inputs. */
function isKernelValue(x: unknown): x is Kernel {
  return x !== null && typeof x === 'object' && !Array.isArray(x) && (x as Kernel).nngp instanceof Matrix;
}

/**
 * The kernel state a Kernel result describes, copied (rules work in place):
 * where the layers that produced it left off. Kernels without a layer's
 * metadata (Monte Carlo estimates, hand-made ones) are taken as the
 * covariance of a centred Gaussian process of unknown width.
 */
function stateOf(where: string, k: Kernel, wantNtk: boolean): KernelState {
  const { rows: n1, cols: n2 } = k.nngp;
  const meta = (k as unknown as Record<symbol, KernelMeta | undefined>)[STATE];
  if (!k.cov1 || (!k.x1IsX2 && !k.cov2)) {
    throw new InputError(
      `${where}: to continue from a Kernel it needs cov1 and cov2, each input's variance with itself (a layer's kernel() result has them); Monte Carlo estimates do not`,
    );
  }
  const copy = (a: Float64Array) => {
    const out = sharedFloat64(a.length);
    out.set(a);
    return out;
  };
  if (k.cov1.length !== n1 || (!k.x1IsX2 && (k.cov2 as Float64Array).length !== n2)) {
    throw new ShapeError(`${where}: the Kernel's cov1/cov2 do not match its ${n1}×${n2} nngp`);
  }
  const cov1 = k.cov1.slice();
  return {
    n1,
    n2,
    spatial: [],
    diagonal: true,
    nngp: copy(k.nngp.data),
    ntk: wantNtk ? (k.ntk ? copy(k.ntk.data) : sharedFloat64(n1 * n2)) : null,
    cov1,
    cov2: k.x1IsX2 ? cov1 : (k.cov2 as Float64Array).slice(),
    x1IsX2: k.x1IsX2,
    deferred: [],
    pending: null,
    upperOnly: false,
    width: meta?.width ?? Number.NaN,
    isGaussian: meta?.isGaussian ?? true,
    hasTrainable: meta?.hasTrainable ?? k.ntk !== undefined,
  };
}

/**
 * Which input kernels a network needs: for each input, whether its spatial
 * covariances must be kept for every pair of positions (pooling reads them)
 * or only for the same position (a `flatten` readout reads only those), as
 * Neural Tangents' `diagonal_spatial` is decided from the layers' requirements.
 */
export function inputNeed(impl: LayerImpl): SpatialNeed {
  return impl.spatialNeed?.(false) ?? false;
}

/**
 * Wraps a layer's implementation in the public, validating `init` / `apply` /
 * `kernel`. All checks happen here, before any work starts.
 */
export function makeLayer(impl: LayerImpl, spec: LayerSpec): Layer {
  const { name } = impl;
  const init = (key: Key, inputShape: InputShape) => {
    checkKey(`${name}.init`, key);
    const dims = dimsFromPublic(`${name}.init`, inputShape);
    impl.outputDim(dims);
    const { outputDim, params } = impl.initFn(key, dims);
    return { outputDim: publicDims(outputDim), params };
  };

  const layer = { name, spec, impl, init } as { -readonly [K in keyof Layer]: Layer[K] };

  const apply = (params: Params, x: NetworkInput): Matrix | Tensor => {
    const t = toTensors(x, 'x');
    impl.outputDim(dimsOf(t));
    const rows = rowsOf(t);
    if (rows.some((r) => r !== rows[0])) {
      throw new ShapeError(`${name}.apply: every input branch must have the same number of rows (examples), got ${rows.join(', ')}`);
    }
    const { out, cache } = impl.forward(params, t);
    if (!(out instanceof Matrix) && !(out instanceof Tensor)) {
      throw new ShapeError(`${name}.apply: the network ends in ${out.length} branches; end it with stax.fanInSum() or stax.fanInConcat()`);
    }
    // Inside valueAndGrad's loss function: keep this pass's backward for the gradient.
    if (isTracing() && out instanceof Matrix) recordOutput(params, out, (gOut) => impl.backward(params, cache, gOut, undefined, false).gParams);
    return out;
  };
  Object.defineProperty(apply, 'layer', { value: layer, enumerable: false });
  layer.apply = apply as Layer['apply'];

  const kernel = (x1: KernelInput, x2?: KernelInput | null, get?: Get | readonly Get[]) => {
    const where = `${name}.kernel`;
    const { kernels, single } = parseGet(where, get);
    const wantNtk = kernels.includes('ntk');
    if (isKernelValue(x1) || (Array.isArray(x1) && x1.length > 0 && x1.every(isKernelValue))) {
      if (x2 !== undefined && x2 !== null)
        throw new InputError(`${where}: continuing from a Kernel takes no x2 (the Kernel already pairs two batches); call kernel(k) or kernel(k, null, get)`);
      const states = isKernelValue(x1) ? stateOf(where, x1, wantNtk) : (x1 as unknown as readonly Kernel[]).map((k) => stateOf(where, k, wantNtk));
      const continued = impl.kernelRule(states);
      if (isKernelList(continued)) {
        throw new ShapeError(`${where}: the network ends in ${continued.length} branches; end it with stax.fanInSum() or stax.fanInConcat()`);
      }
      return extract(continued, kernels, single, name);
    }
    const t1 = toTensors(x1 as InputLike, 'x1');
    const t2 = x2 === undefined || x2 === null || x2 === x1 ? null : toTensors(x2 as InputLike, 'x2');
    if (t2 !== null && !sameDims(dimsOf(t1), dimsOf(t2))) {
      throw new ShapeError(
        `${where}: x1 and x2 have different example shapes (${describeDims(dimsOf(t1))} vs ${describeDims(dimsOf(t2))}); both must have the same features, or the same positions and channels`,
      );
    }
    impl.outputDim(dimsOf(t1));
    const need = inputNeed(impl);
    checkMemory(where, kernelBytes(t1, t2, wantNtk, need), need);
    const result = impl.kernelRule(buildInputKernels(t1, t2, wantNtk, need));
    if (isKernelList(result)) {
      throw new ShapeError(`${where}: the network ends in ${result.length} branches; end it with stax.fanInSum() or stax.fanInConcat()`);
    }
    return extract(result, kernels, single, name);
  };
  Object.defineProperty(kernel, 'layer', { value: layer, enumerable: false });
  layer.kernel = kernel as unknown as KernelFn;
  return layer;
}
