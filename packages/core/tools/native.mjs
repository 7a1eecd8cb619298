// Builds the package's native kernels (src/native/*.c) into
// dist/native/libtangent-lab.so with the system's C compiler ($CC, else cc).
// Optional: without a compiler (or on a failure) the build goes on, says so,
// and the kernels run on WebAssembly, with the same bits.
//
// -ffp-contract=off: no fused multiply-adds, so that every operation rounds
// as in JavaScript and WebAssembly and results are the same bits on every
// path. -fno-math-errno lets sqrt vectorise (it changes no value).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src', 'native');
const outDir = join(root, 'dist', 'native');
const out = join(outDir, 'libtangent-lab.so');
const sources = readdirSync(src)
  .filter((f) => f.endsWith('.c'))
  .sort()
  .map((f) => join(src, f));
const flags = ['-O3', '-std=c11', '-Wall', '-Wextra', '-fPIC', '-shared', '-pthread', '-ffp-contract=off', '-fno-math-errno'];
if (process.arch === 'x64') flags.push('-mprefer-vector-width=512');

mkdirSync(outDir, { recursive: true });
const compiler = process.env.CC || 'cc';
const partial = `${out}.${process.pid}`;
const result = spawnSync(compiler, [...flags, '-o', partial, ...sources, '-lm'], { encoding: 'utf8' });
if (result.error || result.status !== 0) {
  rmSync(partial, { force: true });
  rmSync(out, { force: true });
  const why = result.error ? result.error.message : result.stderr.trim();
  process.stdout.write(`[tangent-lab] native kernels not built (${why}); the kernels run on WebAssembly instead\n`);
} else {
  if (result.stderr.trim() !== '') process.stdout.write(result.stderr);
  renameSync(partial, out);
}
