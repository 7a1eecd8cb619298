import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { dataFrameBundle, isDataFrameLike } from '@tangent-lab/display';
import { parseXml, elements } from './xml';

// danfojs-node is an optional dependency of @tangent-lab/display, installed
// with pnpm overrides (pure-JS tfjs, xlsx from the registry).
const danfo = createRequire(require.resolve('@tangent-lab/display'))('danfojs-node') as typeof import('danfojs-node');

test('a danfojs DataFrame becomes an HTML table with every cell escaped', () => {
  const df = new danfo.DataFrame({ width: [64, 128, 256], model: ['NNGP', '<b>NTK</b>', 'net & ensemble'] });
  assert.ok(isDataFrameLike(df));
  const { 'text/html': html, 'text/plain': text } = dataFrameBundle(df);
  const doc = parseXml(`<div>${html}</div>`, 'text/html');
  const rows = elements(doc, 'tr');
  assert.equal(rows.length, 4, 'header and three rows');
  assert.deepEqual(
    elements(doc, 'td').map((c) => c.textContent),
    ['64', 'NNGP', '128', '<b>NTK</b>', '256', 'net & ensemble'],
  );
  assert.equal(elements(doc, 'b').length, 0);
  assert.match(text, /width\s+model/);
  assert.match(html, /3 × 2 DataFrame/);
});

test('a Series and a long frame (first and last rows, with a count of the rest)', () => {
  const s = new danfo.Series([1, 2, 3], { columns: ['loss'] } as never);
  assert.ok(isDataFrameLike(s));
  assert.match(dataFrameBundle(s)['text/html'], /<th>loss<\/th>/);
  const long = new danfo.DataFrame({ step: Array.from({ length: 100 }, (_, i) => i) });
  const html = dataFrameBundle(long)['text/html'];
  assert.equal((html.match(/<tr>/g) ?? []).length, 1 + 60 + 1);
  assert.match(html, /40 more rows/);
  assert.match(html, /<th>99<\/th>/);
});
