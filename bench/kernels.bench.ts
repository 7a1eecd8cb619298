/**
 * Analytic NTK of a 10-layer ReLU network on 2000 inputs of dimension 100,
 * against numpy running the same recursion in the same run — with the kernel
 * rules on all cores (the default) and on one thread — and the speed-up of
 * `batch` on 2 worker threads over computing its tiles in the calling thread,
 * with the ceiling this machine puts on any 2-thread speed-up of that work.
 */
import { spawn, spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { batch, linalg, stax, type Layer } from '@tangent-lab/core';
import { threadCount } from '@tangent-lab/core/internal/workers/pool';
import { best, gaussianRows } from './timing';

const N = 2000;
const D = 100;
const DEPTH = 10;
const REPEATS = 3;
/** The batch timings are noisier (two threads on a shared machine): more repeats, interleaved. */
const BATCH_REPEATS = 5;
const W_STD = Math.SQRT2;
const B_STD = 0.1;

function net(): Layer {
  const layers: Layer[] = [];
  for (let l = 0; l < DEPTH; l++) layers.push(stax.dense(512, { wStd: W_STD, bStd: B_STD }), stax.relu());
  layers.push(stax.dense(1, { wStd: W_STD, bStd: B_STD }));
  return stax.serial(...layers);
}

/**
 * Timings on one thread, measured in a child process (the thread counts are
 * fixed per process): kernel rules and OpenBLAS both on the calling thread alone.
 */
function singleThreaded(): { kernel: number; batchInThread: number } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', __filename, '--single'], {
    env: { ...process.env, TANGENT_LAB_THREADS: '1', OPENBLAS_NUM_THREADS: '1' },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
}

/** The calling-thread batch's best time in a single-threaded child process (`--in-thread`). */
function inThreadChild(): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', __filename, '--in-thread'], {
      env: { ...process.env, TANGENT_LAB_THREADS: '1', OPENBLAS_NUM_THREADS: '1' },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out).batchInThread) : reject(new Error(err))));
  });
}

const CEILING_ROUNDS = 3;

/**
 * The ceiling this machine puts on a 2-thread speed-up of the batch work:
 * rounds of one single-threaded process computing the tiles alone, then two
 * such processes at once, fully independent. On a VM whose cores share memory
 * bandwidth and page-fault handling each of the two runs slower than alone,
 * and 2 × alone / (mean of the pair) bounds what any two threads can gain
 * here. Alone and paired alternate, so a change of load hits both; the
 * median round is reported.
 */
async function pairedCeiling(): Promise<{ alone: number[]; paired: number[][]; ceiling: number }> {
  const alone: number[] = [];
  const paired: number[][] = [];
  const ceilings: number[] = [];
  for (let r = 0; r < CEILING_ROUNDS; r++) {
    const solo = await inThreadChild();
    const pair = await Promise.all([inThreadChild(), inThreadChild()]);
    alone.push(solo);
    paired.push(pair);
    ceilings.push((2 * solo) / ((pair[0] + pair[1]) / 2));
  }
  ceilings.sort((a, b) => a - b);
  return { alone, paired, ceiling: ceilings[CEILING_ROUNDS >> 1] };
}

/** The kernel's best time with the kernel rules on WebAssembly (TANGENT_LAB_NATIVE=0), all threads, in a child process. */
function onWebAssembly(): number {
  const r = spawnSync(process.execPath, ['--import', 'tsx', __filename, '--kernel'], {
    env: { ...process.env, TANGENT_LAB_NATIVE: '0' },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout).kernel;
}

async function main(): Promise<void> {
  const x = gaussianRows(N, D, 12345);
  const layer = net();
  if (process.argv.includes('--kernel')) {
    console.log(JSON.stringify({ kernel: await best(REPEATS, () => layer.kernel(x)) }));
    return;
  }
  if (process.argv.includes('--in-thread')) {
    // Warmed up as the --single child is, by a kernel first.
    await layer.kernel(x);
    console.log(JSON.stringify({ batchInThread: await best(BATCH_REPEATS, () => batch(layer.kernel, { batchSize: 500, workers: 0 })(x)) }));
    return;
  }
  if (process.argv.includes('--single')) {
    const kernel = await best(REPEATS, () => layer.kernel(x));
    const batchInThread = await best(BATCH_REPEATS, () => batch(layer.kernel, { batchSize: 500, workers: 0 })(x));
    console.log(JSON.stringify({ kernel, batchInThread }));
    return;
  }
  const native = stax.nativeInfo();
  const ours = await best(REPEATS, () => layer.kernel(x));
  const single = singleThreaded();
  const wasm = native.enabled ? onWebAssembly() : null;
  const py = spawnSync('python3', [join(__dirname, 'baselines', 'relu_ntk.py'), `${N}`, `${D}`, `${DEPTH}`, `${REPEATS}`, `${W_STD}`, `${B_STD}`], {
    encoding: 'utf8',
  });
  if (py.status !== 0) throw new Error(py.stderr);
  const numpy = JSON.parse(py.stdout).seconds as number;
  // The first call pays for starting the workers; then best of BATCH_REPEATS,
  // 2 workers interleaved with 1 worker (the same code on one thread), with the
  // process's CPU time. The calling-thread baseline is measured before and after.
  const t0 = performance.now();
  await batch(layer.kernel, { batchSize: 500, workers: 2 })(x);
  const firstCall = (performance.now() - t0) / 1000;
  let batched = Infinity;
  let oneWorker = Infinity;
  let cpuSeconds = 0;
  let wallSeconds = 0;
  for (let r = 0; r < BATCH_REPEATS; r++) {
    const cpu0 = process.cpuUsage();
    const w0 = performance.now();
    await batch(layer.kernel, { batchSize: 500, workers: 2 })(x);
    const wall = (performance.now() - w0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    cpuSeconds += (cpu.user + cpu.system) / 1e6;
    wallSeconds += wall;
    batched = Math.min(batched, wall);
    oneWorker = Math.min(oneWorker, await best(1, () => batch(layer.kernel, { batchSize: 500, workers: 1 })(x)));
  }
  const share = cpuSeconds / wallSeconds;
  const inThread = Math.min(single.batchInThread, singleThreaded().batchInThread);
  const machine = await pairedCeiling();
  console.log(`linalg backend: ${linalg.backend()}; cores: ${threadCount()}; kernel rules: ${native.enabled ? 'native' : 'WebAssembly'} (${native.detail})`);
  console.log(`analytic NNGP+NTK, ${DEPTH}-layer ReLU, ${N} inputs × ${D} features (best of ${REPEATS})`);
  console.log(`  tangent-lab, ${threadCount()} threads    ${ours.toFixed(3)} s   ratio to numpy ${(ours / numpy).toFixed(2)}×   (goal ≤ 0.15×)`);
  console.log(`  tangent-lab, 1 thread     ${single.kernel.toFixed(3)} s   ratio to numpy ${(single.kernel / numpy).toFixed(2)}×`);
  if (wasm !== null)
    console.log(`  on WebAssembly, ${threadCount()} threads ${wasm.toFixed(3)} s   ratio to numpy ${(wasm / numpy).toFixed(2)}×   (TANGENT_LAB_NATIVE=0)`);
  console.log(`  numpy (same run)          ${numpy.toFixed(3)} s   (numpy's elementwise ops use one thread)`);
  console.log(`batch, 500-row tiles (best of ${BATCH_REPEATS})`);
  console.log(`  tiles in the calling thread (1 thread)  ${inThread.toFixed(3)} s`);
  console.log(`  1 batch worker                           ${oneWorker.toFixed(3)} s`);
  console.log(
    `  2 batch workers                          ${batched.toFixed(3)} s   speed-up ${(inThread / batched).toFixed(2)}× over the calling thread, ${(oneWorker / batched).toFixed(2)}× over 1 worker   (goal ≥ 1.70×)`,
  );
  console.log(`  first call, incl. starting 2 workers     ${firstCall.toFixed(3)} s`);
  console.log(
    `  1-thread processes alone / two at once   ${machine.alone.map((t, r) => `${t.toFixed(3)} / ${machine.paired[r].map((p) => p.toFixed(3)).join(', ')} s`).join(';  ')}`,
  );
  console.log(`  ceiling for any 2-thread speed-up here   ${machine.ceiling.toFixed(2)}×   (2 × alone / mean of the pair, median of ${CEILING_ROUNDS} rounds)`);
  console.log(
    `  cores this process got while batching   ${share.toFixed(2)} of 2   (load average ${loadavg()[0].toFixed(1)}: other processes on a shared machine cap the speed-up at this)`,
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
