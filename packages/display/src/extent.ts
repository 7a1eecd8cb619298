import type { FigureSpec, TraceSpec } from './spec';

/** An axis range in axis units: data values on a linear axis, log10 of them on a log axis. */
export type Range = [number, number];

/**
 * The x and y ranges that hold every trace at every slider step, padded by
 * 5% (heatmaps exactly fit their cells). Both pictures use them, so the axes
 * stay put while the slider moves.
 */
export function axisRanges(spec: FigureSpec): { x: Range; y: Range } {
  const xs: number[] = [];
  const ys: number[] = [];
  let heatmap: { x: Range; y: Range } | undefined;
  let image: { x: Range; y: Range } | undefined;
  for (const trace of spec.traces) {
    if (trace.type === 'heatmap') heatmap = { x: cellRange(trace.x), y: cellRange(trace.y) };
    else if (trace.type === 'image')
      image = joinRanges(image, { x: [trace.x0 - 0.5, trace.x0 + trace.width - 0.5], y: [trace.y0 - 0.5, trace.y0 + trace.height - 0.5] });
    else collect(trace, xs, ys);
  }
  if (image) return image;
  for (const step of spec.slider?.steps ?? []) {
    for (const update of step) {
      for (const values of [update.y, update.lower, update.upper]) if (values) ys.push(...values);
    }
  }
  for (const a of spec.annotations) {
    xs.push(a.x);
    ys.push(a.y);
  }
  if (heatmap) return heatmap;
  return { x: padded(xs, spec.xAxis.log), y: padded(ys, spec.yAxis.log) };
}

/** The smallest ranges holding both. */
function joinRanges(a: { x: Range; y: Range } | undefined, b: { x: Range; y: Range }): { x: Range; y: Range } {
  if (!a) return b;
  return { x: [Math.min(a.x[0], b.x[0]), Math.max(a.x[1], b.x[1])], y: [Math.min(a.y[0], b.y[0]), Math.max(a.y[1], b.y[1])] };
}

/** Whether the y axis runs downwards: row 0 of a heatmap with origin 'upper', or images, at the top. */
export function yDown(spec: FigureSpec): boolean {
  return spec.traces.some((t) => (t.type === 'heatmap' && t.origin === 'upper') || t.type === 'image');
}

function collect(trace: Exclude<TraceSpec, { type: 'heatmap' | 'image' }>, xs: number[], ys: number[]): void {
  xs.push(...trace.x);
  if (trace.type === 'band') ys.push(...trace.lower, ...trace.upper);
  else ys.push(...trace.y);
}

function padded(values: number[], log: boolean): Range {
  const f = log ? Math.log10 : (v: number) => v;
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    const u = f(v);
    if (u < lo) lo = u;
    if (u > hi) hi = u;
  }
  if (hi - lo < 1e-12 * Math.max(1, Math.abs(lo))) {
    const pad = log ? 0.5 : Math.max(Math.abs(lo) * 0.1, 1);
    return [lo - pad, hi + pad];
  }
  const pad = (hi - lo) * 0.05;
  return [lo - pad, hi + pad];
}

/** From the first cell's outer edge to the last's, cells centred on the coordinates. */
function cellRange(c: number[]): Range {
  if (c.length === 1) return [c[0] - 0.5, c[0] + 0.5];
  return [c[0] - (c[1] - c[0]) / 2, c[c.length - 1] + (c[c.length - 1] - c[c.length - 2]) / 2];
}
