import { ShapeError } from '../errors';
import { leaves } from '../params/tree';
import { split } from '../random/key';
import { checkLayers } from './check-layers';
import type { Kernels } from './kernel-state';
import { fromSpec, layerType } from './registry';
import type { Layer, LayerImpl, LayerSpec, Params, Tensors } from './types';

function paramList(name: string, params: Params, n: number): readonly Params[] {
  if (!Array.isArray(params) || params.length !== n) {
    throw new ShapeError(`${name}: expected a list of ${n} parameter entries (one per layer) from this network's init`);
  }
  return params as readonly Params[];
}

function serialImpl(...given: Layer[]): LayerImpl {
  const layers = checkLayers('stax.serial', given).map((l) => l.impl);
  const name = `Serial(${layers.map((l) => l.name).join(', ')})`;
  const n = layers.length;
  return {
    name,
    localOnly: layers.find((l) => l.localOnly !== undefined)?.localOnly,
    outputDim: (d) => layers.reduce((dim, l) => l.outputDim(dim), d),
    initFn(key, inputDim) {
      const keys = split(key, n);
      const params: Params[] = [];
      let dim = inputDim;
      layers.forEach((l, i) => {
        const r = l.initFn(keys[i], dim);
        params.push(r.params);
        dim = r.outputDim;
      });
      return { outputDim: dim, params };
    },
    forward(params, x) {
      const ps = paramList(name, params, n);
      const caches: unknown[] = [];
      let h: Tensors = x;
      layers.forEach((l, i) => {
        const r = l.forward(ps[i], h);
        caches.push(r.cache);
        h = r.out;
      });
      return { out: h, cache: caches };
    },
    backward(params, cache, gOut, visit, needInput = true) {
      const ps = paramList(name, params, n);
      const caches = cache as unknown[];
      // Below the first layer with parameters only the input gradient flows
      // back: without a caller for it, the pass stops at that layer, which
      // need not compute its own. The layers below keep their (leafless) parameters as gradients.
      const lowest = needInput
        ? 0
        : Math.max(
            0,
            ps.findIndex((p) => leaves(p).length > 0),
          );
      const gParams: Params[] = ps.slice();
      let g = gOut;
      for (let i = n - 1; i >= lowest; i--) {
        const r = layers[i].backward(ps[i], caches[i], g, visit, needInput || i > lowest);
        gParams[i] = r.gParams;
        g = r.gIn;
      }
      return { gIn: g, gParams };
    },
    jvp(params, x, tParams, tx) {
      const ps = paramList(name, params, n);
      const ts = tParams === null ? null : paramList(name, tParams, n);
      let h: Tensors = x;
      let t: Tensors | null = tx;
      layers.forEach((l, i) => {
        const r = l.jvp(ps[i], h, ts === null ? null : ts[i], t);
        h = r.out;
        t = r.tOut;
      });
      return { out: h, tOut: t as unknown as Tensors };
    },
    kernelRule: (k: Kernels) => layers.reduce((acc, l) => l.kernelRule(acc), k),
    spatialNeed: (downstream) => layers.reduceRight((need, l) => l.spatialNeed?.(need) ?? need, downstream),
    tfjs(params, compiler) {
      const ps = paramList(name, params, n);
      const parts = given.map((l, i) => compiler.compile(l, ps[i]));
      return (tf, h, take) => parts.reduce((acc, f) => f(tf, acc, take), h);
    },
  };
}

/**
 * Layers applied one after another: the network x ↦ f_L(…f_1(x)). Its kernel
 * rule is the composition of the layers' rules, i.e. the recursions (S3) and
 * (S6) layer by layer.
 *
 * @example
 * ```ts
 * const net = stax.serial(stax.dense(512), stax.relu(), stax.dense(1));
 * const { nngp, ntk } = net.kernel(xTest, xTrain);
 * ```
 */
export const serial = layerType({
  type: 'serial',
  create: serialImpl,
  toSpec: (...layers: Layer[]) => layers.map((l) => l.spec),
  fromSpec: (specs) => (specs as LayerSpec[]).map(fromSpec),
});
