#!/usr/bin/env node
// Builds @tangent-lab/jupyterlab: TypeScript into lib/, then the prebuilt
// (federated) JupyterLab extension into labextension/ with @jupyterlab/builder.
//
// There is no Python JupyterLab here, so instead of `jupyter labextension
// build` we run the builder's script from npm, with the core package metadata
// of @jupyterlab/core-meta as its core path. The webpack step takes a minute
// or more (plotly.js is large), so it is skipped when none of its inputs has
// changed since the last build.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(here, 'package.json'));
const cache = join(here, 'node_modules', '.cache', 'tangent-lab');
const stampFile = join(cache, 'labextension.sha256');
const output = join(here, 'labextension');

function run(args) {
  const result = spawnSync(process.execPath, args, { cwd: here, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited with status ${result.status}`);
}

function files(dir) {
  return readdirSync(dir)
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? files(path) : [path];
    })
    .sort();
}

/** A hash of everything the webpack step reads that can change between builds. */
function inputsHash(corePackage) {
  const hash = createHash('sha256');
  const display = dirname(require.resolve('@tangent-lab/display/package.json'));
  const inputs = [
    join(here, 'package.json'),
    join(here, 'webpack.config.js'),
    corePackage,
    require.resolve('@jupyterlab/builder/package.json'),
    require.resolve('plotly.js-dist-min/package.json'),
    ...files(join(here, 'lib')).filter((f) => f.endsWith('.js')),
    ...files(join(display, 'dist')).filter((f) => f.endsWith('.js')),
  ];
  for (const file of inputs)
    hash
      .update(`${relative(here, file)}\0`)
      .update(readFileSync(file))
      .update('\0');
  return hash.digest('hex');
}

function builtExtensionExists() {
  const meta = join(output, 'package.json');
  if (!existsSync(meta)) return false;
  const load = JSON.parse(readFileSync(meta, 'utf8')).jupyterlab?._build?.load;
  return typeof load === 'string' && existsSync(join(output, load));
}

run([require.resolve('typescript/bin/tsc'), '-b', here]);

// The builder reads `<core path>/package.json`; core-meta ships that file as core.package.json.
const coreDir = join(cache, 'core');
mkdirSync(coreDir, { recursive: true });
copyFileSync(require.resolve('@jupyterlab/core-meta/core.package.json'), join(coreDir, 'package.json'));

const hash = inputsHash(join(coreDir, 'package.json'));
if (builtExtensionExists() && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === hash) {
  process.stdout.write('labextension/ is up to date\n');
} else {
  const started = Date.now();
  run([require.resolve('@jupyterlab/builder/lib/build-labextension.js'), '--core-path', coreDir, here]);
  writeFileSync(stampFile, hash);
  process.stdout.write(`labextension/ built in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}
