import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { gpBands, heatmap, interactiveNotebook, lineChart } from '@tangent-lab/display';
import { launchChromium, outDir } from '../../test/helpers/chromium';

// An executed notebook as tslab saves it: each figure's output holds its whole
// bundle, light (text/html is the static SVG, no plotly.js). For the HTML
// export its figures are made interactive with plotly.js once per page
// (interactiveNotebook, as `npm run tutorial` does), the page is exported with
// Debian's jupyter-nbconvert, then opened with every network request refused:
// it must draw interactive plots on its own.
const out = outDir('nbconvert');
const XSS = '<img src=x onerror="window.__xss=1"></script><script>window.__xss=2</script>';
const x = Array.from({ length: 40 }, (_, i) => -3 + (6 * i) / 39);
const T = [0, 10, 100];
const figures = [
  gpBands({
    name: 'NTK-GP',
    x,
    t: T,
    mean: T.map((t) => x.map((v) => Math.sin(v) * (1 - Math.exp(-t / 10)))),
    std: T.map((t) => x.map(() => 0.1 + Math.exp(-t / 10))),
    train: { x: [-2, 0, 2], y: [Math.sin(-2), 0, Math.sin(2)] },
    title: 'NTK-GP during training',
  }),
  lineChart({ x: [10, 100, 1000], logX: true, logY: true, slope: true, series: [{ name: 'error', y: [1, 0.316, 0.1] }], title: 'convergence' }),
  heatmap({
    z: [
      [1, 0.5],
      [0.5, 1],
    ],
    contours: [0.75],
    title: 'kernel',
  }),
  gpBands({ name: XSS, title: XSS, x: [0, 1], mean: [0, 1], std: [0.1, 0.1] }),
];

function notebook(): { cells: { cell_type: string; outputs?: { output_type: string; data?: Record<string, unknown> }[] }[] } {
  const cells = figures.map((f, k) => ({
    cell_type: 'code',
    execution_count: k + 1,
    metadata: {},
    source: [`show(figure${k})`],
    outputs: [{ output_type: 'display_data', metadata: {}, data: f.toBundle() }],
  }));
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' }, language_info: { name: 'typescript' } },
    cells: [{ cell_type: 'markdown', metadata: {}, source: ['# Tangent Lab figures'] }, ...cells],
  };
}

let browser: Browser;
let page: Page;
const refused: string[] = [];

before(async () => {
  const saved = JSON.stringify(notebook());
  assert.ok(!saved.includes('plotly.js v'), 'the saved notebook holds no plotly.js');
  const ipynb = join(out, 'figures.ipynb');
  writeFileSync(ipynb, JSON.stringify(interactiveNotebook(notebook())));
  const started = Date.now();
  const result = spawnSync('jupyter-nbconvert', ['--to', 'html', '--output-dir', out, ipynb], { encoding: 'utf8' });
  assert.equal(result.status, 0, `jupyter-nbconvert failed (apt-get install jupyter-nbconvert): ${result.stderr}`);
  process.stdout.write(`# nbconvert took ${Date.now() - started} ms\n`);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1000, height: 1400 } });
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:')) return route.continue();
    refused.push(url);
    return route.abort('internetdisconnected');
  });
  await page.goto(pathToFileURL(join(out, 'figures.html')).href);
});

after(async () => {
  await browser?.close();
});

test('the exported notebook draws every figure with plotly, offline', async () => {
  await page.waitForFunction(
    () => Array.from(document.querySelectorAll('.tangent-lab-plot .js-plotly-plot')).filter((gd) => gd.querySelector('.main-svg')).length === 4,
    undefined,
    { timeout: 20_000 },
  );
  const traces = await page.evaluate(() =>
    Array.from(document.querySelectorAll('.tangent-lab-plot .js-plotly-plot')).map((gd) => (gd as unknown as { data: unknown[] }).data.length),
  );
  assert.deepEqual(traces, [3, 2, 2, 2], 'band, mean and points; curve and fit; heatmap and one contour; band and mean');
  assert.equal(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss), undefined, 'the payload never ran');
  assert.equal(await page.locator('.tangent-lab-plot .gtitle').nth(3).textContent(), XSS, 'and shows as text');
  const staticShown = await page.evaluate(
    () => Array.from(document.querySelectorAll('.tangent-lab-static')).filter((e) => (e as HTMLElement).style.display !== 'none').length,
  );
  assert.equal(staticShown, 0, 'the static pictures gave way to the interactive ones');
  assert.equal(await page.locator('.tangent-lab-plot .slider-rail-rect').count(), 1, 'the slider over t');
  assert.ok(
    refused.every((u) => !/plotly/i.test(u)),
    `nothing of ours was fetched: ${refused.join(', ')}`,
  );
  assert.equal(await page.evaluate(() => Array.from(document.scripts).filter((s) => s.text.includes('plotly.js v4')).length), 1, 'plotly.js once in the page');
  await page.screenshot({ path: join(out, 'figures.png'), fullPage: true });
});

test('with scripts disabled the same export still shows the static pictures', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1000, height: 1400 } });
  const noScript = await context.newPage();
  await noScript.route('**/*', (route) => (route.request().url().startsWith('file:') ? route.continue() : route.abort()));
  await noScript.goto(pathToFileURL(join(out, 'figures.html')).href);
  const svgs = await noScript.locator('.tangent-lab-static svg').count();
  assert.equal(svgs, 4);
  assert.equal(await noScript.locator('.tangent-lab-static svg polygon.band').count(), 2);
  assert.equal(await noScript.locator('.tangent-lab-static svg text.title').nth(3).textContent(), XSS);
  await noScript.screenshot({ path: join(out, 'figures-no-script.png'), fullPage: true });
  await context.close();
});
