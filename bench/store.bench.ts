/**
 * A kernel bigger than memory: the NNGP + NTK of a 10-layer ReLU network on
 * 20,000 inputs (2 × 3.2 GB in float64) written to an on-disk store by
 * `batch(net.kernel, { store, workers: 2 })`, with the resident set size
 * sampled throughout (goal: peak within 512 MiB of the baseline), then read
 * back in row blocks. `STORE_BENCH_N` sets the number of inputs.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { batch, formatProgress, stax, type Layer } from '@tangent-lab/core';

const N = Number(process.env.STORE_BENCH_N ?? 20_000);
const D = 100;
const DEPTH = 10;
const BATCH = 1000;
const MiB = 2 ** 20;

function net(): Layer {
  const layers: Layer[] = [];
  for (let l = 0; l < DEPTH; l++) layers.push(stax.dense(512, { wStd: Math.SQRT2, bStd: 0.1 }), stax.relu());
  layers.push(stax.dense(1, { wStd: Math.SQRT2, bStd: 0.1 }));
  return stax.serial(...layers);
}

function inputs(n: number, d: number): Float64Array[] {
  let s = 12345;
  const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296;
  return Array.from({ length: n }, () => Float64Array.from({ length: d }, () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u())));
}

/** Peak resident set size since the last reset (VmHWM), in bytes. */
function peakRss(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

async function main(): Promise<void> {
  const x = inputs(N, D).map((r) => [...r]);
  const layer = net();
  const dir = mkdtempSync(join(tmpdir(), 'tangent-store-bench-'));
  try {
    global.gc?.();
    const baseline = process.memoryUsage.rss();
    // Resets VmHWM to the current RSS (Linux ≥ 4.0), so the peak below is this run's.
    try {
      writeFileSync('/proc/self/clear_refs', '5');
    } catch {
      // not Linux: the sampled peak below still applies
    }
    let sampled = baseline;
    const sampler = setInterval(() => {
      sampled = Math.max(sampled, process.memoryUsage.rss());
    }, 20);
    let lastShown = 0;
    const t0 = performance.now();
    const stored = await batch(layer.kernel, {
      batchSize: BATCH,
      workers: 2,
      store: dir,
      onProgress: (p) => {
        if (p.done === p.total || performance.now() - lastShown > 15_000) {
          lastShown = performance.now();
          console.log(`  ${formatProgress(p)}   RSS ${(process.memoryUsage.rss() / MiB).toFixed(0)} MiB`);
        }
      },
    })(x);
    const seconds = (performance.now() - t0) / 1000;
    clearInterval(sampler);
    const peak = Math.max(sampled, peakRss());
    const tiles = readdirSync(join(dir, 'tiles'));
    const bytes = tiles.reduce((s, f) => s + statSync(join(dir, 'tiles', f)).size, 0);
    const r0 = performance.now();
    const rows = stored.ntk!.readRows(N - BATCH, N);
    const readSeconds = (performance.now() - r0) / 1000;
    // Below the diagonal the store holds Θ(x_j, x_i) (tile (c, r), transposed), computed as here.
    const expectedColumn = layer.kernel(x.slice(0, 50), [x[N - 1]], 'ntk');
    let worst = 0;
    for (let j = 0; j < 50; j++) worst = Math.max(worst, Math.abs(rows.get(BATCH - 1, j) - expectedColumn.get(j, 0)));

    console.log(`NNGP + NTK, ${DEPTH}-layer ReLU, ${N} inputs × ${D} features into a store, ${BATCH}-row tiles, 2 workers`);
    console.log(
      `  kernel size in memory would be  ${((2 * N * N * 8) / 2 ** 30).toFixed(2)} GiB; on disk (upper triangle of tiles) ${(bytes / 2 ** 30).toFixed(2)} GiB in ${tiles.length} files`,
    );
    console.log(`  time                             ${seconds.toFixed(1)} s  (${((N * (N + 1)) / 2 / seconds / 1e6).toFixed(2)} M entries/s of each kernel)`);
    console.log(
      `  RSS baseline ${(baseline / MiB).toFixed(0)} MiB, peak ${(peak / MiB).toFixed(0)} MiB: +${((peak - baseline) / MiB).toFixed(0)} MiB   (goal ≤ +512 MiB)`,
    );
    console.log(
      `  read back ${BATCH} rows (${((BATCH * N * 8) / MiB).toFixed(0)} MiB) in ${readSeconds.toFixed(2)} s; last row vs the same entries computed directly: max |Δ| = ${worst}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
