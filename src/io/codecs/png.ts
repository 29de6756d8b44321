/**
 * PNG encoding and decoding on bytes (no tensors): the codec behind tf.image.encodePng /
 * decodePng / decodeImage and the image summaries. Decoding follows what TF 1.15's png_io.cc asks
 * of libpng: every colour type and bit depth, Adam7, palette + tRNS, channel conversion (grey from
 * RGB with libpng's fixed-point 0.299/0.587 weights, truncated; alpha added with libpng's filler
 * value (1 << bit_depth) - 1; grey replicated to RGB), 16-bit samples stripped to their high byte
 * for uint8 and 8-bit samples widened as v * 257 for uint16.
 */
import { tryNodeBuiltin } from '../../platform/node-builtins.js';
import { CodecError, inflateZlib, zlibStored } from './inflate.js';

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** PNG's CRC-32 (ISO 3309), over the chunk type and data. */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export const PNG_SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  dv.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

const COLOR_TYPE: Record<number, number> = { 1: 0, 2: 4, 3: 2, 4: 6 };

function zlibCompress(raw: Uint8Array, level: number): Uint8Array {
  const z = tryNodeBuiltin('node:zlib');
  if (z) return new Uint8Array(z.deflateSync(raw, { level: level < 0 ? -1 : level, memLevel: 9 }));
  return zlibStored(raw);
}

/**
 * Encode `pixels` (`height`×`width`×`channels`, row-major; Uint8Array for 8-bit samples,
 * Uint16Array for 16-bit) as a PNG file. `compression` is zlib's level, -1 its default (where
 * node:zlib is absent the data is stored uncompressed, still a valid PNG).
 */
export function encodePng(pixels: Uint8Array | Uint16Array, height: number, width: number, channels: number, compression = -1): Uint8Array {
  const colorType = COLOR_TYPE[channels];
  if (colorType === undefined) throw new RangeError(`PNG needs 1, 2, 3 or 4 channels, got ${channels}`);
  const sixteen = pixels instanceof Uint16Array;
  const ihdr = new Uint8Array(13);
  const dv = new DataView(ihdr.buffer);
  dv.setUint32(0, width);
  dv.setUint32(4, height);
  ihdr[8] = sixteen ? 16 : 8;
  ihdr[9] = colorType;
  const row = width * channels;
  const rowBytes = row * (sixteen ? 2 : 1);
  const raw = new Uint8Array(height * (rowBytes + 1));
  for (let y = 0; y < height; y++) {
    const o = y * (rowBytes + 1) + 1;
    if (!sixteen) raw.set((pixels as Uint8Array).subarray(y * row, (y + 1) * row), o);
    else for (let i = 0; i < row; i++) {
      const v = pixels[y * row + i]!;
      raw[o + 2 * i] = v >> 8;
      raw[o + 2 * i + 1] = v & 0xff;
    }
  }
  const parts = [PNG_SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', zlibCompress(raw, compression)), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Which stage failed: the header (TF's "Invalid PNG header") or the image data ("Invalid PNG data"). */
export class PngError extends CodecError {
  constructor(readonly stage: 'header' | 'data', message: string) {
    super(message);
  }
}

export interface PngHeader {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  interlace: number;
  palette: Uint8Array | null;
  /** tRNS: palette alphas, or the transparent grey/RGB sample values. */
  trns: Uint8Array | Uint16Array | null;
  /** The IDAT bytes concatenated, and whether IEND followed with good CRCs. */
  idat: Uint8Array[];
  ended: boolean;
  dataError: string | null;
}

/** libpng's default limits on a header's width and height (PNG_USER_WIDTH_MAX / HEIGHT_MAX). */
const USER_MAX = 1000000;
const VALID_DEPTHS: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };
const SAMPLES: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

const u32 = (b: Uint8Array, o: number): number => ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;

/** The PNG's chunks, read as libpng reads them: header errors throw; data errors are recorded. */
export function readPngChunks(b: Uint8Array): PngHeader {
  const bad = (m: string): never => {
    throw new PngError('header', m);
  };
  if (b.length < 8) bad('not enough data for a PNG signature');
  for (let i = 0; i < 8; i++) if (b[i] !== PNG_SIGNATURE[i]) bad('not a PNG file');
  const h: PngHeader = { width: 0, height: 0, bitDepth: 0, colorType: 0, interlace: 0, palette: null, trns: null, idat: [], ended: false, dataError: null };
  let pos = 8;
  let seenIhdr = false;
  let inData = false;
  let idatDone = false;
  while (!h.ended) {
    // Once IDAT began, a failure is a data error (png_read_row / png_read_end).
    const fail = (m: string): void => {
      if (!inData) bad(m);
      h.dataError = m;
    };
    if (pos + 8 > b.length) {
      fail('More bytes requested to read than available');
      break;
    }
    const len = u32(b, pos);
    const type = String.fromCharCode(b[pos + 4]!, b[pos + 5]!, b[pos + 6]!, b[pos + 7]!);
    // libpng's png_read_info stops at the first IDAT's header: the rest is read as image data.
    if (type === 'IDAT' && seenIhdr && !(h.colorType === 3 && !h.palette)) inData = true;
    if (len > 0x7fffffff || pos + 12 + len > b.length) {
      fail('More bytes requested to read than available');
      break;
    }
    const data = b.subarray(pos + 8, pos + 8 + len);
    const crcOk = crc32(b.subarray(pos + 4, pos + 8 + len)) === u32(b, pos + 8 + len);
    pos += 12 + len;
    const critical = (type.charCodeAt(0) & 0x20) === 0;
    if (!crcOk) {
      if (critical) {
        fail(`${type}: CRC error`);
        break;
      }
      continue; // libpng discards an ancillary chunk with a bad CRC, with a warning
    }
    if (!seenIhdr) {
      if (type !== 'IHDR' || len !== 13) bad('Missing IHDR before ' + type);
      seenIhdr = true;
      h.width = u32(data, 0);
      h.height = u32(data, 4);
      h.bitDepth = data[8]!;
      h.colorType = data[9]!;
      h.interlace = data[12]!;
      if (h.width === 0 || h.width > 0x7fffffff || h.width > USER_MAX) bad('Invalid image width in IHDR');
      if (h.height === 0 || h.height > 0x7fffffff || h.height > USER_MAX) bad('Invalid image height in IHDR');
      if (!VALID_DEPTHS[h.colorType]?.includes(h.bitDepth)) bad('Invalid bit depth / color type in IHDR');
      if (data[10] !== 0 || data[11] !== 0 || h.interlace > 1) bad('Unknown compression, filter or interlace method in IHDR');
      continue;
    }
    switch (type) {
      case 'IHDR':
        fail('Out of place IHDR');
        break;
      case 'PLTE':
        if (inData) break; // libpng ignores an out-of-place PLTE
        if (len % 3 !== 0 || len === 0 || len / 3 > 256) {
          if (h.colorType === 3) bad('Invalid palette chunk');
          break;
        }
        if (h.colorType === 3 || h.colorType === 2 || h.colorType === 6) h.palette = data;
        break;
      case 'tRNS':
        if (inData) break;
        if (h.colorType === 3 && h.palette && len <= h.palette.length / 3 && len > 0) h.trns = data;
        else if (h.colorType === 0 && len === 2) h.trns = Uint16Array.of(((data[0]! << 8) | data[1]!) & ((1 << h.bitDepth) - 1));
        else if (h.colorType === 2 && len === 6) h.trns = Uint16Array.of((data[0]! << 8) | data[1]!, (data[2]! << 8) | data[3]!, (data[4]! << 8) | data[5]!);
        break; // otherwise an invalid tRNS, which libpng ignores with a warning
      case 'IDAT':
        if (h.colorType === 3 && !h.palette) bad('Missing PLTE before IDAT');
        if (idatDone) {
          fail('Too many IDATs found');
          break;
        }
        inData = true;
        h.idat.push(data);
        break;
      case 'IEND':
        if (!inData) bad('Missing IDAT');
        h.ended = true;
        break;
      default:
        if (critical) fail(`${type}: unknown critical chunk`);
    }
    if (h.dataError) break;
    // IDATs must be consecutive; a later IDAT after another chunk is an error.
    if (type !== 'IDAT' && inData) idatDone = true;
  }
  return h;
}

const ADAM7: readonly [number, number, number, number][] = [
  [0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2],
];

/** The image's samples at their own bit depth, `height*width*SAMPLES[colorType]` of them. */
function samples(h: PngHeader): Uint16Array {
  const ch = SAMPLES[h.colorType]!;
  const bits = h.bitDepth * ch;
  const passes = h.interlace ? ADAM7 : [[0, 0, 1, 1] as [number, number, number, number]];
  const dims = passes.map(([x0, y0, dx, dy]) => [Math.ceil((h.width - x0) / dx), Math.ceil((h.height - y0) / dy)] as const);
  let expected = 0;
  for (const [pw, ph] of dims) if (pw > 0 && ph > 0) expected += ph * (1 + Math.ceil((pw * bits) / 8));
  const total = h.idat.reduce((n, c) => n + c.length, 0);
  const z = new Uint8Array(total);
  let o = 0;
  for (const c of h.idat) {
    z.set(c, o);
    o += c.length;
  }
  let raw: Uint8Array;
  try {
    raw = inflateZlib(z, expected, expected);
  } catch (e) {
    // More image data than the image holds is a warning in libpng ("Too much image data"); a
    // corrupt stream is an error.
    throw new PngError('data', (e as Error).message);
  }
  if (raw.length < expected) throw new PngError('data', 'Not enough image data');
  // The inflated data is all there (its size is what the header declares); its row filter
  // types are checked before the samples are allocated, so corrupt data fails having allocated
  // no more than the inflated bytes.
  for (let pass = 0, q = 0; pass < passes.length; pass++) {
    const [pw, ph] = dims[pass]!;
    if (pw <= 0 || ph <= 0) continue;
    const step = 1 + Math.ceil((pw * bits) / 8);
    for (let y = 0; y < ph; y++, q += step) if (raw[q]! > 4) throw new PngError('data', 'bad adaptive filter value');
  }
  const out = new Uint16Array(h.width * h.height * ch);
  const bpp = Math.max(1, bits >> 3);
  let p = 0;
  for (let pass = 0; pass < passes.length; pass++) {
    const [pw, ph] = dims[pass]!;
    if (pw <= 0 || ph <= 0) continue;
    const [x0, y0, dx, dy] = passes[pass]!;
    const rowLen = Math.ceil((pw * bits) / 8);
    let prev: Uint8Array = new Uint8Array(rowLen);
    for (let y = 0; y < ph; y++) {
      const f = raw[p]!;
      const cur = raw.subarray(p + 1, p + 1 + rowLen);
      p += 1 + rowLen;
      switch (f) {
        case 0: break;
        case 1: for (let i = bpp; i < rowLen; i++) cur[i] = (cur[i]! + cur[i - bpp]!) & 0xff; break;
        case 2: for (let i = 0; i < rowLen; i++) cur[i] = (cur[i]! + prev[i]!) & 0xff; break;
        case 3: for (let i = 0; i < rowLen; i++) cur[i] = (cur[i]! + (((i >= bpp ? cur[i - bpp]! : 0) + prev[i]!) >> 1)) & 0xff; break;
        case 4:
          for (let i = 0; i < rowLen; i++) {
            const a = i >= bpp ? cur[i - bpp]! : 0;
            const bb = prev[i]!;
            const c = i >= bpp ? prev[i - bpp]! : 0;
            const pa = Math.abs(bb - c);
            const pb = Math.abs(a - c);
            const pc = Math.abs(a + bb - 2 * c);
            cur[i] = (cur[i]! + (pa <= pb && pa <= pc ? a : pb <= pc ? bb : c)) & 0xff;
          }
          break;
        default: throw new PngError('data', 'bad adaptive filter value');
      }
      prev = cur;
      const oy = y0 + y * dy;
      for (let x = 0; x < pw; x++) {
        const base = (oy * h.width + x0 + x * dx) * ch;
        for (let c = 0; c < ch; c++) {
          const s = x * ch + c;
          let v: number;
          if (h.bitDepth === 8) v = cur[s]!;
          else if (h.bitDepth === 16) v = (cur[2 * s]! << 8) | cur[2 * s + 1]!;
          else {
            const bit = s * h.bitDepth;
            v = (cur[bit >> 3]! >> (8 - h.bitDepth - (bit & 7))) & ((1 << h.bitDepth) - 1);
          }
          out[base + c] = v;
        }
      }
    }
  }
  return out;
}

// png_set_rgb_to_gray(png, 1, 0.299, 0.587) in libpng's 15-bit fixed point.
const RC = Math.floor((29900 * 32768) / 100000);
const GC = Math.floor((58700 * 32768) / 100000);
const BC = 32768 - RC - GC;

export interface DecodedImage { data: Uint8Array | Uint16Array; height: number; width: number; channels: number }

/** The channel count TF's CommonInitDecode picks for `channels` 0. */
function autoChannels(h: PngHeader): number {
  if (h.colorType === 3) return h.trns ? 4 : 3;
  return SAMPLES[h.colorType]!;
}

/** Header facts TF checks before decoding: size, channels. Throws PngError('header'). */
export function pngInfo(bytes: Uint8Array, channels: number): { header: PngHeader; channels: number } {
  const header = readPngChunks(bytes);
  return { header, channels: channels === 0 ? autoChannels(header) : channels };
}

/**
 * Decode the PNG whose chunks `readPngChunks` returned into `channels` (1–4) channels of
 * `bits` (8 or 16) bits. Throws PngError('data') for corrupt image data.
 */
export function decodePngPixels(h: PngHeader, channels: number, bits: 8 | 16): DecodedImage {
  if (h.dataError) throw new PngError('data', h.dataError);
  const src = samples(h);
  if (!h.ended) throw new PngError('data', 'More bytes requested to read than available');
  const n = h.width * h.height;
  const sch = SAMPLES[h.colorType]!;
  const wantAlpha = (channels & 1) === 0;
  const wantGray = channels < 3;
  // After libpng's expansion: samples per pixel as colour (1 or 3) + alpha, and their depth.
  let depth = h.bitDepth;
  let color: Uint16Array; // n * (1|3)
  let isGray = (h.colorType & 2) === 0;
  let alpha: Uint16Array | null = null;
  if (h.colorType === 3) {
    const pal = h.palette!;
    const palN = pal.length / 3;
    color = new Uint16Array(n * 3);
    const tr = h.trns as Uint8Array | null;
    if (wantAlpha && tr) alpha = new Uint16Array(n);
    for (let i = 0; i < n; i++) {
      const k = src[i]!;
      if (k < palN) {
        color[3 * i] = pal[3 * k]!;
        color[3 * i + 1] = pal[3 * k + 1]!;
        color[3 * i + 2] = pal[3 * k + 2]!;
      }
      if (alpha) alpha[i] = tr && k < tr.length ? tr[k]! : 255;
    }
    isGray = false;
  } else {
    const cc = isGray ? 1 : 3;
    color = new Uint16Array(n * cc);
    const hasA = (h.colorType & 4) !== 0;
    if (wantAlpha && (hasA || h.trns)) alpha = new Uint16Array(n);
    const scale = h.bitDepth < 8 ? 255 / ((1 << h.bitDepth) - 1) : 1;
    const tr = h.trns as Uint16Array | null;
    const max = h.bitDepth === 16 ? 65535 : 255;
    for (let i = 0; i < n; i++) {
      let transparent = tr !== null;
      for (let c = 0; c < cc; c++) {
        const v = src[i * sch + c]!;
        if (tr && v !== tr[c]) transparent = false;
        color[i * cc + c] = v * scale;
      }
      if (alpha) alpha[i] = hasA ? src[i * sch + cc]! : transparent ? 0 : max;
    }
  }
  if (h.colorType === 3 || h.bitDepth < 8) depth = 8;
  // rgb -> grey at the expanded depth, before 16 -> 8 (libpng's order).
  let grey: Uint16Array | null = null;
  if (wantGray && !isGray) {
    grey = new Uint16Array(n);
    for (let i = 0; i < n; i++) {
      const r = color[3 * i]!;
      const g = color[3 * i + 1]!;
      const b = color[3 * i + 2]!;
      grey[i] = r === g && r === b ? r : depth === 16 ? (RC * r + GC * g + BC * b + 16384) >> 15 : (RC * r + GC * g + BC * b) >> 15;
    }
  }
  const filler = (1 << h.bitDepth) - 1;
  const out = bits === 8 ? new Uint8Array(n * channels) : new Uint16Array(n * channels);
  const conv = depth === 16 ? (bits === 8 ? (v: number) => v >> 8 : (v: number) => v) : bits === 8 ? (v: number) => v : (v: number) => v * 257;
  const fill = bits === 8 ? filler & 0xff : depth === 16 ? filler : (filler & 0xff) * 257;
  const cc = wantGray ? 1 : 3;
  for (let i = 0; i < n; i++) {
    const o = i * channels;
    for (let c = 0; c < cc; c++) out[o + c] = conv(grey ? grey[i]! : isGray ? color[i]! : color[3 * i + c]!);
    if (wantAlpha) out[o + cc] = alpha ? conv(alpha[i]!) : fill;
  }
  return { data: out, height: h.height, width: h.width, channels };
}
