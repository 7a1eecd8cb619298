import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

/**
 * Every ```ts block of the README runs as written (as an ES module, so
 * top-level await works), and every `console.log(…); // expected` line prints
 * what its comment says.
 */
const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);

describe('README examples', () => {
  it('has examples', () => assert.ok(blocks.length >= 2));

  blocks.forEach((code, index) => {
    it(`block ${index + 1} runs and prints what its comments say`, () => {
      const dir = mkdtempSync(join(__dirname, '.readme-'));
      try {
        const file = join(dir, 'example.mts');
        writeFileSync(file, code);
        const r = spawnSync(process.execPath, ['--import', 'tsx', file], { encoding: 'utf8', cwd: __dirname });
        assert.equal(r.status, 0, `README block ${index + 1} failed:\n${r.stderr}`);
        const printed = r.stdout;
        for (const m of code.matchAll(/console\.log\([^\n]*\);\s*\/\/ ([^:\n]+?)(?::|$)/gm)) {
          const expected = m[1].trim();
          if (/^[\w\s.-]+$/.test(expected) && !/\s(outputs?|of)\s/.test(expected)) {
            assert.ok(printed.split('\n').some((line) => line.trim() === expected), `expected a line "${expected}" in:\n${printed}`);
          }
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
