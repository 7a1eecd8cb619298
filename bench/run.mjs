#!/usr/bin/env node
// Runs every bench/*.bench.ts (or those matching the arguments) one after the
// other — never in parallel, so they do not disturb each other's timings. Each
// benchmark measures its numpy/scipy baseline in the same run and prints ratios.
//
// `--priority`: on a machine shared with other users' work, Linux shares the
// cores between sessions ("autogroups"), not threads, so a multi-threaded
// benchmark gets no more CPU than a single-threaded one when others are busy.
// With this flag each benchmark runs in a session of its own with a raised
// autogroup priority (needs root), so it gets the cores it measures.
import { spawn } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const priority = args.includes('--priority');
const filters = args.filter((a) => a !== '--priority');
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();

function runOne(file) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(here, file)], { cwd: join(here, '..'), stdio: 'inherit', detached: priority });
    if (priority) {
      try {
        writeFileSync(`/proc/${child.pid}/autogroup`, '-15');
      } catch (error) {
        console.log(`(--priority: could not raise the autogroup priority: ${error.message})`);
      }
    }
    child.on('exit', (code) => resolve(code));
  });
}

let failed = 0;
for (const file of files) {
  console.log(`\n=== ${file} ===`);
  if ((await runOne(file)) !== 0) failed++;
}
console.log(`\n${files.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
