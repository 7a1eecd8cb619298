#!/usr/bin/env node
// `npm run lab`: opens notebooks/ in JupyterLab 4 with the tslab kernel and
// the Tangent Lab extension, and prints the URL.
//
// - A JupyterLab ≥ 4 on the PATH (`jupyter lab --version`) is used as it is.
// - Otherwise the JupyterLab 4 front-end built by build.mjs from the official
//   npm packages is served by server/tangent_lab_server.py on Debian's
//   jupyter_server.
// Either way the kernelspec and the extension are installed into a
// project-local Jupyter directory (out/.jupyter), never the user's; the server
// listens on 127.0.0.1 with a random token unless --ip / --token say
// otherwise; Ctrl-C stops it and every kernel it started.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
/** The project-local Jupyter directory: kernelspec, extension, settings, workspaces, runtime files. */
export const defaultJupyterDir = join(root, 'out', '.jupyter');
const dataDirOf = (jupyterDir) => join(jupyterDir, 'share', 'jupyter');
const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

export const USAGE = `usage: npm run lab [-- options]

Opens notebooks/ in JupyterLab 4 with the tslab kernel and the Tangent Lab
extension, and prints the URL to open. Ctrl-C stops it, kernels included.
  --ip IP            interface to listen on (default 127.0.0.1: this machine only)
  --port N           first port to try (default 8888; the next free one is taken)
  --token TOKEN      the access token (default: a random one; '' for none)
  --notebook-dir DIR the directory to open (default notebooks/)
  --jupyter-dir DIR  the project-local Jupyter directory (default out/.jupyter)
  --own              use the front-end built from npm packages even if a
                     JupyterLab >= 4 is installed
  --expose-app       set window.jupyterapp in the page (browser tests)`;

export class UsageError extends Error {}

/** The options of `npm run lab` with nothing on the command line. */
export function defaults() {
  return parseArgs([]);
}

/** Parses the command line; throws UsageError saying what was wrong. */
export function parseArgs(argv) {
  const options = {
    ip: '127.0.0.1',
    port: 8888,
    token: undefined,
    notebookDir: join(root, 'notebooks'),
    jupyterDir: defaultJupyterDir,
    own: false,
    exposeApp: false,
    help: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].includes('=') ? [argv[i].slice(0, argv[i].indexOf('=')), argv[i].slice(argv[i].indexOf('=') + 1)] : [argv[i], undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--help':
      case '-h':
        options.help = true;
        break;
      case '--ip':
        options.ip = value();
        break;
      case '--port': {
        const v = value();
        options.port = Number(v);
        if (!Number.isInteger(options.port) || options.port < 1 || options.port > 65535)
          throw new UsageError(`--port must be a port number (1–65535), got "${v}"`);
        break;
      }
      case '--token':
        options.token = value();
        break;
      case '--notebook-dir':
        options.notebookDir = resolve(value());
        break;
      case '--jupyter-dir':
        options.jupyterDir = resolve(value());
        break;
      case '--own':
        options.own = true;
        break;
      case '--expose-app':
        options.exposeApp = true;
        break;
      default:
        throw new UsageError(`unknown option "${argv[i]}"`);
    }
  }
  return options;
}

/** The major.minor.patch of the `jupyter lab` on the PATH, or undefined if there is none. */
export function installedJupyterLab(env = process.env) {
  const r = spawnSync('jupyter', ['lab', '--version'], { encoding: 'utf8', env, timeout: 30_000 });
  if (r.status !== 0) return undefined;
  const match = /^(\d+)\.(\d+)\.(\d+)/m.exec(r.stdout.trim());
  return match ? { version: match[0], major: Number(match[1]) } : undefined;
}

/** The first port from `start` on that nothing listens on. */
export function freePort(ip, start) {
  return new Promise((resolvePort, reject) => {
    const attempt = (port) => {
      if (port > Math.min(start + 100, 65535)) return reject(new Error(`no free port in ${start}–${port - 1} on ${ip}`));
      const probe = createServer();
      probe.once('error', () => attempt(port + 1));
      probe.listen({ host: ip, port, exclusive: true }, () => probe.close(() => resolvePort(port)));
    };
    attempt(start);
  });
}

/** Writes the tslab kernelspec and the extension into the project-local Jupyter directory. */
export function installKernelAndExtension(jupyterDir = defaultJupyterDir) {
  const r = spawnSync(process.execPath, [join(root, 'kernel-ext', 'bin', 'tangent-lab.mjs'), 'install', '--prefix', jupyterDir], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tangent-lab install failed: ${r.stderr || r.stdout}`);
}

/** The server command for the user's JupyterLab. */
function userLabCommand(options, port) {
  return {
    command: 'jupyter',
    args: [
      'lab',
      '--no-browser',
      `--ServerApp.ip=${options.ip}`,
      `--ServerApp.port=${port}`,
      '--ServerApp.port_retries=0',
      `--ServerApp.root_dir=${options.notebookDir}`,
      '--MappingKernelManager.default_kernel_name=tslab',
      ...(process.getuid?.() === 0 ? ['--ServerApp.allow_root=True'] : []),
      ...(options.exposeApp ? ['--LabApp.expose_app_in_browser=True'] : []),
    ],
    // Our directory comes first on Jupyter's search path; the user's own settings stay.
    env: { JUPYTER_PATH: [dataDirOf(options.jupyterDir), process.env.JUPYTER_PATH].filter(Boolean).join(delimiter) },
  };
}

/** The server command for the front-end built from npm packages. */
async function ownLabCommand(options, port) {
  const { ensureApp } = await import('./build.mjs');
  const appDir = await ensureApp({ log: (m) => process.stdout.write(`[tangent-lab] ${m}\n`) });
  return {
    command: python,
    args: [
      join(here, 'server', 'tangent_lab_server.py'),
      '--app-dir',
      appDir,
      '--root-dir',
      options.notebookDir,
      '--data-dir',
      dataDirOf(options.jupyterDir),
      '--ip',
      options.ip,
      '--port',
      String(port),
      '--port-retries',
      '0',
      ...(options.exposeApp ? ['--expose-app'] : []),
    ],
    // Nothing of the user's Jupyter set-up leaks in: data, config and runtime files are ours.
    env: {
      JUPYTER_PATH: dataDirOf(options.jupyterDir),
      JUPYTER_DATA_DIR: dataDirOf(options.jupyterDir),
      JUPYTER_CONFIG_DIR: join(options.jupyterDir, 'config'),
      JUPYTER_RUNTIME_DIR: join(options.jupyterDir, 'runtime'),
      JUPYTER_PLATFORM_DIRS: '1',
    },
  };
}

/** Resolves once the server answers an authenticated API request. */
async function waitUntilServing(base, token, child, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`the Jupyter server exited (${child.exitCode ?? child.signalCode}) before it served`);
    try {
      const response = await fetch(`${base}/api/kernelspecs`, { headers: token ? { Authorization: `token ${token}` } : {} });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the Jupyter server did not answer within ${timeoutMs / 1000} s`);
}

/**
 * Starts the server; resolves to { url, stop, exited } once it serves. `stop()`
 * sends SIGTERM, on which jupyter_server shuts every kernel down and exits.
 */
export async function startLab(options, { log = (m) => process.stdout.write(`[tangent-lab] ${m}\n`), stdio = 'inherit' } = {}) {
  installKernelAndExtension(options.jupyterDir);
  const user = options.own ? undefined : installedJupyterLab();
  const port = await freePort(options.ip, options.port);
  const token = options.token ?? randomBytes(24).toString('hex');
  const useUser = user !== undefined && user.major >= 4;
  if (user && !useUser) log(`JupyterLab ${user.version} is installed, but the extension needs 4 or later: using the front-end built from npm packages`);
  const { command, args, env } = useUser ? userLabCommand(options, port) : await ownLabCommand(options, port);
  mkdirSync(join(options.jupyterDir, 'runtime'), { recursive: true });
  // Its own process group: a Ctrl-C in the terminal reaches us, and we stop the server in order.
  const child = spawn(command, args, {
    cwd: options.notebookDir,
    env: { ...process.env, ...env, JUPYTER_TOKEN: token },
    stdio: ['ignore', stdio, stdio],
    detached: true,
  });
  const exited = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));
  const host = options.ip.includes(':') ? `[${options.ip}]` : options.ip;
  const base = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
  try {
    await waitUntilServing(base, token, child);
  } catch (error) {
    if (child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
    throw error;
  }
  const url = `${base}/lab${token ? `?token=${token}` : ''}`;
  const stop = async (graceMs = 30_000) => {
    if (child.exitCode !== null || child.signalCode !== null) return exited;
    process.kill(-child.pid, 'SIGTERM');
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }, graceMs);
    const result = await exited;
    clearTimeout(timer);
    return result;
  };
  return {
    url,
    token,
    port,
    pid: child.pid,
    flavour: useUser ? `JupyterLab ${user.version} (installed)` : 'JupyterLab 4 built from npm packages, on jupyter_server',
    stop,
    exited,
  };
}

async function main(argv) {
  let options;
  try {
    options = parseArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`tangent-lab: ${error.message}\n${USAGE}\n`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let stopping = false;
  let lab;
  const onSignal = async () => {
    if (stopping || !lab) return;
    stopping = true;
    process.stdout.write('\n[tangent-lab] stopping JupyterLab and its kernels…\n');
    await lab.stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    lab = await startLab(options);
  } catch (error) {
    process.stderr.write(`tangent-lab: ${error.message}\n`);
    return 1;
  }
  process.stdout.write(
    `[tangent-lab] ${lab.flavour} is serving ${options.notebookDir}:\n\n    ${lab.url}\n\n[tangent-lab] open that URL in a browser; Ctrl-C stops JupyterLab and its kernels.\n`,
  );
  const { code, signal } = await lab.exited;
  if (stopping) {
    process.stdout.write('[tangent-lab] stopped.\n');
    return 0;
  }
  process.stderr.write(`tangent-lab: the Jupyter server exited on its own (${code ?? signal})\n`);
  return 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
