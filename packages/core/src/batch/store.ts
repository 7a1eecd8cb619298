/**
 * A kernel on disk: one `.npy` file per tile and output kernel, beside a
 * manifest that says which kernel it is (the network's spec, a hash of the
 * inputs, the tile grid). Tiles are written atomically, so a tile file exists
 * exactly when that tile is finished: an interrupted run resumes by computing
 * the missing ones, and machines sharing the directory never see half a tile.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { InputError } from '../errors';
import { batchShape, examplesOn, type Examples } from '../examples';
import { Matrix } from '../matrix';
import type { LayerSpec } from '../stax/types';
import { readNpyRows, writeNpy } from './npy';
import { planTiles, type Tile, type TileValues } from './tiles';

export const MANIFEST = 'manifest.json';
const FORMAT = 'tangent-lab kernel store' as const;
const TILES = 'tiles';

/** What was asked to compute: an analytic stax kernel (rebuildable anywhere from its spec) or another function. */
export type StoredKernelSource = { kind: 'stax'; name: string; spec: LayerSpec } | { kind: 'function'; name: string; sourceSha256: string; argsSha256: string };

/** One input of a stored kernel, kept in the store as `file` so that workers elsewhere can read it. */
export interface StoredInput {
  /** The batch's shape: (n, features), or (n, ...spatial, C) for images and sequences. */
  shape: number[];
  sha256: string;
  file: string;
}

/** The manifest of a kernel store (`manifest.json`). */
export interface StoreManifest {
  format: typeof FORMAT;
  version: 1;
  /** A hash of everything below: the store's identity, shared with job queues. */
  id: string;
  kernel: StoredKernelSource;
  inputs: { x1: StoredInput; x2: StoredInput | null };
  /** The output kernels, one file per tile each (`'nngp'`, `'ntk'`, or `'kernel'` for a function that returns one matrix). */
  outputs: string[];
  /** The function returned one matrix (not a `{ nngp, ntk }` kernel). */
  single: boolean;
  /** n1×n2 kernel in tiles of batchSize rows and columns; symmetric: x2 is x1 and only tiles with c ≥ r are stored. */
  grid: { n1: number; n2: number; batchSize: number; symmetric: boolean };
}

export function sha256Of(m: Examples): string {
  return createHash('sha256')
    .update(`${batchShape(m).join('x')}:`)
    .update(new Uint8Array(m.data.buffer, m.data.byteOffset, m.data.byteLength))
    .digest('hex');
}

function writeJsonAtomic(path: string, value: unknown): void {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(temp, path);
}

/** The part of a manifest that identifies the kernel (everything but its id). */
function identity(m: Omit<StoreManifest, 'id'>): string {
  return JSON.stringify({ kernel: m.kernel, inputs: m.inputs, outputs: m.outputs, single: m.single, grid: m.grid });
}

function describeDifference(old: StoreManifest, now: Omit<StoreManifest, 'id'>): string {
  if (JSON.stringify(old.kernel) !== JSON.stringify(now.kernel)) return `another kernel function (${old.kernel.name} vs ${now.kernel.name})`;
  if (JSON.stringify(old.inputs) !== JSON.stringify(now.inputs)) return 'other inputs (their hashes differ)';
  if (JSON.stringify(old.grid) !== JSON.stringify(now.grid)) return `another tile grid (${JSON.stringify(old.grid)} vs ${JSON.stringify(now.grid)})`;
  return `other outputs (${old.outputs.join(', ')} vs ${now.outputs.join(', ')})`;
}

/** A kernel store on disk: its manifest, its tiles, and readers for its kernels. */
export class KernelStore {
  /** The tiles the grid has (for a symmetric kernel, those on or above the diagonal). */
  readonly tiles: readonly Tile[];

  private constructor(
    readonly dir: string,
    readonly manifest: StoreManifest,
  ) {
    const { n1, n2, batchSize, symmetric } = manifest.grid;
    this.tiles = planTiles(n1, n2, batchSize, symmetric);
  }

  /** Opens an existing store (written by `batch(kernelFn, { store: dir })`). */
  static open(dir: string): KernelStore {
    const path = join(dir, MANIFEST);
    if (!existsSync(path)) throw new InputError(`${dir} is not a kernel store (no ${MANIFEST}); create one with batch(kernelFn, { store: '${dir}' })`);
    const manifest = JSON.parse(readFileSync(path, 'utf8')) as StoreManifest;
    if (manifest.format !== FORMAT || manifest.version !== 1) throw new InputError(`${path}: not a version-1 ${FORMAT} manifest`);
    return new KernelStore(resolve(dir), manifest);
  }

  /**
   * Opens the store in `dir` for this kernel, creating it (inputs and
   * manifest) when absent. A store holding a different kernel is an error,
   * never silently overwritten.
   */
  static prepare(dir: string, description: Omit<StoreManifest, 'id' | 'format' | 'version'>, x1: Examples, x2: Examples | null): KernelStore {
    const wanted = { format: FORMAT, version: 1 as const, ...description };
    const id = createHash('sha256').update(identity(wanted)).digest('hex').slice(0, 32);
    const path = join(dir, MANIFEST);
    if (existsSync(path)) {
      const store = KernelStore.open(dir);
      if (store.manifest.id !== id) {
        throw new InputError(
          `batch: the store ${dir} holds ${describeDifference(store.manifest, wanted)} — not this kernel; use a new directory, or delete this one to recompute`,
        );
      }
      return store;
    }
    mkdirSync(join(dir, TILES), { recursive: true });
    writeNpy(join(dir, description.inputs.x1.file), x1.data, batchShape(x1));
    if (x2 && description.inputs.x2) writeNpy(join(dir, description.inputs.x2.file), x2.data, batchShape(x2));
    writeJsonAtomic(path, { ...wanted, id });
    return KernelStore.open(dir);
  }

  tilePath(name: string, r: number, c: number): string {
    return join(this.dir, TILES, `${name}.${r}.${c}.npy`);
  }

  /** The tiles already finished (every output's file exists). */
  finished(): Set<string> {
    const present = new Set(readdirSync(join(this.dir, TILES)).filter((f) => f.endsWith('.npy')));
    const done = new Set<string>();
    for (const t of this.tiles) {
      if (this.manifest.outputs.every((name) => present.has(`${name}.${t.r}.${t.c}.npy`))) done.add(`${t.r}.${t.c}`);
    }
    return done;
  }

  /** The tiles still to compute. */
  missing(): Tile[] {
    const done = this.finished();
    return this.tiles.filter((t) => !done.has(`${t.r}.${t.c}`));
  }

  /** Writes one finished tile (each output atomically; the tile counts as done once all are there). */
  writeTile(tile: Tile, values: TileValues): void {
    const shape = [tile.i1 - tile.i0, tile.j1 - tile.j0];
    for (const name of this.manifest.outputs) {
      const v = values[name];
      if (!v) throw new Error(`tile ${tile.r},${tile.c} has no '${name}' values`);
      writeNpy(this.tilePath(name, tile.r, tile.c), v, shape);
    }
  }

  /** The stored inputs (to compute tiles elsewhere). */
  inputs(): { x1: Examples; x2: Examples } {
    const read = (file: string) => {
      const { data, shape } = readNpyRows(join(this.dir, file));
      return examplesOn({ shape }, data);
    };
    const x1 = read(this.manifest.inputs.x1.file);
    return { x1, x2: this.manifest.inputs.x2 ? read(this.manifest.inputs.x2.file) : x1 };
  }

  /** A reader for one output kernel. */
  matrix(name: string): StoredMatrix {
    if (!this.manifest.outputs.includes(name))
      throw new InputError(`the store ${this.dir} has no '${name}' kernel (it has ${this.manifest.outputs.join(', ')})`);
    return new StoredMatrix(this, name);
  }

  /** Readers for the stored kernels, shaped like the in-memory result: one {@link StoredMatrix}, or `{ nngp, ntk }`. */
  result(): StoredMatrix | StoredKernel {
    if (this.manifest.single) return this.matrix(this.manifest.outputs[0]);
    const out: Record<string, StoredMatrix> = {};
    for (const name of this.manifest.outputs) out[name] = this.matrix(name);
    return out as unknown as StoredKernel;
  }
}

/** Stored kernels shaped like {@link Kernel}: a reader per kernel. */
export interface StoredKernel {
  nngp: StoredMatrix;
  ntk?: StoredMatrix;
}

/**
 * One kernel of a {@link KernelStore}, read from its tiles a row block or a
 * block at a time, so that a kernel larger than memory can be used in pieces.
 * For a symmetric kernel the blocks below the diagonal come from the stored
 * tiles above it, transposed.
 */
export class StoredMatrix {
  readonly rows: number;
  readonly cols: number;

  constructor(
    readonly store: KernelStore,
    readonly name: string,
  ) {
    this.rows = store.manifest.grid.n1;
    this.cols = store.manifest.grid.n2;
  }

  /** Rows [i0, i1) and columns [j0, j1) as a {@link Matrix}. */
  readBlock(i0: number, i1: number, j0: number, j1: number): Matrix {
    const ok = (a: number, b: number, n: number) => Number.isInteger(a) && Number.isInteger(b) && a >= 0 && a <= b && b <= n;
    if (!ok(i0, i1, this.rows) || !ok(j0, j1, this.cols)) {
      throw new InputError(`${this.name}: block rows [${i0}, ${i1}) × columns [${j0}, ${j1}) is outside the ${this.rows}×${this.cols} kernel`);
    }
    const { batchSize: bs, symmetric } = this.store.manifest.grid;
    const out = new Matrix(i1 - i0, j1 - j0);
    const width = j1 - j0;
    for (let r = Math.floor(i0 / bs); r * bs < i1; r++) {
      for (let c = Math.floor(j0 / bs); c * bs < j1; c++) {
        const a0 = Math.max(i0, r * bs);
        const a1 = Math.min(i1, (r + 1) * bs, this.rows);
        const b0 = Math.max(j0, c * bs);
        const b1 = Math.min(j1, (c + 1) * bs, this.cols);
        if (!symmetric || c >= r) {
          const { data, shape } = this.readTile(r, c, a0 - r * bs, a1 - r * bs);
          for (let i = a0; i < a1; i++) {
            const src = (i - a0) * shape[1] + (b0 - c * bs);
            out.data.set(data.subarray(src, src + (b1 - b0)), (i - i0) * width + (b0 - j0));
          }
        } else {
          // Below the diagonal: entry (i, j) is entry (j, i) of the stored tile (c, r).
          const { data, shape } = this.readTile(c, r, b0 - c * bs, b1 - c * bs);
          for (let j = b0; j < b1; j++) {
            const row = (j - b0) * shape[1];
            for (let i = a0; i < a1; i++) out.data[(i - i0) * width + (j - j0)] = data[row + (i - r * bs)];
          }
        }
      }
    }
    return out;
  }

  /** Rows [i0, i1), all columns. */
  readRows(i0: number, i1: number): Matrix {
    return this.readBlock(i0, i1, 0, this.cols);
  }

  /** One entry. */
  get(i: number, j: number): number {
    return this.readBlock(i, i + 1, j, j + 1).data[0];
  }

  /**
   * The whole kernel in memory. Refuses, before reading, when it would take
   * more than `maxBytes` (default: half the machine's memory).
   */
  toMatrix({ maxBytes = totalmem() / 2 }: { maxBytes?: number } = {}): Matrix {
    const bytes = this.rows * this.cols * 8;
    if (bytes > maxBytes) {
      throw new InputError(
        `${this.name}: the ${this.rows}×${this.cols} kernel takes ${(bytes / 2 ** 30).toFixed(2)} GiB, more than maxBytes = ${(maxBytes / 2 ** 30).toFixed(2)} GiB; read it in pieces with readRows(i0, i1) or readBlock(...)`,
      );
    }
    return this.readRows(0, this.rows);
  }

  /** Row blocks of `rowsPerBlock` rows (default: the tile size), in order. */
  *rowBlocks(rowsPerBlock = this.store.manifest.grid.batchSize): Generator<{ i0: number; i1: number; block: Matrix }> {
    for (let i0 = 0; i0 < this.rows; i0 += rowsPerBlock) {
      const i1 = Math.min(i0 + rowsPerBlock, this.rows);
      yield { i0, i1, block: this.readRows(i0, i1) };
    }
  }

  private readTile(r: number, c: number, row0: number, row1: number): { data: Float64Array; shape: number[] } {
    const path = this.store.tilePath(this.name, r, c);
    if (!existsSync(path)) {
      const missing = this.store.missing().length;
      throw new InputError(
        `${this.name}: tile (${r}, ${c}) is not in ${this.store.dir} — ${missing} of ${this.store.tiles.length} tiles are missing; rerun the same batch(kernelFn, { store }) call to finish the kernel`,
      );
    }
    return readNpyRows(path, row0, row1);
  }
}
