import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dataFrameBundle, escapeXml, gpBands, interactiveNotebook, jsonForScript, lineChart, toPlotly, LIGHT } from '@tangent-lab/display';
import { elements, parseXml } from './xml';

const PAYLOADS = [
  '<img src=x onerror=alert(1)>',
  '</script><script>alert(2)</script>',
  '"><svg onload=alert(3)>',
  "' onmouseover='alert(4)",
  '<!--',
  '&amp; \u0001',
];

function figureWith(payload: string) {
  return gpBands({ name: payload, title: payload, xLabel: payload, yLabel: payload, x: [0, 1], mean: [0, 1], std: [0.1, 0.1] });
}

test('user strings stay text in the SVG: no element or attribute comes from them', () => {
  for (const payload of PAYLOADS) {
    const doc = parseXml(figureWith(payload).toBundle({ includePlotly: false })['image/svg+xml']);
    for (const tag of ['img', 'script', 'svg']) {
      const count = elements(doc, tag).length;
      assert.equal(count, tag === 'svg' ? 1 : 0, `${tag} elements for ${payload}`);
    }
    const texts = elements(doc, 'text').map((t) => t.textContent);
    const shown = payload.replace('\u0001', '\uFFFD');
    assert.ok(texts.includes(shown), `title shown literally: ${payload}`);
    for (const e of elements(doc, '*')) {
      for (const attr of Array.from(e.attributes)) assert.ok(!/^on/i.test(attr.name), `event handler attribute ${attr.name}`);
    }
  }
});

test('user strings cannot leave the JSON element or reach a script in the HTML', () => {
  for (const payload of PAYLOADS) {
    const stored = figureWith(payload).toBundle()['text/html'];
    assert.ok(!/<script/i.test(stored) && !stored.includes('<img'), `the stored HTML has no script and no image: ${payload}`);
    const html = interactiveNotebook({ cells: [{ cell_type: 'code', outputs: [{ output_type: 'display_data', data: figureWith(payload).toBundle() }] }] })
      .cells[0].outputs![0].data!['text/html'] as string;
    // Only our own scripts: plotly, the figure JSON and the fixed loader.
    const withoutPlotly = html.replace(/<script>[\s\S]*?plotly\.js v4[\s\S]*?tangent-lab:plotly-ready[^<]*<\/script>/, '');
    assert.equal(withoutPlotly.match(/<script/gi)?.length, 2, payload);
    assert.equal(withoutPlotly.match(/<\/script/gi)?.length, 2, payload);
    const loaderOnly = withoutPlotly;
    assert.ok(!loaderOnly.includes('<img'), payload);
    assert.equal(loaderOnly.match(/<svg/gi)?.length, 1, `only the static picture's svg: ${payload}`);
    const loader = loaderOnly.slice(loaderOnly.lastIndexOf('<script>'));
    assert.ok(!loader.includes('alert'), 'the loader holds no user data');
  }
});

test('plotly gets entity-escaped text, which it shows literally', () => {
  const { data, layout } = toPlotly(figureWith('<b>bold</b> & "q"').spec, LIGHT);
  assert.equal((layout.title as { text: string }).text, '&lt;b&gt;bold&lt;/b&gt; &amp; "q"');
  assert.ok(data.every((t) => !('name' in t) || !String((t as { name: string }).name).includes('<')));
});

test('escapeXml and jsonForScript', () => {
  assert.equal(escapeXml('<a href="x">&\'</a>'), '&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;');
  const value = { s: '</script><!-- \u2028 &' };
  const json = jsonForScript(value);
  assert.ok(!/[<>&\u2028]/.test(json));
  assert.deepEqual(JSON.parse(json), value);
});

test('DataFrame cells, headers and index labels are escaped', () => {
  const frame = { shape: [1, 1], index: ['<i>'], columns: ['<th onclick=alert(1)>'], values: [['<img src=x onerror=alert(1)>']] };
  Object.setPrototypeOf(frame, { constructor: { name: 'DataFrame' } });
  const { 'text/html': html } = dataFrameBundle(frame as never);
  assert.ok(!html.includes('<img') && !html.includes('<i>') && !html.includes('<th onclick'));
  assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;'));
});

test('lineChart series names are escaped too', () => {
  const svg = lineChart({ x: [1, 2], series: [{ name: '<script>alert(1)</script>', y: [1, 2] }] }).toBundle({ includePlotly: false })['image/svg+xml'];
  assert.equal(elements(parseXml(svg), 'script').length, 0);
});
