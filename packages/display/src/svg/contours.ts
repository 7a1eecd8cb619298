/**
 * Contour lines of a gridded field by marching squares: for each level, the
 * segments where the bilinear interpolant of `z` crosses it, in data
 * coordinates. Segments are not joined into polylines; a path of `M…L…`
 * pairs draws them just as well.
 */
export type Segment = [number, number, number, number];

/** Segments of the level set `z = level`, with `z[i][j]` sampled at `(x[j], y[i])`. */
export function contourSegments(x: number[], y: number[], z: number[][], level: number): Segment[] {
  const out: Segment[] = [];
  for (let i = 0; i + 1 < y.length; i++) {
    for (let j = 0; j + 1 < x.length; j++) {
      // Corners counter-clockwise from (x[j], y[i]); edges k join corner k to corner k+1.
      const cx = [x[j], x[j + 1], x[j + 1], x[j]];
      const cy = [y[i], y[i], y[i + 1], y[i + 1]];
      const cz = [z[i][j], z[i][j + 1], z[i + 1][j + 1], z[i + 1][j]];
      const crossings: [number, number][] = [];
      for (let k = 0; k < 4; k++) {
        const a = cz[k] - level;
        const b = cz[(k + 1) % 4] - level;
        if (a < 0 !== b < 0) {
          const s = a / (a - b);
          const n = (k + 1) % 4;
          crossings.push([cx[k] + s * (cx[n] - cx[k]), cy[k] + s * (cy[n] - cy[k])]);
        }
      }
      if (crossings.length === 2) {
        out.push([...crossings[0], ...crossings[1]]);
      } else if (crossings.length === 4) {
        // A saddle: the cell centre's value decides which pairs of edges connect.
        const centreAbove = (cz[0] + cz[1] + cz[2] + cz[3]) / 4 >= level;
        const firstAbove = cz[0] >= level;
        const [p, q, r, s] = centreAbove === firstAbove ? [0, 1, 2, 3] : [0, 3, 1, 2];
        out.push([...crossings[p], ...crossings[q]], [...crossings[r], ...crossings[s]]);
      }
    }
  }
  return out;
}

/**
 * The level set as polylines: the marching-squares segments joined end to
 * end where they meet (neighbouring cells compute a shared crossing from the
 * same edge, so the ends agree to round-off).
 */
export function contourLines(x: number[], y: number[], z: number[][], level: number): [number, number][][] {
  const segments = contourSegments(x, y, z, level);
  const key = (px: number, py: number) => `${px.toPrecision(10)},${py.toPrecision(10)}`;
  const ends = new Map<string, number[]>();
  segments.forEach(([x0, y0, x1, y1], k) => {
    for (const id of [key(x0, y0), key(x1, y1)]) {
      const list = ends.get(id);
      if (list) list.push(k);
      else ends.set(id, [k]);
    }
  });
  const used = new Uint8Array(segments.length);
  const lines: [number, number][][] = [];
  // Follows unused segments from the point (px, py), appending their other ends.
  const extend = (line: [number, number][]) => {
    for (;;) {
      const [px, py] = line[line.length - 1];
      const next = ends.get(key(px, py))?.find((k) => !used[k]);
      if (next === undefined) return;
      used[next] = 1;
      const [x0, y0, x1, y1] = segments[next];
      line.push(key(x0, y0) === key(px, py) ? [x1, y1] : [x0, y0]);
    }
  };
  segments.forEach(([x0, y0, x1, y1], k) => {
    if (used[k]) return;
    used[k] = 1;
    const forward: [number, number][] = [
      [x0, y0],
      [x1, y1],
    ];
    extend(forward);
    const backward: [number, number][] = [[x0, y0]];
    extend(backward);
    lines.push([...backward.slice(1).reverse(), ...forward]);
  });
  return lines;
}
