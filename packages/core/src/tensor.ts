import { inspect } from 'node:util';
import { describeValue, isNumericTypedArray, type NumericTypedArray } from './arrays/vector';
import { InputError, ShapeError } from './errors';
import { Matrix, type MatrixLike } from './matrix';
import { arrayBundle, type ArrayBundle } from './print/html';
import { formatArray, stridesOf } from './print/layout';

/** Nested arrays of numbers, any depth; the innermost level may be a typed array. */
export type NestedArray = readonly (number | NestedArray)[] | NumericTypedArray;

/** Anything the public API accepts as a tensor. */
export type TensorLike = NestedArray | Tensor;

/**
 * Anything a layer accepts as input: a matrix (n, features), or a tensor —
 * sequences (n, L, C), images (n, H, W, C), channels last as in Neural Tangents.
 */
export type InputLike = MatrixLike | TensorLike;

/**
 * A dense float64 array of any rank, row-major (C order, as numpy's default).
 * Axis 0 indexes examples; images are `(n, H, W, C)` and sequences
 * `(n, L, C)`, channels last, as in Neural Tangents.
 *
 * Views (`example`, `examples`, `reshape`, `flatten`, `toMatrix`) share
 * memory with the tensor, as numpy's views do; `clone` and `take` copy.
 *
 * @example
 * ```ts
 * const images = Tensor.from([[[[0], [1]], [[2], [3]]]]); // one 2×2 image, one channel
 * images.shape;            // [1, 2, 2, 1]
 * images.get(0, 1, 0, 0);  // 2
 * images.flatten().cols;   // 4 — an (n, H·W·C) matrix for dense layers
 * ```
 */
export class Tensor {
  /** The size of each axis; `shape[0]` is the number of examples. */
  readonly shape: number[];
  /** Row-major entries: the last axis varies fastest. */
  readonly data: Float64Array;

  constructor(shape: readonly number[], data?: Float64Array) {
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new ShapeError(`Tensor: shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
    }
    const size = shape.reduce((a, b) => a * b, 1);
    if (data !== undefined && data.length !== size) {
      throw new ShapeError(`Tensor: shape [${shape.join(', ')}] needs ${size} entries, got ${data.length}`);
    }
    this.shape = Object.freeze([...shape]) as number[];
    this.data = data ?? new Float64Array(size);
  }

  /**
   * A tensor from nested arrays of any depth (innermost rows may be typed
   * arrays), a typed array (rank 1), a {@link Matrix} (rank 2, sharing its
   * data), or a Tensor (checked and returned as is). Throws a
   * {@link ShapeError} for ragged, empty or non-numeric input, naming the
   * first offending entry, and an {@link InputError} for NaN or ±Infinity.
   *
   * @param name - what the argument is called, for error messages.
   */
  static from(a: TensorLike | Matrix, name = 'tensor'): Tensor {
    if (a instanceof Tensor) {
      if (a.size === 0) throw new ShapeError(`${name} is empty (shape [${a.shape.join(', ')}]); pass at least one entry on every axis`);
      checkFinite(a.shape, a.data, name);
      return a;
    }
    if (a instanceof Matrix) return Tensor.from(new Tensor([a.rows, a.cols], a.data), name);
    if (isNumericTypedArray(a)) return Tensor.from(new Tensor([a.length], Float64Array.from(a)), name);
    if (!Array.isArray(a)) {
      throw new ShapeError(
        `${name} must be a Tensor, a Matrix, nested arrays of numbers (e.g. number[][][][] for (n, H, W, C) images) or a typed array, got ${describeValue(a)}`,
      );
    }
    const shape: number[] = [];
    let probe: unknown = a;
    while (Array.isArray(probe) || isNumericTypedArray(probe)) {
      const level = probe as ArrayLike<unknown>;
      if (level.length === 0)
        throw new ShapeError(`${name} has an empty axis ${shape.length} (at ${name}${'[0]'.repeat(shape.length)}); pass at least one entry on every axis`);
      shape.push(level.length);
      probe = level[0];
    }
    const t = new Tensor(shape);
    const strides = stridesOf(shape);
    const fill = (v: unknown, d: number, offset: number, path: string): void => {
      if (d === shape.length) {
        if (typeof v !== 'number')
          throw new ShapeError(
            `${name}${path} is ${describeValue(v)}; expected a number (every entry at depth ${shape.length}, as ${name}${'[0]'.repeat(shape.length)} is)`,
          );
        t.data[offset] = v;
        return;
      }
      if (!Array.isArray(v) && !isNumericTypedArray(v)) {
        throw new ShapeError(
          `${name} is ragged: ${name}${path} is ${describeValue(v)} but ${name}${'[0]'.repeat(d)} is an array of length ${shape[d]}; every entry at depth ${d} must be an array of that length`,
        );
      }
      const level = v as ArrayLike<unknown>;
      if (level.length !== shape[d]) {
        throw new ShapeError(
          `${name} is ragged: ${name}${path} has ${level.length} entries but ${name}${'[0]'.repeat(d)} has ${shape[d]}; every array at depth ${d} must have the same length`,
        );
      }
      for (let i = 0; i < level.length; i++) fill(level[i], d + 1, offset + i * strides[d], `${path}[${i}]`);
    };
    fill(a, 0, 0, '');
    checkFinite(shape, t.data, name);
    return t;
  }

  /** A tensor of zeros. */
  static zeros(shape: readonly number[]): Tensor {
    return new Tensor(shape);
  }

  /** The number of axes (numpy's `ndim`). */
  get rank(): number {
    return this.shape.length;
  }

  /** The number of entries. */
  get size(): number {
    return this.data.length;
  }

  /** Row-major strides in entries (not bytes): `data[Σ index[d]·strides[d]]`. */
  get strides(): number[] {
    return stridesOf(this.shape);
  }

  /** The entry at one index per axis. */
  get(...index: number[]): number {
    return this.data[this.offset(index)];
  }

  /** Sets the entry at `index` (one index per axis). */
  set(index: readonly number[], value: number): void {
    this.data[this.offset(index)] = value;
  }

  /** Example i (an index on axis 0) as a view of rank − 1: image i of an (n, H, W, C) batch is (H, W, C). */
  example(i: number): Tensor {
    this.checkAxis0('example', i, i + 1);
    const step = this.size / this.shape[0];
    return new Tensor(this.shape.slice(1), this.data.subarray(i * step, (i + 1) * step));
  }

  /** Examples `start` (inclusive) to `end` (exclusive) as a view: a minibatch. */
  examples(start: number, end: number): Tensor {
    this.checkAxis0('examples', start, end);
    const step = this.size / this.shape[0];
    return new Tensor([end - start, ...this.shape.slice(1)], this.data.subarray(start * step, end * step));
  }

  /** The examples at `indices` (any order, repeats allowed), copied: a shuffled or sampled batch. */
  take(indices: ArrayLike<number>): Tensor {
    const n = this.shape[0];
    const step = this.size / n;
    const out = new Tensor([indices.length, ...this.shape.slice(1)]);
    for (let k = 0; k < indices.length; k++) {
      const i = indices[k];
      if (!Number.isInteger(i) || i < 0 || i >= n) throw new ShapeError(`Tensor.take: index ${i} (position ${k}) is outside 0…${n - 1}`);
      out.data.set(this.data.subarray(i * step, (i + 1) * step), k * step);
    }
    return out;
  }

  /** The same entries in another shape (a view); one axis may be −1 and is inferred. */
  reshape(shape: readonly number[]): Tensor {
    const known = shape.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
    const free = shape.filter((d) => d === -1).length;
    if (free > 1 || !shape.every((d) => d === -1 || (Number.isInteger(d) && d >= 0))) {
      throw new ShapeError(`Tensor.reshape: shape must hold non-negative integers and at most one -1, got [${shape.join(', ')}]`);
    }
    const resolved = free === 1 && known > 0 && this.size % known === 0 ? shape.map((d) => (d === -1 ? this.size / known : d)) : [...shape];
    if (resolved.reduce((a, b) => a * b, 1) !== this.size || resolved.includes(-1)) {
      throw new ShapeError(`Tensor.reshape: cannot reshape [${this.shape.join(', ')}] (${this.size} entries) to [${shape.join(', ')}]`);
    }
    return new Tensor(resolved, this.data);
  }

  /**
   * The examples as rows of a matrix (n, product of the other axes), sharing
   * memory: what a dense layer takes from images (Neural Tangents' `flatten`
   * reads (n, H, W, C) the same way, channels fastest).
   */
  flatten(): Matrix {
    if (this.rank === 0) throw new ShapeError('Tensor.flatten: a scalar has no examples axis');
    return new Matrix(this.shape[0], this.shape[0] === 0 ? 0 : this.size / this.shape[0], this.data);
  }

  /** A rank-2 tensor as a {@link Matrix} sharing its data. */
  toMatrix(): Matrix {
    if (this.rank !== 2) {
      throw new ShapeError(
        `Tensor.toMatrix: the tensor has rank ${this.rank} (shape [${this.shape.join(', ')}]); only rank 2 is a matrix — use flatten() for (n, features)`,
      );
    }
    return new Matrix(this.shape[0], this.shape[1], this.data);
  }

  /** A deep copy. */
  clone(): Tensor {
    return new Tensor(this.shape, this.data.slice());
  }

  /** Nested arrays (a number for rank 0), for printing, JSON or other libraries. */
  toArray(): NestedArrayOut {
    if (this.rank === 0) return this.data[0];
    const strides = this.strides;
    const build = (d: number, offset: number): NestedArrayOut[] | number[] => {
      if (d === this.rank - 1) return Array.from(this.data.subarray(offset, offset + this.shape[d]));
      return Array.from({ length: this.shape[d] }, (_, i) => build(d + 1, offset + i * strides[d]) as NestedArrayOut);
    };
    return build(0, 0) as NestedArrayOut;
  }

  /** The tensor numpy-style, summarised when large (see {@link printOptions}). */
  toString(): string {
    return formatArray('Tensor', this.shape, this.data);
  }

  /** What `console.log` and a tslab cell print (Node calls this through `util.inspect`). */
  [inspect.custom](): string {
    return this.toString();
  }

  /** The tensor as a notebook MIME bundle (text, and an HTML table for rank ≤ 2). */
  toBundle(): ArrayBundle {
    return arrayBundle('Tensor', this.shape, this.data);
  }

  private offset(index: readonly number[]): number {
    if (index.length !== this.rank) {
      throw new ShapeError(
        `Tensor: index [${index.join(', ')}] has ${index.length} entries but the tensor has rank ${this.rank} (shape [${this.shape.join(', ')}])`,
      );
    }
    let offset = 0;
    const strides = this.strides;
    for (let d = 0; d < index.length; d++) {
      const i = index[d];
      if (!Number.isInteger(i) || i < 0 || i >= this.shape[d]) {
        throw new ShapeError(`Tensor: index ${i} on axis ${d} is outside 0…${this.shape[d] - 1} (shape [${this.shape.join(', ')}])`);
      }
      offset += i * strides[d];
    }
    return offset;
  }

  private checkAxis0(where: string, start: number, end: number): void {
    if (this.rank === 0) throw new ShapeError(`Tensor.${where}: a scalar has no examples axis`);
    const n = this.shape[0];
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > n || start >= end) {
      throw new ShapeError(`Tensor.${where}: examples ${start}…${end - 1} are not within the tensor's ${n} examples (0…${n - 1})`);
    }
  }
}

/** What {@link Tensor.toArray} returns: nested `number[]` of the tensor's rank. */
export type NestedArrayOut = number | NestedArrayOut[];

function checkFinite(shape: readonly number[], data: Float64Array, name: string): void {
  for (let k = 0; k < data.length; k++) {
    const v = data[k];
    if (v - v !== 0) {
      const index: number[] = [];
      let rest = k;
      for (let d = shape.length - 1; d >= 0; d--) {
        index[d] = rest % shape[d];
        rest = Math.floor(rest / shape[d]);
      }
      throw new InputError(`${name}${index.map((i) => `[${i}]`).join('')} is ${v}; remove or impute NaN and ±Infinity before computing kernels`);
    }
  }
}
