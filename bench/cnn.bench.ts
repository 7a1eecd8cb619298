/**
 * Convolutional networks, float64:
 * (a) a conv layer's forward and backward passes (im2col + dgemm) against
 *     the machine's dgemm peak, for a 3×3, 64→64-channel layer on 32 images
 *     of 16×16;
 * (b) the NNGP + NTK of a 3-conv-layer ReLU net (3×3, SAME) with global
 *     average pooling on 128 images of 8×8×3 (every pair of positions), and
 *     with flatten on 512 images of 16×16×3 (same-position covariances only),
 *     against numpy running the same recursion in the same run
 *     (bench/baselines/cnn_kernels.py);
 * (c) `batch` tiling those kernels on 2 worker threads against the calling
 *     thread alone.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { batch, linalg, Matrix, random, stax, Tensor, type Layer } from '@tangent-lab/core';
import { threadCount } from '@tangent-lab/core/internal/workers/pool';
import { best, gaussian } from './timing';

const W_STD = Math.SQRT2;
const B_STD = 0.1;

function cnn(readout: 'gap' | 'flatten'): Layer {
  const layers: Layer[] = [];
  for (let l = 0; l < 3; l++) layers.push(stax.conv(64, [3, 3], { wStd: W_STD, bStd: B_STD }), stax.relu());
  return stax.serial(...layers, readout === 'gap' ? stax.globalAvgPool() : stax.flatten(), stax.dense(1, { wStd: W_STD, bStd: B_STD }));
}

function numpy(readout: string, n: number, h: number, repeats: number): number {
  const py = spawnSync('python3', [join(__dirname, 'baselines', 'cnn_kernels.py'), readout, `${n}`, `${h}`, `${h}`, '3', '3', `${repeats}`], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (py.status !== 0) throw new Error(py.stderr);
  return JSON.parse(py.stdout).seconds as number;
}

async function convLayer(): Promise<void> {
  const [n, h, c, o] = [32, 16, 64, 64];
  const layer = stax.conv(o, [3, 3], { bStd: 0.1 });
  const { params } = layer.init(random.key(0), [h, h, c]);
  const x = new Tensor([n, h, h, c], gaussian(n * h * h * c, 1));
  const flops = 2 * n * h * h * 9 * c * o;
  const forward = await best(5, () => layer.impl.forward(params, x));
  const { out, cache } = layer.impl.forward(params, x);
  const g = new Tensor((out as Tensor).shape, gaussian((out as Tensor).data.length, 2));
  const backward = await best(5, () => layer.impl.backward(params, cache, g));
  const a = new Matrix(2048, 2048, gaussian(2048 * 2048, 3));
  const peak = (2 * 2048 ** 3) / (await best(3, () => linalg.matmul(a, a))) / 1e9;
  console.log(`(a) conv 3×3, ${c}→${o} channels, ${n} images of ${h}×${h} (im2col + dgemm; ${(flops / 1e9).toFixed(2)} GFLOP forward, best of 5)`);
  console.log(`  forward    ${(forward * 1000).toFixed(1)} ms   ${(flops / forward / 1e9).toFixed(1)} GFLOP/s = ${(100 * flops / forward / 1e9 / peak).toFixed(0)}% of the dgemm peak (goal ≥ 40%)`);
  console.log(`  backward   ${(backward * 1000).toFixed(1)} ms   ${(2 * flops / backward / 1e9).toFixed(1)} GFLOP/s = ${(100 * 2 * flops / backward / 1e9 / peak).toFixed(0)}% (two gemms + col2im)`);
  console.log(`  dgemm peak ${peak.toFixed(1)} GFLOP/s (2048×2048, best of 3)`);
}

async function kernels(readout: 'gap' | 'flatten', n: number, h: number): Promise<void> {
  const net = cnn(readout);
  const x = new Tensor([n, h, h, 3], gaussian(n * h * h * 3, 4));
  const repeats = 2;
  const ours = await best(repeats, () => net.kernel(x));
  const base = numpy(readout, n, h, repeats);
  const tiles = Math.ceil(n / 4);
  const inThread = await best(1, () => batch(net.kernel, { batchSize: tiles, workers: 0 })(x));
  const onWorkers = await best(1, () => batch(net.kernel, { batchSize: tiles, workers: 2 })(x));
  const what = readout === 'gap' ? 'global average pooling (every pair of positions)' : 'flatten (same-position covariances)';
  console.log(`(b) NNGP+NTK, 3 conv layers 3×3 SAME + ReLU, ${what}, ${n} images of ${h}×${h}×3 (best of ${repeats})`);
  console.log(`  tangent-lab, ${threadCount()} threads   ${ours.toFixed(2)} s   ratio to numpy ${(ours / base).toFixed(2)}×   (goal ≤ 0.5×)`);
  console.log(`  numpy (same run)         ${base.toFixed(2)} s`);
  console.log(`(c) batch, ${tiles}-image tiles: calling thread ${inThread.toFixed(2)} s, 2 workers ${onWorkers.toFixed(2)} s   speed-up ${(inThread / onWorkers).toFixed(2)}×`);
}

async function main(): Promise<void> {
  console.log(`linalg backend: ${linalg.backend()}; cores: ${threadCount()}`);
  await convLayer();
  await kernels('gap', 128, 8);
  await kernels('flatten', 512, 16);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
