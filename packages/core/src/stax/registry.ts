import { InputError } from '../errors';
import { makeLayer } from './make-layer';
import type { Layer, LayerImpl, LayerSpec } from './types';

/**
 * One layer type, declared once in the file that defines it: its name in
 * specs, how to build it, and how its arguments round-trip through a
 * {@link LayerSpec} (what worker threads rebuild it from). Like Neural
 * Tangents' `@layer` decorator, registering the type is what makes the layer
 * usable everywhere: kernels, worker threads, training, the tfjs engine.
 */
export interface LayerType<A extends readonly unknown[], I extends LayerImpl = LayerImpl> {
  /** The type name written in specs; unique. */
  readonly type: string;
  /** Validates the factory arguments and builds the layer's implementation. */
  create(...args: A): I;
  /** Spec arguments for valid factory arguments (default: the arguments themselves, which must be JSON-able). */
  toSpec?(...args: A): readonly unknown[];
  /** Factory arguments from spec arguments (default: the spec arguments themselves). */
  fromSpec?(args: readonly unknown[]): A;
  /**
   * For layer types defined outside `@tangent-lab/core`: the module that
   * registers the type (`__filename`, or `import.meta.url`), which worker
   * threads load before they rebuild the layer. Without it the layer runs on
   * the calling thread only.
   */
  readonly module?: string;
}

/** A registered layer type's public factory. */
export type LayerFactory<A extends readonly unknown[], I extends LayerImpl = LayerImpl> = (...args: A) => Layer & { readonly impl: I };

interface Entry {
  record: LayerType<readonly unknown[]>;
  factory: LayerFactory<readonly unknown[]>;
  builtIn: boolean;
}

const registry = new Map<string, Entry>();

/** The spec of a layer built from `args` by a registered type. */
function specOf<A extends readonly unknown[]>(record: LayerType<A, LayerImpl>, args: A): LayerSpec {
  const specArgs = record.toSpec ? record.toSpec(...args) : args;
  return record.module === undefined ? { type: record.type, args: specArgs } : { type: record.type, args: specArgs, module: record.module };
}

/**
 * Registers a layer type and returns its factory. Used by every layer of
 * `@tangent-lab/core`; `builtIn` marks those, which every thread has loaded.
 */
export function registerLayerType<A extends readonly unknown[], I extends LayerImpl>(record: LayerType<A, I>, builtIn: boolean): LayerFactory<A, I> {
  const { type } = record;
  if (typeof type !== 'string' || !/^[A-Za-z][\w.-]*$/.test(type)) {
    throw new InputError(`stax.defineLayer: type must be a name like 'square' (letters, digits, _ . -), got ${JSON.stringify(type)}`);
  }
  if (registry.has(type)) {
    throw new InputError(`stax.defineLayer: a layer type named '${type}' is already registered; choose another name`);
  }
  if (typeof record.create !== 'function') throw new InputError(`stax.defineLayer('${type}'): create must be a function building the layer`);
  const missingModule = moduleProblem(record, builtIn);
  const factory = (...args: A) => {
    const impl = record.create(...args);
    const spec = specOf(record, args);
    const localOnly = impl.localOnly ?? missingModule;
    return makeLayer(localOnly === impl.localOnly ? impl : { ...impl, localOnly }, spec) as Layer & { readonly impl: I };
  };
  registry.set(type, { record: record as unknown as LayerType<readonly unknown[]>, factory: factory as unknown as LayerFactory<readonly unknown[]>, builtIn });
  return factory;
}

/** Why worker threads cannot load a layer type: it is not built in and names no module. */
export function moduleProblem(record: { type: string; module?: string }, builtIn: boolean): string | undefined {
  return !builtIn && record.module === undefined
    ? `layer type '${record.type}' was defined without \`module\`, so worker threads cannot load it; pass module: __filename (or import.meta.url) where it is defined`
    : undefined;
}

/** Whether `value` has the form of a {@link LayerSpec}. */
export function isLayerSpec(value: unknown): value is LayerSpec {
  return value !== null && typeof value === 'object' && typeof (value as LayerSpec).type === 'string' && Array.isArray((value as LayerSpec).args);
}

/**
 * Rebuilds a layer from its {@link LayerSpec} — how worker threads get the
 * same network as the caller. Inverse of `layer.spec`.
 */
export function fromSpec(spec: LayerSpec): Layer {
  if (!isLayerSpec(spec)) throw new InputError(`stax.fromSpec: expected a layer spec { type, args }, got ${JSON.stringify(spec)}`);
  const entry = registry.get(spec.type);
  if (!entry) {
    const hint = spec.module === undefined ? '' : ` (load ${spec.module}, which registers it)`;
    throw new InputError(`stax.fromSpec: unknown layer type "${spec.type}"${hint}; known types: ${[...registry.keys()].join(', ')}`);
  }
  const args = entry.record.fromSpec ? entry.record.fromSpec(spec.args) : spec.args;
  return entry.factory(...args);
}

/** The modules a spec's layer types come from (those defined outside `@tangent-lab/core`), depth first. */
export function specModules(spec: LayerSpec, out: Set<string> = new Set()): Set<string> {
  if (spec.module !== undefined) out.add(spec.module);
  for (const arg of spec.args) {
    if (isLayerSpec(arg)) specModules(arg, out);
    else if (Array.isArray(arg)) arg.filter(isLayerSpec).forEach((s) => specModules(s, out));
  }
  return out;
}

/** The registered layer types, built-in first (for error messages and docs). */
export function layerTypes(): { type: string; builtIn: boolean }[] {
  return [...registry.entries()].map(([type, e]) => ({ type, builtIn: e.builtIn })).sort((a, b) => Number(b.builtIn) - Number(a.builtIn));
}

/** Registers one of the library's own layer types (loaded on every thread with `stax`). */
export function layerType<A extends readonly unknown[], I extends LayerImpl>(record: LayerType<A, I>): LayerFactory<A, I> {
  return registerLayerType(record, true);
}
