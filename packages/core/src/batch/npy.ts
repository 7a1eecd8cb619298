/**
 * The `.npy` format (NumPy's format version 1.0) for float64 kernel tiles:
 * written atomically, read whole or a range of rows at a time without reading
 * the rest of the file.
 *
 * Why not an npm package: the maintained parser (`npyjs`) only parses a whole
 * file already in memory and cannot write; tiles need writing, and row reads
 * that touch only the rows asked for. This file is meant to move into the
 * shared `io` module (`io.readNpy` / `io.writeNpy`) once that lands.
 */
import { closeSync, fsyncSync, openSync, readSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { InputError } from '../errors';

const MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]); // \x93NUMPY

/** What a `.npy` header says, and where the data start. */
export interface NpyHeader {
  shape: number[];
  /** NumPy dtype string; tiles are always `'<f8'` (little-endian float64). */
  descr: string;
  fortranOrder: boolean;
  /** Byte offset of the first element. */
  dataOffset: number;
}

/** The header bytes of a C-ordered `<f8` array of `shape` (version 1.0, padded to 64 bytes). */
function headerBytes(shape: readonly number[]): Buffer {
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  const dict = `{'descr': '<f8', 'fortran_order': False, 'shape': (${dims}), }`;
  const unpadded = MAGIC.length + 2 + 2 + dict.length + 1;
  const pad = (64 - (unpadded % 64)) % 64;
  const text = `${dict}${' '.repeat(pad)}\n`;
  const out = Buffer.alloc(MAGIC.length + 4 + text.length);
  MAGIC.copy(out, 0);
  out[6] = 1;
  out[7] = 0;
  out.writeUInt16LE(text.length, 8);
  out.write(text, 10, 'latin1');
  return out;
}

/**
 * Writes `data` (row-major, float64) as a `.npy` file of `shape`, atomically:
 * into a temporary file beside it, flushed, then renamed, so that a reader (or
 * a resumed run) sees either no file or the complete one — never half a tile.
 */
export function writeNpy(path: string, data: Float64Array, shape: readonly number[]): void {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new Error(`writeNpy: shape ${JSON.stringify(shape)} holds ${count} values, data has ${data.length}`);
  const temp = `${path}.${hostname()}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = openSync(temp, 'w');
  try {
    writeSync(fd, headerBytes(shape));
    // Float64Array memory is little-endian on every platform Node runs on.
    writeSync(fd, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    unlinkSync(temp);
    throw error;
  }
  closeSync(fd);
  renameSync(temp, path);
}

/** Parses a header from the first bytes of a file. */
export function parseNpyHeader(head: Buffer, path: string): NpyHeader {
  if (head.length < 10 || !head.subarray(0, 6).equals(MAGIC)) throw new InputError(`${path} is not a .npy file (no \\x93NUMPY magic)`);
  const major = head[6];
  const lengthBytes = major === 1 ? 2 : 4;
  const headerLength = major === 1 ? head.readUInt16LE(8) : head.readUInt32LE(8);
  const start = 8 + lengthBytes;
  if (head.length < start + headerLength) throw new InputError(`${path}: truncated .npy header`);
  const text = head.toString('latin1', start, start + headerLength);
  const descr = /'descr':\s*'([^']*)'/.exec(text)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(text)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) throw new InputError(`${path}: unreadable .npy header ${JSON.stringify(text)}`);
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number);
  return { shape, descr, fortranOrder: fortran === 'True', dataOffset: start + headerLength };
}

function readHeader(fd: number, path: string): NpyHeader {
  const head = Buffer.alloc(4096);
  const n = readSync(fd, head, 0, head.length, 0);
  const header = parseNpyHeader(head.subarray(0, n), path);
  if (header.descr !== '<f8' || header.fortranOrder || header.shape.length !== 2) {
    throw new InputError(
      `${path}: expected a C-ordered 2-D float64 array ('<f8'), got descr ${header.descr}, fortran_order ${header.fortranOrder}, shape (${header.shape.join(', ')})`,
    );
  }
  return header;
}

/** Reads rows [r0, r1) of a 2-D float64 `.npy` file (all of it by default); returns the rows and the full shape. */
export function readNpyRows(path: string, r0?: number, r1?: number): { data: Float64Array; shape: number[] } {
  const fd = openSync(path, 'r');
  try {
    const { shape, dataOffset } = readHeader(fd, path);
    // Rows are along the first axis; a row of an (n, ...spatial, C) array is one example.
    const [rows, ...rest] = shape;
    const cols = rest.reduce((a, b) => a * b, 1);
    const from = r0 ?? 0;
    const to = r1 ?? rows;
    if (!(from >= 0 && from <= to && to <= rows)) throw new InputError(`${path}: rows [${from}, ${to}) are outside its ${rows} rows`);
    const data = new Float64Array((to - from) * cols);
    const bytes = new Uint8Array(data.buffer);
    let done = 0;
    while (done < bytes.length) {
      const n = readSync(fd, bytes, done, bytes.length - done, dataOffset + from * cols * 8 + done);
      if (n === 0) throw new InputError(`${path}: file ends before its ${rows}×${cols} values (truncated)`);
      done += n;
    }
    return { data, shape: [to - from, ...rest] };
  } finally {
    closeSync(fd);
  }
}
