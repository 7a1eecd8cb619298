import { VIRIDIS, viridis } from '../colormap';
import { escapeXml } from '../escape';
import { axisRanges, yDown } from '../extent';
import { formatNumber } from '../format';
import type { AxisSpec, FigureSpec, HeatmapTrace, TraceSpec } from '../spec';
import { LIGHT, seriesColor, type Theme } from '../theme';
import { heatmapValues } from '../grid';
import { indexedPng } from '../png';
import { contourLines } from './contours';
import { makeScale, type Scale } from './scale';
import { activeTraces } from '../slider-step';

const WIDTH = 640;
const HEIGHT = 400;
const FONT = "system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif";

/**
 * The static picture of a figure: a standalone SVG document drawn in Node,
 * with axes, ticks, legend, bands, lines, points, heatmap cells and contours,
 * showing the slider's active step. Every user string is escaped.
 *
 * @example
 * ```ts
 * const svg = renderSvg(gpBands({ x: [0, 1], mean: [0, 1], std: [0.1, 0.2] }).spec);
 * svg.startsWith('<svg'); // true
 * ```
 */
export function renderSvg(spec: FigureSpec, theme: Theme = LIGHT, { idPrefix = '' }: { idPrefix?: string } = {}): string {
  const traces = activeTraces(spec);
  const legend = legendEntries(traces);
  const heatmap = traces.find((t): t is HeatmapTrace => t.type === 'heatmap');
  const hidden = spec.xAxis.hidden === true && spec.yAxis.hidden === true;
  let top = (spec.title ? 36 : 14) + (spec.slider ? 18 : 0);
  let right = WIDTH - (legend.length > 0 ? 170 : heatmap ? 90 : 20);
  let bottom = HEIGHT - (spec.xAxis.hidden ? 8 : spec.xAxis.label ? 50 : 34);
  let left = spec.yAxis.hidden ? 8 : spec.yAxis.label ? 76 : 60;
  const ranges = axisRanges(spec);
  if (traces.some((t) => t.type === 'image')) {
    // Images keep their aspect: one data unit is as many pixels across as down.
    const unit = Math.min((right - left) / (ranges.x[1] - ranges.x[0]), (bottom - top) / (ranges.y[1] - ranges.y[0]));
    const [w, h] = [unit * (ranges.x[1] - ranges.x[0]), unit * (ranges.y[1] - ranges.y[0])];
    [left, right] = [(left + right - w) / 2, (left + right + w) / 2];
    [top, bottom] = [(top + bottom - h) / 2, (top + bottom + h) / 2];
  }
  const sx = makeScale(ranges.x, left, right, spec.xAxis.log);
  // A heatmap with origin 'upper' has row 0, the lowest y, at the top; so do images.
  const sy = yDown(spec) ? makeScale(ranges.y, top, bottom, spec.yAxis.log) : makeScale(ranges.y, bottom, top, spec.yAxis.log);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="${escapeXml(FONT)}" font-size="11">`,
    `<rect class="background" width="${WIDTH}" height="${HEIGHT}" fill="${theme.background}"/>`,
  ];
  if (spec.title) {
    parts.push(`<text class="title" x="${WIDTH / 2}" y="22" text-anchor="middle" font-size="15" fill="${theme.foreground}">${escapeXml(spec.title)}</text>`);
  }
  if (spec.slider) {
    const { name, values, active } = spec.slider;
    parts.push(
      `<text class="slider-value" x="${WIDTH / 2}" y="${top - 6}" text-anchor="middle" fill="${theme.axis}">${escapeXml(name)} = ${formatNumber(values[active])} (of ${formatNumber(values[0])} … ${formatNumber(values[values.length - 1])})</text>`,
    );
  }
  parts.push(...axes(spec, sx, sy, { left, right, top, bottom }, theme, !heatmap));
  for (const trace of traces) parts.push(drawTrace(trace, sx, sy, theme));
  for (const a of spec.annotations) {
    // On hidden axes (an image grid) a note is a caption centred on its point.
    const place = hidden
      ? `x="${n(sx.pixel(a.x))}" y="${n(sy.pixel(a.y) + 4)}" text-anchor="middle"`
      : `x="${n(sx.pixel(a.x) + 6)}" y="${n(sy.pixel(a.y) - 6)}"`;
    parts.push(`<text class="annotation" ${place} fill="${seriesColor(theme, a.color)}">${escapeXml(a.text)}</text>`);
  }
  if (!hidden)
    parts.push(`<rect class="frame" x="${n(left)}" y="${n(top)}" width="${n(right - left)}" height="${n(bottom - top)}" fill="none" stroke="${theme.axis}"/>`);
  if (legend.length > 0) parts.push(drawLegend(legend, right + 14, top, theme));
  if (heatmap) parts.push(colorbar(heatmap, right + 16, top, bottom, theme, `${idPrefix}viridis`));
  parts.push('</svg>');
  return parts.join('\n');
}

interface Box {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** Tick values and their texts: named ticks if the axis has them, else nice numbers. */
function tickList(axis: AxisSpec, scale: Scale): [number, string][] {
  if (axis.hidden) return [];
  if (axis.ticks) return axis.ticks.values.map((v, k) => [v, escapeXml(axis.ticks!.labels[k])]);
  return scale.ticks.map((v) => [v, formatNumber(v)]);
}

function axes(spec: FigureSpec, sx: Scale, sy: Scale, box: Box, theme: Theme, grid: boolean): string[] {
  const out: string[] = [];
  for (const [v, text] of tickList(spec.xAxis, sx)) {
    const x = n(sx.pixel(v));
    if (grid) out.push(`<line class="grid" x1="${x}" y1="${n(box.top)}" x2="${x}" y2="${n(box.bottom)}" stroke="${theme.grid}"/>`);
    out.push(`<line class="tick" x1="${x}" y1="${n(box.bottom)}" x2="${x}" y2="${n(box.bottom + 4)}" stroke="${theme.axis}"/>`);
    out.push(`<text class="tick-label" x="${x}" y="${n(box.bottom + 16)}" text-anchor="middle" fill="${theme.foreground}">${text}</text>`);
  }
  for (const [v, text] of tickList(spec.yAxis, sy)) {
    const y = sy.pixel(v);
    if (grid) out.push(`<line class="grid" x1="${n(box.left)}" y1="${n(y)}" x2="${n(box.right)}" y2="${n(y)}" stroke="${theme.grid}"/>`);
    out.push(`<line class="tick" x1="${n(box.left - 4)}" y1="${n(y)}" x2="${n(box.left)}" y2="${n(y)}" stroke="${theme.axis}"/>`);
    out.push(`<text class="tick-label" x="${n(box.left - 7)}" y="${n(y + 4)}" text-anchor="end" fill="${theme.foreground}">${text}</text>`);
  }
  if (spec.xAxis.label) {
    out.push(
      `<text class="axis-label" x="${(box.left + box.right) / 2}" y="${box.bottom + 38}" text-anchor="middle" font-size="12" fill="${theme.foreground}">${escapeXml(spec.xAxis.label)}</text>`,
    );
  }
  if (spec.yAxis.label) {
    const cy = (box.top + box.bottom) / 2;
    out.push(
      `<text class="axis-label" x="18" y="${cy}" text-anchor="middle" font-size="12" transform="rotate(-90 18 ${cy})" fill="${theme.foreground}">${escapeXml(spec.yAxis.label)}</text>`,
    );
  }
  return out;
}

function drawTrace(trace: TraceSpec, sx: Scale, sy: Scale, theme: Theme): string {
  const title = 'name' in trace ? `<title>${escapeXml(trace.name)}</title>` : '';
  switch (trace.type) {
    case 'band': {
      const upper = trace.x.map((x, i) => `${n(sx.pixel(x))},${n(sy.pixel(trace.upper[i]))}`);
      const lower = trace.x.map((x, i) => `${n(sx.pixel(x))},${n(sy.pixel(trace.lower[i]))}`).reverse();
      return `<polygon class="band" points="${[...upper, ...lower].join(' ')}" fill="${seriesColor(theme, trace.color)}" fill-opacity="${theme.bandOpacity}" stroke="none">${title}</polygon>`;
    }
    case 'line': {
      const points = trace.x.map((x, i) => `${n(sx.pixel(x))},${n(sy.pixel(trace.y[i]))}`).join(' ');
      const stroke = { solid: 'stroke-width="2"', dash: 'stroke-width="1.5" stroke-dasharray="6 4"', thin: 'stroke-width="1" stroke-opacity="0.6"' }[
        trace.style
      ];
      return `<polyline class="line line-${trace.style}" points="${points}" fill="none" stroke="${seriesColor(theme, trace.color)}" ${stroke} stroke-linejoin="round">${title}</polyline>`;
    }
    case 'points': {
      const dots = trace.x.map((x, i) => `<circle cx="${n(sx.pixel(x))}" cy="${n(sy.pixel(trace.y[i]))}" r="3.5"/>`).join('');
      return `<g class="points" fill="${seriesColor(theme, trace.color)}" stroke="${theme.background}" stroke-width="1">${title}${dots}</g>`;
    }
    case 'heatmap':
      return drawHeatmap(trace, sx, sy, theme);
    case 'image': {
      const [x0, x1] = [sx.pixel(trace.x0 - 0.5), sx.pixel(trace.x0 + trace.width - 0.5)];
      const [y0, y1] = [sy.pixel(trace.y0 - 0.5), sy.pixel(trace.y0 + trace.height - 0.5)];
      return `<image class="picture" x="${n(Math.min(x0, x1))}" y="${n(Math.min(y0, y1))}" width="${n(Math.abs(x1 - x0))}" height="${n(Math.abs(y1 - y0))}" preserveAspectRatio="none" image-rendering="optimizeSpeed" xlink:href="data:image/png;base64,${trace.png}"/>`;
    }
  }
}

/**
 * The cells as one PNG image of colour-map indices (a rect per cell would take
 * about 70 bytes each). With evenly spaced coordinates each cell is a block of
 * pixels; with uneven ones the image is sampled at the plot's own pixels, each
 * pixel taking the cell that contains its centre.
 */
function drawHeatmap(trace: HeatmapTrace, sx: Scale, sy: Scale, theme: Theme): string {
  const z = heatmapValues(trace);
  const { lo, hi } = zRange(z);
  const index = (v: number) => (hi > lo ? Math.round(((v - lo) / (hi - lo)) * 255) : 128);
  const xEdges = edges(trace.x);
  const yEdges = edges(trace.y);
  const [left, right] = [sx.pixel(xEdges[0]), sx.pixel(xEdges[xEdges.length - 1])];
  const [yFirst, yLast] = [sy.pixel(yEdges[0]), sy.pixel(yEdges[yEdges.length - 1])];
  const top = Math.min(yFirst, yLast);
  const down = yFirst < yLast; // row 0 drawn at the top
  let width: number;
  let height: number;
  let pixels: Uint8Array;
  if (evenlySpaced(trace.x) && evenlySpaced(trace.y)) {
    // Each cell a block of kx × ky pixels, about the plot's own resolution: viewers
    // that smooth images when they stretch them (Chromium does, whatever the
    // image-rendering hint) then blur only the cells' one-pixel borders.
    const cols = trace.x.length;
    const rows = trace.y.length;
    const kx = Math.max(1, Math.floor((right - left) / cols));
    const ky = Math.max(1, Math.floor(Math.abs(yLast - yFirst) / rows));
    width = cols * kx;
    height = rows * ky;
    pixels = new Uint8Array(width * height);
    for (let r = 0; r < height; r++) {
      const row = z[down ? Math.floor(r / ky) : rows - 1 - Math.floor(r / ky)];
      for (let c = 0; c < width; c++) pixels[r * width + c] = index(row[Math.floor(c / kx)]);
    }
  } else {
    width = Math.max(1, Math.round(right - left));
    height = Math.max(1, Math.round(Math.abs(yLast - yFirst)));
    pixels = new Uint8Array(width * height);
    // The cell whose edges (in pixels, increasing or decreasing) hold pixel coordinate p.
    const cellOf = (edgesPx: number[], p: number) => {
      const increasing = edgesPx[edgesPx.length - 1] > edgesPx[0];
      let k = 0;
      while (k < edgesPx.length - 2 && (increasing ? p > edgesPx[k + 1] : p < edgesPx[k + 1])) k++;
      return k;
    };
    const xPx = xEdges.map((v) => sx.pixel(v));
    const yPx = yEdges.map((v) => sy.pixel(v));
    const columns = Array.from({ length: width }, (_, c) => cellOf(xPx, left + c + 0.5));
    for (let r = 0; r < height; r++) {
      const row = z[cellOf(yPx, top + r + 0.5)];
      for (let c = 0; c < width; c++) pixels[r * width + c] = index(row[columns[c]]);
    }
  }
  const png = indexedPng(width, height, pixels, PALETTE).toString('base64');
  const cells = `<image x="${n(left)}" y="${n(top)}" width="${n(right - left)}" height="${n(Math.abs(yLast - yFirst))}" preserveAspectRatio="none" image-rendering="optimizeSpeed" xlink:href="data:image/png;base64,${png}"/>`;
  return (
    `<g class="heatmap">${cells}</g>${cellText(trace, z, sx, sy, index)}` +
    `<g class="contours" fill="none" stroke="${theme.background}" stroke-width="1.2" stroke-opacity="0.85">${contourPaths(trace, z, sx, sy)}</g>`
  );
}

/** The most characters the contour lines of one static picture may take (it is stored twice in a notebook). */
const CONTOUR_BUDGET = 12_000;

/**
 * Contour lines as SVG paths: joined polylines, thinned to points at least a
 * pixel and a half apart, to a tenth of a pixel. A field too rough for that
 * budget (noise crosses every level in every cell) is drawn from 2×2 block
 * means, up to three times over; past that the static picture has no contour
 * lines (the interactive one always has them).
 */
function contourPaths(trace: HeatmapTrace, z: number[][], sx: Scale, sy: Scale): string {
  let grid = { x: trace.x, y: trace.y, z };
  for (let attempt = 0; attempt < 4; attempt++) {
    const paths = trace.contours
      .map((level) => {
        const d = contourLines(grid.x, grid.y, grid.z, level)
          .map((line) => {
            const pts = line.map(([px, py]): [number, number] => [sx.pixel(px), sy.pixel(py)]);
            const kept = [pts[0]];
            for (let k = 1; k < pts.length; k++) {
              const [lx, ly] = kept[kept.length - 1];
              if (k === pts.length - 1 || Math.hypot(pts[k][0] - lx, pts[k][1] - ly) >= 1.5) kept.push(pts[k]);
            }
            return kept.map(([px, py], k) => `${k === 0 ? 'M' : 'L'}${tenth(px)} ${tenth(py)}`).join('');
          })
          .join('');
        return d ? `<path class="contour" data-level="${level}" d="${d}"/>` : '';
      })
      .join('');
    if (paths.length <= CONTOUR_BUDGET) return paths;
    if (grid.x.length < 4 || grid.y.length < 4) break;
    grid = halve(grid);
  }
  return '';
}

/** 2×2 block means of a field and the blocks' centres. */
function halve(g: { x: number[]; y: number[]; z: number[][] }): { x: number[]; y: number[]; z: number[][] } {
  const pairs = (c: number[]) => Array.from({ length: Math.floor(c.length / 2) }, (_, k) => (c[2 * k] + c[2 * k + 1]) / 2);
  const z = Array.from({ length: Math.floor(g.y.length / 2) }, (_, i) =>
    Array.from(
      { length: Math.floor(g.x.length / 2) },
      (_, j) => (g.z[2 * i][2 * j] + g.z[2 * i][2 * j + 1] + g.z[2 * i + 1][2 * j] + g.z[2 * i + 1][2 * j + 1]) / 4,
    ),
  );
  return { x: pairs(g.x), y: pairs(g.y), z };
}

function tenth(v: number): string {
  return String(Math.round(v * 10) / 10);
}

/** The text of each cell (a confusion matrix's counts), white on the dark half of the colour map, black on the bright. */
function cellText(trace: HeatmapTrace, z: number[][], sx: Scale, sy: Scale, index: (v: number) => number): string {
  if (!trace.text) return '';
  const out: string[] = [];
  trace.text.forEach((row, i) =>
    row.forEach((text, j) => {
      if (text === '') return;
      const fill = index(z[i][j]) < 150 ? '#ffffff' : '#1f2328';
      out.push(`<text x="${n(sx.pixel(trace.x[j]))}" y="${n(sy.pixel(trace.y[i]) + 4)}" text-anchor="middle" fill="${fill}">${escapeXml(text)}</text>`);
    }),
  );
  return `<g class="cell-text">${out.join('')}</g>`;
}

function colorbar(trace: HeatmapTrace, x: number, top: number, bottom: number, theme: Theme, id: string): string {
  const { lo, hi } = zRange(heatmapValues(trace));
  const stops = VIRIDIS.map(([u, c]) => `<stop offset="${u}" stop-color="${c}"/>`).join('');
  const scale = makeScale(hi > lo ? [lo, hi] : [lo - 1, hi + 1], bottom, top, false);
  const ticks = scale.ticks.map((v) => `<text x="${x + 20}" y="${n(scale.pixel(v) + 4)}" fill="${theme.foreground}">${formatNumber(v)}</text>`);
  // The gradient's id only has to be unique within this SVG document.
  return (
    `<g class="colorbar"><defs><linearGradient id="${id}" x1="0" y1="1" x2="0" y2="0">${stops}</linearGradient></defs>` +
    `<rect x="${n(x)}" y="${n(top)}" width="14" height="${n(bottom - top)}" fill="url(#${id})"/>${ticks.join('')}</g>`
  );
}

interface LegendEntry {
  kind: 'band' | 'line' | 'dash' | 'thin' | 'points';
  name: string;
  color: number;
}

function legendEntries(traces: TraceSpec[]): LegendEntry[] {
  const out: LegendEntry[] = [];
  for (const t of traces) {
    if (t.type === 'heatmap' || t.type === 'image') continue;
    if (t.type === 'line' && !t.legend) continue;
    const kind = t.type === 'line' ? (t.style === 'solid' ? 'line' : t.style) : t.type;
    out.push({ kind, name: t.name, color: t.color });
  }
  return out;
}

function drawLegend(entries: LegendEntry[], x: number, top: number, theme: Theme): string {
  const rows = entries.map((e, k) => {
    const y = top + 8 + k * 18;
    const color = seriesColor(theme, e.color);
    const swatch = {
      band: `<rect x="${x}" y="${y - 5}" width="22" height="10" fill="${color}" fill-opacity="${theme.bandOpacity}"/>`,
      line: `<line x1="${x}" y1="${y}" x2="${x + 22}" y2="${y}" stroke="${color}" stroke-width="2"/>`,
      dash: `<line x1="${x}" y1="${y}" x2="${x + 22}" y2="${y}" stroke="${color}" stroke-width="1.5" stroke-dasharray="6 4"/>`,
      thin: `<line x1="${x}" y1="${y}" x2="${x + 22}" y2="${y}" stroke="${color}" stroke-opacity="0.6"/>`,
      points: `<circle cx="${x + 11}" cy="${y}" r="3.5" fill="${color}"/>`,
    }[e.kind];
    const label = e.name.length > 24 ? `${e.name.slice(0, 23)}…` : e.name;
    return `${swatch}<text x="${x + 28}" y="${y + 4}" fill="${theme.foreground}">${escapeXml(label)}</text>`;
  });
  return `<g class="legend">${rows.join('')}</g>`;
}

function zRange(z: number[][]): { lo: number; hi: number } {
  let lo = Infinity;
  let hi = -Infinity;
  for (const row of z)
    for (const v of row) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  return { lo, hi };
}

/** The 256 colours of the heatmap picture's palette: viridis at k/255. */
const PALETTE = Array.from({ length: 256 }, (_, k) => viridis(k / 255));

/** True when the coordinates are equally spaced (to the 6 digits figures keep). */
function evenlySpaced(c: number[]): boolean {
  if (c.length < 3) return true;
  const step = (c[c.length - 1] - c[0]) / (c.length - 1);
  return c.every((v, i) => i === 0 || Math.abs(v - c[i - 1] - step) <= 1e-4 * Math.abs(step));
}

/** Cell edges halfway between neighbouring coordinates. */
function edges(c: number[]): number[] {
  if (c.length === 1) return [c[0] - 0.5, c[0] + 0.5];
  const mid = c.slice(1).map((v, i) => (v + c[i]) / 2);
  return [c[0] - (c[1] - c[0]) / 2, ...mid, c[c.length - 1] + (c[c.length - 1] - c[c.length - 2]) / 2];
}

/** Pixel coordinates with two decimals keep the SVG small. */
function n(v: number): string {
  return String(Math.round(v * 100) / 100);
}
