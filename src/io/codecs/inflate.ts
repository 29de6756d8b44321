/**
 * A pure-TypeScript inflate (RFC 1950 zlib stream around RFC 1951 deflate data), so that image
 * decoding works where node:zlib is absent (browsers). Every read is bounds-checked and the
 * output is capped at `maxOut` bytes: corrupt or hostile data fails with a CodecError, never a
 * hang or an unbounded allocation.
 */

/** A malformed or truncated image/compressed stream; ops turn it into TF's error text. */
export class CodecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CodecError';
  }
}

/** Canonical Huffman code: counts per length and symbols ordered by code. */
interface Huffman { count: Uint16Array; symbol: Uint16Array }

function buildHuffman(lengths: Uint8Array, n: number): Huffman {
  const count = new Uint16Array(16);
  const symbol = new Uint16Array(n);
  for (let i = 0; i < n; i++) count[lengths[i]!]!++;
  const offs = new Uint16Array(16);
  for (let len = 1; len < 15; len++) offs[len + 1] = offs[len]! + count[len]!;
  for (let i = 0; i < n; i++) if (lengths[i] !== 0) symbol[offs[lengths[i]!]!++] = i;
  // An over-subscribed code cannot be decoded unambiguously.
  let left = 1;
  for (let len = 1; len < 16; len++) {
    left <<= 1;
    left -= count[len]!;
    if (left < 0) throw new CodecError('inflate: over-subscribed Huffman code');
  }
  return { count, symbol };
}

const LEN_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LEN_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DIST_BASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577];
const DIST_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
const CL_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

let FIXED: [Huffman, Huffman] | null = null;
function fixedCodes(): [Huffman, Huffman] {
  if (!FIXED) {
    const l = new Uint8Array(288);
    l.fill(8, 0, 144).fill(9, 144, 256).fill(7, 256, 280).fill(8, 280, 288);
    const d = new Uint8Array(30).fill(5);
    FIXED = [buildHuffman(l, 288), buildHuffman(d, 30)];
  }
  return FIXED;
}

class Inflater {
  private pos: number;
  private bitBuf = 0;
  private bitCnt = 0;
  out: Uint8Array;
  len = 0;
  constructor(private readonly src: Uint8Array, start: number, private readonly maxOut: number, sizeHint: number) {
    this.pos = start;
    // Deflate expands at most ~1032:1, so the first buffer never exceeds what the input can fill.
    this.out = new Uint8Array(Math.max(1024, Math.min(maxOut, sizeHint, (src.length - start) * 1032 + 1024)));
  }
  get position(): number {
    return this.pos;
  }
  bits(n: number): number {
    while (this.bitCnt < n) {
      if (this.pos >= this.src.length) throw new CodecError('inflate: unexpected end of compressed data');
      this.bitBuf |= this.src[this.pos++]! << this.bitCnt;
      this.bitCnt += 8;
    }
    const v = this.bitBuf & ((1 << n) - 1);
    this.bitBuf >>>= n;
    this.bitCnt -= n;
    return v;
  }
  private decode(h: Huffman): number {
    let code = 0;
    let first = 0;
    let index = 0;
    for (let len = 1; len < 16; len++) {
      code |= this.bits(1);
      const count = h.count[len]!;
      if (code - count < first) return h.symbol[index + (code - first)]!;
      index += count;
      first += count;
      first <<= 1;
      code <<= 1;
    }
    throw new CodecError('inflate: invalid Huffman code');
  }
  private ensure(extra: number): void {
    const need = this.len + extra;
    if (need > this.maxOut) throw new CodecError('inflate: decompressed data exceeds the expected size');
    if (need <= this.out.length) return;
    const grown = new Uint8Array(Math.min(this.maxOut, Math.max(need, this.out.length * 2)));
    grown.set(this.out.subarray(0, this.len));
    this.out = grown;
  }
  private stored(): void {
    this.bitBuf = 0;
    this.bitCnt = 0;
    if (this.pos + 4 > this.src.length) throw new CodecError('inflate: unexpected end of compressed data');
    const s = this.src;
    const n = s[this.pos]! | (s[this.pos + 1]! << 8);
    const nn = s[this.pos + 2]! | (s[this.pos + 3]! << 8);
    this.pos += 4;
    if (n !== (~nn & 0xffff)) throw new CodecError('inflate: invalid stored block lengths');
    if (this.pos + n > s.length) throw new CodecError('inflate: unexpected end of compressed data');
    this.ensure(n);
    this.out.set(s.subarray(this.pos, this.pos + n), this.len);
    this.len += n;
    this.pos += n;
  }
  private codes(lit: Huffman, dist: Huffman): void {
    for (;;) {
      let sym = this.decode(lit);
      if (sym < 256) {
        this.ensure(1);
        this.out[this.len++] = sym;
      } else if (sym === 256) {
        return;
      } else {
        sym -= 257;
        if (sym >= 29) throw new CodecError('inflate: invalid literal/length code');
        const n = LEN_BASE[sym]! + this.bits(LEN_EXTRA[sym]!);
        const ds = this.decode(dist);
        if (ds >= 30) throw new CodecError('inflate: invalid distance code');
        const d = DIST_BASE[ds]! + this.bits(DIST_EXTRA[ds]!);
        if (d > this.len) throw new CodecError('inflate: distance too far back');
        this.ensure(n);
        const o = this.out;
        for (let i = 0; i < n; i++, this.len++) o[this.len] = o[this.len - d]!;
      }
    }
  }
  private dynamic(): void {
    const nlen = this.bits(5) + 257;
    const ndist = this.bits(5) + 1;
    const ncode = this.bits(4) + 4;
    if (nlen > 286 || ndist > 30) throw new CodecError('inflate: bad code counts');
    const lengths = new Uint8Array(320);
    for (let i = 0; i < ncode; i++) lengths[CL_ORDER[i]!] = this.bits(3);
    const lencode = buildHuffman(lengths, 19);
    let idx = 0;
    const all = new Uint8Array(nlen + ndist);
    while (idx < nlen + ndist) {
      const sym = this.decode(lencode);
      if (sym < 16) {
        all[idx++] = sym;
        continue;
      }
      let len = 0;
      let rep: number;
      if (sym === 16) {
        if (idx === 0) throw new CodecError('inflate: repeat with no first length');
        len = all[idx - 1]!;
        rep = 3 + this.bits(2);
      } else if (sym === 17) rep = 3 + this.bits(3);
      else rep = 11 + this.bits(7);
      if (idx + rep > nlen + ndist) throw new CodecError('inflate: too many lengths');
      while (rep--) all[idx++] = len;
    }
    if (all[256] === 0) throw new CodecError('inflate: no end-of-block code');
    this.codes(buildHuffman(all.subarray(0, nlen), nlen), buildHuffman(all.subarray(nlen), ndist));
  }
  run(): void {
    let last = 0;
    while (!last) {
      last = this.bits(1);
      const type = this.bits(2);
      if (type === 0) this.stored();
      else if (type === 1) this.codes(...fixedCodes());
      else if (type === 2) this.dynamic();
      else throw new CodecError('inflate: invalid block type');
    }
    // Back to the byte boundary: whole unused bytes in the bit buffer go back to the input.
    this.pos -= this.bitCnt >> 3;
    this.bitBuf = 0;
    this.bitCnt = 0;
  }
}

/** Raw deflate data (RFC 1951) from `start`: the bytes, at most `maxOut` of them. */
export function inflateRaw(src: Uint8Array, maxOut: number, sizeHint = 0, start = 0): { data: Uint8Array; end: number } {
  const inf = new Inflater(src, start, maxOut, sizeHint);
  inf.run();
  return { data: inf.out.subarray(0, inf.len), end: inf.position };
}

function adler32(b: Uint8Array): number {
  let a = 1;
  let s = 0;
  for (let i = 0; i < b.length; ) {
    const end = Math.min(b.length, i + 5552);
    for (; i < end; i++) {
      a += b[i]!;
      s += a;
    }
    a %= 65521;
    s %= 65521;
  }
  return ((s << 16) | a) >>> 0;
}

/** A zlib stream (RFC 1950): header and Adler-32 checked, at most `maxOut` bytes out. */
export function inflateZlib(src: Uint8Array, maxOut: number, sizeHint = 0): Uint8Array {
  if (src.length < 2) throw new CodecError('inflate: zlib stream too short');
  const cmf = src[0]!;
  const flg = src[1]!;
  if ((cmf & 0x0f) !== 8 || (cmf >> 4) > 7 || ((cmf << 8) | flg) % 31 !== 0) throw new CodecError('inflate: incorrect zlib header');
  if (flg & 0x20) throw new CodecError('inflate: zlib preset dictionary not supported');
  const { data, end } = inflateRaw(src, maxOut, sizeHint, 2);
  if (end + 4 > src.length) throw new CodecError('inflate: missing Adler-32 checksum');
  const want = ((src[end]! << 24) | (src[end + 1]! << 16) | (src[end + 2]! << 8) | src[end + 3]!) >>> 0;
  if (adler32(data) !== want) throw new CodecError('inflate: incorrect data check');
  return data;
}

/**
 * A zlib stream of `data` in stored (uncompressed) deflate blocks: the encoder's fallback where
 * node:zlib is absent.
 */
export function zlibStored(data: Uint8Array): Uint8Array {
  const blocks = Math.max(1, Math.ceil(data.length / 65535));
  const out = new Uint8Array(2 + blocks * 5 + data.length + 4);
  out[0] = 0x78;
  out[1] = 0x01;
  let o = 2;
  for (let b = 0; b < blocks; b++) {
    const n = Math.min(65535, data.length - b * 65535);
    out[o++] = b === blocks - 1 ? 1 : 0;
    out[o++] = n & 0xff;
    out[o++] = n >> 8;
    out[o++] = ~n & 0xff;
    out[o++] = (~n >> 8) & 0xff;
    out.set(data.subarray(b * 65535, b * 65535 + n), o);
    o += n;
  }
  const a = adler32(data);
  out[o++] = a >>> 24;
  out[o++] = (a >>> 16) & 0xff;
  out[o++] = (a >>> 8) & 0xff;
  out[o] = a & 0xff;
  return out;
}
