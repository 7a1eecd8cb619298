import assert from 'node:assert/strict';
import { test } from 'node:test';
import { heatmap, LIGHT, MIME_TYPE, parseSpec, toPlotly, type FigureSpec } from '@tangent-lab/display';
import { heatmapImage, readIndexedPng } from './png';

type Heatmap = Extract<FigureSpec['traces'][number], { type: 'heatmap' }>;
const traceOf = (spec: FigureSpec) => spec.traces[0] as Heatmap;

/** A 1000×1000 RBF kernel of points on a line, as a user would compute one: smooth, 8 MB of float64. */
function rbfKernel(n: number): number[][] {
  const x = Array.from({ length: n }, (_, i) => -3 + (6 * i) / (n - 1));
  return x.map((a) => x.map((b) => Math.exp(-((a - b) ** 2))));
}

/** A deterministic noise matrix: the worst case for compression. */
function noise(n: number): number[][] {
  let s = 12345;
  const next = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
  return Array.from({ length: n }, () => Array.from({ length: n }, next));
}

const bytesOf = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

test('a small heatmap keeps the true values, which plotly shows on hover', () => {
  const z = [
    [0.123456789012, 2],
    [3, 4.000000001],
  ];
  const fig = heatmap({ z });
  assert.deepEqual(traceOf(fig.spec).z, z, 'not rounded');
  const [trace] = toPlotly(fig.spec, LIGHT).data as { z: number[][]; hovertemplate: string }[];
  assert.deepEqual(trace.z, z);
  assert.match(trace.hovertemplate, /z = %\{z\}/);
});

test('origin: a matrix is drawn with row 0 at the top, a field over coordinates y with y going up', () => {
  const z = [
    [0, 0],
    [1, 1],
  ];
  const upper = heatmap({ z });
  const lower = heatmap({ z, y: [10, 20] });
  assert.equal(traceOf(upper.spec).origin, 'upper');
  assert.equal(traceOf(lower.spec).origin, 'lower');
  assert.equal(traceOf(heatmap({ z, y: [10, 20], origin: 'upper' }).spec).origin, 'upper');
  // plotly: the y range runs downwards for 'upper'.
  const range = (f: typeof upper) => (toPlotly(f.spec, LIGHT).layout.yaxis as { range: number[] }).range;
  assert.ok(range(upper)[0] > range(upper)[1]);
  assert.ok(range(lower)[0] < range(lower)[1]);
  // SVG: the picture's top row is z's row 0 (the low values, dark) for 'upper', row 1 (bright) for 'lower'.
  const topRow = (f: typeof upper) => readIndexedPng(heatmapImage(f.toBundle()['image/svg+xml']).png).color(0, 0);
  assert.equal(topRow(upper), '#440154');
  assert.equal(topRow(lower), '#fde725');
  assert.throws(() => heatmap({ z, origin: 'top' as never }), /origin must be 'upper' .* or 'lower'/);
  // A figure of version 1 (no origin) is read as it was drawn then: row 0 at the bottom.
  const v1 = JSON.parse(JSON.stringify(upper.spec));
  v1.version = 1;
  delete v1.traces[0].origin;
  assert.equal(traceOf(parseSpec(v1)).origin, 'lower');
});

test('a 1000×1000 kernel becomes 100×100 block means: each within a 16-bit level of the true mean', () => {
  const z = rbfKernel(1000);
  const fig = heatmap({ z, contours: [0.5] });
  const trace = traceOf(fig.spec);
  assert.equal(trace.z, undefined);
  const grid = trace.grid!;
  assert.deepEqual([grid.rows, grid.cols, grid.blockRows, grid.blockCols], [100, 100, 10, 10]);
  const [plotted] = toPlotly(fig.spec, LIGHT).data as { z: number[][]; x: number[]; hovertemplate: string }[];
  const level = (grid.max - grid.min) / 65535;
  for (const [r, c] of [
    [0, 0],
    [5, 17],
    [60, 61],
    [99, 99],
    [99, 0],
  ]) {
    let sum = 0;
    let count = 0;
    for (let i = 10 * r; i < 10 * r + 10; i++)
      for (let j = 10 * c; j < 10 * c + 10; j++) {
        sum += z[i][j];
        count++;
      }
    assert.ok(Math.abs(plotted.z[r][c] - sum / count) <= level / 2 + 1e-12, `block (${r}, ${c}): ${plotted.z[r][c]} vs ${sum / count}`);
  }
  assert.equal(plotted.x[0], 4.5, 'a block sits at its centre: columns 0…9');
  assert.equal(plotted.x[99], 994.5);
  assert.match(plotted.hovertemplate, /mean of a 10×10 block/);
  assert.deepEqual(parseSpec(JSON.parse(JSON.stringify(fig.spec))), fig.spec, 'parseSpec reads it back');
});

test('a heatmap of any size adds at most 100 KB to a notebook, noise included', () => {
  for (const [name, z] of [
    ['rbf 1000', rbfKernel(1000)],
    ['noise 1000', noise(1000)],
    ['noise 50×50 exact', noise(50)],
    ['noise 300', noise(300)],
    ['noise 997 (uneven blocks)', noise(997)],
  ] as const) {
    const bundle = heatmap({ z, contours: true, title: name }).toBundle();
    const bytes = bytesOf({ output_type: 'display_data', data: bundle, metadata: {} });
    assert.ok(bytes <= 100 * 1024, `${name}: ${bytes} bytes`);
    process.stdout.write(`# heatmap ${name}: ${bytes} bytes (spec ${bytesOf(bundle[MIME_TYPE])}, svg ${bytesOf(bundle['image/svg+xml'])})\n`);
  }
});

test('parseSpec checks an encoded grid', () => {
  const spec = JSON.parse(JSON.stringify(heatmap({ z: noise(100) }).spec));
  const bad = (change: (g: Record<string, unknown>) => void) => {
    const copy = JSON.parse(JSON.stringify(spec));
    change(copy.traces[0].grid);
    return copy;
  };
  assert.throws(
    () =>
      parseSpec(
        bad((g) => {
          g.data = `${String(g.data).slice(4)}`;
        }),
      ),
    /base64 of 10000 16-bit levels/,
  );
  assert.throws(
    () =>
      parseSpec(
        bad((g) => {
          g.data = `<img${String(g.data).slice(4)}`;
        }),
      ),
    /base64/,
  );
  assert.throws(
    () =>
      parseSpec(
        bad((g) => {
          g.rows = 49;
        }),
      ),
    /is 49×100 but x and y give 100×100/,
  );
  assert.throws(
    () =>
      parseSpec(
        bad((g) => {
          g.max = -1;
        }),
      ),
    /max is below its min/,
  );
});
