import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { col2imRows, im2colRows, patchBlockRows } from '@tangent-lab/core/internal/stax/spatial/im2col';
import { slidingWindow, type Padding } from '@tangent-lab/core/internal/stax/spatial/window';

/** Patch entry (row r, offset f, channel c) straight from the definition: the input at (o·s + f − low), or 0 outside. */
function naivePatches(x: Float64Array, n: number, input: number[], channels: number, filter: number[], strides: number[], padding: Padding): Float64Array {
  const w = slidingWindow('test', input, filter, strides, padding);
  const rows = n * w.outSize;
  const out = new Float64Array(rows * w.taps * channels);
  for (let r = 0; r < rows; r++) {
    const i = Math.floor(r / w.outSize);
    const o = r % w.outSize;
    const [oy, ox] = input.length === 2 ? [Math.floor(o / w.output[1]), o % w.output[1]] : [0, o];
    for (let f = 0; f < w.taps; f++) {
      const [fy, fx] = input.length === 2 ? [Math.floor(f / filter[1]), f % filter[1]] : [0, f];
      const low = (d: number) => (padding === 'VALID' ? 0 : Math.floor(Math.max((w.output[d] - 1) * strides[d] + filter[d] - input[d], 0) / 2));
      const wrap = (u: number, d: number) => (padding === 'CIRCULAR' ? ((u % input[d]) + input[d]) % input[d] : u);
      const uy = input.length === 2 ? wrap(oy * strides[0] + fy - low(0), 0) : 0;
      const ux = wrap(ox * strides[input.length - 1] + fx - low(input.length - 1), input.length - 1);
      const inside = uy >= 0 && ux >= 0 && (input.length === 1 || uy < input[0]) && ux < input[input.length - 1];
      for (let c = 0; c < channels; c++) {
        const position = input.length === 2 ? uy * input[1] + ux : ux;
        out[(r * w.taps + f) * channels + c] = inside ? x[(i * w.inSize + position) * channels + c] : 0;
      }
    }
  }
  return out;
}

const cases: { input: number[]; filter: number[]; strides: number[]; padding: Padding }[] = [
  { input: [5, 6], filter: [3, 3], strides: [1, 1], padding: 'SAME' },
  { input: [5, 6], filter: [3, 2], strides: [2, 1], padding: 'VALID' },
  { input: [4, 5], filter: [3, 3], strides: [1, 2], padding: 'CIRCULAR' },
  { input: [7], filter: [4], strides: [1], padding: 'SAME' },
];

describe('im2colRows / col2imRows', () => {
  for (const { input, filter, strides, padding } of cases) {
    it(`${input.join('×')} inputs, ${filter.join('×')} window, strides ${strides.join(',')}, ${padding}: any blocking gives the patches of the definition, and col2im is its adjoint`, () => {
      const [n, channels] = [3, 2];
      const w = slidingWindow('test', input, filter, strides, padding);
      const x = Float64Array.from({ length: n * w.inSize * channels }, (_, k) => Math.sin(k + 1));
      const expected = naivePatches(x, n, input, channels, filter, strides, padding);
      const width = w.taps * channels;
      const rows = n * w.outSize;
      for (const block of [1, 4, rows]) {
        const got = new Float64Array(rows * width);
        const scratch = new Float64Array(block * width).fill(NaN);
        for (let r0 = 0; r0 < rows; r0 += block) {
          const r1 = Math.min(rows, r0 + block);
          im2colRows(x, channels, w, r0, r1, scratch);
          got.set(scratch.subarray(0, (r1 - r0) * width), r0 * width);
        }
        assert.deepEqual(got, expected);
      }
      // ⟨im2col(x), P⟩ = ⟨x, col2im(P)⟩ for a random P, summed block by block.
      const P = Float64Array.from({ length: rows * width }, (_, k) => Math.cos(3 * k));
      const back = new Float64Array(x.length);
      for (let r0 = 0; r0 < rows; r0 += 5) col2imRows(P.subarray(r0 * width), channels, w, r0, Math.min(rows, r0 + 5), back);
      const lhs = expected.reduce((s, v, k) => s + v * P[k], 0);
      const rhs = x.reduce((s, v, k) => s + v * back[k], 0);
      assert.ok(Math.abs(lhs - rhs) <= 1e-12 * Math.abs(lhs), `${lhs} vs ${rhs}`);
    });
  }

  it('blocks hold about 2 MiB of patches, at least one row and at most all', () => {
    assert.equal(patchBlockRows(576, 8192), 455);
    assert.equal(patchBlockRows(1 << 20, 10), 1);
    assert.equal(patchBlockRows(8, 100), 100);
  });
});
