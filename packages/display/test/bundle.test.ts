import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gpBands, interactiveNotebook, LIGHT, MIME_TYPE, parseSpec, toPlotly } from '@tangent-lab/display';

const x = [0, 1, 2, 3];
const T = [0, 10, 100];
const trajectory = gpBands({
  name: 'NTK-GP',
  x,
  t: T,
  mean: T.map((t) => x.map((v) => v * (1 - Math.exp(-t / 10)))),
  std: T.map((t) => x.map(() => 1 + Math.exp(-t))),
  train: { x: [1], y: [1] },
  title: 'training',
});

/** The JSON of the `<script type="application/json">` element of a text/html. */
function embeddedFigure(html: string): unknown {
  const m = /<script type="application\/json" class="tangent-lab-figure">([^<]*)<\/script>/.exec(html);
  assert.ok(m, 'figure JSON element');
  return JSON.parse(m[1]);
}

test('the bundle holds the four representations, one-line text, and the figure as JSON', () => {
  const bundle = trajectory.toBundle({ includePlotly: false });
  assert.deepEqual(Object.keys(bundle).sort(), [MIME_TYPE, 'image/svg+xml', 'text/html', 'text/plain'].sort());
  const spec = bundle[MIME_TYPE];
  assert.deepEqual(JSON.parse(JSON.stringify(spec)), spec, 'plain JSON data');
  assert.deepEqual(parseSpec(JSON.parse(JSON.stringify(spec))), spec, 'parseSpec accepts what the builders make');
  assert.equal(spec.kind, 'gpBands');
  assert.equal(spec.slider?.values.length, 3);
  assert.equal(spec.slider?.active, 2, 'static pictures show the last time');
  assert.equal(bundle['text/plain'], 'gpBands "training": NTK-GP (4 points), training data (1), slider t = 0 … 100 (3 steps)');
  assert.ok(!bundle['text/plain'].includes('\n'));
});

test('text/html is the static SVG by default: no script, no plotly; the interactive page only when asked', () => {
  const bundle = trajectory.toBundle();
  const html = bundle['text/html'];
  assert.ok(html.includes(bundle['image/svg+xml']), 'the static picture');
  assert.ok(!/<script/i.test(html), 'no script at all');
  assert.ok(html.length < 20_000);
  const withPlotly = trajectory.toBundle({ includePlotly: true })['text/html'];
  assert.deepEqual(embeddedFigure(withPlotly), JSON.parse(JSON.stringify(toPlotly(trajectory.spec, LIGHT))));
  assert.ok(withPlotly.includes('plotly.js v4'), 'plotly inlined');
  assert.ok(withPlotly.length > 3_000_000);
  assert.ok(!/https?:\/\/[^"'\s]*\.js/.test(withPlotly.replace(/<script>[\s\S]*plotly\.js v4[\s\S]*?<\/script>/, '')), 'loads no script from the network');
});

test('interactiveNotebook: every figure becomes interactive and plotly travels once per page', () => {
  const figure = trajectory.toBundle();
  const notebook = {
    nbformat: 4,
    cells: [
      { cell_type: 'markdown', source: 'x' },
      { cell_type: 'code', outputs: [{ output_type: 'display_data', data: figure }] },
      {
        cell_type: 'code',
        outputs: [
          { output_type: 'stream', text: 'hi' },
          { output_type: 'display_data', data: figure },
        ],
      },
    ],
  };
  const page = interactiveNotebook(notebook);
  const htmls = page.cells
    .flatMap((c) => c.outputs ?? [])
    .filter((o) => o.data)
    .map((o) => String(o.data!['text/html']));
  assert.equal(htmls.length, 2);
  assert.ok(htmls[0].includes('plotly.js v4') && !htmls[1].includes('plotly.js v4'), 'plotly in the first figure only');
  for (const html of htmls) assert.deepEqual(embeddedFigure(html), JSON.parse(JSON.stringify(toPlotly(trajectory.spec, LIGHT))));
  assert.equal(notebook.cells[1].outputs![0].data!['text/html'], figure['text/html'], 'the notebook itself is unchanged');
  const crafted = JSON.parse(JSON.stringify(notebook));
  crafted.cells[1].outputs[0].data[MIME_TYPE].title = 42;
  assert.throws(() => interactiveNotebook(crafted), /figure\.title must be a string/, 'figures are checked');
});

test('the plotly slider steps replace band and mean for each time', () => {
  const { data, layout } = toPlotly(trajectory.spec, LIGHT);
  const band = data[0] as { x: number[]; y: number[]; fill: string };
  assert.equal(band.fill, 'toself');
  assert.equal(band.x.length, 2 * x.length);
  const [slider] = layout.sliders as { steps: { label: string; args: [{ y: number[][] }, number[]] }[] }[];
  assert.deepEqual(
    slider.steps.map((s) => s.label),
    ['0', '10', '100'],
  );
  const [update, indices] = slider.steps[0].args;
  assert.deepEqual(indices, [0, 1], 'band then mean');
  // At t = 0 the mean is 0 and std is 2: the band runs from −4 to 4.
  assert.deepEqual(update.y[0], [4, 4, 4, 4, -4, -4, -4, -4]);
  assert.deepEqual(update.y[1], [0, 0, 0, 0]);
});

test('samples drawn from cov have the covariance they were drawn from', () => {
  const xs = [0, 1];
  const cov = [
    [1, 0.8],
    [0.8, 1],
  ];
  const fig = gpBands({ x: xs, mean: [0, 0], cov, samples: 4000, seed: 7 });
  const paths = fig.spec.traces.filter((t) => t.type === 'line' && t.style === 'thin').map((t) => (t as { y: number[] }).y);
  assert.equal(paths.length, 4000);
  const c = (i: number, j: number) => paths.reduce((s, p) => s + p[i] * p[j], 0) / paths.length;
  // Monte Carlo error of a covariance estimate from 4000 draws is about 0.02.
  assert.ok(Math.abs(c(0, 0) - 1) < 0.08 && Math.abs(c(1, 1) - 1) < 0.08 && Math.abs(c(0, 1) - 0.8) < 0.08, `${c(0, 0)} ${c(1, 1)} ${c(0, 1)}`);
  const again = gpBands({ x: xs, mean: [0, 0], cov, samples: 4000, seed: 7 });
  assert.deepEqual(again.spec, fig.spec, 'same seed, same figure');
});

test('parseSpec rejects crafted figures', () => {
  const spec = JSON.parse(JSON.stringify(trajectory.spec));
  assert.throws(() => parseSpec({ ...spec, version: 3 }), /version 3 is not supported/);
  assert.throws(() => parseSpec({ ...spec, traces: [{ ...spec.traces[0], x: ['<img src=x>', 1, 2, 3] }] }), /x\[0\] must be a finite number/);
  assert.throws(() => parseSpec({ ...spec, traces: [{ type: 'picture', source: 'http://example.com/x.png' }] }), /type must be one of/);
  assert.throws(
    () => parseSpec({ ...spec, traces: [{ type: 'image', x0: 0, y0: 0, width: 1, height: 1, png: 'http://example.com/x.png' }] }),
    /png must be a PNG, base64/,
  );
  assert.throws(() => parseSpec({ ...spec, title: { text: 'x' } }), /figure\.title must be a string/);
});
