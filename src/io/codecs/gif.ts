/**
 * GIF decoding as TF 1.15's gif_io.cc does it over giflib's DGifSlurp: every frame becomes a full
 * canvas of the logical screen (RGB); frame k starts as a copy of frame k-1 (frame 0 as black),
 * its image rectangle (clipped to the screen) is drawn with the local or global colour table, and
 * pixels of the frame's transparent index keep the previous frame's colour. Disposal methods are
 * not applied (TF 1.15 does not apply them). Interlaced images are de-interlaced as giflib does.
 */
import { CodecError } from './inflate.js';

// giflib's error texts (GifErrorString).
const READ_FAILED = 'Failed to read from given file';
const NOT_GIF = 'Data is not in GIF format';
const WRONG_RECORD = 'Wrong record type detected';
const IMAGE_DEFECT = 'Image is defective, decoding aborted';
const EOF_TOO_SOON = 'Image EOF detected before image complete';

interface Frame { left: number; top: number; width: number; height: number; colors: Uint8Array | null; pixels: Uint8Array; transparent: number }

class Reader {
  pos = 0;
  constructor(readonly b: Uint8Array, readonly err: (m: string) => never) {}
  u8(): number {
    if (this.pos >= this.b.length) this.err(READ_FAILED);
    return this.b[this.pos++]!;
  }
  u16(): number {
    return this.u8() | (this.u8() << 8);
  }
  bytes(n: number): Uint8Array {
    if (this.pos + n > this.b.length) this.err(READ_FAILED);
    const r = this.b.subarray(this.pos, this.pos + n);
    this.pos += n;
    return r;
  }
  /** A run of data sub-blocks, concatenated. */
  subBlocks(): Uint8Array {
    const parts: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const n = this.u8();
      if (n === 0) break;
      const p = this.bytes(n);
      parts.push(p);
      total += n;
    }
    const out = new Uint8Array(total);
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
}

/** GIF LZW data into exactly `count` indices. */
function lzw(data: Uint8Array, minCodeSize: number, count: number, slurp: (m: string) => never): Uint8Array {
  if (minCodeSize < 1 || minCodeSize > 11) slurp(IMAGE_DEFECT);
  // Each code is at least minCodeSize + 1 bits and yields at most 4096 indices: data too short
  // for `count` pixels fails before the frame's buffer is allocated.
  if (count > Math.floor((data.length * 8) / (minCodeSize + 1)) * 4096) slurp(EOF_TOO_SOON);
  // The indices buffer grows as codes are decoded (doubling, up to `count`), so data that runs
  // out early allocates about what it decoded, not the frame its descriptor claims.
  let out = new Uint8Array(Math.min(count, 1 << 16));
  const clear = 1 << minCodeSize;
  const eoi = clear + 1;
  const prefix = new Int16Array(4096);
  const suffix = new Uint8Array(4096);
  const first = new Uint8Array(4096);
  const lengths = new Uint16Array(4096);
  for (let i = 0; i < clear; i++) {
    suffix[i] = i;
    first[i] = i;
    lengths[i] = 1;
    prefix[i] = -1;
  }
  let size = minCodeSize + 1;
  let next = eoi + 1;
  let prev = -1;
  let bitBuf = 0;
  let bitCnt = 0;
  let pos = 0;
  let o = 0;
  while (o < count) {
    while (bitCnt < size) {
      if (pos >= data.length) slurp(EOF_TOO_SOON);
      bitBuf |= data[pos++]! << bitCnt;
      bitCnt += 8;
    }
    const code = bitBuf & ((1 << size) - 1);
    bitBuf >>>= size;
    bitCnt -= size;
    if (code === clear) {
      size = minCodeSize + 1;
      next = eoi + 1;
      prev = -1;
      continue;
    }
    if (code === eoi) slurp(EOF_TOO_SOON);
    let emit: number;
    if (prev === -1) {
      if (code >= clear) slurp(IMAGE_DEFECT);
      emit = code;
    } else if (code < next) {
      emit = code;
      if (next < 4096) {
        prefix[next] = prev;
        suffix[next] = first[code]!;
        first[next] = first[prev]!;
        lengths[next] = lengths[prev]! + 1;
        next++;
      }
    } else if (code === next && next < 4096) {
      prefix[next] = prev;
      suffix[next] = first[prev]!;
      first[next] = first[prev]!;
      lengths[next] = lengths[prev]! + 1;
      next++;
      emit = code;
    } else slurp(IMAGE_DEFECT);
    // Write the string of `emit` backwards; what runs past the image is dropped.
    const len = lengths[emit!]!;
    if (o + len > out.length && out.length < count) {
      const grown = new Uint8Array(Math.min(count, Math.max(o + len, out.length * 2)));
      grown.set(out.subarray(0, o));
      out = grown;
    }
    let c = emit!;
    for (let i = len - 1; i >= 0; i--) {
      if (o + i < count) out[o + i] = suffix[c]!;
      c = prefix[c]!;
    }
    o += len;
    prev = emit!;
    if (next === 1 << size && size < 12) size++;
  }
  return out;
}

/** Decode all frames into `[frames, height, width, 3]` uint8. Errors are TF's texts (CodecError). */
export function decodeGifBytes(b: Uint8Array): { data: Uint8Array; frames: number; height: number; width: number } {
  const open = (m: string): never => {
    throw new CodecError(`failed to open gif file: ${m}`);
  };
  const slurp = (m: string): never => {
    throw new CodecError(`failed to slurp gif file: ${m}`);
  };
  const r = new Reader(b, open);
  const sig = String.fromCharCode(...r.bytes(Math.min(6, b.length)));
  if (sig.length < 6 || !sig.startsWith('GIF8')) open(sig.length < 6 ? READ_FAILED : NOT_GIF);
  const width = r.u16();
  const height = r.u16();
  const flags = r.u8();
  r.u8(); // background colour index (giflib's slurp does not paint it)
  r.u8(); // aspect ratio
  const globalColors = flags & 0x80 ? r.bytes(3 << ((flags & 7) + 1)) : null;
  const rr = new Reader(b, slurp);
  rr.pos = r.pos;
  const frames: Frame[] = [];
  let transparent = -1;
  for (let done = false; !done; ) {
    const t = rr.u8();
    if (t === 0x3b) done = true;
    else if (t === 0x21) {
      const label = rr.u8();
      const body = rr.subBlocks();
      if (label === 0xf9 && body.length >= 4) transparent = body[0]! & 1 ? body[3]! : -1;
    } else if (t === 0x2c) {
      const left = rr.u16();
      const top = rr.u16();
      const w = rr.u16();
      const h = rr.u16();
      const f = rr.u8();
      const colors = f & 0x80 ? rr.bytes(3 << ((f & 7) + 1)) : null;
      const minCode = rr.u8();
      const data = rr.subBlocks();
      if (w * h > 0x7fffffff / 4) slurp(IMAGE_DEFECT);
      let pixels = lzw(data, minCode, w * h, slurp);
      if (f & 0x40) {
        // De-interlace: rows were stored in passes 0,8,16…; 4,12…; 2,6…; 1,3…
        const d = new Uint8Array(w * h);
        let row = 0;
        for (const [start, step] of [[0, 8], [4, 8], [2, 4], [1, 2]] as const) {
          for (let y = start; y < h; y += step, row++) d.set(pixels.subarray(row * w, (row + 1) * w), y * w);
        }
        pixels = d;
      }
      frames.push({ left, top, width: w, height: h, colors, pixels, transparent });
      transparent = -1;
    } else if (frames.length > 0 && t !== undefined) {
      slurp(WRONG_RECORD);
    } else slurp(WRONG_RECORD);
  }
  if (frames.length === 0) throw new CodecError('gif file does not contain any image');
  const frameSize = width * height * 3;
  // TF's gif_io computes frame offsets as int: the whole output must stay under 2^31 bytes.
  if (frameSize * frames.length > 0x7fffffff) throw new CodecError(`gif image of ${frames.length} frames of ${width}x${height} is too large`);
  // Each frame's drawn rectangle (clipped to the screen) and colour table.
  const drawn = frames.map((fr) => ({
    x0: Math.max(fr.left, 0),
    y0: Math.max(fr.top, 0),
    x1: Math.min(fr.left + fr.width, width),
    y1: Math.min(fr.top + fr.height, height),
    cmap: fr.colors ?? globalColors,
  }));
  // Every error a frame can give is found before the output is allocated: a few bytes of GIF
  // can claim a screen of gigabytes, which only a file that decodes may have.
  for (let k = 0; k < frames.length; k++) {
    const fr = frames[k]!;
    const { x0, y0, x1, y1, cmap } = drawn[k]!;
    if (!cmap) throw new CodecError('missing color map');
    const ncolors = cmap.length / 3;
    for (let y = y0; y < y1; y++) {
      const row = (y - fr.top) * fr.width - fr.left;
      for (let x = x0; x < x1; x++) {
        const idx = fr.pixels[row + x]!;
        if (idx !== fr.transparent && idx >= ncolors) throw new CodecError(`found color index ${idx} outside of color map range ${ncolors}`);
      }
    }
  }
  const out = new Uint8Array(frameSize * frames.length);
  for (let k = 0; k < frames.length; k++) {
    const fr = frames[k]!;
    const base = k * frameSize;
    if (k > 0) out.copyWithin(base, base - frameSize, base);
    const { x0, y0, x1, y1 } = drawn[k]!;
    const cmap = drawn[k]!.cmap!;
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        const idx = fr.pixels[(y - fr.top) * fr.width + (x - fr.left)]!;
        if (idx === fr.transparent) continue; // previous frame's pixel (black on frame 0)
        const d = base + (y * width + x) * 3;
        out[d] = cmap[3 * idx]!;
        out[d + 1] = cmap[3 * idx + 1]!;
        out[d + 2] = cmap[3 * idx + 2]!;
      }
    }
  }
  return { data: out, frames: frames.length, height, width };
}
