import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { gpBands, heatmap, renderSvg, viridis } from '@tangent-lab/display';
import { launchChromium, outDir } from '../../../test/helpers/chromium';
import { parseXml } from './xml';

// figure.save: the PNG is rasterized by resvg; Chromium, an independent
// renderer, draws the same SVG, and the two pictures must agree pixel by pixel
// (up to anti-aliasing and font hinting at the edges of text and lines).

const dir = mkdtempSync(join(tmpdir(), 'tangent-lab-save-'));
const out = outDir('save');
const z = [
  [0, 1, 2, 3],
  [4, 5, 6, 7],
  [8, 9, 10, 11],
  [12, 13, 14, 15],
];
const map = heatmap({ z, title: 'sixteen cells' });
const bands = gpBands({
  name: 'NTK-GP',
  x: [0, 1, 2, 3, 4],
  mean: [0, 1, 0.5, -0.5, 0],
  std: [0.1, 0.3, 0.2, 0.4, 0.1],
  train: { x: [1, 3], y: [1, -0.5] },
  title: 'bands',
});
let browser: Browser;

before(async () => {
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Draws both pictures in Chromium at the PNG's size; returns how the pixels compare and colours at chosen points. */
async function compare(png: Buffer, svg: string, probes: [number, number][]) {
  const page = await browser.newPage();
  // tsx keeps function names with a helper that the page lacks.
  await page.addInitScript({ content: 'window.__name = (f) => f;' });
  await page.goto('about:blank');
  const result = await page.evaluate(
    async ({ pngUrl, svgUrl, probes }) => {
      const load = (src: string) =>
        new Promise<HTMLImageElement>((resolve, reject) => {
          const img = new Image();
          img.onload = () => resolve(img);
          img.onerror = () => reject(new Error(`cannot load ${src.slice(0, 30)}`));
          img.src = src;
        });
      const raster = await load(pngUrl);
      const vector = await load(svgUrl);
      const w = raster.naturalWidth;
      const h = raster.naturalHeight;
      const pixels = (img: HTMLImageElement) => {
        const canvas = document.createElement('canvas');
        canvas.width = w;
        canvas.height = h;
        const ctx = canvas.getContext('2d')!;
        ctx.drawImage(img, 0, 0, w, h);
        return ctx.getImageData(0, 0, w, h).data;
      };
      const a = pixels(raster);
      const b = pixels(vector);
      let close = 0;
      let total = 0;
      for (let k = 0; k < a.length; k += 4) {
        const d = Math.max(Math.abs(a[k] - b[k]), Math.abs(a[k + 1] - b[k + 1]), Math.abs(a[k + 2] - b[k + 2]));
        if (d <= 24) close++;
        total++;
      }
      const at = (data: Uint8ClampedArray, x: number, y: number) => {
        const k = 4 * (Math.round(y) * w + Math.round(x));
        return [data[k], data[k + 1], data[k + 2]];
      };
      return { w, h, agreement: close / total, png: probes.map(([x, y]) => at(a, x, y)), svg: probes.map(([x, y]) => at(b, x, y)) };
    },
    { pngUrl: `data:image/png;base64,${png.toString('base64')}`, svgUrl: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`, probes },
  );
  await page.close();
  return result;
}

const rgb = (hex: string) => [1, 3, 5].map((k) => Number.parseInt(hex.slice(k, k + 2), 16));

test('save(.png): resvg draws what Chromium draws, the heatmap cells in their viridis colours', async () => {
  const path = join(dir, 'map.png');
  map.save(path, { scale: 1 });
  const png = readFileSync(path);
  assert.deepEqual([...png.subarray(1, 4)].map((c) => String.fromCharCode(c)).join(''), 'PNG');
  const svg = renderSvg(map.spec);
  // The image of the cells: find where it is, and probe the centre of each cell.
  const m = /<image x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"/.exec(svg)!;
  const [x0, y0, w, h] = m.slice(1).map(Number);
  const probes: [number, number][] = [];
  const expected: string[] = [];
  for (let i = 0; i < 4; i++)
    for (let j = 0; j < 4; j++) {
      probes.push([x0 + ((j + 0.5) * w) / 4, y0 + ((i + 0.5) * h) / 4]); // origin 'upper': row 0 at the top
      expected.push(viridis(Math.round((z[i][j] / 15) * 255) / 255));
    }
  const r = await compare(png, svg, probes);
  assert.deepEqual([r.w, r.h], [640, 400]);
  assert.ok(r.agreement > 0.98, `${(100 * r.agreement).toFixed(2)}% of pixels agree`);
  r.png.forEach((c, k) =>
    assert.ok(
      c.every((v, ch) => Math.abs(v - rgb(expected[k])[ch]) <= 2),
      `cell ${k}: ${c} vs ${expected[k]}`,
    ),
  );
  r.svg.forEach((c, k) =>
    assert.ok(
      c.every((v, ch) => Math.abs(v - rgb(expected[k])[ch]) <= 2),
      `Chromium, cell ${k}: ${c} vs ${expected[k]}`,
    ),
  );
  map.save(join(out, 'heatmap.png'));
});

test('save(.png) at scale 2 doubles the pixels; a band figure agrees with Chromium too', async () => {
  const path = join(dir, 'bands.png');
  bands.save(path);
  const r = await compare(readFileSync(path), renderSvg(bands.spec), [[5, 5]]);
  assert.deepEqual([r.w, r.h], [1280, 800]);
  assert.ok(r.agreement > 0.98, `${(100 * r.agreement).toFixed(2)}% of pixels agree`);
  assert.deepEqual(r.png[0], [255, 255, 255], 'white background');
  bands.save(join(out, 'bands.png'));
});

test('save(.svg) writes the static picture; save(.html) a page that draws the interactive figure offline', async () => {
  map.save(join(dir, 'map.svg'));
  const svg = readFileSync(join(dir, 'map.svg'), 'utf8');
  parseXml(svg);
  assert.ok(svg.includes(renderSvg(map.spec)));
  bands.save(join(dir, 'bands.html'));
  const page = await browser.newPage();
  const fetched: string[] = [];
  await page.route('**/*', (route) => {
    if (route.request().url().startsWith('file:')) return route.continue();
    fetched.push(route.request().url());
    return route.abort();
  });
  await page.goto(pathToFileURL(join(dir, 'bands.html')).href);
  await page.waitForSelector('.js-plotly-plot .main-svg', { timeout: 20_000 });
  assert.equal(await page.locator('.js-plotly-plot .scatterlayer .trace').count(), 3, 'band, mean, training points');
  assert.deepEqual(fetched, [], 'nothing from the network');
  await page.close();
});

test('save rejects what it cannot write, before writing anything', () => {
  assert.throws(() => map.save(join(dir, 'map.jpg')), /must end in \.svg, \.html or \.png/);
  assert.throws(() => map.save(join(dir, 'missing', 'map.png')), /the directory .*missing does not exist/);
  assert.throws(() => map.save(join(dir, 'x.png'), { scale: 0 }), /scale must be a number in \(0, 16\]/);
  assert.throws(() => map.save(join(dir, 'x.png'), { dpi: 300 } as never), /unknown option "dpi"/);
  assert.ok(!existsSync(join(dir, 'map.jpg')) && !existsSync(join(dir, 'x.png')));
});
