import { activeBackend } from '../../linalg/backend';
import { gatherPositions } from './im2col';
import type { Padding, Window } from './window';

/**
 * A stride-1 convolution without im2col. Pad each example's positions onto a
 * grid (zeros for `SAME`, wrapped values for `CIRCULAR`), row-major, one row
 * of C channels per grid cell, and anchor each output position at the grid
 * cell of its window's first offset. Offset f of every window then reads the
 * grid rows shifted by one constant, so the conv is |F| gemms of the whole
 * grid, each with one C×O slice of W:
 *   out(anchor) = Σ_f grid(anchor + shift_f) · W_f.
 * Rows anchored where no output sits (the grid's margins) are computed and
 * dropped: (Π (L_d + F_d − 1)) / (Π L_d) more work — 27 % for 3×3 on 16×16 — in
 * exchange for patches that are never written, which for 64 channels cost
 * more than the gemm itself (`bench/cnn.bench.ts`).
 */
export interface ShiftGrid {
  /** Grid cells per example. */
  readonly size: number;
  /** The grid cell of each output position. */
  readonly anchors: Int32Array;
  /** The input position each grid cell holds, or −1 for a zero. */
  readonly cellInput: Int32Array;
  /** Per window offset, the grid-row shift it reads. */
  readonly shifts: Int32Array;
  /** The largest shift: rows past the last example's grid that offsets read (zeros). */
  readonly tail: number;
}

/** The grid of a stride-1 window, or null when a stride is not 1 (then im2col serves). */
export function shiftGrid(w: Window, strides: readonly number[], padding: Padding): ShiftGrid | null {
  if (strides.some((s) => s !== 1)) return null;
  const rank = w.input.length;
  // XLA's SAME padding at stride 1 puts ⌊(F − 1)/2⌋ zeros before each axis (see window.ts).
  const low = w.window.map((f) => (padding === 'VALID' ? 0 : Math.floor((f - 1) / 2)));
  const lengths = w.output.map((o, d) => o + w.window[d] - 1);
  const steps = new Array<number>(rank);
  let size = 1;
  for (let d = rank - 1; d >= 0; d--) {
    steps[d] = size;
    size *= lengths[d];
  }
  const cellInput = new Int32Array(size);
  for (let g = 0; g < size; g++) {
    let position = 0;
    for (let d = 0; d < rank; d++) {
      let u = (Math.floor(g / steps[d]) % lengths[d]) - low[d];
      if (padding === 'CIRCULAR') u = ((u % w.input[d]) + w.input[d]) % w.input[d];
      if (u < 0 || u >= w.input[d]) {
        position = -1;
        break;
      }
      position = position * w.input[d] + u;
    }
    cellInput[g] = position;
  }
  // A row-major index into `shape` (output positions, window offsets) as a grid-row offset.
  const toGrid = (index: number, shape: readonly number[]) => {
    let grid = 0;
    let rest = index;
    for (let d = rank - 1; d >= 0; d--) {
      grid += (rest % shape[d]) * steps[d];
      rest = Math.floor(rest / shape[d]);
    }
    return grid;
  };
  const anchors = Int32Array.from({ length: w.outSize }, (_, o) => toGrid(o, w.output));
  const shifts = Int32Array.from({ length: w.taps }, (_, f) => toGrid(f, w.window));
  return { size, anchors, cellInput, shifts, tail: shifts[shifts.length - 1] };
}

/** Rows of the padded grids of n examples, plus the zero tail the last shifts read. */
export function gridRows(grid: ShiftGrid, n: number): number {
  return n * grid.size + grid.tail;
}

/** Writes x (n examples × inSize positions × C) onto their grids in `dst` (gridRows × C). */
export function padToGrid(x: Float64Array, n: number, channels: number, inSize: number, grid: ShiftGrid, dst: Float64Array): void {
  const { size, cellInput } = grid;
  for (let i = 0; i < n; i++) {
    gatherPositions(x, i * inSize * channels, channels, cellInput, 0, size, dst, i * size * channels);
  }
  dst.fill(0, n * size * channels, gridRows(grid, n) * channels);
}

/** The adjoint of {@link padToGrid}: adds each grid cell back onto the input position it holds. */
export function addGridToInput(src: Float64Array, n: number, channels: number, inSize: number, grid: ShiftGrid, gIn: Float64Array): void {
  const { size, cellInput } = grid;
  for (let i = 0; i < n; i++) {
    const base = i * inSize * channels;
    for (let g = 0; g < size; g++) {
      const u = cellInput[g];
      if (u < 0) continue;
      const from = (i * size + g) * channels;
      const to = base + u * channels;
      for (let c = 0; c < channels; c++) gIn[to + c] += src[from + c];
    }
  }
}

/**
 * s·Σ_f grid(· + shift_f)·W_f (+ `bias` on every row, when given) at every
 * anchor row of n examples' grids, into `dst` (n·size × O); W is (|F|·C × O)
 * with offset-major rows, as im2col's.
 */
export function shiftedProduct(
  padded: Float64Array,
  n: number,
  channels: number,
  outChannels: number,
  grid: ShiftGrid,
  W: Float64Array,
  s: number,
  dst: Float64Array,
  bias: Float64Array | null = null,
): void {
  const backend = activeBackend();
  const rows = n * grid.size;
  const slice = channels * outChannels;
  // The bias starts the sum, so no pass over the output adds it afterwards.
  if (bias) for (let r = 0; r < rows; r++) dst.set(bias, r * outChannels);
  grid.shifts.forEach((shift, f) => {
    const beta = f === 0 && !bias ? 0 : 1;
    backend.gemm(false, false, rows, outChannels, channels, s, padded.subarray(shift * channels), W.subarray(f * slice, (f + 1) * slice), beta, dst);
  });
}

/** Output rows from their anchors: dst(i, o) = src(i, anchor(o)) + beta·dst(i, o). */
export function gatherAnchors(grid: ShiftGrid, n: number, width: number, src: Float64Array, dst: Float64Array, beta: 0 | 1): void {
  const { anchors, size } = grid;
  const outSize = anchors.length;
  for (let i = 0; i < n; i++) {
    for (let o = 0; o < outSize; o++) {
      const from = (i * size + anchors[o]) * width;
      const to = (i * outSize + o) * width;
      if (beta === 0) dst.set(src.subarray(from, from + width), to);
      else for (let k = 0; k < width; k++) dst[to + k] += src[from + k];
    }
  }
}

/** The adjoint of {@link gatherAnchors} (beta 0): output rows onto their anchors, zeros elsewhere. */
export function scatterAnchors(grid: ShiftGrid, n: number, width: number, src: Float64Array, dst: Float64Array): void {
  const { anchors, size } = grid;
  const outSize = anchors.length;
  dst.fill(0, 0, n * size * width);
  for (let i = 0; i < n; i++) {
    for (let o = 0; o < outSize; o++) {
      const from = (i * outSize + o) * width;
      dst.set(src.subarray(from, from + width), (i * size + anchors[o]) * width);
    }
  }
}
