import assert from 'node:assert/strict';
import { runNode } from '../helpers/child-node';
import { describe, it } from 'node:test';
import { EVEN, FRESH, ODD, seriesRowJs, simdSeries, SQUARED, WANT_DOT, type SeriesStore } from '@tangent-lab/core/internal/simd/series';
import { DIRECT_BELOW, VarianceExpansions, type Parity } from '@tangent-lab/core/internal/special/variance-expansions';
import { hermiteSeriesActivation, DEFAULT_TOL } from '@tangent-lab/core/internal/stax/activations/hermite-series';

const tanh = (x: number) => Math.tanh(x);
const ACTIVATIONS: [string, (x: number) => number, (x: number) => number, Parity][] = [
  ['tanh (odd)', tanh, (x) => 1 - tanh(x) ** 2, 'odd'],
  ['cos (even)', Math.cos, (x) => -Math.sin(x), 'even'],
  ['exp(x/3) (no parity)', (x) => Math.exp(x / 3), (x) => Math.exp(x / 3) / 3, 'none'],
];

/**
 * A row in a store, as the kernels lay it out: q11's expansion and columns
 * with variances from tiny (below DIRECT_BELOW, summed in JavaScript) to
 * large, correlations from 0 to ±1, the diagonal, and expansions grown to
 * different lengths, so that some entries are summed and others deferred.
 */
function layRow(expansions: VarianceExpansions, q11: number, n: number): { store: SeriesStore; head: number } {
  const variances = [q11, 0.3, 1.7, 5.5, 0.5 * DIRECT_BELOW, 2.2, 11];
  const e1 = expansions.at(q11);
  e1.growA(12);
  const q22 = new Float64Array(n + 1);
  const q12 = new Float64Array(n);
  const heads = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const q = variances[k % variances.length];
    const e = expansions.at(q);
    e.growA(4 * (k % 5));
    const rho = k === 0 ? 1 : [0.999, -1, 0, 0.6, -0.35, 1, 0.9][k % 7];
    q22[k] = q;
    q12[k] = rho * Math.sqrt(q11 * q);
    heads[k] = e.header;
  }
  const store = expansions.store;
  const row = store.rows(n);
  row.q22 = store.alloc(8 * (n + 1));
  row.cols = store.alloc(4 * n);
  store.f64.set(q22, row.q22 >> 3);
  store.f64.set(q12, row.q12 >> 3);
  store.i32.set(heads, row.cols >> 2);
  return { store, head: e1.header };
}

describe('Mehler rows on WebAssembly SIMD (simd/series)', () => {
  it('run on this engine', () => assert.ok(simdSeries(), 'WebAssembly SIMD is not available: the Mehler rows would run in JavaScript'));

  for (const [name, phi, grad, parity] of ACTIVATIONS) {
    it(`give the JavaScript twin's bits for ${name}: every summed entry, the deferred entries' correlations, and the same deferred entries`, () => {
      const mode = (parity === 'odd' ? ODD : 0) | (parity === 'even' ? EVEN : 0) | (parity !== 'none' ? SQUARED : 0) | WANT_DOT;
      for (const [q11, n, split2, slope2] of [
        [1.7, 1, 0, 0],
        [1.7, 40, 0, 0],
        [0.3, 33, 0.25, 0],
        [5.5, 64, 0, 0.25],
      ]) {
        const expansions = new VarianceExpansions(phi, grad, parity, name);
        const { store, head } = layRow(expansions, q11, n);
        const row = store.row;
        // The twin works on a copy of the memory as it is before the module runs.
        const copy = store.f64.buffer.slice(0);
        const f = new Float64Array(copy);
        const w = new Int32Array(copy);
        const limit = 0.25 * DEFAULT_TOL ** 2;
        const deferred = store.seriesRow(head, q11, row.all, n, limit, mode | FRESH, split2, slope2);
        const deferredJs = seriesRowJs(f, w, head, q11, row, row.all, n, limit, mode | FRESH, split2, slope2);
        const where = `${name}, q11 = ${q11}, n = ${n}`;
        assert.equal(deferred, deferredJs, where);
        if (n > 1) assert.ok(deferred > 0 && deferred < n - 1, `${where}: ${deferred} deferred — the row should mix summed and deferred entries`);
        const pend = row.pending >> 2;
        assert.deepEqual(store.i32.subarray(pend, pend + 2 * deferred), w.subarray(pend, pend + 2 * deferred), `${where}: deferred entries`);
        for (const out of [row.t >> 3, row.tDot >> 3]) {
          const got = store.f64.subarray(out, out + n);
          const want = f.subarray(out, out + n);
          for (let k = 0; k < n; k++) assert.ok(Object.is(got[k], want[k]), `${where}, entry ${k}: SIMD ${got[k]}, JavaScript ${want[k]}`);
        }
      }
    });
  }

  it('a kernel row over more variances than an activation caches starts a new store, with the same values as a fresh activation', () => {
    const fresh = () => hermiteSeriesActivation('tanh', tanh, (x) => 1 - tanh(x) ** 2, DEFAULT_TOL);
    const act = fresh();
    const row = act.dualRow as NonNullable<typeof act.dualRow>;
    // 9000 distinct variances: past the cache's 8192, so the next row starts over.
    const n = 9000;
    const q22 = Float64Array.from({ length: n }, (_, k) => 0.5 + k * 1e-4);
    const q12 = q22.map((q, k) => (k % 3 === 0 ? 0.4 : -0.8) * Math.sqrt(1.1 * q));
    row(1.1, q12, q22, n, new Float64Array(n), new Float64Array(n));
    const m = 50;
    const t = new Float64Array(m);
    const tDot = new Float64Array(m);
    row(2.3, q12.subarray(0, m), q22.subarray(0, m), m, t, tDot);
    const again = fresh();
    const t2 = new Float64Array(m);
    const tDot2 = new Float64Array(m);
    (again.dualRow as NonNullable<typeof again.dualRow>)(2.3, q12.subarray(0, m), q22.subarray(0, m), m, t2, tDot2);
    assert.deepEqual(t, t2);
    assert.deepEqual(tDot, tDot2);
  });

  it('an activation whose cache starts over row after row keeps its memory bounded, also in a synchronous loop', () => {
    // Twelve rows of 9000 new variances each: every row starts the cache over in a new store.
    // The entries a row leaves to be summed from the store had their buffers sized at twice
    // the last store's on each start-over (2¹² times a row's worth by the last row), and an
    // old store's memory came back only once it was collected and the event loop turned,
    // which this synchronous loop never lets happen: 512 MiB and more, where it now stays at
    // one store's worth.
    const script = `
      const { seriesMemoryBytes } = require('@tangent-lab/core/internal/simd/series');
      const { hermiteSeriesActivation, DEFAULT_TOL } = require('@tangent-lab/core/internal/stax/activations/hermite-series');
      const act = hermiteSeriesActivation('tanh', Math.tanh, (x) => 1 - Math.tanh(x) ** 2, DEFAULT_TOL);
      const n = 9000;
      let largest = 0;
      for (let r = 0; r < 12; r++) {
        const q22 = Float64Array.from({ length: n }, (_, k) => 0.5 + r + k * 1e-4);
        const q12 = q22.map((q, k) => (k % 3 === 0 ? 0.4 : -0.8) * Math.sqrt(1.1 * q));
        act.dualRow(1.1, q12, q22, n, new Float64Array(n), new Float64Array(n));
        largest = Math.max(largest, seriesMemoryBytes());
      }
      console.log(largest);`;
    const out = runNode(script, { TANGENT_LAB_THREADS: '1' });
    assert.equal(out.status, 0, out.stderr);
    const bytes = Number(out.stdout);
    assert.ok(bytes > 0 && bytes <= 32 * 2 ** 20, `the series stores grew to ${(bytes / 2 ** 20).toFixed(0)} MiB`);
  });

  it('TANGENT_LAB_SIMD=0 sums in JavaScript, with the same kernels bit for bit', () => {
    const script = `
      const { stax } = require('@tangent-lab/core');
      const { simdSeries } = require('@tangent-lab/core/internal/simd/series');
      const x = Array.from({ length: 9 }, (_, i) => [Math.sin(i + 1), Math.cos(2 * i), 0.1 * i - 0.4].map((v) => (0.2 + 0.3 * i) * v));
      const act = stax.elementwise((v) => 1 / (1 + Math.exp(-v)));
      const k = stax.serial(stax.dense(8, { wStd: 1.5, bStd: 0.1 }), act, stax.dense(8, { wStd: 1.2, bStd: 0.05 }), act, stax.dense(1)).kernel(x);
      console.log(JSON.stringify({ simd: simdSeries(), nngp: Array.from(k.nngp.data), ntk: Array.from(k.ntk.data) }));`;
    const run = (setting: string) => {
      const out = runNode(script, { TANGENT_LAB_SIMD: setting, TANGENT_LAB_THREADS: '1' });
      assert.equal(out.status, 0, out.stderr);
      return JSON.parse(out.stdout) as { simd: boolean; nngp: number[]; ntk: number[] };
    };
    const on = run('1');
    const off = run('0');
    assert.equal(on.simd, true);
    assert.equal(off.simd, false);
    assert.deepEqual(off.nngp, on.nngp);
    assert.deepEqual(off.ntk, on.ntk);
  });
});
