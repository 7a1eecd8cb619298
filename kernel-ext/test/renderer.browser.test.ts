import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { gpBands, MIME_TYPE, table } from '@tangent-lab/display';
import { launchChromium, outDir } from '../../test/helpers/chromium';

// The page is served from a made-up origin by request interception, with a
// Content-Security-Policy that allows inline scripts (so an injected
// `onerror=` would run) but not eval: any eval or new Function by the renderer
// or plotly is reported as a violation.
const ORIGIN = 'http://tangent-lab.test';
const CSP = "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:";
const XSS = '<img src=x onerror="window.__xss=1">';
const SCRIPT_XSS = '</script><script>window.__xss=2</script>';

const n = 25;
const x = Array.from({ length: n }, (_, i) => -2 + (4 * i) / (n - 1));
const T = [0, 1, 10, 1000];
const figure = gpBands([
  {
    name: 'NTK-GP',
    x,
    t: T,
    mean: T.map((t) => x.map((v) => Math.sin(v) * (1 - Math.exp(-t)))),
    std: T.map((t) => x.map(() => 0.1 + Math.exp(-t))),
    train: { x: [-1, 0, 1], y: [-0.84, 0, 0.84] },
    title: 'NTK-GP during training',
    xLabel: 'x',
  },
  { name: 'NNGP', x, mean: x.map((v) => 0.9 * Math.sin(v)), std: x.map(() => 0.2) },
]);
const bundle = figure.toBundle({ includePlotly: false });
const out = outDir('browser');

let browser: Browser;
let page: Page;
const requests: string[] = [];
const violations: string[] = [];

before(async () => {
  const script = await build({
    entryPoints: [join(__dirname, 'page', 'entry.ts')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    write: false,
    logLevel: 'error',
    loader: { '.css': 'empty', '.svg': 'text' },
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 900, height: 640 } });
  await page.route('**/*', async (route) => {
    const url = route.request().url();
    requests.push(url);
    if (url === `${ORIGIN}/`) {
      await route.fulfill({
        contentType: 'text/html',
        headers: { 'Content-Security-Policy': CSP },
        body: '<!doctype html><html><head><meta charset="utf-8"></head><body data-jp-theme-light="true"><div id="host" style="width:860px"></div><script src="/bundle.js"></script></body></html>',
      });
    } else if (url === `${ORIGIN}/bundle.js`) {
      await route.fulfill({ contentType: 'text/javascript', body: script.outputFiles[0].text });
    } else {
      await route.abort();
    }
  });
  page.on('console', (m) => {
    if (m.type() === 'error') violations.push(`console: ${m.text()}`);
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { __violations: string[] }).__violations ??= [];
      (window as unknown as { __violations: string[] }).__violations.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
});

after(async () => {
  await browser?.close();
});

async function mount(data: Record<string, unknown>): Promise<string> {
  await page.goto(`${ORIGIN}/`);
  const { mime } = await page.evaluate((b) => window.mountBundle(b, false), data);
  await page.waitForSelector('#host .js-plotly-plot .main-svg');
  return mime;
}

/** The plotly graph div's data and layout, as plain values. */
function plotState(): Promise<{ traces: { x: number[]; y: number[]; fill?: string; color?: string }[]; paper: string; font: string }> {
  return page.evaluate(() => {
    const gd = document.querySelector('#host .js-plotly-plot') as unknown as {
      data: { x: number[]; y: number[]; fill?: string; line?: { color?: string } }[];
      _fullLayout: { paper_bgcolor: string; font: { color: string } };
    };
    return {
      traces: gd.data.map((t) => ({ x: Array.from(t.x), y: Array.from(t.y), fill: t.fill, color: t.line?.color })),
      paper: gd._fullLayout.paper_bgcolor,
      font: gd._fullLayout.font.color,
    };
  });
}

test('JupyterLab picks our renderer, which draws every trace and a band of 2n points', async () => {
  const mime = await mount(bundle);
  assert.equal(mime, MIME_TYPE, 'our MIME type ranks ahead of text/html and SVG');
  const state = await plotState();
  // 2 bands, 2 means, 1 set of training points.
  assert.equal(state.traces.length, 5);
  assert.equal(state.traces[0].fill, 'toself');
  assert.equal(state.traces[0].x.length, 2 * n, 'upper edge and lower edge');
  const drawn = await page.locator('#host .scatterlayer .trace').count();
  assert.equal(drawn, 5, 'five traces in the SVG');
  assert.equal(await page.locator('#host .scatterlayer .trace').first().locator('path.js-fill').count(), 1, 'the band is filled');
  await page.screenshot({ path: join(out, 'renderer-light.png') });
});

test('switching the JupyterLab theme to dark changes the colours', async () => {
  await mount(bundle);
  const light = await plotState();
  await page.evaluate(() => {
    document.body.style.setProperty('--jp-layout-color0', '#111111');
    document.body.style.setProperty('--jp-ui-font-color1', '#e6e6e6');
    document.body.dataset.jpThemeLight = 'false';
  });
  await page.waitForFunction(
    () => (document.querySelector('#host .js-plotly-plot') as unknown as { _fullLayout: { paper_bgcolor: string } })._fullLayout.paper_bgcolor !== '#ffffff',
  );
  const dark = await plotState();
  assert.notEqual(dark.paper, light.paper);
  assert.notEqual(dark.font, light.font);
  assert.notEqual(dark.traces[2].color, light.traces[2].color, 'series colours switch palette');
  await page.screenshot({ path: join(out, 'renderer-dark.png') });
});

test('the slider over t moves the band', async () => {
  await mount(bundle);
  const before = await plotState();
  const expected = figure.spec.slider!.steps[0].find((u) => u.trace === 0)!;
  // Click the left end of the slider's rail: the first step, t = 0.
  const rail = await page.locator('#host .slider-rail-rect').boundingBox();
  assert.ok(rail, 'a slider is drawn');
  await page.mouse.click(rail.x + 2, rail.y + rail.height / 2);
  await page.waitForFunction(() => (document.querySelector('#host .js-plotly-plot') as unknown as { data: { y: number[] }[] }).data[0].y[0] > 1);
  const after = await plotState();
  assert.deepEqual(after.traces[0].y, [...expected.upper!, ...[...expected.lower!].reverse()]);
  assert.notDeepEqual(after.traces[0].y, before.traces[0].y);
  assert.match((await page.locator('#host .slider-container').textContent()) ?? '', /t = 0/);
  await page.screenshot({ path: join(out, 'renderer-slider-t0.png') });
});

test('an XSS payload in titles and names is shown as text and never runs', async () => {
  const evil = gpBands({ name: XSS, title: `${XSS}${SCRIPT_XSS}`, xLabel: XSS, yLabel: SCRIPT_XSS, x: [0, 1, 2], mean: [0, 1, 0], std: [0.1, 0.1, 0.1] });
  await mount(evil.toBundle({ includePlotly: false }));
  await page.waitForTimeout(300);
  assert.equal(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss), undefined);
  assert.equal(await page.locator('#host .gtitle').textContent(), `${XSS}${SCRIPT_XSS}`);
  assert.equal(await page.locator('#host img').count(), 0);
  assert.ok(!requests.some((r) => r.endsWith('/x')), 'the injected image was never requested');
  await page.screenshot({ path: join(out, 'renderer-xss.png') });
});

test('a table is drawn as text, sorts by its headers, and shows an XSS payload literally', async () => {
  await page.goto(`${ORIGIN}/`);
  const bundle = table({ [XSS]: [3, 1, 2], name: ['c', SCRIPT_XSS, 'b'] }, { title: XSS }).toBundle();
  const { mime } = await page.evaluate((b) => window.mountBundle(b, false), bundle as unknown as Record<string, unknown>);
  assert.equal(mime, MIME_TYPE);
  await page.waitForSelector('#host .tangent-lab-table-view');
  const cells = () => page.locator('#host .tangent-lab-table-view tbody td:first-child').allTextContents();
  assert.deepEqual(await cells(), ['3', '1', '2']);
  await page.locator('#host .tangent-lab-table-view th').first().click();
  assert.deepEqual(await cells(), ['1', '2', '3'], 'sorted ascending');
  assert.equal(await page.locator('#host caption').textContent(), XSS);
  assert.equal(await page.locator('#host img').count(), 0);
  assert.equal(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss), undefined);
});

test('nothing calls eval, and dispose removes the plot', async () => {
  await mount(bundle);
  assert.deepEqual(await page.evaluate(() => (window as unknown as { __violations?: string[] }).__violations ?? []), []);
  assert.deepEqual(violations, []);
  await page.evaluate(() => window.disposeRenderer());
  assert.equal(await page.locator('#host .js-plotly-plot').count(), 0);
});

test('the plot resizes with its panel', async () => {
  await mount(bundle);
  const width = () => page.evaluate(() => (document.querySelector('#host .main-svg') as SVGSVGElement).getBoundingClientRect().width);
  const wide = await width();
  await page.evaluate(() => {
    document.getElementById('host')!.style.width = '500px';
  });
  await page.waitForFunction((w) => (document.querySelector('#host .main-svg') as SVGSVGElement).getBoundingClientRect().width < w - 100, wide);
  assert.ok((await width()) <= 500);
});
