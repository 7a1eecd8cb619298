#!/usr/bin/env node
// Runs every test file of the workspace with Node's built-in runner (TypeScript
// through tsx). Tests import the *built* packages, so they check what users get.
// Arguments filter the files by substring: `npm test -- linalg stax`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const searchRoots = ['packages', 'kernel-ext', 'lab', 'test'];

function collect(dir, out) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) collect(path, out);
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const filters = process.argv.slice(2);
const files = searchRoots
  .flatMap((r) => collect(join(root, r), []))
  .map((f) => relative(root, f))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();

if (files.length === 0) {
  console.error(`no test files match ${filters.join(', ')}`);
  process.exit(1);
}

/**
 * The test of the real JupyterLab front-end runs first, on its own: it drives
 * a browser and kernels against a time budget (issue 15: under 3 minutes),
 * and with the notebook runs beside it on a 2-core machine it would take
 * half as long again. Everything else runs two files at a time.
 */
const FIRST = ['jupyterlab.browser.test.ts'];
/**
 * The tutorial notebooks run last, on their own: tslab's compiler watches the
 * notebooks' folder and its parents, and files that other tests create in the
 * repository meanwhile can make it abort a cell ("Unexpected pending rebuildTimer").
 */
const LAST = ['test/notebooks.test.ts'];
const first = files.filter((f) => FIRST.some((name) => f.endsWith(name)));
const last = files.filter((f) => LAST.some((name) => f.endsWith(name)));
const rest = files.filter((f) => !first.includes(f) && !last.includes(f));

const tapDir = mkdtempSync(join(tmpdir(), 'tangent-lab-tests-'));
const totals = { pass: 0, fail: 0 };

/** Runs the files with Node's runner (spec report on screen, TAP on the side for the totals). */
function runFiles(list, concurrency, label) {
  if (list.length === 0) return 0;
  const tap = join(tapDir, `${label}.tap`);
  const result = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '--test',
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=tap',
      `--test-reporter-destination=${tap}`,
      `--test-concurrency=${concurrency}`,
      ...list,
    ],
    { cwd: root, stdio: 'inherit', env: { ...process.env, TANGENT_LAB_TEST: '1' } },
  );
  const text = readFileSync(tap, 'utf8');
  for (const key of ['pass', 'fail']) {
    const m = text.match(new RegExp(`^# ${key} (\\d+)$`, 'm'));
    totals[key] += m ? Number(m[1]) : 0;
  }
  return result.status ?? 1;
}

const statuses = [runFiles(first, 1, 'first'), runFiles(rest, 2, 'rest'), runFiles(last, 1, 'last')];
rmSync(tapDir, { recursive: true, force: true });
console.log(`\n${totals.pass} passed, ${totals.fail} failed`);
process.exit(statuses.find((s) => s !== 0) ?? 0);
