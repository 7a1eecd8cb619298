import assert from 'node:assert/strict';
import { test } from 'node:test';
import { displayPlotly, gpBands, heatmap, lineChart, LIGHT, panels, parseDisplaySpec, table } from '@tangent-lab/display';
import { elements, parseXml } from './xml';

const x = [0, 1, 2, 3];
const loss = lineChart({ x, series: [{ name: 'loss', y: [1, 0.5, 0.3, 0.2] }], title: 'loss' });
const T = [0, 10];
const band = gpBands({ name: 'NTK', x, t: T, mean: T.map((t) => x.map((v) => v * t)), std: T.map(() => x.map(() => 0.1)), title: 'outputs' });
const map = heatmap({
  z: [
    [1, 2],
    [3, 4],
  ],
  title: 'kernel',
});

test('panels put each figure on its own axes, in its cell, with its title, legend and slider', () => {
  const fig = panels(
    [
      [loss, band],
      [map, null],
    ],
    { title: 'Figure 4' },
  );
  assert.equal(fig.spec.kind, 'panels');
  assert.equal(fig.spec.panels.length, 4);
  assert.equal(fig.spec.panels[3], null);
  const { data, layout } = displayPlotly(fig.spec, LIGHT);
  const axesOf = (t: object) => [(t as { xaxis: string }).xaxis, (t as { yaxis: string }).yaxis].join('/');
  assert.deepEqual([...new Set(data.map(axesOf))], ['x/y', 'x2/y2', 'x3/y3']);
  const d1 = (layout.xaxis as { domain: number[] }).domain;
  const d2 = (layout.xaxis2 as { domain: number[] }).domain;
  assert.ok(d1[1] < d2[0], 'side by side');
  assert.ok((layout.yaxis3 as { domain: number[] }).domain[1] < (layout.yaxis as { domain: number[] }).domain[0], 'the second row below the first');
  const titles = (layout.annotations as { text: string }[]).map((a) => a.text);
  assert.deepEqual(
    titles.filter((t) => ['loss', 'outputs', 'kernel'].includes(t)),
    ['loss', 'outputs', 'kernel'],
  );
  const [slider] = layout.sliders as { steps: { args: [object, number[]] }[] }[];
  const first = data.findIndex((t) => (t as { xaxis: string }).xaxis === 'x2');
  assert.ok(
    slider.steps[0].args[1].every((i) => i >= first && (data[i] as { xaxis: string }).xaxis === 'x2'),
    'the slider moves the traces of its own panel',
  );
  const svg = parseXml(fig.toBundle()['image/svg+xml']);
  assert.equal(elements(svg, 'svg').filter((e) => e.getAttribute('class') === 'panel').length, 3);
  const gradients = elements(svg, 'linearGradient').map((g) => g.getAttribute('id'));
  assert.equal(new Set(gradients).size, gradients.length, 'ids stay unique');
  assert.deepEqual(parseDisplaySpec(JSON.parse(JSON.stringify(fig.spec))), fig.spec);
  assert.match(fig.toString(), /^panels "Figure 4": 2×2; lineChart "loss"/);
});

test('panels take figures only, at most 12, and no nesting', () => {
  assert.throws(() => panels([[loss, 'x' as never]]), /panel \(0, 1\) must be a Figure/);
  assert.throws(() => panels([[loss], [panels([[loss]]) as never]]), /panel \(1, 0\) is a panels/);
  assert.throws(() => panels([[table({ a: [1] }) as never]]), /is a table/);
  assert.throws(() => panels([Array(7).fill(loss), Array(7).fill(loss)]), /more than one figure holds \(12\)/);
  assert.throws(() => panels([]), /pass rows of figures/);
  assert.throws(() => panels([[null]]), /every panel is empty/);
});
