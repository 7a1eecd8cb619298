// Assembles every WebAssembly text file under src/ into dist/ beside the
// compiled JavaScript that loads it (wabt, the WebAssembly Binary Toolkit,
// built for JavaScript: no native download).
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import wabt from 'wabt';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');
const dist = join(root, 'dist');

function watFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return watFiles(path);
    return e.name.endsWith('.wat') ? [path] : [];
  });
}

const toolkit = await wabt();
for (const file of watFiles(src)) {
  const module = toolkit.parseWat(file, readFileSync(file, 'utf8'), { simd: true });
  module.validate();
  const { buffer } = module.toBinary({});
  module.destroy();
  const out = join(dist, relative(src, file)).replace(/\.wat$/, '.wasm');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, buffer);
}
