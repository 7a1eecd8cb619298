import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gpBands, heatmap, lineChart, viridis } from '@tangent-lab/display';
import { heatmapImage, readIndexedPng } from './png';
import { elements, parseXml, points } from './xml';

/** Viridis at u ∈ [0, 1], as the 256-colour palette of the heatmap pictures has it. */
function viridisAt(u: number): string {
  return VIRIDIS_256[Math.round(u * 255)];
}
const VIRIDIS_256 = Array.from({ length: 256 }, (_, k) => viridis(k / 255));

const x = [0.5, -1, 2, 0, 1.5];
const mean = [0.2, -0.5, 1, 0, 0.8];
const std = [0.1, 0.3, 0.2, 0, 0.05];

/** Fits pixel = a·value + b on two points and checks every other point lies on it. */
function assertAffine(values: number[], pixels: number[], label: string): { a: number; b: number } {
  const i = values.indexOf(Math.min(...values));
  const j = values.indexOf(Math.max(...values));
  const a = (pixels[j] - pixels[i]) / (values[j] - values[i]);
  const b = pixels[i] - a * values[i];
  values.forEach((v, k) => assert.ok(Math.abs(a * v + b - pixels[k]) < 0.02, `${label}: point ${k} is off the axis map`));
  return { a, b };
}

test('the SVG is well-formed XML with the ±2σ band polygon and the mean line through the given points', () => {
  const svg = gpBands({ x, mean, std, title: 'posterior' }).toBundle({ includePlotly: false })['image/svg+xml'];
  const doc = parseXml(svg);
  assert.equal(doc.documentElement.tagName, 'svg');
  const [band] = elements(doc, 'polygon').filter((e) => e.getAttribute('class') === 'band');
  const [line] = elements(doc, 'polyline').filter((e) => e.getAttribute('class') === 'line line-solid');
  assert.ok(band && line, 'one band polygon and one mean polyline');

  const order = x.map((_, i) => i).sort((a, b) => x[a] - x[b]);
  const sx = order.map((i) => x[i]);
  const meanPx = points(line);
  assert.equal(meanPx.length, x.length);
  const ax = assertAffine(
    sx,
    meanPx.map((p) => p[0]),
    'mean x',
  );
  const ay = assertAffine(
    order.map((i) => mean[i]),
    meanPx.map((p) => p[1]),
    'mean y',
  );
  assert.ok(ax.a > 0 && ay.a < 0, 'x grows rightwards, y upwards');

  const bandPx = points(band);
  assert.equal(bandPx.length, 2 * x.length, 'upper edge then lower edge');
  const expected = [...order.map((i) => [x[i], mean[i] + 2 * std[i]]), ...order.map((i) => [x[i], mean[i] - 2 * std[i]]).reverse()];
  bandPx.forEach(([px, py], k) => {
    assert.ok(Math.abs(ax.a * expected[k][0] + ax.b - px) < 0.02, `band x ${k}`);
    assert.ok(Math.abs(ay.a * expected[k][1] + ay.b - py) < 0.02, `band y ${k}`);
  });

  const texts = elements(doc, 'text').map((t) => t.textContent);
  assert.ok(texts.includes('posterior'), 'title');
  assert.ok(texts.includes('mean ±2σ') && texts.includes('mean'), 'legend entries');
  assert.ok(texts.includes('0') && texts.includes('1'), 'tick labels');
});

test('training points, samples and several series are all drawn', () => {
  const cov = x.map((a) => x.map((b) => Math.exp(-((a - b) ** 2))));
  const fig = gpBands([
    { name: 'NNGP', x, mean, cov, samples: 3, train: { x: [0, 1], y: [0, 0.7] } },
    { name: 'NTK', x, mean, std },
  ]);
  const doc = parseXml(fig.toBundle({ includePlotly: false })['image/svg+xml']);
  assert.equal(elements(doc, 'polygon').length, 2);
  assert.equal(elements(doc, 'polyline').filter((e) => e.getAttribute('class') === 'line line-thin').length, 3);
  assert.equal(elements(doc, 'circle').filter((c) => (c.parentNode as Element).getAttribute('class') === 'points').length, 2);
});

test('log axes put ticks at powers of ten and the slope annotation shows the fitted exponent', () => {
  const width = [10, 100, 1000, 10000];
  const fig = lineChart({ x: width, logX: true, logY: true, slope: true, series: [{ name: 'error', y: width.map((n) => 2 / Math.sqrt(n)) }] });
  const doc = parseXml(fig.toBundle({ includePlotly: false })['image/svg+xml']);
  const labels = elements(doc, 'text')
    .filter((t) => t.getAttribute('class') === 'tick-label')
    .map((t) => t.textContent);
  for (const v of ['10', '100', '1000', '10000']) assert.ok(labels.includes(v), `tick ${v}`);
  const note = elements(doc, 'text').find((t) => t.getAttribute('class') === 'annotation');
  assert.equal(note?.textContent, 'slope −0.5');
});

test('heatmap cells and contour lines: the level z = 0.4 of z = x is the vertical line x = 0.4', () => {
  const grid = [0, 0.25, 0.5, 0.75, 1];
  const fig = heatmap({ x: grid, y: grid, z: grid.map(() => grid.map((v) => v)), contours: [0.4] });
  const svg = fig.toBundle()['image/svg+xml'];
  const doc = parseXml(svg);
  const image = readIndexedPng(heatmapImage(svg).png);
  const kx = image.width / 5;
  const ky = image.height / 5;
  assert.ok(Number.isInteger(kx) && Number.isInteger(ky) && kx > 1, `a block of pixels per cell (${image.width}×${image.height})`);
  assert.deepEqual(
    [0, 1, 2, 3, 4].map((c) => image.color(2 * ky, c * kx + 1)),
    grid.map((v) => viridisAt(v)),
    'colours follow z along x',
  );
  const [path] = elements(doc, 'path');
  const xs = [...(path.getAttribute('d') ?? '').matchAll(/[ML]([\d.]+) /g)].map((m) => Number(m[1]));
  assert.equal((path.getAttribute('d') ?? '').match(/M/g)?.length, 1, 'one line, joined across the cells');
  assert.ok(xs.length >= 2);
  assert.ok(
    xs.every((v) => Math.abs(v - xs[0]) < 0.11),
    'all on one vertical line',
  );
});

test('degenerate figures (one point, a constant field) still give finite coordinates', () => {
  const figures = [
    gpBands({ x: [1], mean: [2], std: [0] }),
    lineChart({ x: [10], logX: true, logY: true, series: [{ name: 'loss', y: [0.1] }] }),
    heatmap({
      z: [
        [3, 3],
        [3, 3],
      ],
      contours: true,
    }),
  ];
  for (const fig of figures) {
    const svg = fig.toBundle({ includePlotly: false })['image/svg+xml'];
    parseXml(svg);
    assert.ok(!/NaN|Infinity/.test(svg), fig.spec.kind);
  }
});
