/**
 * Convolutional networks, float64:
 * (a) a conv layer's forward and backward passes (shifted dgemms) against
 *     the machine's dgemm peak, for a 3×3, 64→64-channel layer on 32 images
 *     of 16×16;
 * (b) the NNGP + NTK of a 3-conv-layer ReLU net (3×3, SAME) with global
 *     average pooling on 128 images of 8×8×3 (every pair of positions), and
 *     with flatten on 512 images of 16×16×3 (same-position covariances only),
 *     against numpy running the same recursion in the same run
 *     (bench/baselines/cnn_kernels.py);
 * (c) `batch` tiling those kernels on 2 worker threads against 1 (a worker
 *     runs one thread, while the calling thread splits rules over all cores).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { batch, linalg, Matrix, random, stax, Tensor, type Layer } from '@tangent-lab/core';
import { activeBackend } from '@tangent-lab/core/internal/linalg/backend';
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
  const py = spawnSync('python3', [join(__dirname, 'baselines', 'cnn_kernels.py'), readout, `${n}`, `${h}`, `${h}`, '3', '3', `${repeats}`], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (py.status !== 0) throw new Error(py.stderr);
  return JSON.parse(py.stdout).seconds as number;
}

async function convLayer(): Promise<void> {
  const [n, h, c, o] = [32, 16, 64, 64];
  const layer = stax.conv(o, [3, 3], { bStd: 0.1 });
  const { params } = layer.init(random.key(0), [h, h, c]);
  const x = new Tensor([n, h, h, c], gaussian(n * h * h * c, 1));
  const flops = 2 * n * h * h * 9 * c * o;
  const { out, cache } = layer.impl.forward(params, x);
  const g = new Tensor((out as Tensor).shape, gaussian((out as Tensor).data.length, 2));
  // For comparison, the one gemm of im2col on patches built once: what im2col could reach if building patches were free.
  const rows = n * h * h;
  const patches = gaussian(rows * 9 * c, 5);
  const W = (params as { W: Matrix }).W.data;
  const product = new Float64Array(rows * o);
  // Peak: dgemm 2048×2048 into a preallocated output (as bench/finite.bench.ts), in rounds
  // interleaved with the conv so that both see the same machine load.
  const a = new Matrix(2048, 2048, gaussian(2048 * 2048, 3));
  const c2048 = new Float64Array(2048 * 2048);
  const rounds: { peak: number; forward: number; backward: number; gemm: number }[] = [];
  for (let r = 0; r < 3; r++) {
    rounds.push({
      peak: (2 * 2048 ** 3) / (await best(2, () => activeBackend().gemm(false, false, 2048, 2048, 2048, 1, a.data, a.data, 0, c2048))) / 1e9,
      forward: await best(5, () => layer.impl.forward(params, x)),
      backward: await best(5, () => layer.impl.backward(params, cache, g)),
      gemm: await best(5, () => activeBackend().gemm(false, false, rows, o, 9 * c, 1, patches, W, 0, product)),
    });
  }
  const pct = (gflops: number, q: { peak: number }) => (100 * gflops) / q.peak;
  const median = (f: (q: (typeof rounds)[number]) => number) => rounds.map(f).sort((p, q) => p - q)[1];
  const peak = Math.max(...rounds.map((q) => q.peak));
  const forward = Math.min(...rounds.map((q) => q.forward));
  const backward = Math.min(...rounds.map((q) => q.backward));
  const gemm = Math.min(...rounds.map((q) => q.gemm));
  console.log(
    `(a) conv 3×3, ${c}→${o} channels, ${n} images of ${h}×${h} (stride 1: one dgemm per filter offset on a padded grid; ${(flops / 1e9).toFixed(2)} GFLOP forward; 3 interleaved rounds)`,
  );
  console.log(
    `  forward    ${(forward * 1000).toFixed(1)} ms   ${(flops / forward / 1e9).toFixed(1)} GFLOP/s; median ${median((q) => pct(flops / q.forward / 1e9, q)).toFixed(0)}% of the round's dgemm peak (goal ≥ 40%)`,
  );
  console.log(
    `  backward   ${(backward * 1000).toFixed(1)} ms   ${((2 * flops) / backward / 1e9).toFixed(1)} GFLOP/s; median ${median((q) => pct((2 * flops) / q.backward / 1e9, q)).toFixed(0)}% (per offset: ∂W and the padded grid's gradient)`,
  );
  console.log(
    `  one im2col gemm alone (${rows}×${9 * c} · ${9 * c}×${o}, patches prebuilt) ${(gemm * 1000).toFixed(1)} ms   median ${median((q) => pct(flops / q.gemm / 1e9, q)).toFixed(0)}% of peak`,
  );
  console.log(`  dgemm peak ${peak.toFixed(1)} GFLOP/s at best (2048×2048, preallocated output)`);
}

async function kernels(readout: 'gap' | 'flatten', n: number, h: number): Promise<void> {
  const net = cnn(readout);
  const x = new Tensor([n, h, h, 3], gaussian(n * h * h * 3, 4));
  const repeats = 2;
  const ours = await best(repeats, () => net.kernel(x));
  const base = numpy(readout, n, h, repeats);
  const tiles = Math.ceil(n / 4);
  const oneWorker = await best(1, () => batch(net.kernel, { batchSize: tiles, workers: 1 })(x));
  const onWorkers = await best(1, () => batch(net.kernel, { batchSize: tiles, workers: 2 })(x));
  const what = readout === 'gap' ? 'global average pooling (every pair of positions)' : 'flatten (same-position covariances)';
  console.log(`(b) NNGP+NTK, 3 conv layers 3×3 SAME + ReLU, ${what}, ${n} images of ${h}×${h}×3 (best of ${repeats})`);
  console.log(`  tangent-lab, ${threadCount()} threads   ${ours.toFixed(2)} s   ratio to numpy ${(ours / base).toFixed(2)}×   (goal ≤ 0.5×)`);
  console.log(`  numpy (same run)         ${base.toFixed(2)} s`);
  console.log(
    `(c) batch, ${tiles}-image tiles: 1 worker ${oneWorker.toFixed(2)} s, 2 workers ${onWorkers.toFixed(2)} s   speed-up ${(oneWorker / onWorkers).toFixed(2)}× (each worker runs one thread; the calling thread alone runs the rules on all cores)`,
  );
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
