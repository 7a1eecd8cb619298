#!/usr/bin/env node
// The one entry point behind `npm run build | test | tutorial | bench`.
//
// A fresh machine has Node 20 and npm only. This script brings in the pinned
// pnpm, the Debian packages the project needs (when running as root), installs
// the workspace from the committed lockfile and builds every package. Each step
// is idempotent, so every command can simply call the ones it needs.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const rootPackage = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const pnpmVersion = rootPackage.packageManager.replace(/^pnpm@/, '');

/** Debian packages each command needs; the native linear algebra comes first. */
const DEBIAN = {
  // A C compiler for the native kernels (optional: without it they run on WebAssembly).
  build: ['libopenblas0-pthread', 'liblapack3', 'gcc', 'libc6-dev'],
  notebooks: ['jupyter-nbconvert', 'python3-nbclient', 'jupyter-client'],
  // Chromium for the browser tests; DejaVu for the text of PNGs rasterized by figure.save (resvg reads system fonts).
  browser: ['chromium', 'fonts-dejavu-core'],
  // `npm run lab` and its browser test: JupyterLab's server side (the front-end comes from npm).
  lab: ['python3-jupyter-server', 'python3-jupyterlab-server'],
  // A local Redis for the tests of batch across machines (BullMQ); started by the test itself.
  queue: ['redis-server'],
};

function log(message) {
  process.stdout.write(`[tangent-lab] ${message}\n`);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(`\`${command} ${args.join(' ')}\` exited with status ${result.status}`);
  }
  return result;
}

function missingDebianPackages(packages) {
  return packages.filter((pkg) => {
    const q = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
    return q.status !== 0 || !q.stdout.includes('install ok installed');
  });
}

export function ensureDebian(group) {
  if (!existsSync('/usr/bin/dpkg-query')) {
    log(`not a Debian system: install the equivalents of ${DEBIAN[group].join(', ')} yourself`);
    return false;
  }
  const missing = missingDebianPackages(DEBIAN[group]);
  if (missing.length === 0) return true;
  if (process.getuid?.() !== 0) {
    log(`missing Debian packages ${missing.join(' ')}; run as root: apt-get install -y ${missing.join(' ')}`);
    return false;
  }
  log(`installing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['-o', 'DPkg::Lock::Timeout=600', 'update', '-qq'], { env });
  run('apt-get', ['-o', 'DPkg::Lock::Timeout=600', 'install', '-y', '-qq', '--no-install-recommends', ...missing], { env });
  return true;
}

function pnpmBin() {
  return join(root, '.tools', 'node_modules', '.bin', 'pnpm');
}

export function ensurePnpm() {
  const bin = pnpmBin();
  if (existsSync(bin)) {
    const v = spawnSync(bin, ['--version'], { encoding: 'utf8' });
    if (v.status === 0 && v.stdout.trim() === pnpmVersion) return bin;
  }
  log(`installing pnpm ${pnpmVersion} into .tools/`);
  run('npm', ['install', '--prefix', join(root, '.tools'), '--no-audit', '--no-fund', '--no-save', `pnpm@${pnpmVersion}`]);
  return bin;
}

export function pnpm(args, options) {
  return run(pnpmBin(), args, options);
}

/** Every file under `dir` (recursively) whose name ends in one of `suffixes`, sorted. */
function filesUnder(dir, suffixes, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) filesUnder(path, suffixes, out);
    else if (suffixes.some((s) => entry.name.endsWith(s))) out.push(path);
  }
  return out.sort();
}

/**
 * The API reference in docs/api/, generated from the TSDoc of the public
 * packages by TypeDoc. Regenerated only when its inputs change (their hash is
 * kept beside it); a broken link or an undocumented public type fails the build.
 */
function apiDocs() {
  const inputs = ['packages/core', 'packages/display'].flatMap((p) => [...filesUnder(join(root, p, 'src'), ['.ts']), join(root, p, 'typedoc.json')]);
  inputs.push(join(root, 'typedoc.json'), join(root, 'pnpm-lock.yaml'));
  const hash = createHash('sha256');
  for (const file of inputs) hash.update(file.slice(root.length)).update(readFileSync(file));
  const digest = hash.digest('hex');
  const stamp = join(root, 'docs', 'api', '.inputs-hash');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === digest) return;
  log('generating the API reference in docs/api/ (TypeDoc)');
  run(join(root, 'node_modules', '.bin', 'typedoc'), ['--logLevel', 'Warn']);
  writeFileSync(stamp, digest);
}

export function build() {
  ensureDebian('build');
  ensurePnpm();
  pnpm(['install', '--frozen-lockfile', '--prefer-offline', '--reporter=append-only']);
  pnpm(['--recursive', '--workspace-concurrency=1', 'run', 'build']);
  apiDocs();
}

/**
 * The JupyterLab front-end of `npm run lab`: lab/ is a pnpm project of its own
 * (its own lockfile, ~450 MB of @jupyterlab packages and rspack), installed
 * and built only by the commands that need it; the build is cached.
 */
export function ensureLab() {
  ensureDebian('lab');
  ensurePnpm();
  pnpm(['install', '--ignore-workspace', '--frozen-lockfile', '--prefer-offline', '--reporter=append-only'], { cwd: join(root, 'lab') });
  run(process.execPath, [join(root, 'lab', 'build.mjs')]);
}

const commands = {
  build,
  test() {
    build();
    ensureDebian('notebooks');
    ensureDebian('browser');
    ensureLab();
    ensureDebian('queue');
    run(process.execPath, [join(root, 'tools', 'run-tests.mjs'), ...process.argv.slice(3)]);
  },
  lab() {
    build();
    ensureLab();
    // Ctrl-C reaches lab/start.mjs too, which stops JupyterLab and its kernels; wait for it.
    process.on('SIGINT', () => {});
    process.on('SIGTERM', () => {});
    const result = spawnSync(process.execPath, [join(root, 'lab', 'start.mjs'), ...process.argv.slice(3)], { cwd: root, stdio: 'inherit' });
    process.exitCode = result.status ?? 1;
  },
  tutorial() {
    build();
    ensureDebian('notebooks');
    run(process.execPath, [join(root, 'tools', 'run-notebooks.mjs'), ...process.argv.slice(3)]);
  },
  bench() {
    build();
    run(process.execPath, [join(root, 'bench', 'run.mjs'), ...process.argv.slice(3)]);
  },
};

const [command] = process.argv.slice(2);
if (command) {
  if (!(command in commands)) {
    log(`unknown command "${command}"; use one of ${Object.keys(commands).join(', ')}`);
    process.exit(2);
  }
  try {
    commands[command]();
  } catch (error) {
    log(error.message);
    process.exit(1);
  }
}
