import { InputError, ShapeError } from '../errors';
import { Matrix, type MatrixLike } from '../matrix';
import { checkKey, type Key } from '../random/key';
import { inputKernel, isKernelList, materialize, type Kernels, type KernelState } from './kernel-state';
import type {
  Dims, Get, Kernel, KernelFn, KernelInput, Layer, LayerImpl, LayerSpec, Params, Tensors,
} from './types';

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

function isMatrixList(x: unknown): x is readonly MatrixLike[] {
  return Array.isArray(x) && x.length > 0 && (x[0] instanceof Matrix || (Array.isArray(x[0]) && Array.isArray(x[0][0])));
}

/** Validates a public input (one matrix or one per branch) into {@link Tensors}. */
export function toTensors(x: KernelInput, name: string): Tensors {
  if (isMatrixList(x)) return x.map((xi, i) => Matrix.from(xi, `${name}[${i}]`));
  return Matrix.from(x as MatrixLike, name);
}

function dimsOf(x: Tensors): Dims {
  return x instanceof Matrix ? x.cols : x.map(dimsOf);
}

function rowsOf(x: Tensors): number[] {
  return x instanceof Matrix ? [x.rows] : x.flatMap(rowsOf);
}

function sameDims(a: Dims, b: Dims): boolean {
  if (typeof a === 'number' || typeof b === 'number') return a === b;
  return a.length === b.length && a.every((ai, i) => sameDims(ai, b[i]));
}

function checkDims(where: string, inputDim: unknown): Dims {
  const ok = (d: unknown): boolean =>
    (typeof d === 'number' && Number.isInteger(d) && d > 0) || (Array.isArray(d) && d.length > 0 && d.every(ok));
  if (!ok(inputDim)) {
    throw new InputError(`${where}: inputDim must be a positive integer (the number of input features), or an array of them for several inputs, got ${JSON.stringify(inputDim)}`);
  }
  return inputDim as Dims;
}

function buildInputKernels(x1: Tensors, x2: Tensors | null, wantNtk: boolean): Kernels {
  if (x1 instanceof Matrix) return inputKernel(x1, x2 as Matrix | null, wantNtk);
  return x1.map((xi, i) => buildInputKernels(xi, x2 === null ? null : (x2 as readonly Tensors[])[i], wantNtk));
}

function extract(pendingState: KernelState, kernels: Get[], single: boolean, name: string): Kernel | Matrix {
  const state = materialize(pendingState);
  const out: Kernel = { nngp: new Matrix(state.n1, state.n2, state.nngp) };
  if (kernels.includes('ntk')) {
    if (!state.hasTrainable) {
      if (single) throw new InputError(`${name}.kernel: this network has no trainable layer, so its NTK is identically zero; add a dense layer or ask for get: 'nngp'`);
    } else if (state.ntk) {
      out.ntk = new Matrix(state.n1, state.n2, state.ntk);
    }
  }
  if (single) return kernels[0] === 'nngp' ? out.nngp : (out.ntk as Matrix);
  return out;
}

/**
 * Wraps a layer's implementation in the public, validating `init` / `apply` /
 * `kernel`. All checks happen here, before any work starts.
 */
export function makeLayer(impl: LayerImpl, spec: LayerSpec): Layer {
  const { name } = impl;
  const init = (key: Key, inputDim: Dims) => {
    checkKey(`${name}.init`, key);
    impl.outputDim(checkDims(`${name}.init`, inputDim));
    return impl.initFn(key, inputDim);
  };

  const layer = { name, spec, impl, init } as { -readonly [K in keyof Layer]: Layer[K] };

  const apply = (params: Params, x: KernelInput): Matrix => {
    const t = toTensors(x, 'x');
    impl.outputDim(dimsOf(t));
    const rows = rowsOf(t);
    if (rows.some((r) => r !== rows[0])) {
      throw new ShapeError(`${name}.apply: every input branch must have the same number of rows (examples), got ${rows.join(', ')}`);
    }
    const out = impl.forward(params, t).out;
    if (!(out instanceof Matrix)) {
      throw new ShapeError(`${name}.apply: the network ends in ${out.length} branches; end it with stax.fanInSum() or stax.fanInConcat()`);
    }
    return out;
  };
  Object.defineProperty(apply, 'layer', { value: layer, enumerable: false });
  layer.apply = apply as Layer['apply'];

  const kernel = (x1: KernelInput, x2?: KernelInput | null, get?: Get | readonly Get[]) => {
    const where = `${name}.kernel`;
    const { kernels, single } = parseGet(where, get);
    const t1 = toTensors(x1, 'x1');
    const t2 = x2 === undefined || x2 === null || x2 === x1 ? null : toTensors(x2, 'x2');
    if (t2 !== null && !sameDims(dimsOf(t1), dimsOf(t2))) {
      throw new ShapeError(
        `${where}: x1 and x2 have different feature dimensions (${JSON.stringify(dimsOf(t1))} vs ${JSON.stringify(dimsOf(t2))}); both must have one column per input feature`,
      );
    }
    impl.outputDim(dimsOf(t1));
    const result = impl.kernelRule(buildInputKernels(t1, t2, kernels.includes('ntk')));
    if (isKernelList(result)) {
      throw new ShapeError(`${where}: the network ends in ${result.length} branches; end it with stax.fanInSum() or stax.fanInConcat()`);
    }
    return extract(result, kernels, single, name);
  };
  Object.defineProperty(kernel, 'layer', { value: layer, enumerable: false });
  layer.kernel = kernel as unknown as KernelFn;
  return layer;
}
