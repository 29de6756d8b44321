/**
 * Bounded little-endian reads over an HDF5 file's bytes. Every read checks its range against
 * the file's length first, so a truncated or hostile file fails with a DataLossError that names
 * the file and the structure being read, never with an out-of-range read or a huge allocation.
 */
import { DataLossError } from '../../errors.js';

/** HDF5's undefined address (all bits set), as a number. */
export const UNDEF = -1;

export class H5Bytes {
  readonly view: DataView;
  constructor(
    readonly buf: Uint8Array,
    readonly file: string,
    public sizeOfOffsets = 8,
    public sizeOfLengths = 8,
    public base = 0,
  ) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  get length(): number {
    return this.buf.length;
  }

  /** A DataLossError naming the file and what is wrong. */
  error(what: string): DataLossError {
    return new DataLossError(`${this.file}: not a valid HDF5 file: ${what}`);
  }

  /** Throws unless bytes [off, off+n) lie inside the file. */
  check(off: number, n: number, what: string): void {
    if (!Number.isSafeInteger(off) || !Number.isSafeInteger(n) || off < 0 || n < 0 || off + n > this.buf.length) {
      throw this.error(`${what} at offset ${off} (${n} bytes) lies outside the file's ${this.buf.length} bytes`);
    }
  }

  u8(off: number, what: string): number {
    this.check(off, 1, what);
    return this.buf[off]!;
  }
  u16(off: number, what: string): number {
    this.check(off, 2, what);
    return this.view.getUint16(off, true);
  }
  u32(off: number, what: string): number {
    this.check(off, 4, what);
    return this.view.getUint32(off, true);
  }
  /** An unsigned little-endian integer of n (1..8) bytes; all-ones is UNDEF; beyond 2^53 an error. */
  uN(off: number, n: number, what: string): number {
    this.check(off, n, what);
    let v = 0;
    let allOnes = true;
    for (let i = n - 1; i >= 0; i--) {
      const b = this.buf[off + i]!;
      if (b !== 0xff) allOnes = false;
      v = v * 256 + b;
    }
    if (allOnes && n >= 4) return UNDEF;
    if (!Number.isSafeInteger(v)) throw this.error(`${what} at offset ${off} is too large (${v})`);
    return v;
  }
  /** A file address (relative to the base address), or UNDEF. */
  addr(off: number, what: string): number {
    const a = this.uN(off, this.sizeOfOffsets, what);
    return a === UNDEF ? UNDEF : a + this.base;
  }
  len(off: number, what: string): number {
    const v = this.uN(off, this.sizeOfLengths, what);
    if (v === UNDEF) throw this.error(`${what} at offset ${off} is undefined`);
    return v;
  }
  bytes(off: number, n: number, what: string): Uint8Array {
    this.check(off, n, what);
    return this.buf.subarray(off, off + n);
  }
  signature(off: number, sig: string, what: string): void {
    this.check(off, sig.length, what);
    for (let i = 0; i < sig.length; i++) {
      if (this.buf[off + i] !== sig.charCodeAt(i)) {
        throw this.error(`${what} at offset ${off} lacks its signature "${sig}"`);
      }
    }
  }
  /** A NUL-terminated string starting at off, within [off, end). */
  cstring(off: number, end: number, what: string): string {
    this.check(off, 0, what);
    const stop = Math.min(end, this.buf.length);
    let i = off;
    while (i < stop && this.buf[i] !== 0) i++;
    if (i >= stop) throw this.error(`${what} at offset ${off} is not NUL-terminated`);
    return utf8(this.buf.subarray(off, i));
  }
}

const decoder = new TextDecoder('utf-8');
export function utf8(b: Uint8Array): string {
  return decoder.decode(b);
}
