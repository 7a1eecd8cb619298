/**
 * Analytic NTK of a 10-layer ReLU network on 2000 inputs of dimension 100,
 * against numpy running the same recursion in the same run — with the kernel
 * rules on all cores (the default) and on one thread — and the speed-up of
 * `batch` on 2 worker threads over computing its tiles in the calling thread.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { batch, linalg, stax, type Layer } from '@tangent-lab/core';
import { threadCount } from '@tangent-lab/core/internal/workers/pool';

const N = 2000;
const D = 100;
const DEPTH = 10;
const REPEATS = 3;
const W_STD = Math.SQRT2;
const B_STD = 0.1;

function net(): Layer {
  const layers: Layer[] = [];
  for (let l = 0; l < DEPTH; l++) layers.push(stax.dense(512, { wStd: W_STD, bStd: B_STD }), stax.relu());
  layers.push(stax.dense(1, { wStd: W_STD, bStd: B_STD }));
  return stax.serial(...layers);
}

function gaussianInputs(n: number, d: number): number[][] {
  // Box–Muller from a fixed LCG: the same kind of data as the numpy baseline.
  let s = 12345;
  const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296;
  return Array.from({ length: n }, () => Array.from({ length: d }, () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u())));
}

async function best(fn: () => unknown | Promise<unknown>): Promise<number> {
  let t = Infinity;
  for (let r = 0; r < REPEATS; r++) {
    const t0 = performance.now();
    await fn();
    t = Math.min(t, (performance.now() - t0) / 1000);
  }
  return t;
}

/** Timings on one thread, measured in a child process (the thread count is fixed per process). */
function singleThreaded(): { kernel: number; batchInThread: number } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', __filename, '--single'], {
    env: { ...process.env, TANGENT_LAB_THREADS: '1' }, encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
}

async function main(): Promise<void> {
  const x = gaussianInputs(N, D);
  const layer = net();
  if (process.argv.includes('--single')) {
    const kernel = await best(() => layer.kernel(x));
    const batchInThread = await best(() => batch(layer.kernel, { batchSize: 500, workers: 0 })(x));
    console.log(JSON.stringify({ kernel, batchInThread }));
    return;
  }
  const ours = await best(() => layer.kernel(x));
  const single = singleThreaded();
  const py = spawnSync('python3', [join(__dirname, 'baselines', 'relu_ntk.py'), `${N}`, `${D}`, `${DEPTH}`, `${REPEATS}`, `${W_STD}`, `${B_STD}`], { encoding: 'utf8' });
  if (py.status !== 0) throw new Error(py.stderr);
  const numpy = JSON.parse(py.stdout).seconds as number;
  const batched = await best(() => batch(layer.kernel, { batchSize: 500, workers: 2 })(x));

  console.log(`linalg backend: ${linalg.backend()}; cores: ${threadCount()}`);
  console.log(`analytic NNGP+NTK, ${DEPTH}-layer ReLU, ${N} inputs × ${D} features (best of ${REPEATS})`);
  console.log(`  tangent-lab, ${threadCount()} threads    ${ours.toFixed(3)} s   ratio to numpy ${(ours / numpy).toFixed(2)}×   (goal ≤ 0.80×)`);
  console.log(`  tangent-lab, 1 thread     ${single.kernel.toFixed(3)} s   ratio to numpy ${(single.kernel / numpy).toFixed(2)}×`);
  console.log(`  numpy (same run)          ${numpy.toFixed(3)} s   (numpy's elementwise ops use one thread)`);
  console.log('batch, 500-row tiles');
  console.log(`  tiles in the calling thread (1 thread)  ${single.batchInThread.toFixed(3)} s`);
  console.log(`  2 batch workers                          ${batched.toFixed(3)} s   speed-up ${(single.batchInThread / batched).toFixed(2)}×`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
