import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { launchChromium } from './helpers/chromium';

// The runner behind `npm run tutorial` (an ES module; loaded dynamically from this CommonJS test).
type Failure = { cell: number; source: string; error: string };
type Result = { ok: boolean; seconds: number; cells: { cell: number; seconds: number }[]; failure: Failure | null };
interface Runner {
  installKernel(): void;
  listNotebooks(filters?: string[]): string[];
  executeNotebook(path: string, outDir?: string): Result;
  exportHtml(ipynbPath: string, outDir?: string): string;
  describeFailure(path: string, failure: Failure): string;
  tutorialDir: string;
}
let runner: Runner;
const fixtures = join(__dirname, 'fixtures', 'notebooks');
const fixtureOut = join(__dirname, '..', 'out', 'notebook-fixtures');
const MIME = 'application/vnd.tangent-lab.plot+json';
/** What one figure may add to a saved notebook (issue 15). */
const FIGURE_BUDGET = 100 * 1024;

before(async () => {
  runner = (await import(pathToFileURL(join(__dirname, '..', 'tools', 'run-notebooks.mjs')).href)) as Runner;
  runner.installKernel();
});

describe('the notebook runner reports failures by notebook, cell and error', () => {
  it('a notebook that runs', () => {
    const r = runner.executeNotebook(join(fixtures, 'passes.ipynb'), fixtureOut);
    assert.equal(r.ok, true, r.failure?.error);
    assert.equal(r.cells.length, 2);
  });

  const cases: [string, number, RegExp][] = [
    ['throws', 1, /Error: expected 2, got 1/],
    ['type-error', 0, /Type 'number' is not assignable to type 'string'/],
    ['rejected-await', 0, /the promise was rejected/],
  ];
  for (const [name, cell, error] of cases) {
    it(`${name}: names cell ${cell}, shows its source and the error`, () => {
      const path = join(fixtures, `${name}.ipynb`);
      const r = runner.executeNotebook(path, fixtureOut);
      assert.equal(r.ok, false);
      assert.equal(r.failure!.cell, cell);
      assert.match(r.failure!.error, error);
      const report = runner.describeFailure(path, r.failure!);
      assert.ok(report.startsWith(`${name}.ipynb, cell ${cell}:`), report);
      const source = JSON.parse(readFileSync(path, 'utf8')).cells[cell].source as string;
      assert.ok(report.includes(`| ${source.split('\n')[0]}`), report);
    });
  }
});

describe('the tslab quirk the README describes, as it really behaves', () => {
  it("a shorthand property naming an earlier cell's variable ({ xTest }) fails at run time; { xTest: xTest } and same-cell shorthand work", () => {
    const r = runner.executeNotebook(join(fixtures, 'shorthand-quirk.ipynb'), fixtureOut);
    assert.equal(r.ok, false);
    assert.equal(r.failure!.cell, 2);
    assert.match(r.failure!.error, /ReferenceError: xTest is not defined/);
    type Output = { text?: string | string[] };
    const executed = JSON.parse(readFileSync(join(fixtureOut, 'shorthand-quirk.ipynb'), 'utf8')) as { cells: { outputs: Output[] }[] };
    const text = (cell: number) => executed.cells[cell].outputs.map((o) => [o.text ?? ''].flat().join('')).join('');
    assert.equal(text(0), '{"sameCell":3}\n');
    assert.equal(text(1), '2\n');
  });
});

describe('tslab shows a Matrix or Tensor cell value as rows, and its HTML table on request', () => {
  it('array-printing', () => {
    const r = runner.executeNotebook(join(fixtures, 'array-printing.ipynb'), fixtureOut);
    assert.equal(r.ok, true, r.failure?.error);
    type Output = { output_type: string; text?: string | string[]; data?: Record<string, string | string[]> };
    const executed = JSON.parse(readFileSync(join(fixtureOut, 'array-printing.ipynb'), 'utf8')) as { cells: { outputs: Output[] }[] };
    const text = (o: Output | undefined) => [o?.text ?? ''].flat().join('');
    // tslab prints a cell's last value with console.log, i.e. util.inspect: a text stream.
    assert.equal(text(executed.cells[0].outputs[0]), 'Matrix 2×2\n[[1.0 2.5]\n [3.0 4.0]]\n');
    assert.equal(text(executed.cells[1].outputs[0]), 'Tensor 2×1×2\n[[[1 2]]\n\n [[3 4]]]\n');
    const html = executed.cells[2].outputs.find((o) => o.output_type === 'display_data')?.data?.['text/html'];
    assert.match([html ?? ''].flat().join(''), /<table class="tangent-lab-array".*>2\.5<\/td>/);
  });
});

describe('every tutorial notebook runs, stays light, and its exported HTML shows its plots offline', () => {
  let browser: Browser;
  before(async () => {
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });

  for (const path of listTutorials()) {
    const name = basename(path, '.ipynb');
    it(name, async () => {
      const r = runner.executeNotebook(path);
      assert.ok(r.ok, r.failure ? `\n${runner.describeFailure(path, r.failure)}` : 'failed');
      const ipynb = join(runner.tutorialDir, `${name}.ipynb`);
      const text = readFileSync(ipynb, 'utf8');
      const executed = JSON.parse(text);
      const figureOutputs = executed.cells
        .flatMap((c: { outputs?: { data?: Record<string, unknown> }[] }) => c.outputs ?? [])
        .filter((o: { data?: Record<string, unknown> }) => o.data && MIME in o.data);
      const figures = figureOutputs.length;
      assert.ok(figures >= 1, 'the notebook shows at least one figure');
      // Tables and progress bars are HTML, not plotly: only plots and panels become plotly graphs on the page.
      const plots = figureOutputs.filter((o: { data: Record<string, { kind?: string }> }) => !['table', 'progress'].includes(o.data[MIME].kind ?? '')).length;
      // The notebook as saved: no plotly.js, text/html is the static SVG, each figure under the budget.
      assert.ok(!text.includes('plotly.js v'), 'plotly.js is not stored in the notebook');
      for (const o of figureOutputs) {
        const bytes = Buffer.byteLength(JSON.stringify(o, null, 1));
        assert.ok(bytes <= FIGURE_BUDGET, `a figure takes ${bytes} bytes of the saved notebook, at most ${FIGURE_BUDGET}`);
        assert.ok(!String(o.data['text/html']).includes('<script'), 'text/html is the static picture');
      }
      const html = runner.exportHtml(ipynb);
      const page = readFileSync(html, 'utf8');
      assert.equal(page.split('plotly.js v4').length - 1, 1, 'the exported page carries plotly.js once');
      process.stdout.write(
        `# ${name}: ${(Buffer.byteLength(text) / 1024).toFixed(0)} KB saved, ${figures} figures, page ${(Buffer.byteLength(page) / 1024 / 1024).toFixed(1)} MB\n`,
      );
      const tab = await browser.newPage({ viewport: { width: 1100, height: 1400 } });
      await tab.route('**/*', (route) => (route.request().url().startsWith('file:') ? route.continue() : route.abort('internetdisconnected')));
      await tab.goto(pathToFileURL(html).href);
      await tab.waitForFunction(
        (n) => Array.from(document.querySelectorAll('.tangent-lab-plot .js-plotly-plot')).filter((gd) => gd.querySelector('.main-svg')).length === n,
        plots,
        { timeout: 30_000 },
      );
      await tab.screenshot({ path: join(runner.tutorialDir, `${name}.png`), fullPage: true });
      await tab.close();
    });
  }
});

/** Listed at load time so that each notebook is its own test. */
function listTutorials(): string[] {
  const dir = join(__dirname, '..', 'notebooks');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ipynb'))
    .sort()
    .map((f) => join(dir, f));
}
