import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { after, test } from 'node:test';
import { pathToFileURL } from 'node:url';

// The launcher of `npm run lab` (lab/start.mjs): its options, the choice of the
// user's JupyterLab when one >= 4 is installed, and a Ctrl-C that stops the
// server and its kernels.

const root = join(__dirname, '..', '..');
const start = join(root, 'lab', 'start.mjs');
const scratch = mkdtempSync(join(tmpdir(), 'tangent-lab-start-'));
interface Launcher {
  parseArgs(argv: string[]): Record<string, unknown>;
  defaults(): Record<string, unknown>;
  startLab(
    options: object,
    io?: object,
  ): Promise<{ url: string; token: string; flavour: string; stop(): Promise<{ code: number | null; signal: string | null }> }>;
}
const launcher = () => import(pathToFileURL(start).href) as Promise<Launcher>;

after(() => rmSync(scratch, { recursive: true, force: true }));

test('options: 127.0.0.1, port 8888, notebooks/ by default; bad ones are named', async () => {
  const { parseArgs } = await launcher();
  const d = parseArgs([]);
  assert.equal(d.ip, '127.0.0.1');
  assert.equal(d.port, 8888);
  assert.equal(d.notebookDir, join(root, 'notebooks'));
  assert.equal(d.token, undefined, 'a random token is made at start');
  assert.deepEqual([parseArgs(['--port', '9000']).port, parseArgs(['--ip=0.0.0.0']).ip, parseArgs(['--token', '']).token], [9000, '0.0.0.0', '']);
  assert.throws(() => parseArgs(['--port', 'x']), /--port must be a port number/);
  assert.throws(() => parseArgs(['--browser']), /unknown option "--browser"/);
  assert.throws(() => parseArgs(['--ip']), /--ip needs a value/);
});

test('a JupyterLab >= 4 on the PATH is used, with our kernelspec and extension in a project-local directory', async () => {
  // A stand-in `jupyter`: reports version 4.2.5, records how it was started, and serves the API with its token.
  const bin = join(scratch, 'bin');
  mkdirSync(bin);
  const record = join(scratch, 'started.json');
  writeFileSync(
    join(bin, 'jupyter'),
    `#!${process.execPath}
const args = process.argv.slice(2);
if (args[0] === 'lab' && args[1] === '--version') { console.log('4.2.5'); process.exit(0); }
require('fs').writeFileSync(${JSON.stringify(record)}, JSON.stringify({ args, cwd: process.cwd(), JUPYTER_PATH: process.env.JUPYTER_PATH, JUPYTER_TOKEN: process.env.JUPYTER_TOKEN }));
const port = Number(args.find((a) => a.startsWith('--ServerApp.port=')).split('=')[1]);
const server = require('http').createServer((req, res) => {
  res.statusCode = req.headers.authorization === 'token ' + process.env.JUPYTER_TOKEN ? 200 : 403;
  res.end('{}');
}).listen(port, '127.0.0.1');
process.on('SIGTERM', () => { server.close(); process.exit(0); });
`,
  );
  chmodSync(join(bin, 'jupyter'), 0o755);
  const path = process.env.PATH;
  process.env.PATH = `${bin}${delimiter}${path}`;
  try {
    const { defaults, startLab } = await launcher();
    const jupyterDir = join(scratch, 'jupyter');
    const lab = await startLab({ ...defaults(), port: 18970, jupyterDir }, { stdio: 'ignore', log: () => {} });
    assert.equal(lab.flavour, 'JupyterLab 4.2.5 (installed)');
    assert.match(lab.url, /^http:\/\/127\.0\.0\.1:\d+\/lab\?token=[0-9a-f]{48}$/);
    const started = JSON.parse(readFileSync(record, 'utf8'));
    for (const a of [
      'lab',
      '--no-browser',
      '--ServerApp.ip=127.0.0.1',
      `--ServerApp.root_dir=${join(root, 'notebooks')}`,
      '--MappingKernelManager.default_kernel_name=tslab',
    ]) {
      assert.ok(started.args.includes(a), `started with ${a}: ${started.args.join(' ')}`);
    }
    assert.ok(!started.args.some((a: string) => a.includes(lab.token)), 'the token is not on the command line');
    assert.equal(started.JUPYTER_TOKEN, lab.token);
    const data = started.JUPYTER_PATH.split(delimiter)[0];
    assert.equal(data, join(jupyterDir, 'share', 'jupyter'), 'our directory first on the search path');
    assert.ok(existsSync(join(data, 'kernels', 'tslab', 'kernel.json')));
    assert.ok(existsSync(join(data, 'labextensions', '@tangent-lab', 'jupyterlab', 'package.json')));
    const { code } = await lab.stop();
    assert.equal(code, 0);
  } finally {
    process.env.PATH = path;
  }
});

test('Ctrl-C stops the server built from npm packages and every kernel it started', async () => {
  const notebooks = join(scratch, 'notebooks');
  mkdirSync(notebooks);
  symlinkSync(join(root, 'notebooks', 'node_modules'), join(notebooks, 'node_modules'), 'dir');
  const child = spawn(process.execPath, [start, '--own', '--port', '18980', '--jupyter-dir', join(scratch, 'own'), '--notebook-dir', notebooks], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stdout += d;
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const deadline = Date.now() + 120_000;
  while (!/http:\/\/127\.0\.0\.1:\d+\/lab\?token=[0-9a-f]+/.test(stdout)) {
    assert.ok(Date.now() < deadline && child.exitCode === null, `the launcher printed no URL:\n${stdout}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const url = new URL(/http:\/\/127\.0\.0\.1:\d+\/lab\?token=[0-9a-f]+/.exec(stdout)![0]);
  const token = url.searchParams.get('token')!;
  assert.match(url.hostname, /^127\.0\.0\.1$/);
  const kernel = (await (await fetch(`${url.origin}/api/kernels`, { method: 'POST', headers: { Authorization: `token ${token}` }, body: '{}' })).json()) as {
    id: string;
    name: string;
  };
  assert.equal(kernel.name, 'tslab', 'the default kernel is tslab');
  assert.equal((await fetch(`${url.origin}/api/kernels`)).status, 403, 'nothing without the token');
  const kernelPids = async () => {
    const { execFileSync } = await import('node:child_process');
    return execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l.includes(`kernel-${kernel.id}`))
      .map((l) => Number(l.trim().split(/\s+/)[0]));
  };
  assert.equal((await kernelPids()).length, 1, 'a tslab kernel process runs');
  child.kill('SIGINT'); // what Ctrl-C in the terminal sends
  assert.equal(await exited, 0);
  assert.match(stdout, /stopping JupyterLab and its kernels/);
  assert.match(stdout, /stopped\./);
  assert.deepEqual(await kernelPids(), [], 'the kernel was shut down');
  await assert.rejects(fetch(`${url.origin}/api/kernels`), 'the server no longer listens');
});
