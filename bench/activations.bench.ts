/**
 * Numerical activations against erf's closed form (Lee et al. 2019, eqs.
 * S17–S18), on the same net and inputs: the analytic NNGP and NTK of
 * dense(512) → φ → dense(512) → φ → dense(1) (σ_w = 1.5, σ_b = 0.05) on 400
 * Gaussian inputs of dimension 10.
 *
 * For tanh (stax.tanh and stax.elementwise), softplus, swish and sigmoid
 * (stax.elementwise with the default tol = 1e−10, Hermite series summed a
 * kernel row at a time — natively, eight entries per AVX-512 vector (four
 * with AVX2), where the library runs; sigmoid as ½ + odd, softplus and
 * swish as x/2 + even):
 * - time: best of several runs, each on a freshly built network and on
 *   inputs of its own (the same inputs scaled by 1 + r/1000 in run r, so that
 *   every per-variance expansion is computed anew: `stax.tanh()` layers share
 *   their expansions on a thread, and so do the layers workers rebuild),
 *   interleaved with erf's on the same inputs, after a few untimed runs of
 *   the same kind (inputs scaled by 1 − r/1000): a process's first calls
 *   compile the code they run, and measured, its first 15 or so first calls
 *   of a numerical activation took 4–70 ms, against about 3 ms later, with
 *   compilation and major collections landing in runs well past the first
 *   few. The ratio to erf is the goal
 *   (≤ 3×). Measured on one thread in a child process (TANGENT_LAB_THREADS=1:
 *   natively, a kernel of numerical activations then runs layer by layer in
 *   one call per layer), and with the default threads (kernels of numerical
 *   activations alone stay off the worker threads below 2²⁰ entries, as here,
 *   each layer's rows in two parts at once on two threads, the calling one and
 *   a native one; larger ones, and those mixed with closed forms, split rows
 *   over worker threads), for a second call on the same network (warm), and for
 *   `stax.tanh()`, for a second network on the same inputs (its expansions
 *   shared with the first).
 * - accuracy: over the first 24 inputs, against numpy's 2-D trapezoid
 *   quadrature of eq. (S1) (packages/core/test/fixtures/elementwise_reference.py,
 *   ~1e−14 accurate): the largest error relative to each entry, and relative to
 *   the kernel's scale √(K(x,x)·K(x′,x′)) (the measure `tol` bounds; entries
 *   near zero make the first large).
 * - the same on inputs of equal norm (one variance per layer, as with
 *   normalized data): cold then costs little more than warm.
 * - for scale: the 2-D Gauss–Hermite rule (`degree: 64`, the former default)
 *   on 100 inputs, extrapolated ×16 to 400 (cost ∝ entries).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { stax, type Layer, type Matrix } from '@tangent-lab/core';
import { threadCount } from '@tangent-lab/core/internal/workers/pool';

const N = 400;
const D = 10;
/**
 * Timed runs of each kind, the best taken. 31: on the shared 2-vCPU machine
 * measured, bursts of stolen time (a fifth of its CPU time, by /proc/stat,
 * during one run of first calls) slowed whole stretches of runs, by up to
 * half; in three runs of this benchmark each, alternating, the largest
 * first-call ratio (one thread and two) spread over 2.26–3.05× with the best
 * of 11, 2.41–2.90× with the best of 31.
 */
const REPEATS = 31;
/** Untimed runs first, on inputs of their own (see above). */
const WARMUP = 8;
const W = 1.5;
const B = 0.05;
const CHECKED = 24;

const ACTIVATIONS: [string, () => Layer][] = [
  ['tanh (stax.tanh)', () => stax.tanh()],
  ['tanh (elementwise)', () => stax.elementwise((x: number) => Math.tanh(x))],
  ['softplus (elementwise)', () => stax.elementwise((x: number) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x))))],
  ['swish (elementwise)', () => stax.elementwise((x: number) => x / (1 + Math.exp(-x)))],
  ['sigmoid (elementwise)', () => stax.elementwise((x: number) => 1 / (1 + Math.exp(-x)))],
];
const REFERENCE_NAMES = ['tanh', 'tanh', 'softplus', 'swish', 'sigmoid'];

function net(act: Layer): Layer {
  return stax.serial(stax.dense(512, { wStd: W, bStd: B }), act, stax.dense(512, { wStd: W, bStd: B }), act, stax.dense(1, { wStd: W, bStd: B }));
}

function gaussianInputs(n: number, d: number): number[][] {
  // Box–Muller from a fixed LCG, as in kernels.bench.ts.
  let s = 12345;
  const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296;
  return Array.from({ length: n }, () => Array.from({ length: d }, () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u())));
}

function seconds(fn: () => unknown): number {
  const t0 = performance.now();
  fn();
  return (performance.now() - t0) / 1000;
}

/** Best times of erf and of each activation, fresh networks on fresh inputs, interleaved so load changes hit all alike. */
function timings(x: number[][]): { erf: number; cold: number[]; warm: number[]; second: number } {
  let erf = Infinity;
  const cold = ACTIVATIONS.map(() => Infinity);
  const warm = ACTIVATIONS.map(() => Infinity);
  let second = Infinity;
  for (let w = 1; w <= WARMUP; w++) {
    const xw = x.map((row) => row.map((v) => v * (1 - w / 1000)));
    net(stax.erf()).kernel(xw);
    for (const [, make] of ACTIVATIONS) net(make()).kernel(xw);
  }
  for (let r = 0; r < REPEATS; r++) {
    const xr = x.map((row) => row.map((v) => v * (1 + r / 1000)));
    erf = Math.min(
      erf,
      seconds(() => net(stax.erf()).kernel(xr)),
    );
    ACTIVATIONS.forEach(([, make], i) => {
      const layer = net(make());
      cold[i] = Math.min(
        cold[i],
        seconds(() => layer.kernel(xr)),
      );
      warm[i] = Math.min(
        warm[i],
        seconds(() => layer.kernel(xr)),
      );
    });
    const another = net(stax.tanh());
    second = Math.min(
      second,
      seconds(() => another.kernel(xr)),
    );
  }
  return { erf, cold, warm, second };
}

/** [max |a − b|/|b|, max |a − b|/√(b_ii·b_jj)] over the entries. */
function errors(a: Matrix, b: number[][]): [number, number] {
  let entry = 0;
  let scaled = 0;
  b.forEach((row, i) =>
    row.forEach((v, j) => {
      const e = Math.abs(a.get(i, j) - v);
      entry = Math.max(entry, e / Math.abs(v));
      scaled = Math.max(scaled, e / Math.sqrt(b[i][i] * b[j][j]));
    }),
  );
  return [entry, scaled];
}

/** The rows scaled to norm √d: one variance per layer, as with normalized data (each expansion then serves every entry). */
function equalNorms(x: number[][]): number[][] {
  return x.map((row) => {
    const scale = Math.sqrt(row.length) / Math.hypot(...row);
    return row.map((v) => v * scale);
  });
}

function main(): void {
  const x = process.argv.includes('--equal-norms') ? equalNorms(gaussianInputs(N, D)) : gaussianInputs(N, D);
  if (process.argv.includes('--single')) {
    console.log(JSON.stringify(timings(x)));
    return;
  }
  const singleThreaded = (env: Record<string, string>, args: string[] = []) => {
    const child = spawnSync(process.execPath, ['--import', 'tsx', __filename, '--single', ...args], {
      env: { ...process.env, TANGENT_LAB_THREADS: '1', ...env },
      encoding: 'utf8',
    });
    if (child.status !== 0) throw new Error(child.stderr);
    return JSON.parse(child.stdout) as ReturnType<typeof timings>;
  };
  const single = singleThreaded({});
  // erf's rows on WebAssembly, as before the native kernels (the series do not use them): the ratios measured before are against this.
  const onWasm = singleThreaded({ TANGENT_LAB_NATIVE: '0' });
  const threaded = timings(x);
  const normalized = singleThreaded({}, ['--equal-norms']);

  const sub = x.slice(0, CHECKED);
  const desc = [['dense', 512, W, B], ['?'], ['dense', 512, W, B], ['?'], ['dense', 1, W, B]];
  const accuracy = ACTIVATIONS.map(([, make], i) => {
    const layerDesc = desc.map((l) => (l[0] === '?' ? [REFERENCE_NAMES[i]] : l));
    const py = spawnSync('python3', [join(__dirname, '..', 'packages', 'core', 'test', 'fixtures', 'elementwise_reference.py')], {
      input: JSON.stringify({ x1: sub, x2: null, net: layerDesc }),
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    });
    if (py.status !== 0) throw new Error(py.stderr);
    const ref = JSON.parse(py.stdout) as { nngp: number[][]; ntk: number[][] };
    const k = net(make()).kernel(sub);
    return [errors(k.nngp, ref.nngp), errors(k.ntk!, ref.ntk)];
  });

  const small = x.slice(0, N / 4);
  const gh = seconds(() => net(stax.elementwise((v: number) => Math.tanh(v), { degree: 64 })).kernel(small)) * 16;

  console.log(`NNGP+NTK of dense(512)-φ-dense(512)-φ-dense(1), ${N} inputs × ${D} features; best of ${REPEATS}, fresh networks on fresh inputs`);
  console.log(`erf closed form: ${(single.erf * 1e3).toFixed(1)} ms on 1 thread, ${(threaded.erf * 1e3).toFixed(1)} ms on ${threadCount()} threads`);
  console.log(
    `activation                 1 thread (ratio)     default threads (ratio)   warm call (ratio)    error nngp, ntk (first ${CHECKED} inputs): per entry; on the kernel's scale`,
  );
  ACTIVATIONS.forEach(([name], i) => {
    const cell = (t: number, base: number) => `${(t * 1e3).toFixed(1).padStart(7)} ms (${(t / base).toFixed(2)}×)`;
    const [nngp, ntk] = accuracy[i];
    console.log(
      `${name.padEnd(26)} ${cell(single.cold[i], single.erf)}   ${cell(threaded.cold[i], threaded.erf)}      ${cell(single.warm[i], single.erf)}   ${nngp[0].toExponential(1)}, ${ntk[0].toExponential(1)}; ${nngp[1].toExponential(1)}, ${ntk[1].toExponential(1)}`,
    );
  });
  const worst = (times: number[], base: number) => Math.max(...times.map((t) => t / base)).toFixed(2);
  console.log(
    `largest ratio to erf: cold ${worst(single.cold, single.erf)}× on 1 thread, ${worst(threaded.cold, threaded.erf)}× on ${threadCount()} threads; warm ${worst(single.warm, single.erf)}×`,
  );
  console.log(
    `stax.tanh(), a second network on the same inputs (expansions shared with the first): ${(single.second * 1e3).toFixed(1)} ms on 1 thread (${(single.second / single.erf).toFixed(2)}×), ${(threaded.second * 1e3).toFixed(1)} ms on ${threadCount()} threads (${(threaded.second / threaded.erf).toFixed(2)}×)`,
  );
  console.log(
    `with erf on WebAssembly (TANGENT_LAB_NATIVE=0; ${(onWasm.erf * 1e3).toFixed(1)} ms on 1 thread): largest ratio cold ${worst(onWasm.cold, onWasm.erf)}×, warm ${worst(onWasm.warm, onWasm.erf)}×`,
  );
  console.log(
    `inputs of equal norm (one variance per layer, as with normalized data), 1 thread: erf ${(normalized.erf * 1e3).toFixed(1)} ms; largest ratio cold ${worst(normalized.cold, normalized.erf)}×, warm ${worst(normalized.warm, normalized.erf)}×`,
  );
  console.log(
    `goal: ratio ≤ 3× and error ≤ 1e-10. For scale, tanh by the 2-D Gauss–Hermite rule (degree 64, the former default): ${gh.toFixed(1)} s extrapolated to ${N} inputs`,
  );
}

main();
