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
            assert.ok(
              printed.split('\n').some((line) => line.trim() === expected),
              `expected a line "${expected}" in:\n${printed}`,
            );
          }
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});

describe('the documentation asks the registry for nothing that is not ours', () => {
  const docs = ['README.md', 'DEVELOPERS.md', 'kernel-ext/README.md', 'packages/display/README.md'];
  for (const doc of docs) {
    it(doc, () => {
      const text = readFileSync(join(__dirname, '..', doc), 'utf8');
      // npx, npm exec, pnpm dlx and yarn dlx fetch a package by name when it is not installed here.
      const fetches = [...text.matchAll(/\b(npx|npm exec|pnpm dlx|yarn dlx)\s+([@\w./-]+)/g)].map((m) => m[0]);
      assert.deepEqual(fetches, [], `commands that may fetch from the registry: ${fetches.join(', ')}`);
    });
  }
});
