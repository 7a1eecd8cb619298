/**
 * The viridis colour map (perceptually uniform, colour-blind safe), as the
 * stops plotly takes and as a function for the static SVG, so both pictures
 * of a heatmap use the same colours.
 */
export const VIRIDIS: readonly (readonly [number, string])[] = [
  [0, '#440154'],
  [0.125, '#472d7b'],
  [0.25, '#3b528b'],
  [0.375, '#2c728e'],
  [0.5, '#21918c'],
  [0.625, '#28ae80'],
  [0.75, '#5ec962'],
  [0.875, '#addc30'],
  [1, '#fde725'],
];

/** The colour at `u ∈ [0, 1]`, linearly interpolated between stops. */
export function viridis(u: number): string {
  const v = Math.min(1, Math.max(0, u));
  let k = 1;
  while (k < VIRIDIS.length - 1 && VIRIDIS[k][0] < v) k++;
  const [u0, c0] = VIRIDIS[k - 1];
  const [u1, c1] = VIRIDIS[k];
  const s = (v - u0) / (u1 - u0);
  const a = Number.parseInt(c0.slice(1), 16);
  const b = Number.parseInt(c1.slice(1), 16);
  const channel = (shift: number) => Math.round(((a >> shift) & 255) * (1 - s) + ((b >> shift) & 255) * s);
  return `#${((channel(16) << 16) | (channel(8) << 8) | channel(0)).toString(16).padStart(6, '0')}`;
}
