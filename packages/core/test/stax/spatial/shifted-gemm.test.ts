import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { im2colRows } from '@tangent-lab/core/internal/stax/spatial/im2col';
import { addGridToInput, gatherAnchors, gridRows, padToGrid, shiftedProduct, shiftGrid } from '@tangent-lab/core/internal/stax/spatial/shifted-gemm';
import { slidingWindow, type Padding } from '@tangent-lab/core/internal/stax/spatial/window';

const cases: { input: number[]; filter: number[]; padding: Padding }[] = [
  { input: [5, 6], filter: [3, 3], padding: 'SAME' },
  { input: [5, 6], filter: [3, 2], padding: 'SAME' },
  { input: [5, 6], filter: [2, 4], padding: 'VALID' },
  { input: [4, 5], filter: [3, 3], padding: 'CIRCULAR' },
  { input: [7], filter: [4], padding: 'SAME' },
  { input: [7], filter: [3], padding: 'CIRCULAR' },
];

describe('shiftGrid: a stride-1 conv as shifted gemms on a padded grid', () => {
  for (const { input, filter, padding } of cases) {
    it(`${input.join('×')} inputs, ${filter.join('×')} window, ${padding}: every offset reads the input position the window says, and the product equals im2col's`, () => {
      const w = slidingWindow(
        'test',
        input,
        filter,
        filter.map(() => 1),
        padding,
      );
      const grid = shiftGrid(
        w,
        filter.map(() => 1),
        padding,
      );
      assert.ok(grid);
      for (let o = 0; o < w.outSize; o++) {
        for (let f = 0; f < w.taps; f++) assert.equal(grid.cellInput[grid.anchors[o] + grid.shifts[f]], w.index[o * w.taps + f], `output ${o}, offset ${f}`);
      }
      const [n, channels, outChannels] = [2, 3, 2];
      const x = Float64Array.from({ length: n * w.inSize * channels }, (_, k) => Math.sin(k + 0.5));
      const W = Float64Array.from({ length: w.taps * channels * outChannels }, (_, k) => Math.cos(2 * k));
      const padded = new Float64Array(gridRows(grid, n) * channels);
      padToGrid(x, n, channels, w.inSize, grid, padded);
      const atAnchors = new Float64Array(n * grid.size * outChannels);
      shiftedProduct(padded, n, channels, outChannels, grid, W, 0.5, atAnchors);
      const ours = new Float64Array(n * w.outSize * outChannels);
      gatherAnchors(grid, n, outChannels, atAnchors, ours, 0);
      const patches = new Float64Array(n * w.outSize * w.taps * channels);
      im2colRows(x, channels, w, 0, n * w.outSize, patches);
      ours.forEach((v, k) => {
        const [r, c] = [Math.floor(k / outChannels), k % outChannels];
        let ref = 0;
        for (let q = 0; q < w.taps * channels; q++) ref += patches[r * w.taps * channels + q] * W[q * outChannels + c];
        assert.ok(Math.abs(v - 0.5 * ref) < 1e-13, `entry ${k}: ${v} vs ${0.5 * ref}`);
      });
      // addGridToInput is the adjoint of padToGrid: ⟨pad(x), G⟩ = ⟨x, unpad(G)⟩.
      const G = Float64Array.from({ length: padded.length }, (_, k) => Math.cos(k / 3));
      const back = new Float64Array(x.length);
      addGridToInput(G, n, channels, w.inSize, grid, back);
      const lhs = padded.reduce((acc, v, k) => acc + v * G[k], 0);
      const rhs = x.reduce((acc, v, k) => acc + v * back[k], 0);
      assert.ok(Math.abs(lhs - rhs) < 1e-12 * Math.abs(lhs));
    });
  }

  it('leaves strided windows to im2col', () => {
    const w = slidingWindow('test', [6, 6], [3, 3], [2, 1], 'SAME');
    assert.equal(shiftGrid(w, [2, 1], 'SAME'), null);
  });
});
