#!/usr/bin/env node
// `tangent-lab install [--prefix DIR]`: makes Jupyter able to run Tangent Lab
// notebooks — the tslab TypeScript kernelspec and our prebuilt JupyterLab
// extension — without Python packages (`tslab install` needs IPython).
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const packageDir = join(here, '..');
const require = createRequire(join(packageDir, 'package.json'));

const USAGE = `usage: tangent-lab install [--prefix DIR]

Writes the tslab kernelspec (kernels/tslab) and the prebuilt JupyterLab
extension (labextensions/@tangent-lab/jupyterlab) into Jupyter's data directory:
  --prefix DIR   DIR/share/jupyter (like \`jupyter kernelspec install --prefix\`)
  (default)      $JUPYTER_DATA_DIR, else ~/.local/share/jupyter`;

class UsageError extends Error {}

/** Parses the command line; throws UsageError with a message that says what was wrong. */
export function parseArgs(argv) {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h') return { help: true };
  if (command !== 'install') throw new UsageError(`unknown command "${command}"; the only command is "install"`);
  let prefix;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '--help' || arg === '-h') return { help: true };
    if (arg === '--prefix') {
      prefix = rest[++i];
      if (!prefix || prefix.startsWith('--')) throw new UsageError('--prefix needs a directory');
    } else if (arg.startsWith('--prefix=')) {
      prefix = arg.slice('--prefix='.length);
      if (!prefix) throw new UsageError('--prefix needs a directory');
    } else {
      throw new UsageError(`unknown argument "${arg}"`);
    }
  }
  return { command, prefix };
}

/** Jupyter's data directory for a prefix, or the user's. */
export function dataDir(prefix, env = process.env) {
  if (prefix !== undefined) return join(resolve(prefix), 'share', 'jupyter');
  if (env.JUPYTER_DATA_DIR) return resolve(env.JUPYTER_DATA_DIR);
  return join(homedir(), '.local', 'share', 'jupyter');
}

/** Installs the kernelspec and the extension into `dir`; returns what was written. */
export function install(dir) {
  const tslabDir = dirname(require.resolve('tslab/package.json'));
  const kernelDir = join(dir, 'kernels', 'tslab');
  mkdirSync(kernelDir, { recursive: true });
  const spec = {
    argv: [process.execPath, join(tslabDir, 'bin', 'tslab'), 'kernel', '--config-path', '{connection_file}'],
    display_name: 'TypeScript (tslab)',
    language: 'typescript',
  };
  writeFileSync(join(kernelDir, 'kernel.json'), `${JSON.stringify(spec, null, 2)}\n`);
  const built = join(packageDir, 'labextension');
  if (!existsSync(join(built, 'package.json'))) {
    throw new Error(`the JupyterLab extension is not built (${built} is missing); run npm run build first`);
  }
  const extensionDir = join(dir, 'labextensions', '@tangent-lab', 'jupyterlab');
  rmSync(extensionDir, { recursive: true, force: true });
  mkdirSync(dirname(extensionDir), { recursive: true });
  cpSync(built, extensionDir, { recursive: true });
  return { kernelDir, extensionDir };
}

function main(argv) {
  let args;
  try {
    args = parseArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`tangent-lab: ${error.message}\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  try {
    const { kernelDir, extensionDir } = install(dataDir(args.prefix));
    process.stdout.write(`tslab kernelspec: ${kernelDir}\nJupyterLab extension: ${extensionDir}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`tangent-lab: ${error.message}\n`);
    return 1;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (process.argv[2] === 'worker') {
    // The tile worker of batch across machines lives in its own module.
    import('./worker.mjs').then(async (m) => {
      const code = await m.main(process.argv.slice(3));
      if (code !== undefined) process.exitCode = code;
    });
  } else {
    process.exitCode = main(process.argv.slice(2));
  }
}
