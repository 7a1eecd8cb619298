import { inspect } from 'node:util';
import { describeValue, isNumericTypedArray, type NumericTypedArray, type VectorLike } from './arrays/vector';
import { InputError, ShapeError } from './errors';
import { arrayBundle, type ArrayBundle } from './print/html';
import { formatArray } from './print/layout';
import type { Tensor } from './tensor';

/**
 * A dense float64 matrix, row-major. Rows are examples, columns are features
 * or outputs (the convention of Neural Tangents and of the paper's 𝒳, 𝒴).
 *
 * @example
 * ```ts
 * const x = Matrix.from([[1, 2], [3, 4]]);
 * x.get(1, 0); // 3
 * ```
 */
export class Matrix {
  readonly rows: number;
  readonly cols: number;
  /** Row-major entries: `data[i * cols + j]` is row i, column j. */
  readonly data: Float64Array;

  constructor(rows: number, cols: number, data?: Float64Array) {
    if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
      throw new ShapeError(`Matrix: rows and cols must be non-negative integers, got ${rows}×${cols}`);
    }
    if (data !== undefined && data.length !== rows * cols) {
      throw new ShapeError(`Matrix: ${rows}×${cols} needs ${rows * cols} entries, got ${data.length}`);
    }
    this.rows = rows;
    this.cols = cols;
    this.data = data ?? new Float64Array(rows * cols);
  }

  /**
   * Builds a matrix from nested arrays (or returns a checked Matrix as is).
   * Rows may be `number[]` or typed arrays (`Float64Array`, …); a flat
   * `number[]` or a typed array is read as a column (n×1); a rank-2
   * {@link Tensor} becomes a matrix sharing its data. Throws a
   * {@link ShapeError} for empty or ragged input, or input of another kind
   * (saying what was given and what is accepted), and an {@link InputError}
   * for NaN or ±Infinity.
   *
   * @param name - what the argument is called, for error messages (e.g. `"x1"`).
   */
  static from(a: MatrixLike, name = 'matrix'): Matrix {
    if (a instanceof Matrix) {
      if (a.rows === 0 || a.cols === 0) throw new ShapeError(`${name} is empty (${a.rows}×${a.cols}); pass at least one row and one column`);
      checkFinite(a.data, a.cols, name);
      return a;
    }
    if (isTensorShaped(a)) return fromTensor(a, name);
    if (isNumericTypedArray(a)) {
      if (a.length === 0) throw new ShapeError(`${name} is an empty ${a.constructor.name}; pass at least one number`);
      const data = Float64Array.from(a);
      checkFinite(data, 1, name);
      return new Matrix(a.length, 1, data);
    }
    if (!Array.isArray(a)) {
      throw new ShapeError(
        `${name} must be a Matrix, an array of rows (number[][] or Float64Array[]) or a column (number[] or a typed array such as Float64Array), got ${describeValue(a)}`,
      );
    }
    if (a.length === 0) throw new ShapeError(`${name} is empty; pass at least one row`);
    if (!isRow(a[0])) {
      const column = a as readonly unknown[];
      const data = new Float64Array(column.length);
      for (let i = 0; i < column.length; i++) {
        if (typeof column[i] !== 'number')
          throw new ShapeError(`${name}[${i}] is ${describeValue(column[i])}; expected a number (a column) or, in every entry, a row array`);
        data[i] = column[i] as number;
      }
      checkFinite(data, 1, name);
      return new Matrix(column.length, 1, data);
    }
    const rowsArr = a as readonly ArrayLike<number>[];
    const cols = rowsArr[0].length;
    if (cols === 0) throw new ShapeError(`${name} has rows of length 0; pass at least one column`);
    const data = new Float64Array(rowsArr.length * cols);
    for (let i = 0; i < rowsArr.length; i++) {
      const row = rowsArr[i];
      if (!isRow(row) || row.length !== cols) {
        throw new ShapeError(
          `${name} is ragged: row 0 has ${cols} entries but row ${i} ${isRow(row) ? `has ${row.length}` : `is ${describeValue(row)}`}; every row must be an array (or typed array) of the same length`,
        );
      }
      for (let j = 0; j < cols; j++) {
        const v = row[j];
        if (typeof v !== 'number') throw new ShapeError(`${name}[${i}][${j}] is ${describeValue(v)}; expected a number`);
        data[i * cols + j] = v;
      }
    }
    checkFinite(data, cols, name);
    return new Matrix(rowsArr.length, cols, data);
  }

  static zeros(rows: number, cols: number): Matrix {
    return new Matrix(rows, cols);
  }

  static identity(n: number): Matrix {
    const m = new Matrix(n, n);
    for (let i = 0; i < n; i++) m.data[i * n + i] = 1;
    return m;
  }

  /** The matrix with `diag` on its diagonal. */
  static diagonal(diag: ArrayLike<number>): Matrix {
    const n = diag.length;
    const m = new Matrix(n, n);
    for (let i = 0; i < n; i++) m.data[i * n + i] = diag[i];
    return m;
  }

  get(i: number, j: number): number {
    return this.data[i * this.cols + j];
  }

  set(i: number, j: number, value: number): void {
    this.data[i * this.cols + j] = value;
  }

  /** A view (no copy) of row i. */
  row(i: number): Float64Array {
    return this.data.subarray(i * this.cols, (i + 1) * this.cols);
  }

  /** A copy of column j. */
  column(j: number): Float64Array {
    const out = new Float64Array(this.rows);
    for (let i = 0; i < this.rows; i++) out[i] = this.data[i * this.cols + j];
    return out;
  }

  /** A copy of the diagonal. */
  diag(): Float64Array {
    const n = Math.min(this.rows, this.cols);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = this.data[i * this.cols + i];
    return out;
  }

  trace(): number {
    let s = 0;
    const n = Math.min(this.rows, this.cols);
    for (let i = 0; i < n; i++) s += this.data[i * this.cols + i];
    return s;
  }

  transpose(): Matrix {
    const out = new Matrix(this.cols, this.rows);
    const { rows, cols, data } = this;
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) out.data[j * rows + i] = data[i * cols + j];
    }
    return out;
  }

  clone(): Matrix {
    return new Matrix(this.rows, this.cols, this.data.slice());
  }

  /** Rows `start` (inclusive) to `end` (exclusive) as a new matrix sharing no memory. */
  sliceRows(start: number, end: number): Matrix {
    return new Matrix(end - start, this.cols, this.data.slice(start * this.cols, end * this.cols));
  }

  /** Nested arrays, for printing or JSON. */
  toArray(): number[][] {
    const out: number[][] = [];
    for (let i = 0; i < this.rows; i++) out.push(Array.from(this.row(i)));
    return out;
  }

  /** Largest |a_ij − a_ji|, zero for a symmetric matrix. */
  asymmetry(): number {
    if (this.rows !== this.cols) return Infinity;
    let worst = 0;
    const n = this.rows;
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        const d = Math.abs(this.data[i * n + j] - this.data[j * n + i]);
        if (d > worst) worst = d;
      }
    }
    return worst;
  }

  /** Largest |a_ij|. */
  maxAbs(): number {
    let m = 0;
    for (let i = 0; i < this.data.length; i++) {
      const a = Math.abs(this.data[i]);
      if (a > m) m = a;
    }
    return m;
  }

  /** The matrix as rows, numpy-style, summarised when large (see {@link printOptions}). */
  toString(): string {
    return formatArray('Matrix', [this.rows, this.cols], this.data);
  }

  /** What `console.log` and a tslab cell print: the rows (Node calls this through `util.inspect`). */
  [inspect.custom](): string {
    return this.toString();
  }

  /**
   * The matrix as a notebook MIME bundle: the text picture and a compact HTML
   * table. tslab prints a cell's value as text (through `util.inspect`); send
   * this bundle (`show` of `@tangent-lab/display`, or `tslab.display.html(m.toBundle()['text/html'])`)
   * for the table.
   */
  toBundle(): ArrayBundle {
    return arrayBundle('Matrix', [this.rows, this.cols], this.data);
  }
}

/**
 * Anything the public API accepts as a matrix: a {@link Matrix}; rows as
 * `number[][]` or typed arrays (`Float64Array[]`, e.g. `[m.row(0), m.row(1)]`);
 * a column as `number[]` or a typed array (what `column()`, `diag()` and
 * `random.normal(k, n)` return); or a rank-2 {@link Tensor}.
 */
export type MatrixLike = number[][] | Matrix | readonly (readonly number[] | NumericTypedArray)[] | VectorLike | Tensor;

function isRow(v: unknown): v is ArrayLike<number> {
  return Array.isArray(v) || isNumericTypedArray(v);
}

/** A Tensor, recognised by its fields (tensor.ts imports this file, not the other way round). */
function isTensorShaped(v: unknown): v is Tensor {
  return v !== null && typeof v === 'object' && Array.isArray((v as Tensor).shape) && (v as Tensor).data instanceof Float64Array;
}

function fromTensor(t: Tensor, name: string): Matrix {
  const shape = t.shape;
  if (shape.length === 2 || shape.length === 1) {
    const m = new Matrix(shape[0], shape.length === 2 ? shape[1] : 1, t.data);
    return Matrix.from(m, name);
  }
  throw new ShapeError(
    `${name} is a rank-${shape.length} Tensor of shape [${shape.join(', ')}], where a matrix (examples × features) is expected; use tensor.flatten() for an (n, ${shape.slice(1).reduce((a, b) => a * b, 1)}) matrix`,
  );
}

function checkFinite(data: Float64Array, cols: number, name: string): void {
  for (let k = 0; k < data.length; k++) {
    const v = data[k];
    if (v - v !== 0) {
      const i = Math.floor(k / cols);
      const j = k % cols;
      throw new InputError(`${name} has a non-finite value (${v}) at row ${i}, column ${j}; remove or impute NaN and ±Infinity before computing kernels`);
    }
  }
}
