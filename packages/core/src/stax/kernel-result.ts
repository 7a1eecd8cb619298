import type { Matrix } from '../matrix';
import type { Get, Kernel } from './types';

/** Where a kernel result keeps the order its fields were asked in (not enumerable: invisible to spreads, JSON and deep equality). */
const ORDER = Symbol('tangent-lab.kernelOrder');

/**
 * A kernel result whose requested fields are guaranteed: `get` undefined or
 * `['nngp', 'ntk']` gives `{ nngp, ntk }` with both present (no `!` needed),
 * `['ntk']` gives `ntk` (and possibly `nngp`, not promised).
 *
 * It can also be destructured as a tuple, as Neural Tangents' kernel
 * functions are: `const [nngp, ntk] = net.kernel(x)` yields the kernels in
 * the order of `get` (NNGP then NTK when `get` is omitted), and
 * `const [ntk, nngp] = net.kernel(x, null, ['ntk', 'nngp'])` follows the
 * array. The fields (`{ nngp, ntk }`) remain the usual way.
 */
export type KernelOf<G extends Get = Get> = { [K in G]: Matrix } & { [K in Exclude<Get, G>]?: Matrix } & Iterable<Matrix>;

/**
 * The result type of a kernel function for a `get` array: exact when the
 * array is a literal (a tuple type, e.g. `['nngp', 'ntk']`), the general
 * {@link Kernel} (each field possibly absent) for an array only known at run time.
 */
export type KernelFor<G extends readonly Get[]> = number extends G['length'] ? Kernel & Iterable<Matrix> : KernelOf<G[number]>;

function* inOrder(this: Kernel & { [ORDER]: readonly Get[] }): Generator<Matrix> {
  for (const g of this[ORDER]) yield this[g] as Matrix;
}

/**
 * Makes `kernel` iterable over the kernels of `order` (Neural Tangents'
 * tuple order): `[nngp, ntk] = kernel`. The fields are unchanged; the
 * iterator and the order are non-enumerable, so `{ ...kernel }`, JSON and
 * structured clones (worker messages) see only the fields.
 */
export function orderedKernel<K extends object>(kernel: K, order: readonly Get[]): K & Iterable<Matrix> {
  Object.defineProperty(kernel, ORDER, { value: Object.freeze([...order]), enumerable: false, configurable: true });
  Object.defineProperty(kernel, Symbol.iterator, { value: inOrder, enumerable: false, configurable: true, writable: true });
  return kernel as K & Iterable<Matrix>;
}

/** The order a kernel result was asked in, if it carries one (a result of a stax kernel, `batch` or `monteCarloKernelFn`). */
export function kernelOrder(kernel: object): readonly Get[] | undefined {
  return (kernel as { [ORDER]?: readonly Get[] })[ORDER];
}
