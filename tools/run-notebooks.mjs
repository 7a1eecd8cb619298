#!/usr/bin/env node
// `npm run tutorial`: executes every notebook in notebooks/ headlessly with the
// tslab kernel and writes the executed .ipynb and a standalone .html of each to
// out/tutorial/. Arguments filter notebooks by substring. The kernelspec is
// installed into a private Jupyter directory under out/, never the user's.
//
// The executed notebook is what a user's saved notebook would be: figures
// stored light, with a static SVG as text/html. The HTML page is exported from
// a copy whose figures are interactive, plotly.js injected once per page
// (interactiveNotebook of @tangent-lab/display), so the page works offline.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const notebooksDir = join(root, 'notebooks');
export const tutorialDir = join(root, 'out', 'tutorial');
const jupyterPrefix = join(root, 'out', '.jupyter');
const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
/** Seconds a single cell may run (TANGENT_LAB_CELL_TIMEOUT overrides). */
export const cellTimeout = Number(process.env.TANGENT_LAB_CELL_TIMEOUT ?? 300);

/** Environment pointing Jupyter at the private directory only. */
export function jupyterEnv() {
  const data = join(jupyterPrefix, 'share', 'jupyter');
  return {
    ...process.env,
    JUPYTER_PATH: data,
    JUPYTER_DATA_DIR: data,
    JUPYTER_CONFIG_DIR: join(jupyterPrefix, 'config'),
    JUPYTER_RUNTIME_DIR: join(jupyterPrefix, 'runtime'),
    JUPYTER_PLATFORM_DIRS: '1',
  };
}

/** Writes the tslab kernelspec (and the JupyterLab extension) with our own installer. */
export function installKernel() {
  const r = spawnSync(process.execPath, [join(root, 'kernel-ext', 'bin', 'tangent-lab.mjs'), 'install', '--prefix', jupyterPrefix], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tangent-lab install failed: ${r.stderr || r.stdout}`);
}

/** The notebooks, in order, optionally filtered by substrings. */
export function listNotebooks(filters = []) {
  return readdirSync(notebooksDir)
    .filter((f) => f.endsWith('.ipynb'))
    .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
    .sort()
    .map((f) => join(notebooksDir, f));
}

/**
 * Executes one notebook into `outDir/<name>.ipynb`; returns { ok, seconds,
 * cells, failure } where failure names the cell index, its source and the
 * error text.
 */
export function executeNotebook(path, outDir = tutorialDir, timeout = cellTimeout) {
  const r = spawnSync(python, [join(root, 'tools', 'notebooks', 'execute.py'), path, outDir, String(timeout), 'tslab'], {
    encoding: 'utf8',
    env: jupyterEnv(),
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.status !== 0) {
    return {
      ok: false,
      seconds: 0,
      cells: [],
      failure: { cell: -1, source: '', error: `the notebook runner itself failed (is Debian's python3-nbclient installed?):\n${r.stderr.trim()}` },
    };
  }
  return JSON.parse(r.stdout);
}

/** @tangent-lab/display as built in this workspace. */
function display() {
  return createRequire(join(root, 'packages', 'display', 'package.json'))('./dist/index.js');
}

/**
 * Exports an executed notebook to `<outDir>/<name>.html`: one page with
 * interactive figures and plotly.js once. Returns the page's path.
 */
export function exportHtml(ipynbPath, outDir = tutorialDir) {
  const name = basename(ipynbPath, '.ipynb');
  const staging = join(outDir, '.export');
  mkdirSync(staging, { recursive: true });
  const page = join(staging, `${name}.ipynb`);
  writeFileSync(page, JSON.stringify(display().interactiveNotebook(JSON.parse(readFileSync(ipynbPath, 'utf8')))));
  const html = join(outDir, `${name}.html`);
  const r = spawnSync(python, [join(root, 'tools', 'notebooks', 'export.py'), page, html], { encoding: 'utf8', env: jupyterEnv() });
  rmSync(page, { force: true });
  if (r.status !== 0) throw new Error(`exporting ${name} to HTML failed (is Debian's jupyter-nbconvert installed?):\n${r.stderr.trim()}`);
  return html;
}

/** A report a person can act on: notebook, cell, its source, the error. */
export function describeFailure(path, failure) {
  const source = failure.source
    .split('\n')
    .map((line) => `    | ${line}`)
    .join('\n');
  return `${basename(path)}, cell ${failure.cell}:\n${source}\n  error:\n${failure.error
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n')}`;
}

function main(filters) {
  const notebooks = listNotebooks(filters);
  if (notebooks.length === 0) {
    console.error(`no notebooks in notebooks/ match ${filters.join(', ')}`);
    return 1;
  }
  installKernel();
  let failed = 0;
  const start = Date.now();
  for (const path of notebooks) {
    const result = executeNotebook(path);
    const executed = join(tutorialDir, basename(path));
    if (existsSync(executed)) exportHtml(executed);
    if (result.ok) {
      console.log(`ok   ${basename(path)} (${result.seconds.toFixed(1)} s, ${result.cells.length} code cells)`);
    } else {
      failed++;
      console.log(`FAIL ${basename(path)}\n${describeFailure(path, result.failure)}`);
    }
  }
  console.log(
    `\n${notebooks.length - failed} passed, ${failed} failed in ${((Date.now() - start) / 1000).toFixed(1)} s; executed notebooks and HTML in ${tutorialDir}`,
  );
  return failed === 0 ? 0 : 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = main(process.argv.slice(2));
