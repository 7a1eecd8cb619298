/**
 * Monte Carlo kernels (`monteCarloKernelFn`), whose time used to go mostly
 * into initialising the random networks.
 * (a) Drawing standard normals (`random.normal`: Threefry-2x32 counters and
 *     Box–Muller, what `init` fills weights with) against numpy's
 *     default_rng().standard_normal and legacy randn, in the same run.
 * (b) For the NT user's set-up — a 2-hidden-layer ReLU network of width 512,
 *     100 inputs of dimension 10, 10 networks — the time of the 10 inits
 *     against the 10 empirical NTKs they feed, the whole Monte Carlo kernel
 *     (NNGP + NTK), and a list of sample counts [1, 3, 10] (one pass: the
 *     same time as 10 alone).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { empirical, monteCarloKernelFn, random, stax } from '@tangent-lab/core';
import { best } from './timing';

const NORMALS = 4_000_000;
const REPEATS = 5;
const WIDTH = 512;
const N = 100;
const D = 10;
const SAMPLES = 10;

const ns = (seconds: number, count: number) => `${((seconds / count) * 1e9).toFixed(1)} ns`;

async function main(): Promise<void> {
  // (a) normals
  const out = new Float64Array(NORMALS);
  const ours = await best(REPEATS, () => random.fillNormal(random.key(1), out));
  const py = spawnSync('python3', [join(__dirname, 'baselines', 'normals.py'), String(NORMALS), String(REPEATS)], { encoding: 'utf8' });
  if (py.status !== 0) throw new Error(py.stderr);
  const numpy = JSON.parse(py.stdout) as { default_rng: number; randn: number };
  console.log(
    `${NORMALS / 1e6}M standard normals: ours ${ours.toFixed(3)} s (${ns(ours, NORMALS)} each); numpy default_rng ${numpy.default_rng.toFixed(3)} s (${(ours / numpy.default_rng).toFixed(2)}×), legacy randn ${numpy.randn.toFixed(3)} s (${(ours / numpy.randn).toFixed(2)}×)`,
  );

  // (b) Monte Carlo kernels
  const net = stax.serial(stax.dense(WIDTH), stax.relu(), stax.dense(WIDTH), stax.relu(), stax.dense(1));
  const x = random.normal(random.key(2), [N, D]);
  const keys = random.split(random.key(3), SAMPLES);
  const parameters = D * WIDTH + WIDTH * WIDTH + WIDTH;
  const params = keys.map((k) => net.init(k, D).params);
  const inits = await best(REPEATS, () => keys.map((k) => net.init(k, D)));
  const ntkFn = empirical.ntkFn(net.apply);
  const ntks = await best(3, () => params.map((p) => ntkFn(x, null, p)));
  console.log(
    `${SAMPLES} inits of a width-${WIDTH}, 2-hidden-layer ReLU net (${(parameters / 1e3).toFixed(0)}k weights each): ${inits.toFixed(3)} s; ${SAMPLES} empirical NTKs on ${N} inputs: ${ntks.toFixed(3)} s (inits/NTKs ${(inits / ntks).toFixed(2)})`,
  );
  const mc = await best(3, () => monteCarloKernelFn(net.init, net.apply, random.key(3), SAMPLES)(x));
  const list = await best(3, () => monteCarloKernelFn(net.init, net.apply, random.key(3), [1, 3, SAMPLES])(x));
  console.log(
    `monteCarloKernelFn, NNGP + NTK, ${SAMPLES} samples: ${mc.toFixed(3)} s; with nSamples [1, 3, ${SAMPLES}] (one pass, three estimates): ${list.toFixed(3)} s (${(list / mc).toFixed(2)}×)`,
  );
}

void main();
