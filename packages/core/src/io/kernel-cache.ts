import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { InputError } from '../errors';
import { Matrix } from '../matrix';
import { checkOptions } from '../options';
import { kernelOrder, orderedKernel } from '../stax/kernel-result';
import type { Get } from '../stax/types';
import { contentKey } from './content-key';
import { readNpy, writeNpy } from './npy';

/** Options of {@link cachedKernel}. */
export interface CachedKernelOptions {
  /**
   * What identifies the computation besides the inputs, for a kernel
   * function that carries no layer (`batch(net.kernel)`,
   * `monteCarloKernelFn(...)`, your own): a layer (its `spec` is used) or
   * any JSON-able value — include everything the numbers depend on (seed,
   * sample count, …). Default: `kernelFn.layer.spec`.
   */
  spec?: unknown;
  /** Called on every call with whether the kernel came from disk. */
  onLookup?: (event: { hit: boolean; key: string; path: string }) => void;
}

/** A cached kernel function: the same call, plus counts of what happened. */
export type CachedKernelFn<F> = F & {
  /** Calls answered from disk and calls computed (then stored), in this process. */
  readonly stats: { hits: number; misses: number };
  /** The directory the kernels are stored in. */
  readonly dir: string;
};

/** Bumped when the stored format changes, so old entries are simply not found. */
const FORMAT = 1;

/**
 * Wraps a kernel function so its results are stored in `dir` as `.npy`
 * files and read back, instead of recomputed, when the same network is
 * called on the same inputs again — a notebook's second run skips the
 * expensive kernel.
 *
 * The key is a SHA-256 of: the network's spec (`kernelFn.layer.spec`, the
 * JSON description every stax layer has, so changing a width, `wStd`, an
 * activation or the depth changes it), the *content* of the arguments
 * (shape and float64 values of `x1`, `x2`, and `get`; a Matrix and the same
 * numbers as `number[][]` share a key), and the version of
 * `@tangent-lab/core`. Each entry is a folder `dir/<key>/` with one `.npy`
 * per kernel (`nngp.npy`, `ntk.npy`, readable by `numpy.load`) and a
 * `manifest.json` saying what was computed; it is written to a temporary
 * folder and renamed, so an interrupted run leaves no half entry. Delete the
 * folder to clear the cache.
 *
 * Asynchronous kernel functions (`batch(net.kernel, …)`) work too: pass
 * `{ spec: net }`, as they carry no layer.
 *
 * @example
 * ```ts
 * const kernelFn = io.cachedKernel('.kernels', net.kernel);
 * const k = kernelFn(xTrain, null, 'ntk'); // computed and stored the first time, read afterwards
 * ```
 */
export function cachedKernel<F extends (...args: never[]) => unknown>(dir: string, kernelFn: F, options: CachedKernelOptions = {}): CachedKernelFn<F> {
  const where = 'io.cachedKernel';
  checkOptions(where, options, ['spec', 'onLookup']);
  if (typeof dir !== 'string' || dir.length === 0) throw new InputError(`${where}: dir must be a directory name (string), got ${JSON.stringify(dir)}`);
  if (typeof kernelFn !== 'function') throw new InputError(`${where}: pass a kernel function, e.g. io.cachedKernel('.kernels', net.kernel)`);
  const layerSpec = (kernelFn as unknown as { layer?: { spec?: unknown } }).layer?.spec;
  const given = options.spec;
  const spec = given === undefined ? layerSpec : ((given as { spec?: unknown } | null)?.spec ?? given);
  if (spec === undefined) {
    throw new InputError(
      `${where}: this kernel function carries no layer, so the cache cannot tell networks apart; pass { spec: net } (or any JSON-able description of what the kernel depends on)`,
    );
  }
  const stats = { hits: 0, misses: 0 };
  const version = coreVersion();

  const cached = (...args: unknown[]): unknown => {
    const key = contentKey({ format: FORMAT, version, spec, args: args.map((a) => (a === undefined ? null : a)) });
    const path = join(dir, key);
    if (existsSync(join(path, 'manifest.json'))) {
      stats.hits++;
      options.onLookup?.({ hit: true, key, path });
      return load(path);
    }
    stats.misses++;
    options.onLookup?.({ hit: false, key, path });
    const result = (kernelFn as unknown as (...a: unknown[]) => unknown)(...args);
    if (result instanceof Promise)
      return result.then((r) => {
        store(dir, key, spec, r);
        return r;
      });
    store(dir, key, spec, result);
    return result;
  };
  return Object.assign(cached, { stats, dir, layer: (kernelFn as unknown as { layer?: unknown }).layer }) as unknown as CachedKernelFn<F>;
}

interface Manifest {
  format: number;
  version: string;
  spec: unknown;
  /** 'matrix': the result was one Matrix (value.npy); 'object': a Kernel with these fields. */
  kind: 'matrix' | 'object';
  matrices: string[];
  other: Record<string, unknown>;
  /** The order a `{ nngp, ntk }` result destructures in (NT's tuple order), when it had one. */
  order?: Get[];
}

function store(dir: string, key: string, spec: unknown, result: unknown): void {
  const manifest: Manifest = { format: FORMAT, version: coreVersion(), spec: jsonable(spec), kind: 'object', matrices: [], other: {} };
  const files: [string, Matrix][] = [];
  if (result instanceof Matrix) {
    manifest.kind = 'matrix';
    files.push(['value', result]);
  } else if (result !== null && typeof result === 'object') {
    const order = kernelOrder(result);
    if (order) manifest.order = [...order];
    for (const [field, value] of Object.entries(result)) {
      if (value instanceof Matrix) {
        files.push([field, value]);
        manifest.matrices.push(`${field}:matrix`);
      } else if (value instanceof Float64Array) {
        files.push([field, new Matrix(value.length, 1, value)]);
        manifest.matrices.push(`${field}:vector`);
      } else if (value !== undefined) {
        manifest.other[field] = value;
      }
    }
  } else {
    return; // Not what a kernel function returns; leave it uncached rather than guess.
  }
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${key}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  mkdirSync(tmp);
  try {
    for (const [field, m] of files) writeNpy(join(tmp, `${field}.npy`), m);
    writeFileSync(join(tmp, 'manifest.json'), JSON.stringify(manifest, null, 1));
    renameSync(tmp, join(dir, key));
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    // Another process stored the same entry first: theirs is as good as ours.
    if (existsSync(join(dir, key, 'manifest.json'))) return;
    throw e;
  }
}

function load(path: string): unknown {
  const manifest = JSON.parse(readFileSync(join(path, 'manifest.json'), 'utf8')) as Manifest;
  const read = (field: string) => readNpy(join(path, `${field}.npy`), { as: 'matrix' });
  if (manifest.kind === 'matrix') return read('value');
  const out: Record<string, unknown> = { ...manifest.other };
  for (const entry of manifest.matrices) {
    const [field, kind] = entry.split(':');
    const m = read(field);
    out[field] = kind === 'vector' ? m.data : m;
  }
  return manifest.order ? orderedKernel(out, manifest.order) : out;
}

/** The spec as stored in the manifest (for people reading it); functions become their source. */
function jsonable(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v, (_, x) => (typeof x === 'function' ? String(x) : x)) ?? 'null');
}

let versionCache: string | undefined;
function coreVersion(): string {
  if (versionCache === undefined) {
    versionCache = (JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
  }
  return versionCache;
}
