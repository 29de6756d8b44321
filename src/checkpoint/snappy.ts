/**
 * Snappy block format (the raw format, not the framed stream), as LevelDB-style tables use it
 * for compressed blocks.
 *
 * A block is `varint32 uncompressed_length` followed by elements. The low two bits of each
 * tag byte select the element:
 *   0 literal:  length-1 in the upper six bits, or (60..63) in 1..4 following bytes
 *   1 copy:     length 4..11 in bits 2..4, 11-bit offset (3 bits in the tag + 1 byte)
 *   2 copy:     length 1..64 in the upper six bits, 2-byte little-endian offset
 *   3 copy:     length 1..64 in the upper six bits, 4-byte little-endian offset
 * A copy may overlap its own output (offset < length), which repeats a pattern.
 */
import { DataLossError } from '../errors.js';
import { allocate } from './io.js';

function corrupt(what: string): DataLossError {
  return new DataLossError(`corrupted compressed block contents: ${what}`);
}

/** Read the uncompressed length from a snappy block's preamble. */
export function uncompressedLength(src: Uint8Array): number {
  return readPreamble(src)[0];
}

function readPreamble(src: Uint8Array): [length: number, headerBytes: number] {
  let result = 0;
  let shift = 0;
  for (let i = 0; i < 5; i++) {
    if (i >= src.length) throw corrupt('truncated length preamble');
    const b = src[i]!;
    result += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) {
      if (result > 0xffffffff) throw corrupt('length preamble overflows 32 bits');
      return [result, i + 1];
    }
    shift += 7;
  }
  throw corrupt('length preamble is longer than 5 bytes');
}

/**
 * The most bytes `n` bytes of snappy elements can decode to: a 3-byte copy element yields at
 * most 64 bytes, and no element yields more per byte.
 */
export function maxDecodedLength(n: number): number {
  return Math.floor((n * 64) / 3);
}

/**
 * Decompress one snappy block. Throws DataLossError on any malformed input; a preamble that
 * claims more than the elements could produce is rejected before anything is allocated.
 */
export function decompress(src: Uint8Array): Uint8Array {
  const [length, start] = readPreamble(src);
  if (length > maxDecodedLength(src.length - start)) {
    throw corrupt(`the preamble claims ${length} bytes, more than ${src.length - start} bytes of elements can hold`);
  }
  const out = allocate(length);
  let ip = start;
  let op = 0;
  const n = src.length;
  while (ip < n) {
    const tag = src[ip++]!;
    const kind = tag & 3;
    if (kind === 0) {
      let len = tag >>> 2;
      if (len >= 60) {
        const extra = len - 59;
        if (ip + extra > n) throw corrupt('truncated literal length');
        len = 0;
        for (let k = 0; k < extra; k++) len += src[ip + k]! * 2 ** (8 * k);
        ip += extra;
      }
      len += 1;
      if (ip + len > n) throw corrupt('literal runs past the end of the input');
      if (op + len > length) throw corrupt('literal runs past the declared length');
      out.set(src.subarray(ip, ip + len), op);
      ip += len;
      op += len;
      continue;
    }
    let len: number;
    let offset: number;
    if (kind === 1) {
      if (ip + 1 > n) throw corrupt('truncated copy');
      len = ((tag >>> 2) & 7) + 4;
      offset = ((tag >>> 5) << 8) | src[ip]!;
      ip += 1;
    } else if (kind === 2) {
      if (ip + 2 > n) throw corrupt('truncated copy');
      len = (tag >>> 2) + 1;
      offset = src[ip]! | (src[ip + 1]! << 8);
      ip += 2;
    } else {
      if (ip + 4 > n) throw corrupt('truncated copy');
      len = (tag >>> 2) + 1;
      offset = (src[ip]! | (src[ip + 1]! << 8) | (src[ip + 2]! << 16) | (src[ip + 3]! << 24)) >>> 0;
      ip += 4;
    }
    if (offset === 0 || offset > op) throw corrupt(`copy offset ${offset} is out of range at ${op}`);
    if (op + len > length) throw corrupt('copy runs past the declared length');
    if (offset >= len) {
      out.copyWithin(op, op - offset, op - offset + len);
      op += len;
    } else {
      for (let k = 0; k < len; k++, op++) out[op] = out[op - offset]!;
    }
  }
  if (op !== length) throw corrupt(`decoded ${op} bytes but the preamble says ${length}`);
  return out;
}

/**
 * A small greedy snappy compressor (hash of 4-byte sequences, one candidate per bucket). The
 * output is valid snappy that any decoder accepts; it does not try to match the reference
 * encoder's bytes. The bundle writer never compresses; this exists for tables written with
 * `compression: 'snappy'` and for tests of the reader.
 */
export function compress(src: Uint8Array): Uint8Array {
  const n = src.length;
  // Worst case: the preamble, plus every byte as a literal with a 5-byte tag per 2^32 bytes.
  const out = new Uint8Array(10 + n + Math.ceil(n / 60) * 5 + 5);
  let op = 0;
  let v = n;
  while (v >= 0x80) {
    out[op++] = (v & 0x7f) | 0x80;
    v = Math.floor(v / 128);
  }
  out[op++] = v;

  const emitLiteral = (from: number, to: number): void => {
    const len = to - from;
    if (len === 0) return;
    const l = len - 1;
    if (l < 60) {
      out[op++] = l << 2;
    } else if (l < 0x100) {
      out[op++] = 60 << 2;
      out[op++] = l;
    } else if (l < 0x10000) {
      out[op++] = 61 << 2;
      out[op++] = l & 0xff;
      out[op++] = l >>> 8;
    } else if (l < 0x1000000) {
      out[op++] = 62 << 2;
      out[op++] = l & 0xff;
      out[op++] = (l >>> 8) & 0xff;
      out[op++] = l >>> 16;
    } else {
      out[op++] = 63 << 2;
      out[op++] = l & 0xff;
      out[op++] = (l >>> 8) & 0xff;
      out[op++] = (l >>> 16) & 0xff;
      out[op++] = l >>> 24;
    }
    out.set(src.subarray(from, to), op);
    op += len;
  };
  const emitCopy = (offset: number, len: number): void => {
    while (len > 0) {
      const piece = Math.min(len, 64);
      if (piece >= 4 && piece <= 11 && offset < 2048) {
        out[op++] = 1 | ((piece - 4) << 2) | ((offset >>> 8) << 5);
        out[op++] = offset & 0xff;
      } else if (offset < 0x10000) {
        out[op++] = 2 | ((piece - 1) << 2);
        out[op++] = offset & 0xff;
        out[op++] = offset >>> 8;
      } else {
        out[op++] = 3 | ((piece - 1) << 2);
        out[op++] = offset & 0xff;
        out[op++] = (offset >>> 8) & 0xff;
        out[op++] = (offset >>> 16) & 0xff;
        out[op++] = offset >>> 24;
      }
      len -= piece;
    }
  };

  const HASH_BITS = 14;
  const table = new Int32Array(1 << HASH_BITS).fill(-1);
  const load32 = (i: number): number =>
    (src[i]! | (src[i + 1]! << 8) | (src[i + 2]! << 16) | (src[i + 3]! << 24)) >>> 0;
  const hash = (x: number): number => Math.imul(x, 0x1e35a7bd) >>> (32 - HASH_BITS);

  let lit = 0;
  let i = 0;
  while (i + 4 <= n) {
    const cur = load32(i);
    const h = hash(cur);
    const cand = table[h]!;
    table[h] = i;
    if (cand >= 0 && load32(cand) === cur) {
      let len = 4;
      while (i + len < n && src[cand + len] === src[i + len]) len++;
      emitLiteral(lit, i);
      emitCopy(i - cand, len);
      i += len;
      lit = i;
    } else {
      i++;
    }
  }
  emitLiteral(lit, n);
  return out.slice(0, op);
}
