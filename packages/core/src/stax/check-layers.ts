import { InputError } from '../errors';
import type { Layer } from './types';

/** Checks the arguments of a combinator are layers, with a hint for the usual slip (`stax.relu` for `stax.relu()`). */
export function checkLayers(where: string, layers: readonly unknown[]): readonly Layer[] {
  if (layers.length === 0) throw new InputError(`${where}: needs at least one layer`);
  layers.forEach((l, i) => {
    if (typeof l === 'function') {
      throw new InputError(`${where}: argument ${i} is a function, not a layer; call it, e.g. stax.relu() rather than stax.relu`);
    }
    if (l === null || typeof l !== 'object' || typeof (l as Layer).impl?.kernelRule !== 'function') {
      throw new InputError(`${where}: argument ${i} is not a layer (got ${String(l)}); build layers with stax.dense(...), stax.relu(), ...`);
    }
  });
  return layers as readonly Layer[];
}
