import { deflateSync } from 'node:zlib';

/**
 * A minimal PNG writer for the static pictures: 8-bit indexed colour (one
 * byte per pixel into a palette of up to 256 colours), rows unfiltered,
 * zlib-compressed. A heatmap's cells are colour-map indices, so this is the
 * most compact lossless form of its picture.
 */

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 255] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** `width × height` palette indices (row-major) as a PNG file; `palette` holds `#rrggbb` colours. */
export function indexedPng(width: number, height: number, indices: Uint8Array, palette: readonly string[]): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bits per index
  header[9] = 3; // colour type: indexed
  const plte = Buffer.alloc(3 * palette.length);
  palette.forEach((hex, k) => {
    const v = Number.parseInt(hex.slice(1), 16);
    plte[3 * k] = (v >> 16) & 255;
    plte[3 * k + 1] = (v >> 8) & 255;
    plte[3 * k + 2] = v & 255;
  });
  // Each row starts with its filter type, 0 (none): the recommended filter for indexed images.
  const raw = Buffer.alloc(height * (width + 1));
  for (let r = 0; r < height; r++) raw.set(indices.subarray(r * width, (r + 1) * width), r * (width + 1) + 1);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('PLTE', plte),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', new Uint8Array(0)),
  ]);
}
