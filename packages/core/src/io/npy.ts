import { readFileSync } from 'node:fs';
import { dump, parse, type NpyArray } from 'npyjs';
import { InputError, ShapeError } from '../errors';
import { Matrix } from '../matrix';
import { checkOptions } from '../options';
import { Tensor, type TensorLike } from '../tensor';
import { writeFileAtomic } from './atomic-write';

/** Options of {@link readNpy}. */
export interface ReadNpyOptions {
  /**
   * `'matrix'`: always a {@link Matrix} (rank 2, or rank 1 as a column);
   * `'tensor'`: always a {@link Tensor}. Default: a Matrix for rank 2, else a Tensor.
   */
  as?: 'matrix' | 'tensor';
}

/** Options of {@link writeNpy}. */
export interface WriteNpyOptions {
  /** Element type on disk: `'float64'` (default, exact) or `'float32'` (half the size, rounded). */
  dtype?: 'float64' | 'float32';
}

/**
 * Reads a NumPy `.npy` file (`numpy.save`) into float64: floats of 16, 32
 * or 64 bits, integers and booleans, C or Fortran order (Fortran-ordered
 * arrays are reordered to row-major). Parsing is done by the maintained npm
 * package `npyjs`; this function checks what it returns and refuses complex,
 * string, big-endian or non-finite data with a message that says so.
 *
 * @example
 * ```ts
 * io.writeNpy('k.npy', Matrix.from([[1, 0.5], [0.5, 1]]));
 * io.readNpy('k.npy', { as: 'matrix' }).get(0, 1); // 0.5
 * ```
 */
export function readNpy(path: string, options: { as: 'matrix' }): Matrix;
export function readNpy(path: string, options: { as: 'tensor' }): Tensor;
export function readNpy(path: string, options?: ReadNpyOptions): Matrix | Tensor;
export function readNpy(path: string, options: ReadNpyOptions = {}): Matrix | Tensor {
  const where = 'io.readNpy';
  checkOptions(where, options, ['as']);
  if (options.as !== undefined && options.as !== 'matrix' && options.as !== 'tensor') {
    throw new InputError(`${where}: as must be 'matrix' or 'tensor', got ${JSON.stringify(options.as)}`);
  }
  if (typeof path !== 'string') throw new InputError(`${where}: path must be a file name (string), got ${typeof path}`);
  const bytes = readFileSync(path);
  // The file's own buffer when it has one; small reads may sit at an unaligned
  // offset in a shared pool, and are copied.
  const own = bytes.byteOffset === 0 && bytes.buffer.byteLength === bytes.byteLength;
  const buffer = (own ? bytes.buffer : bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)) as ArrayBuffer;
  let parsed: NpyArray;
  try {
    parsed = parse(buffer);
  } catch (e) {
    const message = (e as Error).message;
    const endian = /Unsupported dtype: >/.test(message) ? ' (big-endian data: save it little-endian, e.g. a.astype("<f8"))' : '';
    throw new InputError(`${where}: cannot read ${path} as .npy: ${message}${endian}`);
  }
  const shape = parsed.shape;
  const data = toFloat64(where, path, parsed);
  const size = shape.reduce((a, b) => a * b, 1);
  if (data.length < size)
    throw new ShapeError(`${where}: ${path} is truncated: shape [${shape.join(', ')}] needs ${size} values, the file holds ${data.length}`);
  const values = data.length === size ? data : data.subarray(0, size);
  const tensor = new Tensor(shape, parsed.fortranOrder ? fortranToC(shape, values) : values);
  const checked = Tensor.from(tensor, path);
  const as = options.as ?? (shape.length === 2 ? 'matrix' : 'tensor');
  if (as === 'tensor') return checked;
  if (shape.length === 2) return checked.toMatrix();
  if (shape.length === 1) return new Matrix(shape[0], 1, checked.data);
  throw new ShapeError(`${where}: ${path} holds a rank-${shape.length} array of shape [${shape.join(', ')}], not a matrix; read it with { as: 'tensor' }`);
}

/**
 * Writes a {@link Matrix} or {@link Tensor} (or nested arrays) as a NumPy
 * `.npy` file in C order, float64 by default or float32, through a temporary
 * file and a rename so an interrupted write leaves no broken file. The bytes
 * come from `npyjs`'s `dump`; `numpy.load` reads them (tested).
 */
export function writeNpy(path: string, array: Matrix | Tensor | TensorLike, options: WriteNpyOptions = {}): void {
  const where = 'io.writeNpy';
  checkOptions(where, options, ['dtype']);
  const dtype = options.dtype ?? 'float64';
  if (dtype !== 'float64' && dtype !== 'float32') throw new InputError(`${where}: dtype must be 'float64' or 'float32', got ${JSON.stringify(dtype)}`);
  const t = array instanceof Matrix ? new Tensor([array.rows, array.cols], array.data) : Tensor.from(array as TensorLike, 'array');
  const values = dtype === 'float32' ? Float32Array.from(t.data) : t.data;
  const bytes = dump(values, [...t.shape]);
  writeFileAtomic(path, new Uint8Array(bytes));
}

function toFloat64(where: string, path: string, parsed: NpyArray): Float64Array {
  const { data, dtype } = parsed;
  if (dtype === 'c8' || dtype === 'c16' || String(dtype).startsWith('U')) {
    throw new InputError(`${where}: ${path} holds ${dtype.startsWith('U') ? 'strings' : 'complex numbers'} (dtype ${dtype}); only real numbers can be read`);
  }
  if (data instanceof Float64Array) return data;
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
    const out = new Float64Array(data.length);
    for (let i = 0; i < data.length; i++) {
      const v = Number(data[i]);
      if (!Number.isSafeInteger(v))
        throw new InputError(`${where}: ${path} holds the 64-bit integer ${data[i]} at flat index ${i}, beyond what a float64 holds exactly (±2^53)`);
      out[i] = v;
    }
    return out;
  }
  if (Array.isArray(data)) return Float64Array.from(data as unknown[], (v) => (v ? 1 : 0));
  if (ArrayBuffer.isView(data)) return Float64Array.from(data as unknown as ArrayLike<number>);
  throw new InputError(`${where}: ${path} has dtype ${dtype}, which cannot be read as numbers`);
}

/** Reorders column-major (Fortran) data of `shape` into row-major. */
function fortranToC(shape: readonly number[], data: Float64Array): Float64Array {
  const out = new Float64Array(data.length);
  const rank = shape.length;
  const fStrides = new Array<number>(rank);
  let s = 1;
  for (let d = 0; d < rank; d++) {
    fStrides[d] = s;
    s *= shape[d];
  }
  const index = new Array<number>(rank).fill(0);
  for (let k = 0; k < out.length; k++) {
    let offset = 0;
    for (let d = 0; d < rank; d++) offset += index[d] * fStrides[d];
    out[k] = data[offset];
    for (let d = rank - 1; d >= 0; d--) {
      if (++index[d] < shape[d]) break;
      index[d] = 0;
    }
  }
  return out;
}
