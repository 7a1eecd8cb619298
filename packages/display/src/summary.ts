import { formatNumber } from './format';
import type { FigureSpec } from './spec';

/**
 * The one-line `text/plain` of a figure, for front ends that show no
 * pictures (a terminal console, a log).
 *
 * @example
 * ```ts
 * summarize(gpBands({ name: 'NTK', x: [0, 1], mean: [0, 1], std: [0, 0] }).spec);
 * // 'gpBands: NTK (2 points)'
 * ```
 */
export function summarize(spec: FigureSpec): string {
  const head = spec.title ? `${spec.kind} "${spec.title}"` : spec.kind;
  const parts: string[] = [];
  for (const t of spec.traces) {
    if (t.type === 'heatmap') {
      parts.push(`${t.y.length}×${t.x.length} heatmap${t.contours.length ? `, ${t.contours.length} contour levels` : ''}`);
    } else if (t.type === 'line' && t.style === 'solid') {
      parts.push(`${t.name} (${t.x.length} points)`);
    } else if (t.type === 'points') {
      parts.push(`${t.name} (${t.x.length})`);
    } else if (t.type === 'image') {
      parts.push(spec.annotations.length ? `${spec.annotations.length} labelled images` : `a ${t.width}×${t.height} picture`);
    }
  }
  if (spec.slider) {
    const { name, values } = spec.slider;
    parts.push(`slider ${name} = ${formatNumber(values[0])} … ${formatNumber(values[values.length - 1])} (${values.length} steps)`);
  }
  return `${head}: ${parts.join(', ')}`.replace(/[\r\n]+/g, ' ');
}
