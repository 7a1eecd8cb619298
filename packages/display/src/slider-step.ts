import type { FigureSpec, TraceSpec } from './spec';

/**
 * The traces as they are at slider step `step` (the active one by default):
 * a figure's `traces` hold the active step's data, each step lists the
 * traces it changes.
 */
export function activeTraces(spec: FigureSpec, step = spec.slider?.active): TraceSpec[] {
  if (!spec.slider || step === undefined) return spec.traces;
  const traces = spec.traces.map((t) => ({ ...t }));
  for (const update of spec.slider.steps[step]) {
    const t = traces[update.trace];
    if (t.type === 'band') {
      if (update.lower) t.lower = update.lower;
      if (update.upper) t.upper = update.upper;
    } else if (t.type === 'line' && update.y) {
      t.y = update.y;
    }
  }
  return traces;
}
