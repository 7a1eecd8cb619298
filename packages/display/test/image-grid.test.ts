import assert from 'node:assert/strict';
import { test } from 'node:test';
import { imageGrid, LIGHT, MIME_TYPE, parseSpec, toPlotly } from '@tangent-lab/display';
import { readIndexedPng } from './png';
import { elements, parseXml } from './xml';

/** A 28×28 "digit": a ring or a bar, the way MNIST strokes look (ink 1 on 0). */
function digit(k: number): number[][] {
  return Array.from({ length: 28 }, (_, i) =>
    Array.from({ length: 28 }, (_, j) => {
      const r = Math.hypot(i - 14, j - 14);
      return k % 2 === 0 ? (Math.abs(r - 8) < 2 ? 1 : 0) : Math.abs(j - 14 - (k % 5)) < 2 && i > 4 && i < 24 ? 1 : 0;
    }),
  );
}

test('imageGrid lays the images out in rows, ink dark on white, with true → predicted labels', () => {
  const images = Array.from({ length: 12 }, (_, k) => digit(k));
  const labels = images.map((_, k) => k % 10);
  const predicted = labels.map((l, k) => (k === 3 ? 8 : l));
  const fig = imageGrid({ images, labels, predicted, columns: 5, title: 'digits' });
  const [trace] = fig.spec.traces;
  assert.equal(trace.type, 'image');
  if (trace.type !== 'image') return;
  const png = readIndexedPng(Buffer.from(trace.png, 'base64'));
  // 5 columns of 28 + 2 px gaps; 3 rows of 28 + 2 + 12 (caption).
  assert.deepEqual([png.width, png.height], [5 * 30 - 2, 3 * 42 - 2]);
  assert.equal(png.color(14, 14 - 8), '#000000', 'image 0 has ink on its ring');
  assert.equal(png.color(14, 14), '#ffffff', 'and paper in its middle');
  assert.equal(png.color(14, 30 + 14 + 1), '#000000', 'image 1 (a bar) starts after one cell and the gap');
  const texts = fig.spec.annotations.map((a) => a.text);
  assert.equal(texts[3], '3 → 8');
  assert.equal(texts[4], '4 → 4');
  assert.notEqual(fig.spec.annotations[3].color, fig.spec.annotations[4].color, 'a wrong prediction stands out');
  assert.deepEqual(parseSpec(JSON.parse(JSON.stringify(fig.spec))), fig.spec);
  // The static picture and the interactive one draw the same PNG.
  const doc = parseXml(fig.toBundle()['image/svg+xml']);
  assert.ok(elements(doc, 'image')[0].getAttribute('xlink:href')!.endsWith(trace.png));
  assert.equal(elements(doc, 'text').filter((t) => t.getAttribute('class') === 'annotation').length, 12);
  const { data, layout } = toPlotly(fig.spec, LIGHT);
  assert.equal((data[0] as { source: string }).source, `data:image/png;base64,${trace.png}`);
  assert.equal((layout.yaxis as { scaleanchor?: string }).scaleanchor, 'x', 'pixels stay square');
});

test('imageGrid reads flattened rows, (n, h, w, 1) tensors and typed arrays alike', () => {
  const flat = digit(0).flat();
  const a = imageGrid({ images: { rows: 2, cols: 784, data: [...flat, ...flat] } });
  const b = imageGrid({ images: { shape: [2, 28, 28, 1], data: Float64Array.from([...flat, ...flat]) } });
  const c = imageGrid({ images: [Float32Array.from(flat), Float32Array.from(flat)] });
  assert.deepEqual(a.spec, b.spec);
  assert.deepEqual(a.spec, c.spec);
  assert.throws(() => imageGrid({ images: [[1, 2, 3]] }), /3 pixels, which is not a square; pass shape/);
  assert.throws(() => imageGrid({ images: [digit(0)], labels: [1, 2] }), /labels has 2 entries but there are 1 images/);
  assert.throws(() => imageGrid({ images: [digit(0), digit(0).slice(1)] }), /image 1 is not 28×28/);
  assert.throws(() => imageGrid({ images: Array.from({ length: 101 }, () => digit(0)) }), /more than one grid shows \(100\)/);
  assert.throws(() => imageGrid({ images: [digit(0)], colums: 2 } as never), /unknown option "colums"/);
});

test('64 digits make a figure under 100 KB; a grid too heavy for a notebook says how many to show', () => {
  const fig = imageGrid({ images: Array.from({ length: 64 }, (_, k) => digit(k)), labels: Array.from({ length: 64 }, (_, k) => k % 10) });
  const bytes = Buffer.byteLength(JSON.stringify({ data: fig.toBundle() }));
  assert.ok(bytes < 100 * 1024, `${bytes} bytes`);
  let s = 1;
  const noise = Array.from({ length: 100 }, () =>
    Array.from({ length: 28 }, () => Array.from({ length: 28 }, () => (s = (s * 16807) % 2147483647) / 2147483647)),
  );
  assert.throws(() => imageGrid({ images: noise }), /show about \d+ of them/);
  assert.equal(MIME_TYPE in fig.toBundle(), true);
});
