import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { NATIVE_FILE } from '@tangent-lab/core/internal/native/library';
import { built, compiler } from '../helpers/kernel-digests';

/**
 * A C program that loads the library, runs rows on two threads (the calling
 * one and a pooled one, `tl_parallel_rows`) and unloads the library at once,
 * while the pooled thread still polls for its next part in the library's
 * code, as Node does when it exits after a kernel; then prints the rows'
 * sum.
 */
const PROGRAM = `
#include <dlfcn.h>
#include <stdio.h>
static double done[64];
static void rows(const void *job, int g0, int g1) {
  (void)job;
  for (int i = g0; i < g1; i++) {
    double s = 0;
    for (int k = 0; k < 20000; k++) s += (double)(i + k) * 1e-9;
    done[i] = s;
  }
}
int main(int argc, char **argv) {
  (void)argc;
  for (int round = 0; round < 5; round++) {
    void *lib = dlopen(argv[1], RTLD_NOW);
    if (lib == NULL) { fprintf(stderr, "%s\\n", dlerror()); return 2; }
    void (*parallel)(void (*)(const void *, int, int), const void *, int, int, int, int) =
        (void (*)(void (*)(const void *, int, int), const void *, int, int, int, int))dlsym(lib, "tl_parallel_rows");
    parallel(rows, NULL, 0, 64, 1, 2);
    dlclose(lib);
  }
  double s = 0;
  for (int i = 0; i < 64; i++) s += done[i];
  printf("%.6f\\n", s);
  return 0;
}
`;

describe('native threads (native/threads.c)', () => {
  it('stop before the library is unloaded: a process that unloads it right after rows on two threads ends cleanly', (t) => {
    if (!built || !compiler) {
      t.skip('the native library is not built here');
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), 'tangent-lab-threads-'));
    try {
      writeFileSync(join(dir, 'unload.c'), PROGRAM);
      const exe = join(dir, 'unload');
      const cc = spawnSync(process.env.CC || 'cc', ['-O1', '-o', exe, join(dir, 'unload.c'), '-ldl'], { encoding: 'utf8' });
      assert.equal(cc.status, 0, cc.stderr);
      const library = join(__dirname, '..', '..', 'dist', 'native', NATIVE_FILE);
      for (let run = 0; run < 5; run++) {
        const r = spawnSync(exe, [library], { encoding: 'utf8', timeout: 20000 });
        assert.equal(r.signal, null, `the process was ended by ${r.signal} (run ${run})`);
        assert.equal(r.status, 0, r.stderr);
        // Every row was summed, by one thread or the other.
        const want = Array.from({ length: 64 }, (_, i) => {
          let s = 0;
          for (let k = 0; k < 20000; k++) s += (i + k) * 1e-9;
          return s;
        }).reduce((a, b) => a + b, 0);
        assert.ok(Math.abs(Number(r.stdout) - want) < 1e-6 * want, `sum ${r.stdout.trim()}, want ${want}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
