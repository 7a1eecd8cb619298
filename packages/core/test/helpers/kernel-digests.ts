import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { NATIVE_FILE } from '@tangent-lab/core/internal/native/library';
import { runNode } from './child-node';

/** The native library was built (dist/native/libtangent-lab.so). */
export const built = existsSync(join(__dirname, '..', '..', 'dist', 'native', NATIVE_FILE));
/** The native kernels run on this CPU (x86-64 with AVX2) when built. */
export const wide = process.arch === 'x64' && /\bavx2\b/.test(spawnSync('cat', ['/proc/cpuinfo'], { encoding: 'utf8' }).stdout ?? '');
/** A C compiler is here (the build then must have built the library). */
export const compiler = spawnSync(process.env.CC || 'cc', ['--version']).status === 0;

/**
 * sha256 of the NNGP and NTK (or the NNGP alone) of the network `layers`
 * (source of an array of stax layers) on x against itself and against y
 * (sources of expressions giving the inputs),
 * computed in a fresh process with `env` (the switches are read once per
 * process), after the statements `prelude`, and whether the native library
 * ran there.
 */
export function kernelDigests(
  layers: string,
  x: string,
  y: string,
  env: Record<string, string>,
  get: 'both' | 'nngp',
  prelude = '',
): { native: boolean; sums: string } {
  const script = `
    ${prelude}
    const { stax } = require('@tangent-lab/core');
    const { createHash } = require('node:crypto');
    const net = stax.serial(...${layers});
    const x = ${x};
    const y = ${y};
    const sums = [[x, null], [x, y]].map(([a, b]) => {
      const k = ${get === 'both' ? 'net.kernel(a, b)' : "({ nngp: net.kernel(a, b, 'nngp') })"};
      const h = createHash('sha256');
      for (const m of [k.nngp, k.ntk].filter(Boolean)) h.update(Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength));
      return h.digest('hex');
    });
    console.log(JSON.stringify({ native: stax.nativeInfo().enabled, sums: sums.join(' ') }));`;
  const r = runNode(script, env);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

/** Numerical activations split over worker threads however small the kernel (`useSeriesParallelEntries`). */
export const SERIES_ON_WORKERS = "require('@tangent-lab/core/internal/stax/deferred-duals').useSeriesParallelEntries(0);";

/**
 * Asserts that the kernels have the same bits natively (2 threads, rows of
 * numerical activations on the workers, and 1), on WebAssembly and in
 * JavaScript.
 */
export function assertSameBitsEverywhere(layers: string, x: string, y: string): void {
  for (const get of ['both', 'nngp'] as const) {
    const native = kernelDigests(layers, x, y, { TANGENT_LAB_THREADS: '2' }, get, SERIES_ON_WORKERS);
    assert.equal(native.native, true, 'the native library should run in this process');
    const wasm = kernelDigests(layers, x, y, { TANGENT_LAB_NATIVE: '0' }, get);
    assert.equal(wasm.native, false);
    assert.equal(native.sums, wasm.sums, `native differs from WebAssembly (${get})`);
    assert.equal(kernelDigests(layers, x, y, { TANGENT_LAB_SIMD: '0' }, get).sums, native.sums, `native differs from JavaScript (${get})`);
    assert.equal(kernelDigests(layers, x, y, { TANGENT_LAB_THREADS: '1' }, get).sums, native.sums, `native on one thread differs (${get})`);
    assert.equal(
      kernelDigests(layers, x, y, { TANGENT_LAB_THREADS: '2' }, get).sums,
      native.sums,
      `native on 2 threads, small numerical kernels alone, differs (${get})`,
    );
  }
}
