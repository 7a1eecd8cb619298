import { InputError } from '../errors';
import { Matrix } from '../matrix';
import { Tensor } from '../tensor';

/**
 * The output axis of a network's (n, k) outputs, as Neural Tangents numbers
 * it: 1, or −1 counted from the end. Axis 0 (−2) indexes examples.
 */
export type OutputAxis = 1 | -1;

/** Neural Tangents' `Axes`: one axis or a list of them. */
export type OutputAxes = OutputAxis | readonly OutputAxis[];

/** A non-empty `diagonalAxes`: the kernel is then a {@link Tensor} (n₁, n₂, k). */
export type DiagonalOutputAxes = OutputAxis | readonly [OutputAxis, ...OutputAxis[]];

/** Neural Tangents' `trace_axes` and `diagonal_axes` for the output axis of an empirical kernel. */
export interface OutputAxesOptions {
  /**
   * Output axes averaged over (Neural Tangents' `trace_axes`, which divides
   * the trace by its size): `[-1]` (the default) gives the n₁×n₂
   * output-averaged kernel; `[]` keeps every output pair, the full
   * (n₁·k)×(n₂·k) kernel.
   */
  traceAxes?: OutputAxes;
  /**
   * Output axes of which only the diagonal is kept (Neural Tangents'
   * `diagonal_axes`): `[-1]` gives the per-output kernel, a Tensor of shape
   * [n₁, n₂, k]. When it names the output axis, `traceAxes` defaults to `[]`.
   */
  diagonalAxes?: OutputAxes;
}

/**
 * What an empirical kernel keeps of the k×k output pairs at each pair of
 * examples: their average ('trace'), the diagonal ('diagonal'), or all ('full').
 */
export type OutputKernel = 'trace' | 'diagonal' | 'full';

/** Canonical output axes of one option: a set of 1s (the output axis), or an error naming the bad axis. */
function axesArg(where: string, name: string, value: unknown): boolean {
  if (value === undefined) return false;
  const list = typeof value === 'number' ? [value] : value;
  if (!Array.isArray(list)) throw new InputError(`${where}: ${name} must be an axis or a list of axes, e.g. [-1] or [], got ${String(value)}`);
  let output = false;
  for (const axis of list) {
    if (axis === 1 || axis === -1) output = true;
    else if (axis === 0 || axis === -2) {
      throw new InputError(
        `${where}: ${name} contains axis ${axis}, the examples (batch) axis of the (n, k) outputs; only the output axis (-1 or 1) can be traced or kept diagonal here`,
      );
    } else {
      throw new InputError(`${where}: ${name} contains ${JSON.stringify(axis)}, which is not an axis of the (n, k) outputs; use -1 (or 1) for the output axis`);
    }
  }
  return output;
}

/**
 * Reads `traceAxes` and `diagonalAxes` (Neural Tangents' semantics for the
 * output axis). One difference on purpose: NT silently traces an axis listed
 * in both (its default `trace_axes=(-1,)` swallows `diagonal_axes=(-1,)`);
 * here `diagonalAxes: [-1]` alone moves the default `traceAxes` to `[]`, and
 * naming the axis in both explicitly is an error.
 */
export function outputKernelArg(where: string, options: OutputAxesOptions): OutputKernel {
  const diagonal = axesArg(where, 'diagonalAxes', options.diagonalAxes);
  const traceGiven = options.traceAxes !== undefined;
  const trace = traceGiven ? axesArg(where, 'traceAxes', options.traceAxes) : !diagonal;
  if (trace && diagonal) {
    throw new InputError(
      `${where}: the output axis is in both traceAxes and diagonalAxes; keep it in one: traceAxes: [-1] averages the outputs, diagonalAxes: [-1] keeps each output's kernel`,
    );
  }
  return trace ? 'trace' : diagonal ? 'diagonal' : 'full';
}

/**
 * The layout of each kind of kernel over examples i (of n₁), j (of n₂) and
 * outputs a, b (of k):
 * - 'trace': Matrix n₁×n₂, entry (i, j) = (1/k) Σₒ Θ(x_i, x_j)ₒₒ;
 * - 'diagonal': Tensor [n₁, n₂, k], entry (i, j, o) = Θ(x_i, x_j)ₒₒ;
 * - 'full': Matrix (n₁·k)×(n₂·k), entry (i·k + a, j·k + b) = Θ(x_i, x_j)ₐᵦ —
 *   example-major, so a vector of it is an (n, k) output matrix's data as is.
 */
export class OutputKernelLayout {
  readonly data: Float64Array;

  constructor(
    readonly kind: OutputKernel,
    readonly n1: number,
    readonly n2: number,
    readonly k: number,
  ) {
    this.data = new Float64Array(kind === 'trace' ? n1 * n2 : kind === 'diagonal' ? n1 * n2 * k : n1 * n2 * k * k);
  }

  /** The output pairs (a, b) whose blocks this kind needs. */
  pairs(): [number, number][] {
    const out: [number, number][] = [];
    for (let a = 0; a < this.k; a++) {
      if (this.kind !== 'full') out.push([a, a]);
      else for (let b = 0; b < this.k; b++) out.push([a, b]);
    }
    return out;
  }

  /** Where entry (i, j) of output pair (a, b) is kept ('trace' sums the diagonal pairs into one place). */
  index(i: number, j: number, a: number, b: number): number {
    if (this.kind === 'trace') return i * this.n2 + j;
    if (this.kind === 'diagonal') return (i * this.n2 + j) * this.k + a;
    return (i * this.k + a) * this.n2 * this.k + j * this.k + b;
  }

  /** The kernel: 'trace' divided by k (NT divides the trace by the traced axis' size). */
  result(): Matrix | Tensor {
    const { kind, n1, n2, k, data } = this;
    if (kind === 'trace') {
      // x / 1 is x: one output needs no pass.
      if (k !== 1) for (let i = 0; i < data.length; i++) data[i] /= k;
      return new Matrix(n1, n2, data);
    }
    if (kind === 'diagonal') return new Tensor([n1, n2, k], data);
    return new Matrix(n1 * k, n2 * k, data);
  }
}
