import type { DisplaySpec, FigureSpec, TraceSpec, TraceUpdate } from './spec';

/**
 * Figures keep 6 significant digits of their coordinates: a relative error
 * below 5·10⁻⁷, thousands of times finer than a pixel, for about half the
 * JSON of full float64 precision in a saved notebook. A heatmap's `z` keeps
 * its true values (they are what hover shows).
 */
export const DIGITS = 6;

/** A number rounded to {@link DIGITS} significant digits. */
export function round(v: number): number {
  return v === 0 || !Number.isFinite(v) ? v : Number(v.toPrecision(DIGITS));
}

const all = (values: number[]) => values.map(round);

function trace(t: TraceSpec): TraceSpec {
  switch (t.type) {
    case 'band':
      return { ...t, x: all(t.x), lower: all(t.lower), upper: all(t.upper) };
    case 'line':
    case 'points':
      return { ...t, x: all(t.x), y: all(t.y) };
    case 'heatmap':
      return { ...t, x: all(t.x), y: all(t.y), contours: all(t.contours) };
    case 'image':
      return t;
  }
}

function update(u: TraceUpdate): TraceUpdate {
  return {
    trace: u.trace,
    ...(u.y ? { y: all(u.y) } : {}),
    ...(u.lower ? { lower: all(u.lower) } : {}),
    ...(u.upper ? { upper: all(u.upper) } : {}),
  };
}

/** The spec with its coordinates rounded (a new object; the argument is not changed). */
export function compactSpec<S extends DisplaySpec>(spec: S): S {
  switch (spec.kind) {
    case 'panels':
      return { ...spec, panels: spec.panels.map((p) => (p ? compactPlot(p) : null)) };
    case 'table':
      return { ...spec, rows: spec.rows.map((r) => r.map((v) => (typeof v === 'number' ? round(v) : v))) };
    case 'progress':
      return spec;
    default:
      return compactPlot(spec as FigureSpec) as S;
  }
}

function compactPlot(spec: FigureSpec): FigureSpec {
  return {
    ...spec,
    traces: spec.traces.map(trace),
    annotations: spec.annotations.map((a) => ({ ...a, x: round(a.x), y: round(a.y) })),
    ...(spec.slider ? { slider: { ...spec.slider, values: all(spec.slider.values), steps: spec.slider.steps.map((s) => s.map(update)) } } : {}),
  };
}
