/**
 * Analytic NTK of a 10-layer ReLU network on 2000 inputs of dimension 100
 * (issue: foundation), against numpy running the same recursion in the same
 * run; and the speed-up of `batch` on 2 worker threads.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { batch, linalg, stax, type Layer } from '@tangent-lab/core';

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

async function main(): Promise<void> {
  const x = gaussianInputs(N, D);
  const layer = net();
  const ours = await best(() => layer.kernel(x));
  const py = spawnSync('python3', [join(__dirname, 'baselines', 'relu_ntk.py'), `${N}`, `${D}`, `${DEPTH}`, `${REPEATS}`, `${W_STD}`, `${B_STD}`], { encoding: 'utf8' });
  if (py.status !== 0) throw new Error(py.stderr);
  const numpy = JSON.parse(py.stdout).seconds as number;
  const batched = await best(() => batch(layer.kernel, { batchSize: 500, workers: 2 })(x));
  const inThread = await best(() => batch(layer.kernel, { batchSize: 500, workers: 0 })(x));

  console.log(`linalg backend: ${linalg.backend()}`);
  console.log(`analytic NNGP+NTK, ${DEPTH}-layer ReLU, ${N} inputs × ${D} features (best of ${REPEATS})`);
  console.log(`  tangent-lab           ${ours.toFixed(3)} s`);
  console.log(`  numpy (same run)      ${numpy.toFixed(3)} s`);
  console.log(`  ratio ours/numpy      ${(ours / numpy).toFixed(2)}×   (goal ≤ 0.80×)`);
  console.log(`batch, 500-row tiles`);
  console.log(`  0 workers (in thread) ${inThread.toFixed(3)} s`);
  console.log(`  2 workers             ${batched.toFixed(3)} s`);
  console.log(`  speed-up              ${(inThread / batched).toFixed(2)}×   (2 cores)`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
