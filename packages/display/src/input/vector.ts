import { InputError, ShapeError } from '../errors';
import { describe } from './options';

/**
 * A matrix seen structurally: @tangent-lab/core's `Matrix` fits (row-major
 * `data`), without this package depending on core.
 */
export interface MatrixShape {
  readonly rows: number;
  readonly cols: number;
  readonly data: ArrayLike<number>;
}

/** A 1-D series of numbers: an array, a typed array, an n×1 or 1×n matrix, or `[[a], [b], …]`. */
export type VectorLike = readonly number[] | Float64Array | Float32Array | MatrixShape | readonly (readonly number[])[];

/** A 2-D array of numbers: rows of equal length, or a matrix such as core's `Matrix`. */
export type MatrixLike = readonly (readonly number[])[] | MatrixShape;

/** True for an object with numeric `rows`, `cols` and array-like `data` (core's `Matrix`). */
export function isMatrixShape(value: unknown): value is MatrixShape {
  if (value === null || typeof value !== 'object') return false;
  const m = value as Partial<MatrixShape>;
  return typeof m.rows === 'number' && typeof m.cols === 'number' && m.data !== undefined && typeof (m.data as ArrayLike<number>).length === 'number';
}

/** What a value must be finite and non-empty for; names appear in errors as `where: name[i]`. */
interface Check {
  where: string;
  name: string;
}

/**
 * Reads a 1-D series into a fresh `number[]`, rejecting empty input, 2-D
 * shapes with more than one column, and NaN or ±Infinity.
 */
export function toVector(value: unknown, { where, name }: Check): number[] {
  let out: number[];
  if (isMatrixShape(value)) {
    if (value.rows !== 1 && value.cols !== 1) {
      throw new ShapeError(`${where}: ${name} must be a vector (n×1 or 1×n), got a ${value.rows}×${value.cols} matrix`);
    }
    out = Array.from(value.data);
  } else if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    out = Array.from(value as unknown as ArrayLike<number>);
  } else if (Array.isArray(value)) {
    out = value.map((entry, i) => {
      if (Array.isArray(entry)) {
        if (entry.length !== 1) {
          throw new ShapeError(`${where}: ${name}[${i}] has ${entry.length} entries; a vector given as rows must have exactly one column`);
        }
        return entry[0] as unknown;
      }
      return entry as unknown;
    }) as number[];
  } else {
    throw new ShapeError(`${where}: ${name} must be an array of numbers, got ${describe(value)}`);
  }
  if (out.length === 0) throw new ShapeError(`${where}: ${name} is empty; pass at least one value`);
  out.forEach((v, i) => finite(v, where, `${name}[${i}]`));
  return out;
}

/** Reads a 2-D array (rows of equal length, or a matrix) into `number[][]`, finite and non-empty. */
export function toMatrix(value: unknown, { where, name }: Check): number[][] {
  let rows: unknown[][];
  if (isMatrixShape(value)) {
    if (value.data.length !== value.rows * value.cols) {
      throw new ShapeError(`${where}: ${name} says ${value.rows}×${value.cols} but holds ${value.data.length} entries`);
    }
    rows = [];
    for (let i = 0; i < value.rows; i++) rows.push(Array.from({ length: value.cols }, (_, j) => value.data[i * value.cols + j]));
  } else if (Array.isArray(value) && value.every((r) => Array.isArray(r) || ArrayBuffer.isView(r))) {
    rows = value.map((r) => Array.from(r as ArrayLike<unknown>));
  } else {
    throw new ShapeError(`${where}: ${name} must be a matrix (rows of numbers, or a Matrix), got ${describe(value)}`);
  }
  if (rows.length === 0 || rows[0].length === 0) throw new ShapeError(`${where}: ${name} is empty; pass at least one row and one column`);
  const cols = rows[0].length;
  rows.forEach((r, i) => {
    if (r.length !== cols) throw new ShapeError(`${where}: ${name} is ragged: row 0 has ${cols} entries, row ${i} has ${r.length}`);
    r.forEach((v, j) => finite(v, where, `${name}[${i}][${j}]`));
  });
  return rows as number[][];
}

/** Throws unless `values` has exactly `n` entries, naming both arguments. */
export function sameLength(where: string, name: string, values: readonly unknown[], n: number, reference: string): void {
  if (values.length !== n) {
    throw new ShapeError(`${where}: ${name} has ${values.length} entries but ${reference} has ${n}; they must have the same length`);
  }
}

function finite(v: unknown, where: string, name: string): void {
  if (typeof v !== 'number') throw new InputError(`${where}: ${name} must be a number, got ${describe(v)}`);
  if (!Number.isFinite(v)) throw new InputError(`${where}: ${name} is ${v}; every value must be finite`);
}
