import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDisplaySpec, table } from '@tangent-lab/display';
import { elements, parseXml } from './xml';

test('table from rows or from columns: the same table, with numbers to 4 digits and missing cells marked', () => {
  const rows = table(
    [
      { n: 100, nngp: 0.812345, ntk: null },
      { n: 1000, nngp: 0.9, ntk: 0.93 },
    ],
    { title: 'test accuracy' },
  );
  const cols = table({ n: [100, 1000], nngp: [0.812345, 0.9], ntk: [null, 0.93] }, { title: 'test accuracy' });
  assert.deepEqual(rows.spec, cols.spec);
  assert.deepEqual(rows.spec.columns, ['n', 'nngp', 'ntk']);
  const bundle = rows.toBundle();
  assert.equal(bundle['text/plain'], 'test accuracy\n   n    nngp   ntk\n 100  0.8123     —\n1000     0.9  0.93');
  const html = parseXml(`<div>${bundle['text/html']}</div>`, 'text/html');
  assert.deepEqual(
    elements(html, 'td').map((t) => t.textContent),
    ['100', '0.8123', '—', '1000', '0.9', '0.93'],
  );
  const svg = parseXml(bundle['image/svg+xml']);
  assert.ok(elements(svg, 'text').some((t) => t.textContent === '0.8123'));
  assert.deepEqual(parseDisplaySpec(JSON.parse(JSON.stringify(rows.spec))), rows.spec);
});

test('table escapes what it shows, keeps 200 rows of a long table, and names bad input', () => {
  const evil = table([{ '<b>x</b>': '<img src=x onerror=alert(1)>' }]);
  const html = evil.toBundle()['text/html'];
  assert.ok(!html.includes('<img') && !html.includes('<b>'), html);
  const long = table({ k: Array.from({ length: 1000 }, (_, i) => i) });
  assert.equal(long.spec.rows.length, 200);
  assert.equal(long.spec.totalRows, 1000);
  assert.match(long.toBundle()['text/html'], /… 960 more rows \(1000 in all\)/);
  assert.throws(() => table({ a: [1, 2], b: [1] }), /column "b" has 1 values but "a" has 2/);
  assert.throws(() => table([]), /the table is empty/);
  assert.throws(() => table([{ a: 1 }], { columns: ['b'] }), /there is no column "b"/);
  assert.throws(() => table([{ a: { x: 1 } as never }]), /row 0, column "a" must be a number, string, boolean or null/);
});
