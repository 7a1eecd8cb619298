import type { EncodedGrid, HeatmapTrace } from './spec';

/**
 * Large heatmaps: a matrix of any size becomes at most GRID_MAX × GRID_MAX
 * block means, stored as 16-bit levels. A 1000×1000 kernel (8 MB of float64,
 * about 19 MB as JSON) so takes 27 KB in a figure, while the picture — a few
 * hundred pixels wide — shows every block. Browser-safe (atob/btoa only).
 */

/** The most cells per axis of an encoded grid. */
export const GRID_MAX = 100;

/** Matrices with at most this many entries travel with their true values. */
export const EXACT_LIMIT = 2500;

const LEVELS = 65535;

/** Block means of `z` (rows × cols) and the blocks' centres in x and y. */
export function encodeGrid(z: number[][], x: number[], y: number[]): { grid: EncodedGrid; x: number[]; y: number[] } {
  const sourceRows = z.length;
  const sourceCols = z[0].length;
  const blockRows = Math.ceil(sourceRows / GRID_MAX);
  const blockCols = Math.ceil(sourceCols / GRID_MAX);
  const rows = Math.ceil(sourceRows / blockRows);
  const cols = Math.ceil(sourceCols / blockCols);
  const means = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const i1 = Math.min(sourceRows, (r + 1) * blockRows);
    for (let c = 0; c < cols; c++) {
      const j1 = Math.min(sourceCols, (c + 1) * blockCols);
      let sum = 0;
      for (let i = r * blockRows; i < i1; i++) for (let j = c * blockCols; j < j1; j++) sum += z[i][j];
      means[r * cols + c] = sum / ((i1 - r * blockRows) * (j1 - c * blockCols));
    }
  }
  let min = Infinity;
  let max = -Infinity;
  for (const v of means) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const bytes = new Uint8Array(2 * means.length);
  means.forEach((v, k) => {
    const level = max > min ? Math.round(((v - min) / (max - min)) * LEVELS) : 0;
    bytes[2 * k] = level & 255;
    bytes[2 * k + 1] = level >> 8;
  });
  let binary = '';
  for (let k = 0; k < bytes.length; k += 8192) binary += String.fromCharCode(...bytes.subarray(k, k + 8192));
  const centres = (c: number[], block: number, n: number) =>
    Array.from({ length: n }, (_, k) => {
      const part = c.slice(k * block, (k + 1) * block);
      return part.reduce((a, b) => a + b, 0) / part.length;
    });
  return {
    grid: { rows, cols, min, max, blockRows, blockCols, sourceRows, sourceCols, data: btoa(binary) },
    x: centres(x, blockCols, cols),
    y: centres(y, blockRows, rows),
  };
}

/** The block means of an encoded grid, rows × cols. */
export function decodeGrid(grid: EncodedGrid): number[][] {
  const binary = atob(grid.data);
  const step = grid.max > grid.min ? (grid.max - grid.min) / LEVELS : 0;
  return Array.from({ length: grid.rows }, (_, r) =>
    Array.from({ length: grid.cols }, (_, c) => {
      const k = 2 * (r * grid.cols + c);
      return grid.min + (binary.charCodeAt(k) | (binary.charCodeAt(k + 1) << 8)) * step;
    }),
  );
}

/** The values a heatmap trace shows: its true values, or its decoded block means. */
export function heatmapValues(trace: HeatmapTrace): number[][] {
  return trace.z ?? decodeGrid(trace.grid!);
}
