// Draws the extension's icon (azure-task/images/icon.png, 128×128): a blue tile with a white
// arrow passing a bar, TestRelay's "hand the results on". Written as a PNG by hand (zlib
// only), so the image is ours and reproducible: node scripts/make-icon.mjs.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const SIZE = 128;
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** RGBA of one pixel: rounded tile, vertical gradient, a bar and an arrow in white. */
function pixel(x, y) {
  const r = 20;
  const cx = Math.min(Math.max(x, r), SIZE - 1 - r);
  const cy = Math.min(Math.max(y, r), SIZE - 1 - r);
  if ((x - cx) ** 2 + (y - cy) ** 2 > r * r) return [0, 0, 0, 0];
  const white = [255, 255, 255, 255];
  const bar = x >= 28 && x < 40 && y >= 30 && y < 98;
  const shaft = x >= 48 && x < 78 && y >= 56 && y < 72;
  const head = x >= 78 && x < 104 && Math.abs(y - 64) <= (104 - x) * 1.1;
  if (bar || shaft || head) return white;
  const t = y / SIZE;
  return [Math.round(0 + 20 * t), Math.round(120 - 40 * t), Math.round(212 - 30 * t), 255];
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buffer) {
  let c = 0xffffffff;
  for (const byte of buffer) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, deflate, no filter method, no interlace
const rows = [];
for (let y = 0; y < SIZE; y += 1) {
  rows.push(Buffer.from([0])); // filter type "none" for each row
  rows.push(Buffer.from(Array.from({ length: SIZE }, (_, x) => pixel(x, y)).flat()));
}
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', deflateSync(Buffer.concat(rows), { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
writeFileSync(join(root, 'azure-task', 'images', 'icon.png'), png);
console.log(`azure-task/images/icon.png (${png.length} bytes)`);
