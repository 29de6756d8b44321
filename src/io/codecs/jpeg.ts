/**
 * JPEG decoding with libjpeg-turbo's numerics (the library TF 1.15's DecodeJpeg runs): baseline
 * and progressive Huffman JPEGs, restart markers, any sampling factors, greyscale / YCbCr / RGB /
 * CMYK / YCCK. The IDCTs are libjpeg's JDCT_IFAST (jidctfst: TF's default) and JDCT_ISLOW
 * (jidctint: dct_method INTEGER_ACCURATE); chroma is upsampled with libjpeg-turbo's fancy
 * triangle filters (or replication when fancy upsampling is off) and converted with jdcolor's
 * fixed-point tables, so the output bytes are djpeg's.
 *
 * The whole image's coefficients are held (one Int16Array per component), then each component is
 * inverse-transformed into a plane and the planes are upsampled and colour-converted row by row.
 */

export type JpegDctMethod = 'INTEGER_FAST' | 'INTEGER_ACCURATE';

export interface JpegDecodeOptions {
  /** 0: as many as the file has (1 or 3), 1: grey, 3: RGB. */
  channels?: 0 | 1 | 3;
  /** libjpeg's do_fancy_upsampling (TF's fancy_upscaling, default true). */
  fancyUpscaling?: boolean;
  /** Default 'INTEGER_FAST' (TF's choice for dct_method ''). */
  dctMethod?: JpegDctMethod;
  /** TF's try_recover_truncated: a file cut short decodes with the missing part grey-filled. */
  tryRecoverTruncated?: boolean;
  /** TF's acceptable_fraction: with tryRecoverTruncated, the fraction of rows that must be present. */
  acceptableFraction?: number;
}

export interface DecodedImage {
  data: Uint8Array;
  height: number;
  width: number;
  channels: number;
}

/** A malformed or unsupported JPEG; callers turn it into TF's InvalidArgumentError text. */
export class JpegError extends Error {}

export interface JpegHeaderInfo {
  height: number;
  width: number;
  /** Components in the file (1, 3 or 4). */
  components: number;
  progressive: boolean;
}

// TF's jpeg_mem.cc refuses an output of 2^29 bytes or more; libjpeg's own limit is 65500 per side.
const MAX_OUTPUT_BYTES = 2 ** 29;
const JPEG_MAX_DIMENSION = 65500;

const ZIGZAG = new Int32Array([
  0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21,
  28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61,
  54, 47, 55, 62, 63,
  // libjpeg's extra entries: a corrupt run past 63 lands on position 63 harmlessly.
  63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63,
]);

interface Huffman {
  /** (code length << 16 | code) lookup: lookup[len][code - mincode[len]] via the arrays below. */
  maxcode: Int32Array;
  valptr: Int32Array;
  mincode: Int32Array;
  values: Uint8Array;
  /** Fast path: 9-bit lookahead → (length << 8 | value), 0 when longer. */
  look: Uint16Array;
}

function buildHuffman(counts: Uint8Array, values: Uint8Array): Huffman {
  const maxcode = new Int32Array(18).fill(-1);
  const valptr = new Int32Array(17);
  const mincode = new Int32Array(17);
  const look = new Uint16Array(1 << 9);
  let code = 0;
  let k = 0;
  for (let len = 1; len <= 16; len++) {
    const n = counts[len - 1]!;
    if (n > 0) {
      valptr[len] = k;
      mincode[len] = code;
      for (let i = 0; i < n; i++) {
        if (len <= 9) {
          const shift = 9 - len;
          const base = (code + i) << shift;
          for (let j = 0; j < 1 << shift; j++) look[base + j] = (len << 8) | values[k + i]!;
        }
      }
      code += n;
      k += n;
      maxcode[len] = code - 1;
    }
    if (code > 1 << len) throw new JpegError('Bogus Huffman table definition');
    code <<= 1;
  }
  maxcode[17] = 0x7fffffff;
  return { maxcode, valptr, mincode, values, look };
}

interface Component {
  id: number;
  h: number;
  v: number;
  tq: number;
  /** Blocks per row / column covered by the MCUs (interleaved) and actually in the image. */
  bw: number;
  bh: number;
  bwImage: number;
  bhImage: number;
  /** libjpeg's downsampled_width / downsampled_height. */
  dw: number;
  dh: number;
  coefs: Int16Array;
  pred: number;
  dcTable: Huffman | null;
  acTable: Huffman | null;
}

interface Frame {
  width: number;
  height: number;
  progressive: boolean;
  components: Component[];
  hmax: number;
  vmax: number;
  mcusX: number;
  mcusY: number;
}

/** Bit reader over entropy-coded data, libjpeg style: past a marker or the end it feeds zeros. */
class BitReader {
  acc = 0;
  bits = 0;
  /** Zero bits appended past a marker or the end, not yet consumed. */
  pad = 0;
  /** A marker (or the end of data) was met. */
  hitMarker = false;
  /** Bits were needed past a marker or the end (libjpeg's insufficient_data). */
  insufficient = false;
  /** An invalid Huffman code was met (libjpeg warns and carries on). */
  corrupt = false;
  constructor(readonly data: Uint8Array, public pos: number) {}
  private fill(): void {
    const d = this.data;
    while (this.bits <= 24) {
      let b = 0;
      if (!this.hitMarker && this.pos < d.length) {
        b = d[this.pos]!;
        if (b === 0xff) {
          let q = this.pos + 1;
          while (q < d.length && d[q] === 0xff) q++;
          if (q < d.length && d[q] === 0) this.pos = q + 1;
          else {
            this.pos = q - 1;
            this.hitMarker = true;
            b = 0;
          }
        } else this.pos++;
      } else this.hitMarker = true;
      this.acc = ((this.acc << 8) | b) >>> 0;
      this.bits += 8;
      if (this.hitMarker) this.pad += 8;
    }
  }
  private consume(n: number): void {
    this.bits -= n;
    if (this.bits < this.pad) {
      this.insufficient = true;
      this.pad = this.bits;
    }
  }
  getBits(n: number): number {
    if (n === 0) return 0;
    if (this.bits < n) this.fill();
    const v = (this.acc >>> (this.bits - n)) & ((1 << n) - 1);
    this.consume(n);
    return v;
  }
  getBit(): number {
    return this.getBits(1);
  }
  decode(t: Huffman): number {
    if (this.bits < 16) this.fill();
    const e = t.look[(this.acc >>> (this.bits - 9)) & 0x1ff]!;
    if (e !== 0) {
      this.consume(e >> 8);
      return e & 0xff;
    }
    let code = 0;
    for (let len = 1; len <= 16; len++) {
      code = (code << 1) | ((this.acc >>> (this.bits - len)) & 1);
      if (code <= t.maxcode[len]!) {
        this.consume(len);
        return t.values[t.valptr[len]! + code - t.mincode[len]!]!;
      }
    }
    this.consume(16);
    this.corrupt = true;
    return 0;
  }
  /** Drops the buffered bits (at a restart marker). */
  reset(): void {
    this.acc = 0;
    this.bits = 0;
    this.pad = 0;
    this.hitMarker = false;
  }
}

function extend(v: number, s: number): number {
  return v < 1 << (s - 1) ? v - (1 << s) + 1 : v;
}

/** Reads the header only: size and components (TF's ExtractJpegShape). */
export function readJpegHeader(bytes: Uint8Array): JpegHeaderInfo {
  const p = new Parser(bytes);
  p.parse(true);
  const f = p.frame!;
  return { height: f.height, width: f.width, components: f.components.length, progressive: f.progressive };
}

class Parser {
  frame: Frame | null = null;
  qt: (Uint16Array | null)[] = [null, null, null, null];
  dc: (Huffman | null)[] = [null, null, null, null];
  ac: (Huffman | null)[] = [null, null, null, null];
  restartInterval = 0;
  jfif = false;
  adobe = -1;
  eobrun = 0;
  /** A scan ran out of data (file cut short). */
  truncated = false;
  constructor(readonly d: Uint8Array) {}

  private u16(p: number): number {
    if (p + 1 >= this.d.length) throw new JpegError('truncated');
    return (this.d[p]! << 8) | this.d[p + 1]!;
  }

  parse(headerOnly: boolean): void {
    const d = this.d;
    if (d.length < 2 || d[0] !== 0xff || d[1] !== 0xd8) throw new JpegError('Not a JPEG file: starts with 0x' + (d[0] ?? 0).toString(16) + ' 0x' + (d[1] ?? 0).toString(16));
    let p = 2;
    for (;;) {
      // Find the next marker (libjpeg skips garbage with a warning).
      while (p < d.length && d[p] !== 0xff) p++;
      while (p < d.length && d[p] === 0xff) p++;
      if (p >= d.length) {
        if (this.frame && !headerOnly && this.frame.components[0]!.coefs.length > 0) {
          this.truncated = true;
          return;
        }
        throw new JpegError('truncated');
      }
      const m = d[p++]!;
      if (m === 0xd9) {
        if (!this.frame) throw new JpegError('Invalid JPEG file structure: EOI before SOF');
        return;
      }
      if (m >= 0xd0 && m <= 0xd7) continue; // stray RSTn
      if (m === 0x01) continue;
      const len = this.u16(p);
      if (len < 2) throw new JpegError('Bogus marker length');
      const end = p + len;
      if (end > d.length) throw new JpegError('truncated');
      const seg = d.subarray(p + 2, end);
      switch (m) {
        case 0xc0: case 0xc1: case 0xc2:
          if (this.frame) throw new JpegError('Invalid JPEG file structure: two SOF markers');
          this.readSof(seg, m === 0xc2);
          if (headerOnly) return;
          break;
        case 0xc3: case 0xc5: case 0xc6: case 0xc7: case 0xc9: case 0xca: case 0xcb: case 0xcd: case 0xce: case 0xcf:
          throw new JpegError(`Unsupported JPEG process: SOF type 0x${m.toString(16)}`);
        case 0xc4: this.readDht(seg); break;
        case 0xdb: this.readDqt(seg); break;
        case 0xdd: this.restartInterval = seg.length >= 2 ? (seg[0]! << 8) | seg[1]! : 0; break;
        case 0xe0:
          if (seg.length >= 5 && seg[0] === 0x4a && seg[1] === 0x46 && seg[2] === 0x49 && seg[3] === 0x46 && seg[4] === 0) this.jfif = true;
          break;
        case 0xee:
          if (seg.length >= 12 && seg[0] === 0x41 && seg[1] === 0x64 && seg[2] === 0x6f && seg[3] === 0x62 && seg[4] === 0x65) this.adobe = seg[11]!;
          break;
        case 0xda: {
          if (!this.frame) throw new JpegError('Invalid JPEG file structure: SOS before SOF');
          p = this.readScan(seg, end);
          if (this.truncated) return;
          continue;
        }
        default:
          break;
      }
      p = end;
    }
  }

  private readSof(s: Uint8Array, progressive: boolean): void {
    if (s.length < 6) throw new JpegError('Bogus marker length');
    if (s[0] !== 8) throw new JpegError(`Unsupported JPEG data precision ${s[0]}`);
    const height = (s[1]! << 8) | s[2]!;
    const width = (s[3]! << 8) | s[4]!;
    const nc = s[5]!;
    if (height === 0 || width === 0 || nc === 0) throw new JpegError('Empty JPEG image (DNL not supported)');
    if (height > JPEG_MAX_DIMENSION || width > JPEG_MAX_DIMENSION) throw new JpegError(`Maximum supported image dimension is ${JPEG_MAX_DIMENSION} pixels`);
    if (nc !== 1 && nc !== 3 && nc !== 4) throw new JpegError(`Unsupported color conversion request: ${nc} components`);
    if (s.length < 6 + 3 * nc) throw new JpegError('Bogus marker length');
    const comps: Component[] = [];
    for (let i = 0; i < nc; i++) {
      const h = s[7 + 3 * i]! >> 4;
      const v = s[7 + 3 * i]! & 15;
      const tq = s[8 + 3 * i]!;
      if (h < 1 || h > 4 || v < 1 || v > 4 || tq > 3) throw new JpegError('Bogus sampling factors');
      comps.push({ id: s[6 + 3 * i]!, h, v, tq, bw: 0, bh: 0, bwImage: 0, bhImage: 0, dw: 0, dh: 0, coefs: new Int16Array(0), pred: 0, dcTable: null, acTable: null });
    }
    const hmax = Math.max(...comps.map((c) => c.h));
    const vmax = Math.max(...comps.map((c) => c.v));
    const mcusX = Math.ceil(width / (8 * hmax));
    const mcusY = Math.ceil(height / (8 * vmax));
    for (const c of comps) {
      c.dw = Math.ceil((width * c.h) / hmax);
      c.dh = Math.ceil((height * c.v) / vmax);
      c.bwImage = Math.ceil(c.dw / 8);
      c.bhImage = Math.ceil(c.dh / 8);
      c.bw = mcusX * c.h;
      c.bh = mcusY * c.v;
    }
    this.frame = { width, height, progressive, components: comps, hmax, vmax, mcusX, mcusY };
  }

  /** Allocates the coefficient arrays once the size is checked by the caller. */
  allocate(): void {
    for (const c of this.frame!.components) c.coefs = new Int16Array(c.bw * c.bh * 64);
  }

  private readDht(s: Uint8Array): void {
    let p = 0;
    while (p < s.length) {
      if (p + 17 > s.length) throw new JpegError('Bogus marker length');
      const tc = s[p]! >> 4;
      const th = s[p]! & 15;
      if (tc > 1 || th > 3) throw new JpegError(`Bogus DHT index ${s[p]}`);
      const counts = s.subarray(p + 1, p + 17);
      let n = 0;
      for (let i = 0; i < 16; i++) n += counts[i]!;
      if (n > 256 || p + 17 + n > s.length) throw new JpegError('Bogus Huffman table definition');
      const t = buildHuffman(counts, s.slice(p + 17, p + 17 + n));
      (tc === 0 ? this.dc : this.ac)[th] = t;
      p += 17 + n;
    }
  }

  private readDqt(s: Uint8Array): void {
    let p = 0;
    while (p < s.length) {
      const pq = s[p]! >> 4;
      const tq = s[p]! & 15;
      if (tq > 3 || pq > 1) throw new JpegError(`Bogus DQT index ${tq}`);
      const n = pq ? 128 : 64;
      if (p + 1 + n > s.length) throw new JpegError('Bogus marker length');
      const q = new Uint16Array(64);
      for (let i = 0; i < 64; i++) q[ZIGZAG[i]!] = pq ? (s[p + 1 + 2 * i]! << 8) | s[p + 2 + 2 * i]! : s[p + 1 + i]!;
      this.qt[tq] = q;
      p += 1 + n;
    }
  }

  /** Decodes one scan; returns the position of the marker after its entropy-coded data. */
  private readScan(s: Uint8Array, start: number): number {
    const f = this.frame!;
    if (f.components[0]!.coefs.length === 0) this.allocate();
    const ns = s[0]!;
    if (ns < 1 || ns > 4 || s.length < 1 + 2 * ns + 3) throw new JpegError('Bogus marker length');
    const comps: Component[] = [];
    for (let i = 0; i < ns; i++) {
      const c = f.components.find((x) => x.id === s[1 + 2 * i]);
      if (!c) throw new JpegError(`Invalid component ID ${s[1 + 2 * i]} in SOS`);
      c.dcTable = this.dc[s[2 + 2 * i]! >> 4] ?? null;
      c.acTable = this.ac[s[2 + 2 * i]! & 15] ?? null;
      comps.push(c);
    }
    const ss = s[1 + 2 * ns]!;
    const se = s[2 + 2 * ns]!;
    const ah = s[3 + 2 * ns]! >> 4;
    const al = s[3 + 2 * ns]! & 15;
    if (f.progressive) {
      if (ss > se || se > 63 || (ss === 0 && se !== 0) || (ss > 0 && ns !== 1) || al > 13 || (ah !== 0 && ah - 1 !== al)) throw new JpegError(`Invalid progressive parameters Ss=${ss} Se=${se} Ah=${ah} Al=${al}`);
    } else if (ss !== 0 || se !== 63 || ah !== 0 || al !== 0) {
      // libjpeg only warns here for sequential files; it decodes the full block.
    }
    for (const c of comps) {
      if (this.qt[c.tq] === null) throw new JpegError(`Quantization table 0x${c.tq.toString(16).padStart(2, '0')} was not defined`);
      const needDc = !f.progressive || (ss === 0 && ah === 0);
      const needAc = !f.progressive || se > 0;
      if ((needDc && !c.dcTable) || (needAc && !c.acTable)) throw new JpegError('Huffman table 0x00 was not defined');
      c.pred = 0;
    }
    this.eobrun = 0;
    const br = new BitReader(this.d, start);
    const single = ns === 1;
    const c0 = comps[0]!;
    const total = single ? c0.bwImage * c0.bhImage : f.mcusX * f.mcusY;
    const ri = this.restartInterval;
    let decodeBlock: (c: Component, off: number) => void;
    if (!f.progressive) decodeBlock = (c, off) => this.baselineBlock(br, c, off);
    else if (ss === 0) decodeBlock = ah === 0 ? (c, off) => this.dcFirst(br, c, off, al) : (c, off) => this.dcRefine(br, c, off, al);
    else decodeBlock = ah === 0 ? (c, off) => this.acFirst(br, c, off, ss, se, al) : (c, off) => this.acRefine(br, c, off, ss, se, al);
    let n = 0;
    while (n < total) {
      const upto = ri > 0 ? Math.min(total, n + ri) : total;
      for (; n < upto; n++) {
        // libjpeg skips whole MCUs once the data ran out: their coefficients stay zero.
        if (br.insufficient) continue;
        if (single) {
          const bx = n % c0.bwImage;
          const by = (n / c0.bwImage) | 0;
          decodeBlock(c0, (by * c0.bw + bx) * 64);
        } else {
          const mx = n % f.mcusX;
          const my = (n / f.mcusX) | 0;
          for (const c of comps) {
            for (let v = 0; v < c.v; v++) {
              const row = my * c.v + v;
              for (let h = 0; h < c.h; h++) decodeBlock(c, (row * c.bw + mx * c.h + h) * 64);
            }
          }
        }
      }
      if (br.insufficient) this.truncatedScan(br);
      if (n < total) {
        // Expect RSTn: libjpeg resynchronises on the next marker.
        br.reset();
        let p = br.pos;
        while (p < this.d.length && !(this.d[p] === 0xff && this.d[p + 1] !== 0 && this.d[p + 1] !== 0xff)) p++;
        if (p < this.d.length && this.d[p + 1]! >= 0xd0 && this.d[p + 1]! <= 0xd7) p += 2;
        br.pos = p;
        br.insufficient = false;
        for (const c of comps) c.pred = 0;
        this.eobrun = 0;
      }
    }
    if (br.pos >= this.d.length && br.insufficient) this.truncated = true;
    return br.pos;
  }

  private truncatedScan(br: BitReader): void {
    if (br.pos >= this.d.length) this.truncated = true;
  }

  private baselineBlock(br: BitReader, c: Component, off: number): void {
    const co = c.coefs;
    const t = br.decode(c.dcTable!);
    const dcDiff = t === 0 ? 0 : extend(br.getBits(t), t);
    c.pred += dcDiff;
    co[off] = c.pred;
    const ac = c.acTable!;
    for (let k = 1; k < 64; ) {
      const rs = br.decode(ac);
      const r = rs >> 4;
      const sz = rs & 15;
      if (sz === 0) {
        if (r !== 15) break;
        k += 16;
        continue;
      }
      k += r;
      co[off + ZIGZAG[k]!] = extend(br.getBits(sz), sz);
      k++;
    }
  }

  private dcFirst(br: BitReader, c: Component, off: number, al: number): void {
    const t = br.decode(c.dcTable!);
    const diff = t === 0 ? 0 : extend(br.getBits(t), t);
    c.pred += diff;
    c.coefs[off] = c.pred * (1 << al);
  }

  private dcRefine(br: BitReader, c: Component, off: number, al: number): void {
    if (br.getBit()) c.coefs[off] |= 1 << al;
  }

  private acFirst(br: BitReader, c: Component, off: number, ss: number, se: number, al: number): void {
    if (this.eobrun > 0) {
      this.eobrun--;
      return;
    }
    const co = c.coefs;
    for (let k = ss; k <= se; k++) {
      const rs = br.decode(c.acTable!);
      const r = rs >> 4;
      const sz = rs & 15;
      if (sz) {
        k += r;
        co[off + ZIGZAG[k]!] = extend(br.getBits(sz), sz) * (1 << al);
      } else if (r === 15) {
        k += 15;
      } else {
        this.eobrun = (1 << r) - 1;
        if (r) this.eobrun += br.getBits(r);
        break;
      }
    }
  }

  private acRefine(br: BitReader, c: Component, off: number, ss: number, se: number, al: number): void {
    const co = c.coefs;
    const p1 = 1 << al;
    const m1 = -1 << al;
    let k = ss;
    if (this.eobrun === 0) {
      for (; k <= se; k++) {
        const rs = br.decode(c.acTable!);
        let r = rs >> 4;
        const sz = rs & 15;
        let val = 0;
        if (sz) {
          // sz must be 1; libjpeg warns and treats it as 1.
          val = br.getBit() ? p1 : m1;
        } else if (r !== 15) {
          this.eobrun = 1 << r;
          if (r) this.eobrun += br.getBits(r);
          break;
        }
        for (; k <= se; k++) {
          const z = off + ZIGZAG[k]!;
          if (co[z] !== 0) {
            if (br.getBit()) {
              if ((co[z]! & p1) === 0) co[z] = co[z]! >= 0 ? co[z]! + p1 : co[z]! + m1;
            }
          } else {
            if (r === 0) {
              if (val) co[z] = val;
              break;
            }
            r--;
          }
        }
      }
    }
    if (this.eobrun > 0) {
      for (; k <= se; k++) {
        const z = off + ZIGZAG[k]!;
        if (co[z] !== 0 && br.getBit()) {
          if ((co[z]! & p1) === 0) co[z] = co[z]! >= 0 ? co[z]! + p1 : co[z]! + m1;
        }
      }
      this.eobrun--;
    }
  }
}

// ----- IDCTs ---------------------------------------------------------------------------------

/** libjpeg's post-IDCT range limit: the value (wrapped to 10 bits, signed) + 128, clamped. */
function idctLimit(x: number): number {
  let v = x & 1023;
  if (v >= 512) v -= 1024;
  v += 128;
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

// jddctmgr's aanscales: the AA&N IDCT's per-coefficient scale factors × 2^14.
const AANSCALES = new Int32Array([
  16384, 22725, 21407, 19266, 16384, 12873, 8867, 4520, 22725, 31521, 29692, 26722, 22725, 17855, 12299, 6270,
  21407, 29692, 27969, 25172, 21407, 16819, 11585, 5906, 19266, 26722, 25172, 22654, 19266, 15137, 10426, 5315,
  16384, 22725, 21407, 19266, 16384, 12873, 8867, 4520, 12873, 17855, 16819, 15137, 12873, 10114, 6967, 3552,
  8867, 12299, 11585, 10426, 8867, 6967, 4799, 2446, 4520, 6270, 5906, 5315, 4520, 3552, 2446, 1247,
]);

function ifastTable(q: Uint16Array): Int32Array {
  const t = new Int32Array(64);
  for (let i = 0; i < 64; i++) t[i] = (q[i]! * AANSCALES[i]! + (1 << 11)) >> 12;
  return t;
}

// The AA&N multipliers in 8 fractional bits; products are truncated (no rounding), as jidctfst.
const F1_082 = 277;
const F1_414 = 362;
const F1_847 = 473;
const F2_613 = 669;
const mulF = (x: number, c: number): number => (x * c) >> 8;

/** jidctfst.c's jpeg_idct_ifast on one block: coefficients → 8×8 samples. */
function idctIfast(co: Int16Array, off: number, q: Int32Array, ws: Int32Array, out: Uint8Array, outOff: number, stride: number): void {
  for (let c = 0; c < 8; c++) {
    const i = off + c;
    if (co[i + 8] === 0 && co[i + 16] === 0 && co[i + 24] === 0 && co[i + 32] === 0 && co[i + 40] === 0 && co[i + 48] === 0 && co[i + 56] === 0) {
      const dc = co[i]! * q[c]!;
      for (let r = 0; r < 8; r++) ws[r * 8 + c] = dc;
      continue;
    }
    let tmp0 = co[i]! * q[c]!;
    let tmp1 = co[i + 16]! * q[c + 16]!;
    let tmp2 = co[i + 32]! * q[c + 32]!;
    let tmp3 = co[i + 48]! * q[c + 48]!;
    let tmp10 = tmp0 + tmp2;
    let tmp11 = tmp0 - tmp2;
    let tmp13 = tmp1 + tmp3;
    let tmp12 = mulF(tmp1 - tmp3, F1_414) - tmp13;
    tmp0 = tmp10 + tmp13;
    tmp3 = tmp10 - tmp13;
    tmp1 = tmp11 + tmp12;
    tmp2 = tmp11 - tmp12;
    let tmp4 = co[i + 8]! * q[c + 8]!;
    let tmp5 = co[i + 24]! * q[c + 24]!;
    let tmp6 = co[i + 40]! * q[c + 40]!;
    let tmp7 = co[i + 56]! * q[c + 56]!;
    const z13 = tmp6 + tmp5;
    const z10 = tmp6 - tmp5;
    const z11 = tmp4 + tmp7;
    const z12 = tmp4 - tmp7;
    tmp7 = z11 + z13;
    tmp11 = mulF(z11 - z13, F1_414);
    const z5 = mulF(z10 + z12, F1_847);
    tmp10 = mulF(z12, F1_082) - z5;
    tmp12 = mulF(z10, -F2_613) + z5;
    tmp6 = tmp12 - tmp7;
    tmp5 = tmp11 - tmp6;
    tmp4 = tmp10 + tmp5;
    ws[c] = tmp0 + tmp7;
    ws[56 + c] = tmp0 - tmp7;
    ws[8 + c] = tmp1 + tmp6;
    ws[48 + c] = tmp1 - tmp6;
    ws[16 + c] = tmp2 + tmp5;
    ws[40 + c] = tmp2 - tmp5;
    ws[32 + c] = tmp3 + tmp4;
    ws[24 + c] = tmp3 - tmp4;
  }
  for (let r = 0; r < 8; r++) {
    const w = r * 8;
    const o = outOff + r * stride;
    if (ws[w + 1] === 0 && ws[w + 2] === 0 && ws[w + 3] === 0 && ws[w + 4] === 0 && ws[w + 5] === 0 && ws[w + 6] === 0 && ws[w + 7] === 0) {
      const dc = idctLimit(ws[w]! >> 5);
      for (let k = 0; k < 8; k++) out[o + k] = dc;
      continue;
    }
    let tmp10 = ws[w]! + ws[w + 4]!;
    let tmp11 = ws[w]! - ws[w + 4]!;
    let tmp13 = ws[w + 2]! + ws[w + 6]!;
    let tmp12 = mulF(ws[w + 2]! - ws[w + 6]!, F1_414) - tmp13;
    const tmp0 = tmp10 + tmp13;
    const tmp3 = tmp10 - tmp13;
    const tmp1 = tmp11 + tmp12;
    const tmp2 = tmp11 - tmp12;
    const z13 = ws[w + 5]! + ws[w + 3]!;
    const z10 = ws[w + 5]! - ws[w + 3]!;
    const z11 = ws[w + 1]! + ws[w + 7]!;
    const z12 = ws[w + 1]! - ws[w + 7]!;
    const tmp7 = z11 + z13;
    tmp11 = mulF(z11 - z13, F1_414);
    const z5 = mulF(z10 + z12, F1_847);
    tmp10 = mulF(z12, F1_082) - z5;
    tmp12 = mulF(z10, -F2_613) + z5;
    const tmp6 = tmp12 - tmp7;
    const tmp5 = tmp11 - tmp6;
    const tmp4 = tmp10 + tmp5;
    out[o] = idctLimit((tmp0 + tmp7) >> 5);
    out[o + 7] = idctLimit((tmp0 - tmp7) >> 5);
    out[o + 1] = idctLimit((tmp1 + tmp6) >> 5);
    out[o + 6] = idctLimit((tmp1 - tmp6) >> 5);
    out[o + 2] = idctLimit((tmp2 + tmp5) >> 5);
    out[o + 5] = idctLimit((tmp2 - tmp5) >> 5);
    out[o + 4] = idctLimit((tmp3 + tmp4) >> 5);
    out[o + 3] = idctLimit((tmp3 - tmp4) >> 5);
  }
}

// jidctint.c's constants: FIX(x) with 13 fractional bits.
const FIX_0_298631336 = 2446;
const FIX_0_390180644 = 3196;
const FIX_0_541196100 = 4433;
const FIX_0_765366865 = 6270;
const FIX_0_899976223 = 7373;
const FIX_1_175875602 = 9633;
const FIX_1_501321110 = 12299;
const FIX_1_847759065 = 15137;
const FIX_1_961570560 = 16069;
const FIX_2_053119869 = 16819;
const FIX_2_562915447 = 20995;
const FIX_3_072711026 = 25172;

/** jidctint.c's jpeg_idct_islow on one block (CONST_BITS 13, PASS1_BITS 2, rounded descales). */
function idctIslow(co: Int16Array, off: number, q: Uint16Array, ws: Int32Array, out: Uint8Array, outOff: number, stride: number): void {
  for (let c = 0; c < 8; c++) {
    const i = off + c;
    if (co[i + 8] === 0 && co[i + 16] === 0 && co[i + 24] === 0 && co[i + 32] === 0 && co[i + 40] === 0 && co[i + 48] === 0 && co[i + 56] === 0) {
      const dc = (co[i]! * q[c]!) << 2;
      for (let r = 0; r < 8; r++) ws[r * 8 + c] = dc;
      continue;
    }
    let z2 = co[i + 16]! * q[c + 16]!;
    let z3 = co[i + 48]! * q[c + 48]!;
    let z1 = (z2 + z3) * FIX_0_541196100;
    let tmp2 = z1 + z3 * -FIX_1_847759065;
    let tmp3 = z1 + z2 * FIX_0_765366865;
    z2 = co[i]! * q[c]!;
    z3 = co[i + 32]! * q[c + 32]!;
    let tmp0 = (z2 + z3) << 13;
    let tmp1 = (z2 - z3) << 13;
    const tmp10 = tmp0 + tmp3;
    const tmp13 = tmp0 - tmp3;
    const tmp11 = tmp1 + tmp2;
    const tmp12 = tmp1 - tmp2;
    tmp0 = co[i + 56]! * q[c + 56]!;
    tmp1 = co[i + 40]! * q[c + 40]!;
    tmp2 = co[i + 24]! * q[c + 24]!;
    tmp3 = co[i + 8]! * q[c + 8]!;
    z1 = tmp0 + tmp3;
    z2 = tmp1 + tmp2;
    z3 = tmp0 + tmp2;
    let z4 = tmp1 + tmp3;
    const z5 = (z3 + z4) * FIX_1_175875602;
    tmp0 *= FIX_0_298631336;
    tmp1 *= FIX_2_053119869;
    tmp2 *= FIX_3_072711026;
    tmp3 *= FIX_1_501321110;
    z1 *= -FIX_0_899976223;
    z2 *= -FIX_2_562915447;
    z3 = z3 * -FIX_1_961570560 + z5;
    z4 = z4 * -FIX_0_390180644 + z5;
    tmp0 += z1 + z3;
    tmp1 += z2 + z4;
    tmp2 += z2 + z3;
    tmp3 += z1 + z4;
    const R = 1 << 10;
    ws[c] = (tmp10 + tmp3 + R) >> 11;
    ws[56 + c] = (tmp10 - tmp3 + R) >> 11;
    ws[8 + c] = (tmp11 + tmp2 + R) >> 11;
    ws[48 + c] = (tmp11 - tmp2 + R) >> 11;
    ws[16 + c] = (tmp12 + tmp1 + R) >> 11;
    ws[40 + c] = (tmp12 - tmp1 + R) >> 11;
    ws[24 + c] = (tmp13 + tmp0 + R) >> 11;
    ws[32 + c] = (tmp13 - tmp0 + R) >> 11;
  }
  for (let r = 0; r < 8; r++) {
    const w = r * 8;
    const o = outOff + r * stride;
    if (ws[w + 1] === 0 && ws[w + 2] === 0 && ws[w + 3] === 0 && ws[w + 4] === 0 && ws[w + 5] === 0 && ws[w + 6] === 0 && ws[w + 7] === 0) {
      const dc = idctLimit((ws[w]! + 16) >> 5);
      for (let k = 0; k < 8; k++) out[o + k] = dc;
      continue;
    }
    let z2 = ws[w + 2]!;
    let z3 = ws[w + 6]!;
    let z1 = (z2 + z3) * FIX_0_541196100;
    let tmp2 = z1 + z3 * -FIX_1_847759065;
    let tmp3 = z1 + z2 * FIX_0_765366865;
    let tmp0 = (ws[w]! + ws[w + 4]!) << 13;
    let tmp1 = (ws[w]! - ws[w + 4]!) << 13;
    const tmp10 = tmp0 + tmp3;
    const tmp13 = tmp0 - tmp3;
    const tmp11 = tmp1 + tmp2;
    const tmp12 = tmp1 - tmp2;
    tmp0 = ws[w + 7]!;
    tmp1 = ws[w + 5]!;
    tmp2 = ws[w + 3]!;
    tmp3 = ws[w + 1]!;
    z1 = tmp0 + tmp3;
    z2 = tmp1 + tmp2;
    z3 = tmp0 + tmp2;
    let z4 = tmp1 + tmp3;
    const z5 = (z3 + z4) * FIX_1_175875602;
    tmp0 *= FIX_0_298631336;
    tmp1 *= FIX_2_053119869;
    tmp2 *= FIX_3_072711026;
    tmp3 *= FIX_1_501321110;
    z1 *= -FIX_0_899976223;
    z2 *= -FIX_2_562915447;
    z3 = z3 * -FIX_1_961570560 + z5;
    z4 = z4 * -FIX_0_390180644 + z5;
    tmp0 += z1 + z3;
    tmp1 += z2 + z4;
    tmp2 += z2 + z3;
    tmp3 += z1 + z4;
    const R = 1 << 17;
    out[o] = idctLimit((tmp10 + tmp3 + R) >> 18);
    out[o + 7] = idctLimit((tmp10 - tmp3 + R) >> 18);
    out[o + 1] = idctLimit((tmp11 + tmp2 + R) >> 18);
    out[o + 6] = idctLimit((tmp11 - tmp2 + R) >> 18);
    out[o + 2] = idctLimit((tmp12 + tmp1 + R) >> 18);
    out[o + 5] = idctLimit((tmp12 - tmp1 + R) >> 18);
    out[o + 3] = idctLimit((tmp13 + tmp0 + R) >> 18);
    out[o + 4] = idctLimit((tmp13 - tmp0 + R) >> 18);
  }
}

// ----- colour conversion (jdcolor.c's tables) --------------------------------------------------

const CR_R = new Int32Array(256);
const CB_B = new Int32Array(256);
const CR_G = new Int32Array(256);
const CB_G = new Int32Array(256);
{
  const FIX = (x: number): number => Math.floor(x * 65536 + 0.5);
  for (let i = 0; i < 256; i++) {
    const x = i - 128;
    CR_R[i] = (FIX(1.402) * x + 32768) >> 16;
    CB_B[i] = (FIX(1.772) * x + 32768) >> 16;
    CR_G[i] = -FIX(0.71414) * x;
    CB_G[i] = -FIX(0.34414) * x + 32768;
  }
}
const clamp = (v: number): number => (v < 0 ? 0 : v > 255 ? 255 : v);

// ----- upsampling (jdsample.c) -----------------------------------------------------------------

/**
 * One output row of component `c` at full resolution (width `outW` ≥ image width), from its
 * plane (stride `ps`). Row `y` is in the component's upsampled coordinates.
 */
function upsampleRow(c: Component, plane: Uint8Array, ps: number, hmax: number, vmax: number, fancy: boolean, y: number, out: Uint8Array): void {
  const hs = hmax / c.h;
  const vs = vmax / c.v;
  const dw = c.dw;
  if (hs === 1 && vs === 1) {
    out.set(plane.subarray(y * ps, y * ps + dw));
    return;
  }
  const fancyOk = fancy && Number.isInteger(hs) && Number.isInteger(vs);
  if (fancyOk && hs === 2 && vs === 2 && dw > 2) {
    const sy = y >> 1;
    const ny = y & 1 ? Math.min(sy + 1, c.dh - 1) : Math.max(sy - 1, 0);
    const r0 = sy * ps;
    const r1 = ny * ps;
    let thiscol = plane[r0]! * 3 + plane[r1]!;
    let nextcol = plane[r0 + 1]! * 3 + plane[r1 + 1]!;
    out[0] = (thiscol * 4 + 8) >> 4;
    out[1] = (thiscol * 3 + nextcol + 7) >> 4;
    let last = thiscol;
    thiscol = nextcol;
    let o = 2;
    for (let x = 1; x < dw - 1; x++) {
      nextcol = plane[r0 + x + 1]! * 3 + plane[r1 + x + 1]!;
      out[o++] = (thiscol * 3 + last + 8) >> 4;
      out[o++] = (thiscol * 3 + nextcol + 7) >> 4;
      last = thiscol;
      thiscol = nextcol;
    }
    out[o++] = (thiscol * 3 + last + 8) >> 4;
    out[o] = (thiscol * 4 + 7) >> 4;
    return;
  }
  if (fancyOk && hs === 2 && vs === 1 && dw > 2) {
    const r = y * ps;
    let v = plane[r]!;
    out[0] = v;
    out[1] = (v * 3 + plane[r + 1]! + 2) >> 2;
    let o = 2;
    for (let x = 1; x < dw - 1; x++) {
      v = plane[r + x]! * 3;
      out[o++] = (v + plane[r + x - 1]! + 1) >> 2;
      out[o++] = (v + plane[r + x + 1]! + 2) >> 2;
    }
    v = plane[r + dw - 1]!;
    out[o++] = (v * 3 + plane[r + dw - 2]! + 1) >> 2;
    out[o] = v;
    return;
  }
  if (fancyOk && hs === 1 && vs === 2) {
    const sy = y >> 1;
    const odd = y & 1;
    const ny = odd ? Math.min(sy + 1, c.dh - 1) : Math.max(sy - 1, 0);
    const bias = odd ? 2 : 1;
    const r0 = sy * ps;
    const r1 = ny * ps;
    for (let x = 0; x < dw; x++) out[x] = (plane[r0 + x]! * 3 + plane[r1 + x]! + bias) >> 2;
    return;
  }
  if (!Number.isInteger(hs) || !Number.isInteger(vs)) throw new JpegError('Fractional sampling not implemented yet');
  // Replication (jdsample's h2v1/h2v2/int_upsample; jdmerge gives the same values).
  const r = Math.floor(y / vs) * ps;
  for (let x = 0, o = 0; x < dw; x++) {
    const v = plane[r + x]!;
    for (let k = 0; k < hs; k++) out[o++] = v;
  }
}

/** Decodes a JPEG with libjpeg-turbo's numerics. Throws JpegError on malformed data. */
export function decodeJpegBytes(bytes: Uint8Array, opts: JpegDecodeOptions = {}): DecodedImage {
  const channelsReq = opts.channels ?? 0;
  const fancy = opts.fancyUpscaling ?? true;
  const accurate = opts.dctMethod === 'INTEGER_ACCURATE';
  const p = new Parser(bytes);
  // Header first: refuse huge images before allocating anything.
  const hdr = new Parser(bytes);
  hdr.parse(true);
  const f0 = hdr.frame!;
  const nc = f0.components.length;
  const outCh = channelsReq === 0 ? (nc >= 3 ? 3 : 1) : channelsReq;
  if (f0.width * f0.height * outCh >= MAX_OUTPUT_BYTES) throw new JpegError(`Image too large: ${f0.height}x${f0.width}x${outCh}`);
  p.parse(false);
  const f = p.frame!;
  if (f.components[0]!.coefs.length === 0) throw new JpegError('Invalid JPEG file structure: no scans');
  if (p.truncated && !opts.tryRecoverTruncated) throw new JpegError('Premature end of JPEG data');
  const { width, height, hmax, vmax } = f;
  // libjpeg's jpeg_color_space guess (jdapimin.c default_decompress_parms).
  let space: 'grey' | 'ycc' | 'rgb' | 'cmyk' | 'ycck';
  const ids = f.components.map((c) => c.id);
  if (nc === 1) space = 'grey';
  else if (nc === 3) {
    if (p.jfif) space = 'ycc';
    else if (p.adobe >= 0) space = p.adobe === 0 ? 'rgb' : 'ycc';
    else if (ids[0] === 82 && ids[1] === 71 && ids[2] === 66) space = 'rgb';
    else space = 'ycc';
  } else space = p.adobe === 2 ? 'ycck' : 'cmyk';
  // Greyscale output from YCbCr needs only the luma component.
  const needed = f.components.map((_, i) => !(outCh === 1 && (space === 'ycc' || space === 'ycck') && i > 0));
  const ws = new Int32Array(64);
  const planes: Uint8Array[] = [];
  for (let ci = 0; ci < nc; ci++) {
    const c = f.components[ci]!;
    if (!needed[ci]) {
      planes.push(new Uint8Array(0));
      continue;
    }
    const ps = c.bw * 8;
    const plane = new Uint8Array(ps * c.bhImage * 8);
    const q = p.qt[c.tq]!;
    const qi = accurate ? null : ifastTable(q);
    for (let by = 0; by < c.bhImage; by++) {
      for (let bx = 0; bx < c.bwImage; bx++) {
        const off = (by * c.bw + bx) * 64;
        if (qi) idctIfast(c.coefs, off, qi, ws, plane, by * 8 * ps + bx * 8, ps);
        else idctIslow(c.coefs, off, q, ws, plane, by * 8 * ps + bx * 8, ps);
      }
    }
    planes.push(plane);
  }
  const out = new Uint8Array(width * height * outCh);
  const rowW = f.mcusX * hmax * 8 + 16;
  const rows = f.components.map(() => new Uint8Array(rowW));
  for (let y = 0; y < height; y++) {
    for (let ci = 0; ci < nc; ci++) if (needed[ci]) upsampleRow(f.components[ci]!, planes[ci]!, f.components[ci]!.bw * 8, hmax, vmax, fancy, y, rows[ci]!);
    let o = y * width * outCh;
    const r0 = rows[0]!;
    if (outCh === 1) {
      if (space === 'grey' || space === 'ycc' || space === 'ycck') out.set(r0.subarray(0, width), o);
      else if (space === 'rgb') {
        // jdcolor's rgb_gray_convert: 0.299 R + 0.587 G + 0.114 B in 16-bit fixed point.
        const r1 = rows[1]!;
        const r2 = rows[2]!;
        for (let x = 0; x < width; x++) out[o++] = (19595 * r0[x]! + 38470 * r1[x]! + 7471 * r2[x]! + 32768) >> 16;
      } else throw new JpegError('Unsupported color conversion request');
      continue;
    }
    if (space === 'grey') {
      for (let x = 0; x < width; x++) {
        const v = r0[x]!;
        out[o++] = v;
        out[o++] = v;
        out[o++] = v;
      }
    } else if (space === 'ycc') {
      const r1 = rows[1]!;
      const r2 = rows[2]!;
      for (let x = 0; x < width; x++) {
        const yy = r0[x]!;
        const cb = r1[x]!;
        const cr = r2[x]!;
        out[o++] = clamp(yy + CR_R[cr]!);
        out[o++] = clamp(yy + ((CB_G[cb]! + CR_G[cr]!) >> 16));
        out[o++] = clamp(yy + CB_B[cb]!);
      }
    } else if (space === 'rgb') {
      const r1 = rows[1]!;
      const r2 = rows[2]!;
      for (let x = 0; x < width; x++) {
        out[o++] = r0[x]!;
        out[o++] = r1[x]!;
        out[o++] = r2[x]!;
      }
    } else {
      // TF asks libjpeg for CMYK and converts: an Adobe file stores inverted CMYK, so
      // R = C·K/255 etc. on the stored values (jpeg_mem.cc's conversion).
      const r1 = rows[1]!;
      const r2 = rows[2]!;
      const r3 = rows[3]!;
      for (let x = 0; x < width; x++) {
        let c0 = r0[x]!;
        let c1 = r1[x]!;
        let c2 = r2[x]!;
        const k = r3[x]!;
        if (space === 'ycck') {
          const yy = c0;
          const cb = c1;
          const cr = c2;
          c0 = 255 - clamp(yy + CR_R[cr]!);
          c1 = 255 - clamp(yy + ((CB_G[cb]! + CR_G[cr]!) >> 16));
          c2 = 255 - clamp(yy + CB_B[cb]!);
        }
        out[o++] = Math.trunc((c0 * k) / 255);
        out[o++] = Math.trunc((c1 * k) / 255);
        out[o++] = Math.trunc((c2 * k) / 255);
      }
    }
  }
  return { data: out, height, width, channels: outCh };
}
