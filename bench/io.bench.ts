/**
 * Files and data: writing and reading a 2000×2000 float64 `.npy` against
 * numpy's np.save / np.load in the same run; a cached kernel read back
 * (`io.cachedKernel`) against computing it; loading MNIST cold and warm.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { datasets, io, Matrix, random, stax } from '@tangent-lab/core';

const N = 2000;
const REPEATS = 3;

function best(fn: () => unknown): number {
  let t = Infinity;
  for (let r = 0; r < REPEATS; r++) {
    const t0 = performance.now();
    fn();
    t = Math.min(t, (performance.now() - t0) / 1000);
  }
  return t;
}

function once(fn: () => unknown): number {
  const t0 = performance.now();
  fn();
  return (performance.now() - t0) / 1000;
}

const dir = mkdtempSync(join(tmpdir(), 'tangent-io-bench-'));
try {
  const m = random.normal(random.key(0), [N, N]);
  const path = join(dir, 'ours.npy');
  const write = best(() => io.writeNpy(path, m));
  const read = best(() => io.readNpy(path));
  const py = spawnSync('python3', [join(__dirname, 'baselines', 'npy_io.py'), String(N), dir], { encoding: 'utf8' });
  if (py.status !== 0) throw new Error(py.stderr);
  const numpy = JSON.parse(py.stdout) as { save: number; load: number };
  console.log(
    `.npy ${N}×${N} float64 (32 MB): write ${write.toFixed(3)} s (numpy ${numpy.save.toFixed(3)} s, ${(write / numpy.save).toFixed(2)}×), read ${read.toFixed(3)} s (numpy ${numpy.load.toFixed(3)} s, ${(read / numpy.load).toFixed(2)}×)`,
  );

  const net = stax.serial(stax.dense(512, { wStd: 1.5 }), stax.relu(), stax.dense(512, { wStd: 1.5 }), stax.relu(), stax.dense(1, { wStd: 1.5 }));
  const x = random.normal(random.key(1), [N, 100]);
  const cacheDir = join(dir, 'kernels');
  const compute = once(() => io.cachedKernel(cacheDir, net.kernel)(x));
  const hit = best(() => io.cachedKernel(cacheDir, net.kernel)(Matrix.from(x)));
  console.log(
    `NNGP+NTK of a 2-hidden-layer ReLU net on ${N} inputs of dimension 100: computed and stored ${compute.toFixed(3)} s, read from the cache ${hit.toFixed(3)} s (${(compute / hit).toFixed(1)}× faster)`,
  );

  const cold = once(() => datasets.mnist({ nTrain: 8000, nTest: 2000, flatten: true, seed: 0 }));
  const warm = best(() => datasets.mnist({ nTrain: 8000, nTest: 2000, flatten: true, seed: 0 }));
  console.log(`datasets.mnist, all 10,000 digits: first call ${cold.toFixed(3)} s (parsing the package's JSON), later calls ${warm.toFixed(3)} s`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
