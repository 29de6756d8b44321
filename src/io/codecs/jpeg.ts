/**
 * JPEG decoding with libjpeg-turbo's numerics (the library TF 1.15's DecodeJpeg runs): baseline
 * and progressive Huffman JPEGs, restart markers, any sampling factors, greyscale / YCbCr / RGB /
 * CMYK / YCCK. The IDCTs are libjpeg's JDCT_IFAST (jidctfst: TF's default) and JDCT_ISLOW
 * (jidctint: dct_method INTEGER_ACCURATE); chroma is upsampled with libjpeg-turbo's fancy
 * triangle filters (or replication when fancy upsampling is off) and converted with jdcolor's
 * fixed-point tables, so the output bytes are djpeg's.
 *
 * The image's coefficients are held per component in chunks of 32 blocks of one block row, each
 * allocated when a scan first writes a nonzero coefficient into it, so a scan that runs out of data
 * allocates no more than its data reached. The output is then made row by row: the block rows an
 * output row needs are inverse-transformed into a small cache, upsampled and colour-converted.
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
  /**
   * Columns [x, x + width) wanted (DecodeAndCropJpeg): as libjpeg-turbo's jpeg_crop_scanline,
   * the decoded region starts at the iMCU column at or left of x and ends at x + width, and is
   * upsampled as an image of its own (its edges use edge rules). The result holds that region.
   */
  cropColumns?: { x: number; width: number };
  /** TF's ratio: libjpeg's scale_denom (1, 2, 4, 8), decoding with its scaled IDCTs. */
  ratio?: 1 | 2 | 4 | 8;
  /** TF's acceptable_fraction: with tryRecoverTruncated, the fraction of rows that must be present. */
  acceptableFraction?: number;
}

export interface DecodedImage {
  data: Uint8Array;
  height: number;
  width: number;
  channels: number;
  /** With cropColumns: the image column where the decoded region starts. */
  xOffset?: number;
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
  /** Coefficients, CHUNK blocks of a block row per chunk; null: not written yet (all zero). */
  chunks: (Int16Array | null)[];
  /** Chunks per block row. */
  cpr: number;
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

/** Blocks per coefficient chunk (4 KB of Int16): small enough that a hostile file's scattered
 * writes cannot allocate much more than the data it took to make them. */
const CHUNK = 32;
/** What a block with no chunk reads as; never written. */
const ZERO_CHUNK = new Int16Array(CHUNK * 64);

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
  /** Scans read so far. */
  scans = 0;
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
        if (this.frame && !headerOnly && this.scans > 0) {
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
      comps.push({ id: s[6 + 3 * i]!, h, v, tq, bw: 0, bh: 0, bwImage: 0, bhImage: 0, dw: 0, dh: 0, chunks: [], cpr: 0, pred: 0, dcTable: null, acTable: null });
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
      c.cpr = Math.ceil(c.bw / CHUNK);
    }
    this.frame = { width, height, progressive, components: comps, hmax, vmax, mcusX, mcusY };
  }

  /** The chunk holding block (bx, by) of `c`, allocated (zeroed) on first use. */
  private chunk(c: Component, by: number, bx: number): Int16Array {
    const i = by * c.cpr + ((bx / CHUNK) | 0);
    return (c.chunks[i] ??= new Int16Array(CHUNK * 64));
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
    if (this.scans++ === 0) {
      for (const c of f.components) c.chunks = new Array<Int16Array | null>(c.cpr * c.bh).fill(null);
    }
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
    let decodeBlock: (c: Component, by: number, bx: number) => void;
    if (!f.progressive) decodeBlock = (c, by, bx) => this.baselineBlock(br, c, by, bx);
    else if (ss === 0) decodeBlock = ah === 0 ? (c, by, bx) => this.dcFirst(br, c, by, bx, al) : (c, by, bx) => this.dcRefine(br, c, by, bx, al);
    else decodeBlock = ah === 0 ? (c, by, bx) => this.acFirst(br, c, by, bx, ss, se, al) : (c, by, bx) => this.acRefine(br, c, by, bx, ss, se, al);
    let n = 0;
    while (n < total) {
      const upto = ri > 0 ? Math.min(total, n + ri) : total;
      for (; n < upto; n++) {
        // libjpeg skips whole MCUs once the data ran out: their coefficients stay zero (the
        // rest of this restart interval at once).
        if (br.insufficient) {
          n = upto;
          break;
        }
        if (single) {
          decodeBlock(c0, (n / c0.bwImage) | 0, n % c0.bwImage);
        } else {
          const mx = n % f.mcusX;
          const my = (n / f.mcusX) | 0;
          for (const c of comps) {
            for (let v = 0; v < c.v; v++) {
              const row = my * c.v + v;
              for (let h = 0; h < c.h; h++) decodeBlock(c, row, mx * c.h + h);
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
        // libjpeg's process_restart clears the out-of-data flag only past an RSTn: at another
        // marker (or the end) the next segments are empty and their MCUs stay zero.
        if (p < this.d.length && this.d[p + 1]! >= 0xd0 && this.d[p + 1]! <= 0xd7) {
          p += 2;
          br.insufficient = false;
        }
        br.pos = p;
        for (const c of comps) c.pred = 0;
        this.eobrun = 0;
        // Still out of data: the reader stays at that marker (or the end), so every later
        // interval of the scan is empty too.
        if (br.insufficient) n = total;
      }
    }
    if (br.pos >= this.d.length && br.insufficient) this.truncated = true;
    return br.pos;
  }

  private truncatedScan(br: BitReader): void {
    if (br.pos >= this.d.length) this.truncated = true;
  }

  private baselineBlock(br: BitReader, c: Component, by: number, bx: number): void {
    const t = br.decode(c.dcTable!);
    const dcDiff = t === 0 ? 0 : extend(br.getBits(t), t);
    c.pred += dcDiff;
    // Zeros need no chunk; the AC values below are never zero (extend of ≥ 1 bit).
    let co = c.chunks[by * c.cpr + ((bx / CHUNK) | 0)] ?? null;
    const off = (bx % CHUNK) * 64;
    if (c.pred !== 0 || co) (co ??= this.chunk(c, by, bx))[off] = c.pred;
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
      (co ??= this.chunk(c, by, bx))[off + ZIGZAG[k]!] = extend(br.getBits(sz), sz);
      k++;
    }
  }

  private dcFirst(br: BitReader, c: Component, by: number, bx: number, al: number): void {
    const t = br.decode(c.dcTable!);
    const diff = t === 0 ? 0 : extend(br.getBits(t), t);
    c.pred += diff;
    const v = c.pred * (1 << al);
    const co = c.chunks[by * c.cpr + ((bx / CHUNK) | 0)] ?? (v !== 0 ? this.chunk(c, by, bx) : null);
    if (co) co[(bx % CHUNK) * 64] = v;
  }

  private dcRefine(br: BitReader, c: Component, by: number, bx: number, al: number): void {
    if (br.getBit()) this.chunk(c, by, bx)[(bx % CHUNK) * 64] |= 1 << al;
  }

  private acFirst(br: BitReader, c: Component, by: number, bx: number, ss: number, se: number, al: number): void {
    if (this.eobrun > 0) {
      this.eobrun--;
      return;
    }
    let co: Int16Array | null = null;
    const off = (bx % CHUNK) * 64;
    for (let k = ss; k <= se; k++) {
      const rs = br.decode(c.acTable!);
      const r = rs >> 4;
      const sz = rs & 15;
      if (sz) {
        k += r;
        (co ??= this.chunk(c, by, bx))[off + ZIGZAG[k]!] = extend(br.getBits(sz), sz) * (1 << al);
      } else if (r === 15) {
        k += 15;
      } else {
        this.eobrun = (1 << r) - 1;
        if (r) this.eobrun += br.getBits(r);
        break;
      }
    }
  }

  private acRefine(br: BitReader, c: Component, by: number, bx: number, ss: number, se: number, al: number): void {
    // In an EOB run only nonzero coefficients read correction bits: a block with no chunk has none.
    let co = c.chunks[by * c.cpr + ((bx / CHUNK) | 0)] ?? null;
    const off = (bx % CHUNK) * 64;
    const p1 = 1 << al;
    const m1 = -1 << al;
    let k = ss;
    if (this.eobrun === 0) {
      // Reads of a block with no chunk see zeros; the chunk is made when a value is written.
      let cz = co ?? ZERO_CHUNK;
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
          if (cz[z] !== 0) {
            if (br.getBit()) {
              if ((cz[z]! & p1) === 0) cz[z] = cz[z]! >= 0 ? cz[z]! + p1 : cz[z]! + m1;
            }
          } else {
            if (r === 0) {
              if (val) (cz = co ??= this.chunk(c, by, bx))[z] = val;
              break;
            }
            r--;
          }
        }
      }
    }
    if (this.eobrun > 0) {
      for (; co && k <= se; k++) {
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

/** libjpeg's post-IDCT range limit, indexed by the value & 1023: the 10-bit signed value + 128, clamped. */
const IDCT_LIMIT = new Uint8Array(1024);
for (let i = 0; i < 1024; i++) {
  const v = (i >= 512 ? i - 1024 : i) + 128;
  IDCT_LIMIT[i] = v < 0 ? 0 : v > 255 ? 255 : v;
}
const idctLimit = (x: number): number => IDCT_LIMIT[x & 1023]!;

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

// jidctred.c's reduced-size IDCTs (ISLOW arithmetic on the raw quantisation table).
const R_0_211164243 = 1730;
const R_0_509795579 = 4176;
const R_0_601344887 = 4926;
const R_0_720959822 = 5906;
const R_0_850430095 = 6967;
const R_1_061594337 = 8697;
const R_1_272758580 = 10426;
const R_1_451774981 = 11893;
const R_2_172734803 = 17799;
const R_3_624509785 = 29692;
const desc = (x: number, n: number): number => (x + (1 << (n - 1))) >> n;

/** jpeg_idct_4x4: an 8×8 block's 4×4 output (TF's ratio 2). */
function idct4x4(co: Int16Array, off: number, q: Uint16Array, ws: Int32Array, out: Uint8Array, outOff: number, stride: number): void {
  for (let c = 0; c < 8; c++) {
    if (c === 4) continue;
    const i = off + c;
    if (co[i + 8] === 0 && co[i + 16] === 0 && co[i + 24] === 0 && co[i + 40] === 0 && co[i + 48] === 0 && co[i + 56] === 0) {
      const dc = (co[i]! * q[c]!) << 2;
      ws[c] = ws[8 + c] = ws[16 + c] = ws[24 + c] = dc;
      continue;
    }
    const t0 = (co[i]! * q[c]!) * (1 << 14);
    const t2 = co[i + 16]! * q[c + 16]! * FIX_1_847759065 - co[i + 48]! * q[c + 48]! * FIX_0_765366865;
    const t10 = t0 + t2, t12 = t0 - t2;
    const z1 = co[i + 56]! * q[c + 56]!, z2 = co[i + 40]! * q[c + 40]!, z3 = co[i + 24]! * q[c + 24]!, z4 = co[i + 8]! * q[c + 8]!;
    const a = -z1 * R_0_211164243 + z2 * R_1_451774981 - z3 * R_2_172734803 + z4 * R_1_061594337;
    const b = -z1 * R_0_509795579 - z2 * R_0_601344887 + z3 * FIX_0_899976223 + z4 * FIX_2_562915447;
    ws[c] = desc(t10 + b, 12);
    ws[24 + c] = desc(t10 - b, 12);
    ws[8 + c] = desc(t12 + a, 12);
    ws[16 + c] = desc(t12 - a, 12);
  }
  for (let r = 0; r < 4; r++) {
    const w = r * 8;
    const o = outOff + r * stride;
    if (ws[w + 1] === 0 && ws[w + 2] === 0 && ws[w + 3] === 0 && ws[w + 5] === 0 && ws[w + 6] === 0 && ws[w + 7] === 0) {
      const dc = idctLimit(desc(ws[w]!, 5));
      out[o] = out[o + 1] = out[o + 2] = out[o + 3] = dc;
      continue;
    }
    const t0 = ws[w]! * (1 << 14);
    const t2 = ws[w + 2]! * FIX_1_847759065 - ws[w + 6]! * FIX_0_765366865;
    const t10 = t0 + t2, t12 = t0 - t2;
    const z1 = ws[w + 7]!, z2 = ws[w + 5]!, z3 = ws[w + 3]!, z4 = ws[w + 1]!;
    const a = -z1 * R_0_211164243 + z2 * R_1_451774981 - z3 * R_2_172734803 + z4 * R_1_061594337;
    const b = -z1 * R_0_509795579 - z2 * R_0_601344887 + z3 * FIX_0_899976223 + z4 * FIX_2_562915447;
    out[o] = idctLimit(desc(t10 + b, 19));
    out[o + 3] = idctLimit(desc(t10 - b, 19));
    out[o + 1] = idctLimit(desc(t12 + a, 19));
    out[o + 2] = idctLimit(desc(t12 - a, 19));
  }
}

/** jpeg_idct_2x2: an 8×8 block's 2×2 output (TF's ratio 4). */
function idct2x2(co: Int16Array, off: number, q: Uint16Array, ws: Int32Array, out: Uint8Array, outOff: number, stride: number): void {
  for (let c = 0; c < 8; c++) {
    if (c === 2 || c === 4 || c === 6) continue;
    const i = off + c;
    if (co[i + 8] === 0 && co[i + 24] === 0 && co[i + 40] === 0 && co[i + 56] === 0) {
      ws[c] = ws[8 + c] = (co[i]! * q[c]!) << 2;
      continue;
    }
    const t10 = co[i]! * q[c]! * (1 << 15);
    const t0 = -co[i + 56]! * q[c + 56]! * R_0_720959822 + co[i + 40]! * q[c + 40]! * R_0_850430095 - co[i + 24]! * q[c + 24]! * R_1_272758580 + co[i + 8]! * q[c + 8]! * R_3_624509785;
    ws[c] = desc(t10 + t0, 13);
    ws[8 + c] = desc(t10 - t0, 13);
  }
  for (let r = 0; r < 2; r++) {
    const w = r * 8;
    const o = outOff + r * stride;
    if (ws[w + 1] === 0 && ws[w + 3] === 0 && ws[w + 5] === 0 && ws[w + 7] === 0) {
      out[o] = out[o + 1] = idctLimit(desc(ws[w]!, 5));
      continue;
    }
    const t10 = ws[w]! * (1 << 15);
    const t0 = -ws[w + 7]! * R_0_720959822 + ws[w + 5]! * R_0_850430095 - ws[w + 3]! * R_1_272758580 + ws[w + 1]! * R_3_624509785;
    out[o] = idctLimit(desc(t10 + t0, 20));
    out[o + 1] = idctLimit(desc(t10 - t0, 20));
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
/** jdmaster's sample_range_limit: clamps y + colour offsets (−227…482) to 0…255. */
const RANGE = new Uint8Array(1024);
for (let i = 0; i < 1024; i++) RANGE[i] = i < 384 ? 0 : i > 384 + 255 ? 255 : i - 384;
const clamp = (v: number): number => RANGE[v + 384]!;

// ----- upsampling (jdsample.c) -----------------------------------------------------------------

/**
 * One output row of component `c` at full resolution (width `outW` ≥ image width), from its
 * sample rows (`row(r)`: row r from the decoded region's first column). Row `y` is in the
 * component's upsampled coordinates.
 */
function upsampleRow(c: { dw: number; dh: number; hs: number; vs: number }, row: (r: number) => Uint8Array, fancy: boolean, y: number, out: Uint8Array): void {
  const { hs, vs, dw } = c;
  if (hs === 1 && vs === 1) {
    out.set(row(y).subarray(0, dw));
    return;
  }
  const fancyOk = fancy && Number.isInteger(hs) && Number.isInteger(vs);
  if (fancyOk && hs === 2 && vs === 2 && dw > 2) {
    const sy = y >> 1;
    const ny = y & 1 ? Math.min(sy + 1, c.dh - 1) : Math.max(sy - 1, 0);
    const a = row(sy);
    const b = row(ny);
    let thiscol = a[0]! * 3 + b[0]!;
    let nextcol = a[1]! * 3 + b[1]!;
    out[0] = (thiscol * 4 + 8) >> 4;
    out[1] = (thiscol * 3 + nextcol + 7) >> 4;
    let last = thiscol;
    thiscol = nextcol;
    let o = 2;
    for (let x = 1; x < dw - 1; x++) {
      nextcol = a[x + 1]! * 3 + b[x + 1]!;
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
    const a = row(y);
    let v = a[0]!;
    out[0] = v;
    out[1] = (v * 3 + a[1]! + 2) >> 2;
    let o = 2;
    for (let x = 1; x < dw - 1; x++) {
      v = a[x]! * 3;
      out[o++] = (v + a[x - 1]! + 1) >> 2;
      out[o++] = (v + a[x + 1]! + 2) >> 2;
    }
    v = a[dw - 1]!;
    out[o++] = (v * 3 + a[dw - 2]! + 1) >> 2;
    out[o] = v;
    return;
  }
  if (fancyOk && hs === 1 && vs === 2) {
    const sy = y >> 1;
    const odd = y & 1;
    const ny = odd ? Math.min(sy + 1, c.dh - 1) : Math.max(sy - 1, 0);
    const bias = odd ? 2 : 1;
    const a = row(sy);
    const b = row(ny);
    for (let x = 0; x < dw; x++) out[x] = (a[x]! * 3 + b[x]! + bias) >> 2;
    return;
  }
  if (!Number.isInteger(hs) || !Number.isInteger(vs)) throw new JpegError('Fractional sampling not implemented yet');
  // Replication (jdsample's h2v1/h2v2/int_upsample; jdmerge gives the same values).
  const a = row(Math.floor(y / vs));
  for (let x = 0, o = 0; x < dw; x++) {
    const v = a[x]!;
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
  // jpeg_mem.cc: output height × width × the file's component count must stay under 2^29.
  const r0 = opts.ratio ?? 1;
  if (Math.ceil(f0.width / r0) * Math.ceil(f0.height / r0) * nc >= MAX_OUTPUT_BYTES) throw new JpegError(`Image too large: ${f0.height}x${f0.width}x${nc}`);
  p.parse(false);
  const f = p.frame!;
  if (p.scans === 0) throw new JpegError('Invalid JPEG file structure: no scans');
  if (p.truncated && !opts.tryRecoverTruncated) throw new JpegError('Premature end of JPEG data');
  // Nothing image-sized was allocated so far: the coefficient chunks hold only what the scans
  // wrote. A file TF rejects (cut short without tryRecoverTruncated) fails here. One TF decodes
  // (its data ended at a marker, or was cut short with tryRecoverTruncated) is grey where the
  // data is missing, as libjpeg leaves those blocks' coefficients zero: its output is allocated
  // as TF allocates it, within TF's 2^29 limit above.
  const { hmax, vmax } = f;
  const ratio = opts.ratio ?? 1;
  if (ratio !== 1 && ratio !== 2 && ratio !== 4 && ratio !== 8) throw new JpegError(`ratio must be 1, 2, 4, or 8, got ${ratio}`);
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
  // libjpeg converts to greyscale only from grey, YCbCr or RGB.
  if (outCh === 1 && (space === 'cmyk' || space === 'ycck')) throw new JpegError('Unsupported color conversion request');
  const needed = f.components.map((_, i) => !(outCh === 1 && space === 'ycc' && i > 0));
  const ws = new Int32Array(64);
  // Scaled decoding (TF's ratio = libjpeg's scale_denom): the smallest IDCT size, and for each
  // component the largest power-of-2 multiple of it that the sampling allows, so subsampled
  // chroma is scaled up in the IDCT instead of the upsampler (jdmaster.c).
  const minS = 8 / ratio;
  const geo = f.components.map((c) => {
    let sz = minS;
    while (sz < 8 && (hmax * minS) % (c.h * sz * 2) === 0 && (vmax * minS) % (c.v * sz * 2) === 0) sz *= 2;
    return {
      sz,
      dw: Math.ceil((f.width * c.h * sz) / (hmax * 8)),
      dh: Math.ceil((f.height * c.v * sz) / (vmax * 8)),
      hs: (hmax * minS) / (c.h * sz),
      vs: (vmax * minS) / (c.v * sz),
    };
  });
  const qfast = f.components.map((c, ci) => (geo[ci]!.sz === 8 && !accurate ? ifastTable(p.qt[c.tq]!) : null));
  // Each component's samples, one block row (sz sample rows of stride bw·sz) at a time: an
  // output row needs at most two neighbouring block rows of a component (fancy upsampling's
  // row above or below), so two cached block rows per component suffice.
  const idctRow = (ci: number, brow: number, out: Uint8Array): void => {
    const c = f.components[ci]!;
    const sz = geo[ci]!.sz;
    const ps = c.bw * sz;
    const q = p.qt[c.tq]!;
    const qi = qfast[ci]!;
    for (let bx = 0; bx < c.bwImage; bx++) {
      const co = c.chunks[brow * c.cpr + ((bx / CHUNK) | 0)];
      const o = bx * sz;
      if (!co) {
        // All-zero coefficients: every IDCT gives mid grey.
        for (let r = 0; r < sz; r++) out.fill(128, o + r * ps, o + r * ps + sz);
        continue;
      }
      const off = (bx % CHUNK) * 64;
      if (sz === 8) {
        if (qi) idctIfast(co, off, qi, ws, out, o, ps);
        else idctIslow(co, off, q, ws, out, o, ps);
      } else if (sz === 4) idct4x4(co, off, q, ws, out, o, ps);
      else if (sz === 2) idct2x2(co, off, q, ws, out, o, ps);
      else out[o] = idctLimit((co[off]! * q[0]! + 4) >> 3);
    }
  };
  let width = Math.ceil(f.width / ratio);
  const height = Math.ceil(f.height / ratio);
  // jpeg_crop_scanline: the region's start aligned to an iMCU column; each component's width
  // and first column follow from it.
  let xoff = 0;
  if (opts.cropColumns && !(opts.cropColumns.x === 0 && opts.cropColumns.width === width)) {
    const align = nc === 1 ? minS : minS * hmax;
    xoff = Math.floor(opts.cropColumns.x / align) * align;
    width = opts.cropColumns.width + opts.cropColumns.x - xoff;
    f.components.forEach((c, ci) => {
      const g = geo[ci]!;
      g.dw = Math.ceil((width * c.h * g.sz) / (hmax * minS));
    });
  }
  const col0 = f.components.map((c, ci) => ((xoff * (nc === 1 ? 1 : c.h)) / (nc === 1 ? minS : minS * hmax)) * geo[ci]!.sz);
  const fancyOn = fancy && minS > 1;
  // Per component: two cached block rows, and for each a view of each of its sample rows from
  // the region's first column (made once, so reading a row allocates nothing).
  const rowOf = f.components.map((c, ci): ((r: number) => Uint8Array) | null => {
    if (!needed[ci]) return null;
    const sz = geo[ci]!.sz;
    const ps = c.bw * sz;
    const bufs = [new Uint8Array(ps * sz), new Uint8Array(ps * sz)];
    const views = bufs.map((buf) => Array.from({ length: sz }, (_, r) => buf.subarray(r * ps + col0[ci]!, (r + 1) * ps)));
    const held = [-1, -1];
    let next = 0;
    return (r: number): Uint8Array => {
      const brow = (r / sz) | 0;
      let slot = held[0] === brow ? 0 : held[1] === brow ? 1 : -1;
      if (slot < 0) {
        slot = next;
        held[slot] = brow;
        idctRow(ci, brow, bufs[slot]!);
      }
      // The other slot is the one to replace next: an output row reads at most two block rows
      // (fancy upsampling's neighbour row), the one just read is kept.
      next = slot ^ 1;
      return views[slot]![r % sz]!;
    };
  });
  const adobe = p.adobe >= 0;
  const out = new Uint8Array(width * height * outCh);
  const rowW = f.mcusX * hmax * 8 + 16;
  const rows = f.components.map(() => new Uint8Array(rowW));
  for (let y = 0; y < height; y++) {
    for (let ci = 0; ci < nc; ci++) if (needed[ci]) upsampleRow(geo[ci]!, rowOf[ci]!, fancyOn, y, rows[ci]!);
    let o = y * width * outCh;
    const r0 = rows[0]!;
    if (outCh === 1) {
      if (space === 'grey' || space === 'ycc') out.set(r0.subarray(0, width), o);
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
      // TF asks libjpeg for CMYK and converts (jpeg_mem.cc): with an Adobe marker the stored
      // values are inverted CMYK, R = K·C/255; without, R = (255−K)(255−C)/255.
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
        if (adobe) {
          out[o++] = Math.trunc((k * c0) / 255);
          out[o++] = Math.trunc((k * c1) / 255);
          out[o++] = Math.trunc((k * c2) / 255);
        } else {
          out[o++] = Math.trunc(((255 - k) * (255 - c0)) / 255);
          out[o++] = Math.trunc(((255 - k) * (255 - c1)) / 255);
          out[o++] = Math.trunc(((255 - k) * (255 - c2)) / 255);
        }
      }
    }
  }
  return { data: out, height, width, channels: outCh, xOffset: xoff };
}

// ===== encoding (libjpeg's jcparam / jccolor / jcsample / jfdctint / jchuff) ===================

export interface JpegEncodeOptions {
  /** 0–100, libjpeg's jpeg_set_quality with force_baseline (TF's default 95). */
  quality?: number;
  /** 4:2:0 chroma (libjpeg's default 2×2 luma sampling); false: 4:4:4. */
  chromaDownsampling?: boolean;
  /** libjpeg's optimize_coding: Huffman tables computed for the image. */
  optimizeSize?: boolean;
  /** JFIF density: unit 1 = dots per inch, 2 = per cm. */
  densityUnit?: 1 | 2;
  xDensity?: number;
  yDensity?: number;
  /** Written as an APP1 XMP packet after the JFIF header. */
  xmpMetadata?: Uint8Array;
  /** jpeg_simple_progression's scan script (Huffman tables then optimal per scan, as libjpeg). */
  progressive?: boolean;
}

// The JPEG standard's example tables (Annex K), as jcparam.c installs them.
const STD_LUMA_Q = [
  16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62,
  18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
];
const STD_CHROMA_Q = [
  17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99, 24, 26, 56, 99, 99, 99, 99, 99, 47, 66, 99, 99, 99, 99, 99, 99,
  99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
];
const AC_LUMA_VALS = [
  1, 2, 3, 0, 4, 17, 5, 18, 33, 49, 65, 6, 19, 81, 97, 7, 34, 113, 20, 50, 129, 145, 161, 8, 35, 66, 177, 193, 21, 82, 209, 240, 36, 51, 98, 114,
  130, 9, 10, 22, 23, 24, 25, 26, 37, 38, 39, 40, 41, 42, 52, 53, 54, 55, 56, 57, 58, 67, 68, 69, 70, 71, 72, 73, 74, 83, 84, 85, 86, 87, 88, 89,
  90, 99, 100, 101, 102, 103, 104, 105, 106, 115, 116, 117, 118, 119, 120, 121, 122, 131, 132, 133, 134, 135, 136, 137, 138, 146, 147, 148, 149,
  150, 151, 152, 153, 154, 162, 163, 164, 165, 166, 167, 168, 169, 170, 178, 179, 180, 181, 182, 183, 184, 185, 186, 194, 195, 196, 197, 198, 199,
  200, 201, 202, 210, 211, 212, 213, 214, 215, 216, 217, 218, 225, 226, 227, 228, 229, 230, 231, 232, 233, 234, 241, 242, 243, 244, 245, 246, 247,
  248, 249, 250,
];
const AC_CHROMA_VALS = [
  0, 1, 2, 3, 17, 4, 5, 33, 49, 6, 18, 65, 81, 7, 97, 113, 19, 34, 50, 129, 8, 20, 66, 145, 161, 177, 193, 9, 35, 51, 82, 240, 21, 98, 114, 209,
  10, 22, 36, 52, 225, 37, 241, 23, 24, 25, 26, 38, 39, 40, 41, 42, 53, 54, 55, 56, 57, 58, 67, 68, 69, 70, 71, 72, 73, 74, 83, 84, 85, 86, 87, 88,
  89, 90, 99, 100, 101, 102, 103, 104, 105, 106, 115, 116, 117, 118, 119, 120, 121, 122, 130, 131, 132, 133, 134, 135, 136, 137, 138, 146, 147,
  148, 149, 150, 151, 152, 153, 154, 162, 163, 164, 165, 166, 167, 168, 169, 170, 178, 179, 180, 181, 182, 183, 184, 185, 186, 194, 195, 196, 197,
  198, 199, 200, 201, 202, 210, 211, 212, 213, 214, 215, 216, 217, 218, 226, 227, 228, 229, 230, 231, 232, 233, 234, 242, 243, 244, 245, 246, 247,
  248, 249, 250,
];
const DC_VALS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
interface HuffSpec { bits: number[]; vals: number[] }
const STD_HUFF: HuffSpec[] = [
  { bits: [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0], vals: DC_VALS },
  { bits: [0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 125], vals: AC_LUMA_VALS },
  { bits: [0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0], vals: DC_VALS },
  { bits: [0, 2, 1, 2, 4, 4, 3, 4, 7, 5, 4, 4, 0, 1, 2, 119], vals: AC_CHROMA_VALS },
];

/** jcparam's jpeg_quality_scaling + jpeg_add_quant_table (force_baseline): natural order. */
function scaledTable(base: number[], quality: number): Uint16Array {
  let q = quality <= 0 ? 1 : quality > 100 ? 100 : quality;
  q = q < 50 ? Math.trunc(5000 / q) : 200 - q * 2;
  return Uint16Array.from(base, (b) => Math.min(255, Math.max(1, Math.trunc((b * q + 50) / 100))));
}

/** jfdctint.c's jpeg_fdct_islow in place on 64 level-shifted samples (output scaled by 8). */
function fdctIslow(d: Int32Array): void {
  for (let r = 0; r < 64; r += 8) {
    const tmp0 = d[r]! + d[r + 7]!, tmp7 = d[r]! - d[r + 7]!;
    const tmp1 = d[r + 1]! + d[r + 6]!, tmp6 = d[r + 1]! - d[r + 6]!;
    const tmp2 = d[r + 2]! + d[r + 5]!, tmp5 = d[r + 2]! - d[r + 5]!;
    const tmp3 = d[r + 3]! + d[r + 4]!, tmp4 = d[r + 3]! - d[r + 4]!;
    const tmp10 = tmp0 + tmp3, tmp13 = tmp0 - tmp3, tmp11 = tmp1 + tmp2, tmp12 = tmp1 - tmp2;
    d[r] = (tmp10 + tmp11) << 2;
    d[r + 4] = (tmp10 - tmp11) << 2;
    let z1 = (tmp12 + tmp13) * FIX_0_541196100;
    d[r + 2] = (z1 + tmp13 * FIX_0_765366865 + 1024) >> 11;
    d[r + 6] = (z1 - tmp12 * FIX_1_847759065 + 1024) >> 11;
    z1 = tmp4 + tmp7;
    let z2 = tmp5 + tmp6, z3 = tmp4 + tmp6, z4 = tmp5 + tmp7;
    const z5 = (z3 + z4) * FIX_1_175875602;
    const t4 = tmp4 * FIX_0_298631336, t5 = tmp5 * FIX_2_053119869, t6 = tmp6 * FIX_3_072711026, t7 = tmp7 * FIX_1_501321110;
    z1 *= -FIX_0_899976223;
    z2 *= -FIX_2_562915447;
    z3 = z3 * -FIX_1_961570560 + z5;
    z4 = z4 * -FIX_0_390180644 + z5;
    d[r + 7] = (t4 + z1 + z3 + 1024) >> 11;
    d[r + 5] = (t5 + z2 + z4 + 1024) >> 11;
    d[r + 3] = (t6 + z2 + z3 + 1024) >> 11;
    d[r + 1] = (t7 + z1 + z4 + 1024) >> 11;
  }
  for (let c = 0; c < 8; c++) {
    const tmp0 = d[c]! + d[c + 56]!, tmp7 = d[c]! - d[c + 56]!;
    const tmp1 = d[c + 8]! + d[c + 48]!, tmp6 = d[c + 8]! - d[c + 48]!;
    const tmp2 = d[c + 16]! + d[c + 40]!, tmp5 = d[c + 16]! - d[c + 40]!;
    const tmp3 = d[c + 24]! + d[c + 32]!, tmp4 = d[c + 24]! - d[c + 32]!;
    const tmp10 = tmp0 + tmp3, tmp13 = tmp0 - tmp3, tmp11 = tmp1 + tmp2, tmp12 = tmp1 - tmp2;
    d[c] = (tmp10 + tmp11 + 2) >> 2;
    d[c + 32] = (tmp10 - tmp11 + 2) >> 2;
    let z1 = (tmp12 + tmp13) * FIX_0_541196100;
    const R = 1 << 14;
    d[c + 16] = (z1 + tmp13 * FIX_0_765366865 + R) >> 15;
    d[c + 48] = (z1 - tmp12 * FIX_1_847759065 + R) >> 15;
    z1 = tmp4 + tmp7;
    let z2 = tmp5 + tmp6, z3 = tmp4 + tmp6, z4 = tmp5 + tmp7;
    const z5 = (z3 + z4) * FIX_1_175875602;
    const t4 = tmp4 * FIX_0_298631336, t5 = tmp5 * FIX_2_053119869, t6 = tmp6 * FIX_3_072711026, t7 = tmp7 * FIX_1_501321110;
    z1 *= -FIX_0_899976223;
    z2 *= -FIX_2_562915447;
    z3 = z3 * -FIX_1_961570560 + z5;
    z4 = z4 * -FIX_0_390180644 + z5;
    d[c + 56] = (t4 + z1 + z3 + R) >> 15;
    d[c + 40] = (t5 + z2 + z4 + R) >> 15;
    d[c + 24] = (t6 + z2 + z3 + R) >> 15;
    d[c + 8] = (t7 + z1 + z4 + R) >> 15;
  }
}

class ByteWriter {
  buf = new Uint8Array(1 << 14);
  n = 0;
  private grow(k: number): void {
    if (this.n + k <= this.buf.length) return;
    const b = new Uint8Array(Math.max(this.buf.length * 2, this.n + k));
    b.set(this.buf.subarray(0, this.n));
    this.buf = b;
  }
  byte(b: number): void {
    this.grow(1);
    this.buf[this.n++] = b;
  }
  u16(v: number): void {
    this.byte(v >> 8);
    this.byte(v & 255);
  }
  bytes(b: ArrayLike<number>): void {
    this.grow(b.length);
    this.buf.set(b, this.n);
    this.n += b.length;
  }
  marker(m: number, payload: ArrayLike<number>): void {
    this.byte(0xff);
    this.byte(m);
    this.u16(payload.length + 2);
    this.bytes(payload);
  }
  // Entropy-coded bits, with 0xFF byte stuffing.
  acc = 0;
  nbits = 0;
  bits(code: number, len: number): void {
    this.acc = (this.acc << len) | code;
    this.nbits += len;
    while (this.nbits >= 8) {
      const b = (this.acc >> (this.nbits - 8)) & 255;
      this.byte(b);
      if (b === 0xff) this.byte(0);
      this.nbits -= 8;
    }
    this.acc &= (1 << this.nbits) - 1;
  }
  flushBits(): void {
    if (this.nbits > 0) this.bits((1 << (8 - this.nbits)) - 1, 8 - this.nbits);
  }
}

/** Code lengths/codes of a Huffman spec, as jchuff's jpeg_make_c_derived_tbl. */
function encTable(s: HuffSpec): { code: Int32Array; size: Int32Array } {
  const code = new Int32Array(256), size = new Int32Array(256);
  let c = 0, k = 0;
  for (let len = 1; len <= 16; len++) {
    for (let i = 0; i < s.bits[len - 1]!; i++) {
      code[s.vals[k]!] = c++;
      size[s.vals[k++]!] = len;
    }
    c <<= 1;
  }
  return { code, size };
}

/** jchuff.c's jpeg_gen_optimal_table: a length-limited (16 bits) Huffman table for the counts. */
function optimalTable(freqIn: Float64Array): HuffSpec {
  const freq = Float64Array.from(freqIn);
  freq[256] = 1; // reserves the all-ones code
  const codesize = new Int32Array(257);
  const others = new Int32Array(257).fill(-1);
  for (;;) {
    let c1 = -1, v = 1e15;
    for (let i = 0; i <= 256; i++) if (freq[i]! && freq[i]! <= v) { v = freq[i]!; c1 = i; }
    let c2 = -1;
    v = 1e15;
    for (let i = 0; i <= 256; i++) if (freq[i]! && freq[i]! <= v && i !== c1) { v = freq[i]!; c2 = i; }
    if (c2 < 0) break;
    freq[c1] = freq[c1]! + freq[c2]!;
    freq[c2] = 0;
    codesize[c1]!++;
    while (others[c1]! >= 0) { c1 = others[c1]!; codesize[c1]!++; }
    others[c1] = c2;
    codesize[c2]!++;
    while (others[c2]! >= 0) { c2 = others[c2]!; codesize[c2]!++; }
  }
  const bits = new Int32Array(33);
  for (let i = 0; i <= 256; i++) if (codesize[i]) bits[codesize[i]!]!++;
  for (let i = 32; i > 16; i--) {
    while (bits[i]! > 0) {
      let j = i - 2;
      while (bits[j] === 0) j--;
      bits[i] = bits[i]! - 2;
      bits[i - 1]!++;
      bits[j + 1] = bits[j + 1]! + 2;
      bits[j]!--;
    }
  }
  let i = 16;
  while (bits[i] === 0) i--;
  bits[i]!--;
  const vals: number[] = [];
  for (let len = 1; len <= 32; len++) for (let j = 0; j <= 255; j++) if (codesize[j] === len) vals.push(j);
  return { bits: Array.from(bits.subarray(1, 17)), vals };
}

const nbitsOf = (v: number): number => (v === 0 ? 0 : 32 - Math.clz32(v));

/**
 * Encodes an 8-bit grey or RGB image as libjpeg (jpeg_mem.cc's Compress) does: JFIF 1.01
 * header, quality-scaled standard tables, islow FDCT, sequential Huffman coding.
 */
export function encodeJpegBytes(pixels: Uint8Array, height: number, width: number, channels: 1 | 3, opts: JpegEncodeOptions = {}): Uint8Array {
  if (width < 1 || height < 1 || width > JPEG_MAX_DIMENSION || height > JPEG_MAX_DIMENSION) throw new JpegError(`Image dimensions ${height}x${width} out of range`);
  if (pixels.length !== width * height * channels) throw new JpegError('pixel data does not match the image size');
  const quality = opts.quality ?? 95;
  const sub = channels === 3 && (opts.chromaDownsampling ?? true);
  const nc = channels;
  const hs = nc === 3 && sub ? [2, 1, 1] : [1, 1, 1];
  const hmax = hs[0]!;
  const mcuW = 8 * hmax, mcuH = 8 * hmax;
  const mcusX = Math.ceil(width / mcuW), mcusY = Math.ceil(height / mcuH);
  // Colour conversion (jccolor.c rgb_ycc_convert) into planes padded to whole MCUs by replicating
  // the last column and row (jcsample expand_right_edge, jcprepct expand_bottom_edge).
  const PW = mcusX * mcuW, PH = mcusY * mcuH;
  const planes = Array.from({ length: nc }, () => new Uint8Array(PW * PH));
  const FIX = (x: number): number => Math.floor(x * 65536 + 0.5);
  for (let y = 0; y < PH; y++) {
    const sy = Math.min(y, height - 1);
    for (let x = 0; x < PW; x++) {
      const sx = Math.min(x, width - 1);
      const o = (sy * width + sx) * nc;
      const po = y * PW + x;
      if (nc === 1) {
        planes[0]![po] = pixels[o]!;
        continue;
      }
      const r = pixels[o]!, g = pixels[o + 1]!, b = pixels[o + 2]!;
      planes[0]![po] = (FIX(0.299) * r + FIX(0.587) * g + FIX(0.114) * b + 32768) >> 16;
      planes[1]![po] = (-FIX(0.16874) * r - FIX(0.33126) * g + FIX(0.5) * b + (128 << 16) + 32767) >> 16;
      planes[2]![po] = (FIX(0.5) * r - FIX(0.41869) * g - FIX(0.08131) * b + (128 << 16) + 32767) >> 16;
    }
  }
  // Component geometry as libjpeg computes it.
  const comps = hs.slice(0, nc).map((h, ci) => {
    const dw = Math.ceil((width * h) / hmax), dh = Math.ceil((height * h) / hmax);
    return { h, tq: ci === 0 ? 0 : 1, bwImage: Math.ceil(dw / 8), bhImage: Math.ceil(dh / 8), tbl: ci === 0 ? 0 : 1 };
  });
  // Chroma planes at their sampled size (jcsample h2v2_downsample: alternating bias 1, 2).
  const cplanes: { data: Uint8Array; w: number }[] = comps.map((c, ci) => {
    if (c.h === hmax) return { data: planes[ci]!, w: PW };
    const w = PW / 2, h = PH / 2;
    const out = new Uint8Array(w * h);
    const src = planes[ci]!;
    // Columns past the image are replicated source columns (jcsample expand_right_edge). Rows:
    // jcprepct pads the source only to a whole row group (2 rows) before downsampling, then
    // fills the rest of the iMCU row with copies of the last downsampled row.
    const dh = Math.ceil(height / 2);
    for (let y = 0; y < h; y++) {
      if (y >= dh) {
        out.copyWithin(y * w, (dh - 1) * w, dh * w);
        continue;
      }
      for (let x = 0; x < w; x++) {
        const bias = x & 1 ? 2 : 1;
        const i0 = 2 * y * PW + 2 * x, i1 = i0 + PW;
        out[y * w + x] = (src[i0]! + src[i0 + 1]! + src[i1]! + src[i1 + 1]! + bias) >> 2;
      }
    }
    return { data: out, w };
  });
  const qts = [scaledTable(STD_LUMA_Q, quality), scaledTable(STD_CHROMA_Q, quality)];
  // Quantised coefficients of every block, in MCU order (DC-predicted later).
  const blocks: Int16Array[] = comps.map((c) => new Int16Array(mcusX * c.h * mcusY * c.h * 64));
  const ws = new Int32Array(64);
  comps.forEach((c, ci) => {
    const bw = mcusX * c.h, bh = mcusY * c.h;
    const { data, w } = cplanes[ci]!;
    const q = qts[c.tq]!;
    for (let by = 0; by < bh; by++) {
      for (let bx = 0; bx < bw; bx++) {
        const dst = blocks[ci]!;
        const off = (by * bw + bx) * 64;
        if (bx >= c.bwImage || by >= c.bhImage) continue; // dummy block: DC filled in below
        for (let r = 0; r < 8; r++) for (let k = 0; k < 8; k++) ws[r * 8 + k] = data[(by * 8 + r) * w + bx * 8 + k]! - 128;
        fdctIslow(ws);
        for (let i = 0; i < 64; i++) {
          const qv = q[i]! << 3;
          const t = ws[i]!;
          dst[off + i] = t < 0 ? -Math.trunc((-t + (qv >> 1)) / qv) : Math.trunc((t + (qv >> 1)) / qv);
        }
      }
    }
  });
  // Dummy blocks (past the image's blocks inside an edge MCU): zero AC, DC of the block before
  // in the MCU (jccoefct compress_data).
  comps.forEach((c, ci) => {
    const bw = mcusX * c.h;
    const B = blocks[ci]!;
    for (let my = 0; my < mcusY; my++) for (let mx = 0; mx < mcusX; mx++) {
      let prev = -1;
      for (let v = 0; v < c.h; v++) for (let h = 0; h < c.h; h++) {
        const by = my * c.h + v, bx = mx * c.h + h;
        const off = (by * bw + bx) * 64;
        if ((bx >= c.bwImage || by >= c.bhImage) && prev >= 0) B[off] = B[prev]!;
        prev = off;
      }
    }
  });
  // Huffman tables: standard, or optimal for these symbols.
  let specs = STD_HUFF.slice(0, nc === 1 ? 2 : 4);
  const forEachBlock = (fn: (ci: number, co: Int16Array, off: number, tbl: number) => void) => {
    for (let my = 0; my < mcusY; my++) for (let mx = 0; mx < mcusX; mx++) comps.forEach((c, ci) => {
      const bw = mcusX * c.h;
      for (let v = 0; v < c.h; v++) for (let h = 0; h < c.h; h++) fn(ci, blocks[ci]!, ((my * c.h + v) * bw + mx * c.h + h) * 64, c.tbl);
    });
  };
  const symbols = (emit: (tbl: number, sym: number, extra: number, nExtra: number) => void) => {
    const pred = [0, 0, 0];
    forEachBlock((ci, co, off, tbl) => {
      const diff = co[off]! - pred[ci]!;
      pred[ci] = co[off]!;
      let a = diff < 0 ? -diff : diff;
      let nb = nbitsOf(a);
      emit(2 * tbl, nb, diff < 0 ? (diff - 1) & ((1 << nb) - 1) : diff, nb);
      let run = 0;
      for (let k = 1; k < 64; k++) {
        const v = co[off + ZIGZAG[k]!]!;
        if (v === 0) { run++; continue; }
        while (run > 15) { emit(2 * tbl + 1, 0xf0, 0, 0); run -= 16; }
        a = v < 0 ? -v : v;
        nb = nbitsOf(a);
        emit(2 * tbl + 1, (run << 4) | nb, v < 0 ? (v - 1) & ((1 << nb) - 1) : v, nb);
        run = 0;
      }
      if (run > 0) emit(2 * tbl + 1, 0, 0, 0);
    });
  };
  if (opts.optimizeSize) {
    const freqs = specs.map(() => new Float64Array(257));
    symbols((t, s) => { freqs[t]![s]!++; });
    specs = freqs.map(optimalTable);
  }
  const enc = specs.map(encTable);
  const w = new ByteWriter();
  w.byte(0xff); w.byte(0xd8);
  const xd = opts.xDensity ?? 300, yd = opts.yDensity ?? 300;
  w.marker(0xe0, [0x4a, 0x46, 0x49, 0x46, 0, 1, 1, opts.densityUnit ?? 1, xd >> 8, xd & 255, yd >> 8, yd & 255, 0, 0]);
  if (opts.xmpMetadata && opts.xmpMetadata.length > 0) {
    const ns = Array.from(new TextEncoder().encode('http://ns.adobe.com/xap/1.0/'));
    w.marker(0xe1, [...ns, 0, ...opts.xmpMetadata]);
  }
  for (let t = 0; t < (nc === 1 ? 1 : 2); t++) {
    const q = qts[t]!;
    w.marker(0xdb, [t, ...Array.from({ length: 64 }, (_, i) => q[ZIGZAG[i]!]!)]);
  }
  const sof: number[] = [8, height >> 8, height & 255, width >> 8, width & 255, nc];
  comps.forEach((c, ci) => sof.push(ci + 1, (c.h << 4) | c.h, c.tq));
  if (opts.progressive) {
    w.marker(0xc2, sof);
    progressiveScans(w, comps, blocks, mcusX, mcusY);
    w.byte(0xff); w.byte(0xd9);
    return w.buf.slice(0, w.n);
  }
  w.marker(0xc0, sof);
  specs.forEach((s, i) => w.marker(0xc4, [((i & 1) << 4) | (i >> 1), ...s.bits, ...s.vals]));
  const sos: number[] = [nc];
  comps.forEach((c, ci) => sos.push(ci + 1, (c.tbl << 4) | c.tbl));
  sos.push(0, 63, 0);
  w.marker(0xda, sos);
  symbols((t, s, extra, nExtra) => {
    const e = enc[t]!;
    w.bits(e.code[s]!, e.size[s]!);
    if (nExtra) w.bits(extra, nExtra);
  });
  w.flushBits();
  w.byte(0xff); w.byte(0xd9);
  return w.buf.slice(0, w.n);
}

interface EncComp { h: number; tbl: number; bwImage: number; bhImage: number }

/**
 * jcparam's jpeg_simple_progression script and jcphuff's progressive Huffman coding, each scan
 * with its own optimal tables (libjpeg turns optimize_coding on for progressive files).
 */
function progressiveScans(w: ByteWriter, comps: EncComp[], blocks: Int16Array[], mcusX: number, mcusY: number): void {
  type Scan = [number[], number, number, number, number];
  const script: Scan[] = comps.length === 3
    ? [[[0, 1, 2], 0, 0, 0, 1], [[0], 1, 5, 0, 2], [[2], 1, 63, 0, 1], [[1], 1, 63, 0, 1], [[0], 6, 63, 0, 2], [[0], 1, 63, 2, 1], [[0, 1, 2], 0, 0, 1, 0], [[2], 1, 63, 1, 0], [[1], 1, 63, 1, 0], [[0], 1, 63, 1, 0]]
    : [[[0], 0, 0, 0, 1], [[0], 1, 5, 0, 2], [[0], 6, 63, 0, 2], [[0], 1, 63, 2, 1], [[0], 0, 0, 1, 0], [[0], 1, 63, 1, 0]];
  for (const [cis, ss, se, ah, al] of script) {
    // Blocks in scan order: MCUs for an interleaved scan, the component's own raster otherwise.
    const order: [number, number][] = [];
    if (cis.length > 1) {
      for (let my = 0; my < mcusY; my++) for (let mx = 0; mx < mcusX; mx++) for (const ci of cis) {
        const c = comps[ci]!;
        const bw = mcusX * c.h;
        for (let v = 0; v < c.h; v++) for (let h = 0; h < c.h; h++) order.push([ci, ((my * c.h + v) * bw + mx * c.h + h) * 64]);
      }
    } else {
      const c = comps[cis[0]!]!;
      const bw = mcusX * c.h;
      for (let by = 0; by < c.bhImage; by++) for (let bx = 0; bx < c.bwImage; bx++) order.push([cis[0]!, (by * bw + bx) * 64]);
    }
    const dc = ss === 0;
    const run = (emitSym: (tbl: number, sym: number) => void, emitBits: (v: number, n: number) => void): void => {
      if (dc) {
        const last = [0, 0, 0];
        for (const [ci, off] of order) {
          const v = blocks[ci]![off]!;
          if (ah !== 0) {
            emitBits((v >> al) & 1, 1);
            continue;
          }
          const t2 = v >> al;
          const diff = t2 - last[ci]!;
          last[ci] = t2;
          const nb = nbitsOf(diff < 0 ? -diff : diff);
          emitSym(comps[ci]!.tbl, nb);
          if (nb) emitBits(diff < 0 ? (diff - 1) & ((1 << nb) - 1) : diff, nb);
        }
        return;
      }
      const tbl = comps[cis[0]!]!.tbl;
      let eobrun = 0;
      let be: number[] = [];
      const emitEobrun = () => {
        if (eobrun > 0) {
          const nb = nbitsOf(eobrun) - 1;
          emitSym(tbl, nb << 4);
          if (nb) emitBits(eobrun & ((1 << nb) - 1), nb);
          eobrun = 0;
          for (const b of be) emitBits(b, 1);
          be = [];
        }
      };
      const abs = new Int32Array(64);
      for (const [ci, off] of order) {
        const co = blocks[ci]!;
        if (ah === 0) {
          let r = 0;
          for (let k = ss; k <= se; k++) {
            let t = co[off + ZIGZAG[k]!]!;
            let t2: number;
            if (t < 0) {
              t = -t >> al;
              t2 = ~t;
            } else {
              t >>= al;
              t2 = t;
            }
            if (t === 0) {
              r++;
              continue;
            }
            emitEobrun();
            while (r > 15) {
              emitSym(tbl, 0xf0);
              r -= 16;
            }
            const nb = nbitsOf(t);
            emitSym(tbl, (r << 4) + nb);
            emitBits(t2 & ((1 << nb) - 1), nb);
            r = 0;
          }
          if (r > 0) {
            eobrun++;
            if (eobrun === 0x7fff) emitEobrun();
          }
          continue;
        }
        let eob = 0;
        for (let k = ss; k <= se; k++) {
          const v = co[off + ZIGZAG[k]!]!;
          abs[k] = (v < 0 ? -v : v) >> al;
          if (abs[k] === 1) eob = k;
        }
        let r = 0;
        let br: number[] = [];
        let withBe = true;
        const flushBr = () => {
          if (withBe) {
            for (const b of be) emitBits(b, 1);
            be = [];
          }
          for (const b of br) emitBits(b, 1);
          br = [];
          withBe = false;
        };
        for (let k = ss; k <= se; k++) {
          const t = abs[k]!;
          if (t === 0) {
            r++;
            continue;
          }
          while (r > 15 && k <= eob) {
            emitEobrun();
            emitSym(tbl, 0xf0);
            r -= 16;
            flushBr();
          }
          if (t > 1) {
            br.push(t & 1);
            continue;
          }
          emitEobrun();
          emitSym(tbl, (r << 4) + 1);
          emitBits(co[off + ZIGZAG[k]!]! < 0 ? 0 : 1, 1);
          flushBr();
          r = 0;
        }
        if (r > 0 || br.length > 0) {
          eobrun++;
          be = withBe ? be.concat(br) : br;
          if (eobrun === 0x7fff || be.length > 1000 - 64 + 1) emitEobrun();
        }
      }
      emitEobrun();
    };
    // Pass 1: symbol counts → optimal tables for the tables this scan uses.
    const freqs = new Map<number, Float64Array>();
    const needTables = !(dc && ah !== 0);
    if (needTables) {
      run((tbl, sym) => {
        let f = freqs.get(tbl);
        if (!f) freqs.set(tbl, (f = new Float64Array(257)));
        f[sym]!++;
      }, () => {});
    }
    const codes = new Map<number, { code: Int32Array; size: Int32Array }>();
    const used = [...new Set(cis.map((ci) => comps[ci]!.tbl))];
    for (const t of used) {
      if (!needTables) break;
      const spec = optimalTable(freqs.get(t) ?? new Float64Array(257));
      codes.set(t, encTable(spec));
      w.marker(0xc4, [(dc ? 0 : 0x10) | t, ...spec.bits, ...spec.vals]);
    }
    const sos: number[] = [cis.length];
    for (const ci of cis) {
      const t = comps[ci]!.tbl;
      sos.push(ci + 1, dc ? (ah !== 0 ? 0 : t << 4) : t);
    }
    sos.push(ss, se, (ah << 4) | al);
    w.marker(0xda, sos);
    run((tbl, sym) => {
      const e = codes.get(tbl)!;
      w.bits(e.code[sym]!, e.size[sym]!);
    }, (v, n) => w.bits(v, n));
    w.flushBits();
  }
}
