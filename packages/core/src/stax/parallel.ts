import { ShapeError } from '../errors';
import { Matrix } from '../matrix';
import { split } from '../random/key';
import { checkLayers } from './check-layers';
import { isKernelList, type Kernels } from './kernel-state';
import { fromSpec, layerType } from './registry';
import type { Dims, Layer, LayerImpl, LayerSpec, Params, Tensors } from './types';

function parallelImpl(...given: Layer[]): LayerImpl {
  const layers = checkLayers('stax.parallel', given).map((l) => l.impl);
  const name = `Parallel(${layers.map((l) => l.name).join(', ')})`;
  const n = layers.length;

  function branches<T>(what: string, x: T | readonly T[]): readonly T[] {
    if (!Array.isArray(x) || x.length !== n) {
      const got = Array.isArray(x) ? `${x.length} branches` : 'one input';
      throw new ShapeError(`${name}: expects ${n} input branches (one per layer) but got ${got} ${what}; put stax.fanOut(${n}) before it`);
    }
    return x as readonly T[];
  }
  const tensorBranches = (x: Tensors) => branches<Tensors>('', x instanceof Matrix ? (x as unknown as Tensors[]) : x);

  return {
    name,
    localOnly: layers.find((l) => l.localOnly !== undefined)?.localOnly,
    outputDim: (d: Dims) => branches<Dims>('', typeof d === 'number' ? (d as unknown as Dims[]) : d).map((di, i) => layers[i].outputDim(di)),
    initFn(key, inputDim) {
      const dims = branches<Dims>('', typeof inputDim === 'number' ? (inputDim as unknown as Dims[]) : inputDim);
      const keys = split(key, n);
      const results = layers.map((l, i) => l.initFn(keys[i], dims[i]));
      return { outputDim: results.map((r) => r.outputDim), params: results.map((r) => r.params) };
    },
    forward(params, x) {
      const xs = tensorBranches(x);
      const ps = branches<Params>('of parameters', params as readonly Params[]);
      const results = layers.map((l, i) => l.forward(ps[i], xs[i]));
      return { out: results.map((r) => r.out), cache: results.map((r) => r.cache) };
    },
    backward(params, cache, gOut, visit) {
      const ps = params as readonly Params[];
      const caches = cache as unknown[];
      const gs = tensorBranches(gOut);
      const results = layers.map((l, i) => l.backward(ps[i], caches[i], gs[i], visit));
      return { gIn: results.map((r) => r.gIn), gParams: results.map((r) => r.gParams) };
    },
    jvp(params, x, tParams, tx) {
      const xs = tensorBranches(x);
      const ps = params as readonly Params[];
      const ts = tParams as readonly Params[] | null;
      const txs = tx === null ? null : tensorBranches(tx);
      const results = layers.map((l, i) => l.jvp(ps[i], xs[i], ts === null ? null : ts[i], txs === null ? null : txs[i]));
      return { out: results.map((r) => r.out), tOut: results.map((r) => r.tOut) };
    },
    spatialNeed: (downstream) =>
      layers.map((l, i) => {
        const need = typeof downstream === 'boolean' ? downstream : downstream[i];
        return l.spatialNeed?.(need) ?? need;
      }),
    kernelRule(k: Kernels) {
      const ks = branches<Kernels>('', isKernelList(k) ? k : (k as unknown as Kernels[]));
      return layers.map((l, i) => l.kernelRule(ks[i]));
    },
    tfjs(params, compiler) {
      const ps = branches<Params>('of parameters', params as readonly Params[]);
      const parts = given.map((l, i) => compiler.compile(l, ps[i]));
      return (tf, h, take) => parts.map((f, i) => f(tf, (h as readonly Parameters<typeof f>[1][])[i], take));
    },
  };
}

/**
 * Applies the i-th layer to the i-th input branch (Neural Tangents' `parallel`).
 * Use after {@link fanOut} to build branches, e.g. a residual block:
 * `serial(fanOut(2), parallel(serial(relu(), dense(512)), identity()), fanInSum())`.
 */
export const parallel = layerType({
  type: 'parallel',
  create: parallelImpl,
  toSpec: (...layers: Layer[]) => layers.map((l) => l.spec),
  fromSpec: (specs) => (specs as LayerSpec[]).map(fromSpec),
});
