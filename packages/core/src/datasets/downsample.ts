/**
 * Writes the `side`×`side` image `src` (row-major, at `srcOffset`) shrunk by
 * an integer `factor` into `dst` at `dstOffset`: each output pixel is the
 * mean of a factor×factor block (area averaging — average pooling with the
 * stride equal to the window), so intensities stay in the input's range and
 * the image's mean is unchanged. Pixels are read as thousandths.
 */
export function downsampleInto(src: Uint16Array, srcOffset: number, side: number, factor: number, dst: Float64Array, dstOffset: number): void {
  const out = side / factor;
  // A division, not a multiplication by the reciprocal: at factor 1 it returns
  // k/1000 exactly as the package's decimal text parses.
  const divisor = 1000 * factor * factor;
  for (let r = 0; r < out; r++) {
    for (let c = 0; c < out; c++) {
      let s = 0;
      for (let dr = 0; dr < factor; dr++) {
        const row = srcOffset + (r * factor + dr) * side + c * factor;
        for (let dc = 0; dc < factor; dc++) s += src[row + dc];
      }
      dst[dstOffset + r * out + c] = s / divisor;
    }
  }
}
