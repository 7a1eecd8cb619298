/**
 * predict.gradientDescentMseEnsemble on 2000 training and 500 test points:
 * mean and covariance at t = ∞ and 10 other times, for the NTK and the NNGP,
 * against numpy/scipy doing the same eigh-based computation in the same run.
 * Kernels are computed once beforehand and are not part of either timing.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { linalg, type Matrix, predict, stax } from '@tangent-lab/core';

const N = 2000;
const M = 500;
const REPEATS = 2;
const TIMES = [Infinity, 0.1, 0.3, 1, 3, 10, 30, 100, 300, 1000, 3000];

function data(rows: number, seed: number): number[][] {
  let s = seed;
  const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296;
  return Array.from({ length: rows }, () => Array.from({ length: 8 }, () => 2 * u() - 1));
}

async function main(): Promise<void> {
  const net = stax.serial(stax.dense(512, { wStd: 1.5, bStd: 0.05 }), stax.erf(), stax.dense(512, { wStd: 1.5, bStd: 0.05 }), stax.erf(), stax.dense(1, { wStd: 1.5, bStd: 0.05 }));
  const xTrain = data(N, 1);
  const xTest = data(M, 2);
  const yTrain = xTrain.map((x) => [Math.sin(3 * x[0]) + x[1] * x[2]]);
  const train = net.kernel(xTrain);
  const test = net.kernel(xTest, xTrain);
  const testTest = net.kernel(xTest, null, 'nngp');
  const kernels = new Map<string, Matrix>([
    ['train nngp', train.nngp], ['train ntk', train.ntk!], ['test nngp', test.nngp], ['test ntk', test.ntk!], ['testtest nngp', testTest],
  ]);
  const lookup = (x1: Matrix, x2: Matrix | null, get: 'nngp' | 'ntk'): Matrix => {
    const key = x2 !== null ? `test ${get}` : x1.rows === N ? `train ${get}` : `testtest ${get}`;
    return kernels.get(key) as Matrix;
  };

  let best = Infinity;
  for (let r = 0; r < REPEATS; r++) {
    const t0 = performance.now();
    for (const get of ['nngp', 'ntk'] as const) {
      const predictFn = predict.gradientDescentMseEnsemble(lookup as never, xTrain, yTrain);
      predictFn({ xTest, get, t: TIMES, computeCov: true });
    }
    best = Math.min(best, (performance.now() - t0) / 1000);
  }

  const dir = mkdtempSync(join(tmpdir(), 'tangent-lab-bench-'));
  try {
    const write = (name: string, m: Matrix) => writeFileSync(join(dir, `${name}.f64`), Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength));
    write('nngp', train.nngp);
    write('ntk', train.ntk!);
    write('nngp_test', test.nngp);
    write('ntk_test', test.ntk!);
    write('nngp_test_test', testTest);
    writeFileSync(join(dir, 'y.f64'), Buffer.from(Float64Array.from(yTrain.flat()).buffer));
    const args = JSON.stringify({ n: N, m: M, k: 1, dir, repeats: REPEATS, ts: TIMES.map((t) => (t === Infinity ? null : t)) });
    const py = spawnSync('python3', [join(__dirname, 'baselines', 'predict_numpy.py'), args], { encoding: 'utf8' });
    if (py.status !== 0) throw new Error(py.stderr);
    const numpy = JSON.parse(py.stdout).seconds as number;
    console.log(`linalg backend: ${linalg.backend()}`);
    console.log(`ensemble mean + covariance, ${N} train / ${M} test, NTK and NNGP, t = ∞ and ${TIMES.length - 1} other times (best of ${REPEATS})`);
    console.log(`  tangent-lab        ${best.toFixed(3)} s`);
    console.log(`  numpy/scipy        ${numpy.toFixed(3)} s`);
    console.log(`  ratio ours/numpy   ${(best / numpy).toFixed(2)}×   (goal ≤ 1.00×)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
