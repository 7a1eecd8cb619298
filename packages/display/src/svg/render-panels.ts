import { escapeXml } from '../escape';
import type { PanelsSpec } from '../spec';
import { LIGHT, type Theme } from '../theme';
import { renderSvg } from './render-svg';

/** Each panel's picture is drawn at 640×400 and shown at this scale. */
const PANEL_SCALE = 0.75;

/**
 * The static picture of a panel figure: each panel's own SVG, scaled into its
 * place in the grid (gradient ids kept apart per panel), under the title.
 */
export function renderPanelsSvg(spec: PanelsSpec, theme: Theme = LIGHT): string {
  const w = 640 * PANEL_SCALE;
  const h = 400 * PANEL_SCALE;
  const top = spec.title ? 32 : 0;
  const width = spec.cols * w;
  const height = top + spec.rows * h;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif">`,
    `<rect class="background" width="${width}" height="${height}" fill="${theme.background}"/>`,
  ];
  if (spec.title)
    parts.push(`<text class="title" x="${width / 2}" y="22" text-anchor="middle" font-size="16" fill="${theme.foreground}">${escapeXml(spec.title)}</text>`);
  spec.panels.forEach((panel, k) => {
    if (!panel) return;
    const [r, c] = [Math.floor(k / spec.cols), k % spec.cols];
    const inner = renderSvg(panel, theme, { idPrefix: `p${k}-` })
      .replace(/^<svg [^>]*>/, '')
      .replace(/<\/svg>$/, '');
    parts.push(`<svg class="panel" x="${c * w}" y="${top + r * h}" width="${w}" height="${h}" viewBox="0 0 640 400">${inner}</svg>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}
