import assert from 'node:assert/strict';
import { crc32, inflateSync } from 'node:zlib';

/** Reads an 8-bit indexed PNG (as the heatmap pictures are), checking every chunk's CRC with zlib's. */
export function readIndexedPng(png: Buffer): { width: number; height: number; color(row: number, col: number): string } {
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
  let offset = 8;
  let width = 0;
  let height = 0;
  let palette: string[] = [];
  const idat: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    assert.equal(png.readUInt32BE(offset + 8 + length), crc32(png.subarray(offset + 4, offset + 8 + length)), `CRC of ${type}`);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      assert.equal(data[8], 8, 'bit depth');
      assert.equal(data[9], 3, 'indexed colour');
    } else if (type === 'PLTE') {
      palette = Array.from({ length: length / 3 }, (_, k) => `#${data.subarray(3 * k, 3 * k + 3).toString('hex')}`);
    } else if (type === 'IDAT') {
      idat.push(data);
    }
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  assert.equal(raw.length, height * (width + 1));
  return {
    width,
    height,
    color(row, col) {
      assert.equal(raw[row * (width + 1)], 0, 'filter type 0');
      return palette[raw[row * (width + 1) + 1 + col]];
    },
  };
}

/** The PNG inside an SVG's heatmap `<image>`, and the image's placement. */
export function heatmapImage(svg: string): { png: Buffer; x: number; y: number; width: number; height: number } {
  const m = /<image x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"[^>]*xlink:href="data:image\/png;base64,([A-Za-z0-9+/=]+)"/.exec(svg);
  assert.ok(m, 'a heatmap image');
  return { x: Number(m[1]), y: Number(m[2]), width: Number(m[3]), height: Number(m[4]), png: Buffer.from(m[5], 'base64') };
}
