/**
 * BMP decoding as TF 1.15's decode_bmp_op.cc does it: uncompressed 8 (raw indices as grey), 24 or
 * 32 bits per pixel, BGR(A) to RGB(A), bottom-up rows (height > 0) or top-down (height < 0),
 * rows padded to 4 bytes. TF reads the int32 at offset 28, so compressed files (BI_BITFIELDS etc.)
 * fail its channel check; tsflow reads it the same way.
 */
import { CodecError } from './inflate.js';

const i32 = (b: Uint8Array, o: number): number => b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24);

/** Decode `bytes`; `channels` 0 takes the file's. Errors are TF's texts (CodecError). */
export function decodeBmpBytes(b: Uint8Array, channels: number): { data: Uint8Array; height: number; width: number; channels: number } {
  if (b.length < 32) throw new CodecError(`Incomplete bmp content, requires at least 32 bytes to find the header size, width, height, and bpp, got ${b.length} bytes`);
  const headerSize = i32(b, 10);
  const width = i32(b, 18);
  const height = i32(b, 22);
  const bpp = i32(b, 28);
  const fileChannels = Math.trunc(bpp / 8);
  if (channels) {
    if (channels !== fileChannels) throw new CodecError(`channels attribute ${channels} does not match bits per pixel from file ${fileChannels}`);
  } else channels = fileChannels;
  if (channels !== 1 && channels !== 3 && channels !== 4) throw new CodecError(`Number of channels must be 1, 3 or 4, was ${channels}`);
  if (!(width > 0 && headerSize >= 0)) throw new CodecError('Width must be positive');
  const absHeight = Math.abs(height);
  if (width * absHeight >= Math.floor(2147483647 / 8)) throw new CodecError('Total possible pixel bytes must be less than 2^30');
  const rowSize = Math.floor((channels * width + 3) / 4) * 4;
  const expected = headerSize + (absHeight - 1) * rowSize + (width - 1) * channels + channels;
  if (expected > b.length) throw new CodecError(`Incomplete bmp content, requires at least ${expected} bytes, got ${b.length} bytes`);
  const topDown = height < 0;
  const out = new Uint8Array(absHeight * width * channels);
  for (let y = 0; y < absHeight; y++) {
    const src = headerSize + (topDown ? y : absHeight - 1 - y) * rowSize;
    const dst = y * width * channels;
    for (let x = 0; x < width; x++) {
      const s = src + x * channels;
      const d = dst + x * channels;
      if (channels === 1) out[d] = b[s]!;
      else {
        out[d] = b[s + 2]!;
        out[d + 1] = b[s + 1]!;
        out[d + 2] = b[s]!;
        if (channels === 4) out[d + 3] = b[s + 3]!;
      }
    }
  }
  return { data: out, height: absHeight, width, channels };
}
