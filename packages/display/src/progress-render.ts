import { escapeXml } from './escape';
import { formatNumber } from './format';
import { MIME_TYPE, type ProgressSpec } from './spec';

/** `label ████░░░░ 40/100 (40%), 3.2 s`, one line. */
export function progressText(spec: ProgressSpec): string {
  const fraction = spec.done / spec.total;
  const cells = 20;
  const full = Math.round(fraction * cells);
  const bar = `${'█'.repeat(full)}${'░'.repeat(cells - full)}`;
  const state = spec.finished ? (spec.done === spec.total ? 'done' : 'stopped') : `${Math.floor(100 * fraction)}%`;
  return `${spec.label} ${bar} ${formatNumber(spec.done, 6)}/${formatNumber(spec.total, 6)} (${state}), ${formatSeconds(spec.seconds)}`.replace(
    /[\r\n]+/g,
    ' ',
  );
}

function formatSeconds(s: number): string {
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${Math.round(s - 60 * m)} s`;
}

/**
 * The bundle of a progress bar: our figure (drawn by the extension), a light
 * HTML bar, a small SVG and one line of text. About 2 KB.
 */
export function progressBundle(spec: ProgressSpec): Record<string, unknown> {
  const percent = (100 * spec.done) / spec.total;
  const text = escapeXml(progressText(spec));
  const color = spec.finished && spec.done === spec.total ? '#009e73' : '#0072b2';
  const html =
    `<div class="tangent-lab-progress" style="font-family:system-ui,sans-serif;font-size:13px;display:flex;align-items:center;gap:8px">` +
    `<div style="width:240px;height:10px;background:#e5e7eb;border-radius:5px;overflow:hidden"><div style="width:${percent.toFixed(1)}%;height:100%;background:${color}"></div></div>` +
    `<span>${text}</span></div>`;
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="24" viewBox="0 0 640 24" font-family="system-ui, sans-serif" font-size="12">` +
    `<rect width="640" height="24" fill="#ffffff"/><rect x="4" y="7" width="240" height="10" rx="5" fill="#e5e7eb"/>` +
    `<rect class="bar" x="4" y="7" width="${((240 * percent) / 100).toFixed(1)}" height="10" rx="5" fill="${color}"/>` +
    `<text x="254" y="16" fill="#1f2328">${text}</text></svg>`;
  return { [MIME_TYPE]: spec, 'text/html': html, 'image/svg+xml': svg, 'text/plain': progressText(spec) };
}
