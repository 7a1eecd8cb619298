import type { FigureSpec, TraceSpec } from './spec';

/**
 * The traces as they are at the slider's active step, which the static
 * pictures show. Each step lists the traces it changes and their new data.
 */
export function activeTraces(spec: FigureSpec): TraceSpec[] {
  if (!spec.slider) return spec.traces;
  const traces = spec.traces.map((t) => ({ ...t }));
  for (const update of spec.slider.steps[spec.slider.active]) {
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
