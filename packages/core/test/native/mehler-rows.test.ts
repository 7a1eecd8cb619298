import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runNode } from '../helpers/child-node';
import { inputs } from '../helpers/compare';
import { assertSameBitsEverywhere, built, kernelDigests, SERIES_ON_WORKERS, wide } from '../helpers/kernel-digests';

/**
 * Numerical activations of every parity the sums treat apart: tanh (odd),
 * sigmoid (½ + odd), softplus (x/2 + even), and a φ of no parity (series in
 * ρ, not ρ²), with biases and without (a zero input then has variance 0).
 */
const LAYERS = `[
  stax.dense(32, { wStd: 1.5 }), stax.tanh(),
  stax.dense(32, { wStd: 1.3, bStd: 0.1 }), stax.elementwise((x) => 1 / (1 + Math.exp(-x))),
  stax.dense(32, { wStd: 1.2, bStd: 0.2 }), stax.elementwise((x) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)))),
  stax.dense(32, { wStd: 1.1, bStd: 0.05 }), stax.elementwise((x) => Math.tanh(x) + 0.2 * Math.exp(-x * x)),
  stax.dense(2, { wStd: 1.1 }),
]`;

/** Numerical activations among closed forms: the kernel then runs row by row, each row's sums through `tl_mehler_row`. */
const MIXED = `[
  stax.dense(32, { wStd: 1.5, bStd: 0.1 }), stax.tanh(),
  stax.dense(32, { wStd: 1.4 }), stax.relu(),
  stax.dense(32, { wStd: 1.2, bStd: 0.2 }), stax.elementwise((x) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)))),
  stax.dense(2, { wStd: 1.1 }),
]`;

/**
 * 301 rows (over 2¹⁶ entries, so split over worker threads when there are
 * two; groups of eight lanes end unevenly), with a zero row (variance 0: a
 * constant series), a tiny one (a variance below 2⁻¹⁰, whose series of φ′
 * is its own: summed in JavaScript), a repeated row (correlation 1, the
 * longest series), a negated one (−1) and a scaled one.
 */
function awkwardInputs(): number[][] {
  const x = inputs(301, 5, 21);
  x[0] = x[0].map(() => 0);
  x[5] = x[4].map((v) => 1e-3 * v);
  x[7] = [...x[3]];
  x[8] = x[3].map((v) => -v);
  x[9] = x[3].map((v) => 3 * v);
  return x;
}

/**
 * Large variances and two inputs almost alike (correlation 1 − 1e−9):
 * series past the 256 coefficients a packed column holds; with tol = 1e−14
 * they run to their ends, which must not be taken for the column's.
 */
function longSeriesInputs(): number[][] {
  const x = inputs(50, 5, 3).map((row) => row.map((v) => 4 * v));
  x[1] = x[0].map((v) => v * (1 + 1e-9));
  return x;
}

describe('native Mehler rows (native/mehler-rows.c)', () => {
  const native = runNode("console.log(require('@tangent-lab/core/internal/native/mehler-rows').nativeMehler())", {});

  it('run wherever the native library runs', (t) => {
    assert.equal(native.status, 0, native.stderr);
    if (!wide || !built) {
      t.skip(`native kernels do not run here (${!built ? 'not built' : 'x86-64 with AVX2 needed'})`);
      return;
    }
    assert.equal(native.stdout.trim(), 'true');
  });

  for (const [what, layers] of [
    ['layer by layer on whole kernels on one thread (tl_mehler_rows), row by row on worker threads', LAYERS],
    ['row by row among closed forms (tl_mehler_row)', MIXED],
  ]) {
    it(`give the bits of WebAssembly and of JavaScript, ${what}, on 2 threads and on 1, symmetric or not, NNGP and NTK or NNGP alone`, (t) => {
      if (native.stdout.trim() !== 'true') {
        t.skip('the native Mehler rows do not run here (the native library does not)');
        return;
      }
      assertSameBitsEverywhere(layers, JSON.stringify(awkwardInputs()), JSON.stringify(inputs(150, 5, 22)));
    });
  }

  it("give the same bits with AVX2's four lanes as on WebAssembly, whole kernels and rows among closed forms", (t) => {
    if (!wide || !built) {
      t.skip(`native kernels do not run here (${!built ? 'not built' : 'x86-64 with AVX2 needed'})`);
      return;
    }
    const x = JSON.stringify(awkwardInputs());
    const y = JSON.stringify(inputs(150, 5, 22));
    const fourLanes = "require('@tangent-lab/core/internal/native/mehler-rows').useMehlerLanes(4);";
    for (const layers of [LAYERS, MIXED]) {
      const wasm = kernelDigests(layers, x, y, { TANGENT_LAB_NATIVE: '0' }, 'both');
      for (const threads of ['1', '2']) {
        const four = kernelDigests(layers, x, y, { TANGENT_LAB_THREADS: threads }, 'both', threads === '2' ? fourLanes + SERIES_ON_WORKERS : fourLanes);
        assert.equal(four.native, true);
        assert.equal(four.sums, wasm.sums, `four lanes on ${threads} thread(s) differ from WebAssembly`);
      }
    }
  });

  it('give the same bits from the pooled thread of native/threads.c whether it was polling or asleep', (t) => {
    if (native.stdout.trim() !== 'true') {
      t.skip('the native Mehler rows do not run here (the native library does not)');
      return;
    }
    // The rows of a whole kernel on two threads (this one and a pooled one): right after a call the pooled thread
    // polls for its next part; after 20 ms it sleeps and is woken.
    const digests = (env: Record<string, string>) => {
      const r = runNode(
        `const { stax } = require('@tangent-lab/core');
        const { createHash } = require('node:crypto');
        const net = stax.serial(...${LAYERS});
        const x = ${JSON.stringify(awkwardInputs())};
        const digest = () => {
          const k = net.kernel(x);
          const h = createHash('sha256');
          for (const m of [k.nngp, k.ntk]) h.update(Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength));
          return h.digest('hex');
        };
        const first = digest();
        const polled = digest();
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
        const woken = digest();
        console.log(JSON.stringify({ native: stax.nativeInfo().enabled, sums: [first, polled, woken] }));`,
        env,
        // A thread that is never woken would hang the call: killed, it fails here.
        120_000,
      );
      assert.equal(r.status, 0, `status ${r.status} (null: killed after two minutes)\n${r.stderr}`);
      return JSON.parse(r.stdout) as { native: boolean; sums: string[] };
    };
    const pooled = digests({ TANGENT_LAB_THREADS: '2' });
    assert.equal(pooled.native, true);
    const [wasm] = digests({ TANGENT_LAB_NATIVE: '0' }).sums;
    assert.deepEqual(pooled.sums, [wasm, wasm, wasm], 'a first call, a call while the pooled thread polls, and one after it slept');
  });

  it('give the bits of WebAssembly for the entries the rows leave, summed natively as a list or from the store', (t) => {
    if (native.stdout.trim() !== 'true') {
      t.skip('the native Mehler rows do not run here (the native library does not)');
      return;
    }
    // Without growth to each expansion's reach, every expansion starts empty and the rows leave most entries.
    const counted = (reach: boolean) => {
      const r = runNode(
        `const series = require('@tangent-lab/core/internal/stax/activations/hermite-series');
        series.useGrowthToReach(${reach});
        const { stax } = require('@tangent-lab/core');
        stax.serial(...${LAYERS}).kernel(${JSON.stringify(awkwardInputs())});
        console.log(JSON.stringify(series.leftEntryCounts));`,
        { TANGENT_LAB_THREADS: '1' },
      );
      assert.equal(r.status, 0, r.stderr);
      return JSON.parse(r.stdout) as { list: number; store: number };
    };
    const without = counted(false);
    const grown = counted(true);
    assert.ok(without.list > 1000, `the rows should leave many entries without growth to reach, got ${without.list}`);
    // The tiny input's own series of φ′ is summed from the store either way.
    assert.ok(without.store > 0 && grown.store > 0, `entries of the store: ${without.store}, ${grown.store}`);
    assert.ok(grown.list < without.list / 10, `growth to reach should leave few entries to the list: ${grown.list} against ${without.list}`);
    const x = JSON.stringify(awkwardInputs());
    const y = JSON.stringify(inputs(150, 5, 22));
    const wasm = kernelDigests(LAYERS, x, y, { TANGENT_LAB_NATIVE: '0' }, 'both');
    // On one thread, and on two (the rows in two parts at once, each with its list of entries left).
    for (const threads of ['1', '2']) {
      const left = kernelDigests(
        LAYERS,
        x,
        y,
        { TANGENT_LAB_THREADS: threads },
        'both',
        "require('@tangent-lab/core/internal/stax/activations/hermite-series').useGrowthToReach(false);",
      );
      assert.equal(left.native, true);
      assert.equal(left.sums, wasm.sums, `entries left by the rows differ from WebAssembly on ${threads} thread(s)`);
    }
  });

  it("find each row's and column's reach: the largest squared correlation of its entries, the diagonal's aside (tl_mehler_reach, on 1 and 2 threads)", (t) => {
    if (native.stdout.trim() !== 'true') {
      t.skip('the native Mehler rows do not run here (the native library does not)');
      return;
    }
    const r = runNode(
      `const { nativeMehlerReach } = require('@tangent-lab/core/internal/native/mehler-rows');
      let s = 5;
      const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296;
      const out = [];
      for (const [n1, n2, symmetric, threads] of [[37, 37, true, 1], [13, 22, false, 1], [37, 37, true, 2], [13, 22, false, 2], [5, 9, false, 2]]) {
        const var1 = Float64Array.from({ length: n1 }, () => 0.2 + 2 * u());
        // Column 3 shares row 3's variance: its entry there is the diagonal's when q12 >= q11.
        const var2 = symmetric ? var1 : Float64Array.from({ length: n2 }, (_, j) => (j === 3 ? var1[3] : 0.2 + 2 * u()));
        const nngp = new Float64Array(n1 * n2).map((_, k) => (2 * u() - 1) * Math.sqrt(var1[Math.floor(k / n2)] * var2[k % n2]));
        for (let i = 0; i < Math.min(n1, n2); i++) if (var1[i] === var2[i]) nngp[i * n2 + i] = var1[i];
        nngp[2 * n2 + 5] = NaN;
        const reach1 = new Float64Array(n1), reach2 = new Float64Array(n2);
        nativeMehlerReach(nngp, var1, var2, n1, n2, symmetric, reach1, reach2, null, threads);
        // The reference: quotients, not products with reciprocals; NaN reaches 1.
        const want1 = new Float64Array(n1), want2 = new Float64Array(n2);
        for (let i = 0; i < n1; i++) for (let j = symmetric ? i : 0; j < n2; j++) {
          const q12 = nngp[i * n2 + j];
          if (var2[j] === var1[i] && q12 >= var1[i]) continue;
          const c = Number.isNaN(q12) ? 1 : Math.min(1, (q12 * q12) / (var1[i] * var2[j]));
          want1[i] = Math.max(want1[i], c);
          want2[j] = Math.max(want2[j], c);
        }
        const gap = (a, b) => Math.max(...Array.from(a, (v, k) => Math.abs(v - b[k])));
        out.push([gap(reach1, want1), gap(reach2, want2), reach1[2], Math.max(...reach1)]);
      }
      console.log(JSON.stringify(out));`,
      {},
    );
    assert.equal(r.status, 0, r.stderr);
    for (const [rows, columns, nanRow, largest] of JSON.parse(r.stdout) as number[][]) {
      assert.ok(rows <= 1e-15 && columns <= 1e-15, `reach off by ${rows} (rows), ${columns} (columns)`);
      assert.ok(largest < 1 || nanRow === 1, 'only the NaN entry reaches 1');
    }
  });

  it('give the bits of WebAssembly for series longer than a packed column holds (entries summed from the store)', (t) => {
    if (native.stdout.trim() !== 'true') {
      t.skip('the native Mehler rows do not run here (the native library does not)');
      return;
    }
    const x = longSeriesInputs();
    assertSameBitsEverywhere(
      '[stax.dense(8, { wStd: 2 }), stax.tanh({ tol: 1e-14 }), stax.dense(2)]',
      JSON.stringify(x),
      JSON.stringify(x.slice(0, 20).reverse()),
    );
  });
});
