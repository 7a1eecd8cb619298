import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, outDir } from './helpers/chromium';

// The real JupyterLab 4 front-end, as `npm run lab` serves it (built from the
// official npm packages, on Debian's jupyter_server), driven in Chromium:
// open a notebook, run every cell on tslab, and check what the user sees.
//
// The notebooks are copied to out/lab/notebooks (JupyterLab saves them there,
// never into notebooks/), next to a link to the tutorials' node_modules so
// the kernel finds @tangent-lab/core and @tangent-lab/display. Screenshots go
// to out/lab-screenshots: tslab's TypeScript watches the kernel's directory and
// its parents, and files appearing there while it compiles upset it.

const root = join(__dirname, '..');
const MIME = 'application/vnd.tangent-lab.plot+json';
const PLUGIN = '@tangent-lab/jupyterlab:plot';
/** A figure may add this much to a saved notebook (issue 15). */
const FIGURE_BUDGET = 100 * 1024;
const labDir = outDir('lab');
const work = join(labDir, 'notebooks');
const out = outDir('lab-screenshots');

interface Lab {
  url: string;
  token: string;
  port: number;
  pid: number;
  stop(): Promise<{ code: number | null; signal: string | null }>;
}
interface Launcher {
  startLab(options: object, io?: object): Promise<Lab>;
  defaults(): Record<string, unknown>;
}

let lab: Lab;
let browser: Browser;

before(async () => {
  rmSync(labDir, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  for (const name of ['00-quickstart.ipynb', '05-nngp-vs-ntk-vs-ensemble.ipynb']) copyFileSync(join(root, 'notebooks', name), join(work, name));
  for (const name of ['live-display.ipynb', 'display-gallery.ipynb']) copyFileSync(join(__dirname, 'fixtures', 'notebooks', name), join(work, name));
  symlinkSync(join(root, 'notebooks', 'node_modules'), join(work, 'node_modules'), 'dir');
  const launcher = (await import(pathToFileURL(join(root, 'lab', 'start.mjs')).href)) as Launcher;
  const started = Date.now();
  lab = await launcher.startLab(
    { ...launcher.defaults(), own: true, port: 18888, exposeApp: true, notebookDir: work, jupyterDir: join(labDir, '.jupyter') },
    { stdio: 'ignore', log: () => {} },
  );
  process.stdout.write(`# JupyterLab served in ${Date.now() - started} ms\n`);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  if (lab) {
    const { code, signal } = await lab.stop();
    assert.ok(code === 0 || signal === 'SIGTERM', `the server stopped cleanly (exit ${code ?? signal})`);
  }
});

/** A page of the lab with every console error and uncaught exception recorded. */
async function openNotebook(name: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
  // ?reset: start from an empty workspace, not the layout of an earlier run.
  await page.goto(`http://127.0.0.1:${lab.port}/lab/tree/${name}?reset&token=${lab.token}`);
  await page.waitForFunction(
    (n) => {
      const app = (window as unknown as { jupyterapp?: JupyterApp }).jupyterapp;
      const widget = app?.shell.currentWidget;
      return widget?.context?.path === n && widget.sessionContext.session?.kernel?.status === 'idle';
    },
    name,
    { timeout: 90_000, polling: 250 },
  );
  return { page, errors };
}

/** Runs every cell and waits until each code cell has run and the kernel is idle. */
async function runAll(page: Page, timeout = 240_000): Promise<void> {
  await page.evaluate(() => (window as unknown as { jupyterapp: JupyterApp }).jupyterapp.commands.execute('notebook:run-all-cells'));
  await page.waitForFunction(
    () => {
      const widget = (window as unknown as { jupyterapp: JupyterApp }).jupyterapp.shell.currentWidget!;
      const code = widget.content.widgets.filter((c) => c.model.type === 'code');
      return (
        code.every((c) => c.model.executionCount !== null && !c.node.classList.contains('jp-mod-pending')) &&
        widget.sessionContext.session?.kernel?.status === 'idle'
      );
    },
    undefined,
    { timeout, polling: 250 },
  );
}

/** Outputs of the notebook model: how many carry our figure, and every error or stderr text. */
function outputs(page: Page): Promise<{ figures: number; errors: string[] }> {
  return page.evaluate((mime) => {
    const widget = (window as unknown as { jupyterapp: JupyterApp }).jupyterapp.shell.currentWidget!;
    let figures = 0;
    const errors: string[] = [];
    for (const cell of widget.content.widgets) {
      if (cell.model.type !== 'code') continue;
      const list = cell.model.outputs;
      for (let i = 0; i < list.length; i++) {
        const o = list.get(i).toJSON() as {
          output_type: string;
          name?: string;
          text?: string;
          ename?: string;
          evalue?: string;
          data?: Record<string, unknown>;
        };
        if (o.output_type === 'error') errors.push(`${o.ename}: ${o.evalue}`);
        if (o.output_type === 'stream' && o.name === 'stderr') errors.push(String(o.text));
        if (o.data && mime in o.data) figures++;
      }
    }
    return { figures, errors };
  }, MIME);
}

/** Waits until our renderer has drawn `n` plotly figures, and returns their paper colours and first trace colours. */
async function drawnFigures(page: Page, n: number): Promise<{ paper: string; colors: string[] }[]> {
  await page.waitForFunction(
    (count) => Array.from(document.querySelectorAll('.tangent-lab-renderer .js-plotly-plot')).filter((gd) => gd.querySelector('.main-svg')).length === count,
    n,
    { timeout: 60_000 },
  );
  return page.evaluate(() =>
    Array.from(document.querySelectorAll('.tangent-lab-renderer .js-plotly-plot')).map((gd) => {
      const g = gd as unknown as { _fullLayout: { paper_bgcolor: string }; _fullData: { line?: { color?: string }; marker?: { color?: string } }[] };
      // CSS colours as the browser computes them (a theme may say 'white' or '#111111').
      const probe = document.createElement('div');
      probe.style.color = g._fullLayout.paper_bgcolor;
      document.body.appendChild(probe);
      const paper = getComputedStyle(probe).color;
      probe.remove();
      return { paper, colors: g._fullData.map((t) => t.line?.color ?? t.marker?.color ?? '') };
    }),
  );
}

function pluginActivated(page: Page): Promise<boolean> {
  return page.evaluate((id) => (window as unknown as { jupyterapp: JupyterApp }).jupyterapp.isPluginActivated(id), PLUGIN);
}

/** Saves the notebook through JupyterLab; returns the saved file's outputs with our figure, and its size. */
async function saveAndRead(page: Page, name: string): Promise<{ bytes: number; figureBytes: number[] }> {
  await page.evaluate(() => (window as unknown as { jupyterapp: JupyterApp }).jupyterapp.commands.execute('docmanager:save'));
  await page.waitForFunction(() => !(window as unknown as { jupyterapp: JupyterApp }).jupyterapp.shell.currentWidget!.context.model.dirty, undefined, {
    timeout: 30_000,
  });
  const path = join(work, name);
  const text = readFileSync(path, 'utf8');
  const notebook = JSON.parse(text) as { cells: { outputs?: { data?: Record<string, unknown> }[] }[] };
  const figureBytes = notebook.cells
    .flatMap((c) => c.outputs ?? [])
    .filter((o) => o.data && MIME in o.data)
    .map((o) => Buffer.byteLength(JSON.stringify(o, null, 1)));
  return { bytes: Buffer.byteLength(text), figureBytes };
}

async function closeAndShutDown(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const app = (window as unknown as { jupyterapp: JupyterApp }).jupyterapp;
    await app.shell.currentWidget!.sessionContext.shutdown();
  });
  await page.close();
}

describe('the real JupyterLab 4 front-end runs the tutorials with our extension', () => {
  it('00-quickstart: every cell runs, our renderer draws every figure, the dark theme redraws it in its colours', async () => {
    const started = Date.now();
    const { page, errors } = await openNotebook('00-quickstart.ipynb');
    assert.equal(await pluginActivated(page), true, `${PLUGIN} is activated`);
    await runAll(page);
    const { figures, errors: outputErrors } = await outputs(page);
    assert.deepEqual(outputErrors, [], 'no error outputs');
    assert.ok(figures >= 1, 'the notebook shows a figure');
    const light = await drawnFigures(page, figures);
    assert.equal(light[0].paper, 'rgb(255, 255, 255)', "drawn on the light theme's white");
    await page.screenshot({ path: join(out, '00-quickstart-light.png') });

    await page.evaluate(() =>
      (window as unknown as { jupyterapp: JupyterApp }).jupyterapp.commands.execute('apputils:change-theme', { theme: 'JupyterLab Dark' }),
    );
    await page.waitForFunction(
      () =>
        document.body.dataset.jpThemeLight === 'false' &&
        Array.from(document.querySelectorAll('.tangent-lab-renderer .js-plotly-plot')).every(
          (gd) => (gd as unknown as { _fullLayout: { paper_bgcolor: string } })._fullLayout.paper_bgcolor !== 'rgb(255, 255, 255)',
        ),
      undefined,
      { timeout: 30_000 },
    );
    const themeBackground = await page.evaluate(() => {
      const probe = document.createElement('div');
      probe.style.color = getComputedStyle(document.body).getPropertyValue('--jp-layout-color0').trim();
      document.body.appendChild(probe);
      const color = getComputedStyle(probe).color;
      probe.remove();
      return color;
    });
    const dark = await drawnFigures(page, figures);
    for (const f of dark) assert.equal(f.paper, themeBackground, "the plot background is the dark theme's --jp-layout-color0");
    assert.ok(dark[0].colors.includes('#56b4e9'), `the series are drawn in the dark palette (${dark[0].colors.join(', ')})`);
    assert.ok(!dark[0].colors.includes('#0072b2'), 'and no longer in the light one');
    await page.screenshot({ path: join(out, '00-quickstart-dark.png') });
    await page.evaluate(() =>
      (window as unknown as { jupyterapp: JupyterApp }).jupyterapp.commands.execute('apputils:change-theme', { theme: 'JupyterLab Light' }),
    );
    await page.waitForFunction(() => document.body.dataset.jpThemeLight === 'true');

    const saved = await saveAndRead(page, '00-quickstart.ipynb');
    for (const b of saved.figureBytes) assert.ok(b <= FIGURE_BUDGET, `a saved figure takes ${b} bytes, at most ${FIGURE_BUDGET}`);
    process.stdout.write(`# 00-quickstart: ${Date.now() - started} ms, saved ${saved.bytes} bytes, figures ${saved.figureBytes.join(', ')} bytes\n`);
    assert.deepEqual(errors, [], 'no console errors');
    await closeAndShutDown(page);
  });

  it('05-nngp-vs-ntk-vs-ensemble: the time slider moves the bands', async () => {
    const started = Date.now();
    const { page, errors } = await openNotebook('05-nngp-vs-ntk-vs-ensemble.ipynb');
    await runAll(page);
    const { figures, errors: outputErrors } = await outputs(page);
    assert.deepEqual(outputErrors, [], 'no error outputs');
    await drawnFigures(page, figures);
    const slider = page
      .locator('.tangent-lab-renderer .js-plotly-plot')
      .filter({ has: page.locator('.slider-rail-rect') })
      .first();
    await slider.scrollIntoViewIfNeeded();
    const bandY = () => slider.evaluate((gd) => Array.from((gd as unknown as { data: { y: number[] }[] }).data[0].y));
    const before = await bandY();
    const label = () => slider.locator('.slider-container').textContent();
    const lastLabel = await label();
    const rail = await slider.locator('.slider-rail-rect').boundingBox();
    assert.ok(rail, 'the figure has a slider');
    await page.mouse.click(rail.x + 2, rail.y + rail.height / 2);
    await page.waitForFunction(
      (el) => (el as unknown as { layout: { sliders: { active: number }[] } }).layout.sliders[0].active === 0,
      await slider.elementHandle(),
      { timeout: 10_000 },
    );
    const after = await bandY();
    assert.notDeepEqual(after, before, 'the band changed with t');
    assert.notEqual(await label(), lastLabel, 'the slider shows the new t');
    await page.screenshot({ path: join(out, '05-slider-t0.png') });
    const saved = await saveAndRead(page, '05-nngp-vs-ntk-vs-ensemble.ipynb');
    for (const b of saved.figureBytes) assert.ok(b <= FIGURE_BUDGET, `a saved figure takes ${b} bytes, at most ${FIGURE_BUDGET}`);
    process.stdout.write(
      `# 05-nngp-vs-ntk-vs-ensemble: ${Date.now() - started} ms, saved ${saved.bytes} bytes, figures ${saved.figureBytes.join(', ')} bytes\n`,
    );
    assert.deepEqual(errors, [], 'no console errors');
    await closeAndShutDown(page);
  });

  it('a live display is redrawn in place while its cell runs', async () => {
    const { page, errors } = await openNotebook('live-display.ipynb');
    // Record how many points the live figure has each time the page changes.
    await page.evaluate(() => {
      const seen: number[] = [];
      (window as unknown as { __seen: number[] }).__seen = seen;
      new MutationObserver(() => {
        for (const gd of Array.from(document.querySelectorAll('.tangent-lab-renderer .js-plotly-plot'))) {
          const data = (gd as unknown as { data?: { x: number[] }[] }).data;
          if (data?.[0] && seen[seen.length - 1] !== data[0].x.length) seen.push(data[0].x.length);
        }
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    });
    await runAll(page);
    const { figures, errors: outputErrors } = await outputs(page);
    assert.deepEqual(outputErrors, []);
    assert.equal(figures, 1, 'one output, updated in place');
    await drawnFigures(page, 1);
    const seen = await page.evaluate(() => (window as unknown as { __seen: number[] }).__seen);
    assert.ok(seen.length >= 3 && seen[seen.length - 1] === 6, `the figure grew while the loop ran: ${seen.join(' → ')} points`);
    assert.deepEqual(
      [...seen].sort((a, b) => a - b),
      seen,
      'never shrank',
    );
    await page.screenshot({ path: join(out, 'live-display.png') });
    assert.deepEqual(errors, [], 'no console errors');
    await closeAndShutDown(page);
  });
});

describe('every kind of Tangent Lab output in the real front-end', () => {
  it('a progress bar ends in its final state, a sortable table, image grid, confusion matrix, 1000×1000 heatmap and panels are drawn by our renderer; each saved figure stays under 100 KB', async () => {
    const started = Date.now();
    const { page, errors } = await openNotebook('display-gallery.ipynb');
    await runAll(page);
    const { figures, errors: outputErrors } = await outputs(page);
    assert.deepEqual(outputErrors, [], 'no error outputs');
    assert.equal(figures, 6, 'progress, table, confusion matrix, image grid, heatmap, panels');
    await drawnFigures(page, 4);
    const progressText = await page.locator('.tangent-lab-progress-view .tangent-lab-progress-text').textContent();
    assert.match(progressText ?? '', /^steps █{20} 40\/40 \(done\)/, 'the bar shows its final state');
    assert.equal(await page.locator('.tangent-lab-progress-view').count(), 1, 'one bar, updated in place');
    const column = () => page.locator('.tangent-lab-table-view tbody tr td:nth-child(2)').allTextContents();
    assert.deepEqual(await column(), ['0.812', '0.913', '0.951']);
    await page.locator('.tangent-lab-table-view th', { hasText: 'nngp' }).click();
    await page.locator('.tangent-lab-table-view th', { hasText: 'nngp' }).click();
    assert.deepEqual(await column(), ['0.951', '0.913', '0.812'], 'sorted descending by a second click');
    const kinds = await page.evaluate(() =>
      Array.from(document.querySelectorAll('.tangent-lab-renderer .js-plotly-plot')).map((gd) =>
        (gd as unknown as { _fullData: { type: string }[] })._fullData.map((t) => t.type).join(','),
      ),
    );
    assert.deepEqual(
      kinds,
      ['heatmap', 'image', 'heatmap', 'scatter,scatter,heatmap'],
      'confusion matrix, image grid, heatmap, panels (two curves and a heatmap)',
    );
    await page.screenshot({ path: join(out, 'display-gallery.png'), fullPage: true });
    const saved = await saveAndRead(page, 'display-gallery.ipynb');
    for (const b of saved.figureBytes) assert.ok(b <= FIGURE_BUDGET, `a saved figure takes ${b} bytes, at most ${FIGURE_BUDGET}`);
    const savedProgress = JSON.parse(readFileSync(join(work, 'display-gallery.ipynb'), 'utf8')).cells[1].outputs as {
      data: Record<string, { finished?: boolean; done?: number }>;
    }[];
    assert.equal(savedProgress.length, 1);
    assert.deepEqual([savedProgress[0].data[MIME].finished, savedProgress[0].data[MIME].done], [true, 40], 'the saved notebook keeps the final state');
    process.stdout.write(`# display-gallery: ${Date.now() - started} ms, saved ${saved.bytes} bytes, figures ${saved.figureBytes.join(', ')} bytes\n`);
    assert.deepEqual(errors, [], 'no console errors');
    await closeAndShutDown(page);
  });
});

/** The parts of JupyterLab's application object the test reads. */
interface JupyterApp {
  commands: { execute(id: string, args?: object): Promise<unknown> };
  isPluginActivated(id: string): boolean;
  shell: {
    currentWidget: {
      context: { path: string; model: { dirty: boolean } };
      sessionContext: { session: { kernel: { status: string } | null } | null; shutdown(): Promise<void> };
      content: {
        widgets: {
          node: HTMLElement;
          model: { type: string; executionCount: number | null; outputs: { length: number; get(i: number): { toJSON(): object } } };
        }[];
      };
    } | null;
  };
}
