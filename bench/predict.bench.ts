/**
 * predict.gradientDescentMseEnsemble on 2000 training and 500 test points:
 * mean and covariance at t = ∞ and 10 other times, for the NTK and the NNGP,
 * against numpy/scipy doing the same eigh-based computation the way a Neural
 * Tangents user would write it with numpy, in the same run. Kernels are
 * computed once beforehand and are not part of either timing.
 *
 * Runs alternate (ours, numpy, ours, numpy, …) so that load from other
 * processes on a shared machine hits both alike; each side's best run is
 * reported, with where its time went: eigh (LAPACK dsyevd on both sides), the
 * BLAS-3 products (dgemm; ours also dsyrk, dsyr2k, dtrmm and the pivoted
 * Cholesky dpstrf), and glue (everything else: elementwise loops, copies,
 * allocation).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { linalg, type Matrix, predict, stax } from '@tangent-lab/core';

const N = 2000;
const M = 500;
const RUNS = 5;
const TIMES = [Infinity, 0.1, 0.3, 1, 3, 10, 30, 100, 300, 1000, 3000];
const GOAL = 0.8;

function data(rows: number, seed: number): number[][] {
  let s = seed;
  const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296;
  return Array.from({ length: rows }, () => Array.from({ length: 8 }, () => 2 * u() - 1));
}

interface Breakdown {
  seconds: number;
  eigh: number;
  gemm: number;
  factor: number;
}

const fmt = (b: Breakdown) => {
  const glue = b.seconds - b.eigh - b.gemm - b.factor;
  const parts = [`eigh ${b.eigh.toFixed(3)}`, `gemm ${b.gemm.toFixed(3)}`];
  if (b.factor > 0) parts.push(`pstrf ${b.factor.toFixed(3)}`);
  parts.push(`glue ${glue.toFixed(3)}`);
  return `${b.seconds.toFixed(3)} s   (${parts.join(', ')})`;
};

async function main(): Promise<void> {
  const net = stax.serial(
    stax.dense(512, { wStd: 1.5, bStd: 0.05 }),
    stax.erf(),
    stax.dense(512, { wStd: 1.5, bStd: 0.05 }),
    stax.erf(),
    stax.dense(1, { wStd: 1.5, bStd: 0.05 }),
  );
  const xTrain = data(N, 1);
  const xTest = data(M, 2);
  const yTrain = xTrain.map((x) => [Math.sin(3 * x[0]) + x[1] * x[2]]);
  const train = net.kernel(xTrain);
  const test = net.kernel(xTest, xTrain);
  const testTest = net.kernel(xTest, null, 'nngp');
  const kernels = new Map<string, Matrix>([
    ['train nngp', train.nngp],
    ['train ntk', train.ntk!],
    ['test nngp', test.nngp],
    ['test ntk', test.ntk!],
    ['testtest nngp', testTest],
  ]);
  // A precomputed kernel function (one kernel per call, so both sides see the same work).
  const lookup = (x1: Matrix, x2: Matrix | null, get: 'nngp' | 'ntk'): Matrix => {
    const key = x2 !== null ? `test ${get}` : x1.rows === N ? `train ${get}` : `testtest ${get}`;
    const k = kernels.get(key);
    if (!k) throw new Error(`no ${key} kernel`);
    return k;
  };

  const dir = mkdtempSync(join(tmpdir(), 'tangent-lab-bench-'));
  try {
    const write = (name: string, m: Matrix) => writeFileSync(join(dir, `${name}.f64`), Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength));
    write('nngp', train.nngp);
    write('ntk', train.ntk!);
    write('nngp_test', test.nngp);
    write('ntk_test', test.ntk!);
    write('nngp_test_test', testTest);
    writeFileSync(join(dir, 'y.f64'), Buffer.from(Float64Array.from(yTrain.flat()).buffer));
    const args = JSON.stringify({ n: N, m: M, k: 1, dir, repeats: 1, ts: TIMES.map((t) => (t === Infinity ? null : t)) });

    let ours: Breakdown | undefined;
    let numpy: Breakdown | undefined;
    const ratios: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      const p = linalg.profile(() => {
        for (const get of ['nngp', 'ntk'] as const) {
          const predictFn = predict.gradientDescentMseEnsemble(lookup as never, xTrain, yTrain);
          predictFn({ xTest, get, t: TIMES, computeCov: true });
        }
      });
      const s = p.seconds;
      const run: Breakdown = {
        seconds: p.total,
        eigh: s.syevd ?? 0,
        gemm: (s.gemm ?? 0) + (s.syrk ?? 0) + (s.syrkUpdate ?? 0) + (s.syr2k ?? 0) + (s.trmmRightLower ?? 0),
        factor: s.pstrf ?? 0,
      };
      const py = spawnSync('python3', [join(__dirname, 'baselines', 'predict_numpy.py'), args], { encoding: 'utf8' });
      if (py.status !== 0) throw new Error(py.stderr);
      const b = JSON.parse(py.stdout) as { seconds: number; eigh: number; gemm: number };
      const base: Breakdown = { seconds: b.seconds, eigh: b.eigh, gemm: b.gemm, factor: 0 };
      ratios.push(run.seconds / base.seconds);
      if (!ours || run.seconds < ours.seconds) ours = run;
      if (!numpy || base.seconds < numpy.seconds) numpy = base;
    }
    const o = ours as Breakdown;
    const np = numpy as Breakdown;
    const info = linalg.backendInfo();
    console.log(`linalg backend: ${info.name}${info.core ? ` (OpenBLAS core ${info.core}, ${info.threads} threads)` : ''}`);
    console.log(`ensemble mean + covariance, ${N} train / ${M} test, NTK and NNGP, t = ∞ and ${TIMES.length - 1} other times (best of ${RUNS}, alternating)`);
    console.log(`  tangent-lab        ${fmt(o)}`);
    console.log(`  numpy/scipy        ${fmt(np)}`);
    const ratio = o.seconds / np.seconds;
    console.log(`  ratio ours/numpy   ${ratio.toFixed(2)}×   (goal ≤ ${GOAL.toFixed(2)}×; per run ${ratios.map((v) => v.toFixed(2)).join(', ')})`);
    console.log(`  eigh alone         ${(o.eigh / np.eigh).toFixed(2)}×;  everything but eigh ${((o.seconds - o.eigh) / (np.seconds - np.eigh)).toFixed(2)}×`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
