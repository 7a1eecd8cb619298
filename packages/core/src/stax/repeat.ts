import { InputError, ShapeError } from '../errors';
import { split } from '../random/key';
import { checkLayers } from './check-layers';
import type { Kernels } from './kernel-state';
import { fromSpec, layerType } from './registry';
import { describeDims, sameDims } from './shapes';
import { zerosLike } from './tensors';
import type { Dims, Layer, LayerImpl, LayerSpec, Params, SpatialNeed, Tensors } from './types';

/**
 * `layer` applied n times, Neural Tangents' `stax.repeat(layer, n)`: the
 * same computation as `stax.serial(layer, …, layer)` with independent
 * parameters for each repetition, but described once — its spec holds the
 * layer and n, not n copies — and its kernel computed in a loop, one
 * repetition at a time, so memory does not grow with n. As in Neural Tangents
 * the layer must keep the shape of its input (e.g. dense(512) → relu on 512
 * features, or conv(C, [3, 3], { padding: 'SAME' }) → relu on C channels).
 * n = 0 is the identity.
 *
 * @example
 * ```ts
 * const block = stax.serial(stax.dense(512, { wStd: 1.5 }), stax.erf());
 * const deep = stax.serial(stax.dense(512), stax.erf(), stax.repeat(block, 100), stax.dense(1));
 * ```
 */
export const repeat = layerType({
  type: 'repeat',
  create: (layer: Layer, n: number): LayerImpl => {
    const [inner] = checkLayers('stax.repeat', [layer]).map((l) => l.impl);
    if (!Number.isInteger(n) || n < 0) throw new InputError(`stax.repeat: n must be a non-negative integer (the number of repetitions), got ${String(n)}`);
    const name = `Repeat(${inner.name}, ${n})`;
    const checkShape = (d: Dims): Dims => {
      if (n === 0) return d;
      const out = inner.outputDim(d);
      if (!sameDims(out, d)) {
        throw new ShapeError(
          `${name}: the layer maps examples of shape ${describeDims(d)} to ${describeDims(out)}, but a repeated layer must keep the shape of its input; size it so (e.g. as many units or channels as it gets, 'SAME' padding, stride 1), or use stax.serial for layers that change it`,
        );
      }
      return d;
    };
    const paramList = (params: Params): readonly Params[] => {
      if (!Array.isArray(params) || params.length !== n) {
        throw new ShapeError(`${name}: expected a list of ${n} parameter entries (one per repetition) from this layer's init`);
      }
      return params as readonly Params[];
    };
    return {
      name,
      localOnly: inner.localOnly,
      outputDim: checkShape,
      initFn(key, inputDim) {
        checkShape(inputDim);
        const keys = n === 0 ? [] : split(key, n);
        return { outputDim: inputDim, params: keys.map((k) => inner.initFn(k, inputDim).params) };
      },
      forward(params, x) {
        const ps = paramList(params);
        const caches: unknown[] = [];
        let h: Tensors = x;
        for (let i = 0; i < n; i++) {
          const r = inner.forward(ps[i], h);
          caches.push(r.cache);
          h = r.out;
        }
        return { out: h, cache: caches };
      },
      backward(params, cache, gOut, visit) {
        const ps = paramList(params);
        const caches = cache as unknown[];
        const gParams: Params[] = new Array(n);
        let g = gOut;
        for (let i = n - 1; i >= 0; i--) {
          const r = inner.backward(ps[i], caches[i], g, visit);
          gParams[i] = r.gParams;
          g = r.gIn;
        }
        return { gIn: g, gParams };
      },
      jvp(params, x, tParams, tx) {
        const ps = paramList(params);
        const ts = tParams === null ? null : paramList(tParams);
        let h: Tensors = x;
        let t: Tensors | null = tx;
        for (let i = 0; i < n; i++) {
          const r = inner.jvp(ps[i], h, ts === null ? null : ts[i], t);
          h = r.out;
          t = r.tOut;
        }
        return { out: h, tOut: t ?? zerosLike(h) };
      },
      // One repetition at a time: each rule takes the state the last one returned.
      kernelRule(k: Kernels) {
        let state = k;
        for (let i = 0; i < n; i++) state = inner.kernelRule(state);
        return state;
      },
      // What the repetitions need of their input, from the last one back to the first.
      spatialNeed(downstream) {
        let need: SpatialNeed = downstream;
        for (let i = 0; i < n; i++) need = inner.spatialNeed?.(need) ?? need;
        return need;
      },
      tfjs(params, compiler) {
        const ps = paramList(params);
        const parts = ps.map((p) => compiler.compile(layer, p));
        return (tf, h, take) => parts.reduce((acc, f) => f(tf, acc, take), h);
      },
    };
  },
  toSpec: (layer: Layer, n: number) => [layer.spec, n],
  fromSpec: (args) => [fromSpec(args[0] as LayerSpec), args[1] as number],
});
