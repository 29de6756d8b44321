/**
 * HDF5 datatype messages (format spec IV.A.2.d): parsing the classes h5py writes for numbers
 * and strings, decoding raw elements into arrays, and encoding the datatypes the writer uses.
 */
import { H5Bytes, utf8 } from './bytes.js';

export type H5NumberType = 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64' | 'float16' | 'float32' | 'float64';

export type H5Type =
  | { class: 'int'; size: number; signed: boolean; bigEndian: boolean }
  | { class: 'float'; size: number; bigEndian: boolean }
  | { class: 'string'; size: number; charset: 'ascii' | 'utf-8'; pad: 'nullterm' | 'nullpad' | 'spacepad' }
  | { class: 'vlen-string'; size: number; charset: 'ascii' | 'utf-8' }
  | { class: 'enum'; size: number; base: H5Type; names: string[]; values: number[] };

/**
 * Decoded values: numbers in a typed array (int64/uint64 as float64 numbers, exact to 2^53;
 * float16 as its IEEE bit patterns), strings as JS strings; `shape` is the dataspace's.
 */
export type H5Value =
  | { kind: 'number'; type: H5NumberType; shape: number[]; data: H5NumberArray }
  | { kind: 'string'; shape: number[]; data: string[] };

export type H5NumberArray = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array;

const CLASS_NAMES = ['fixed-point', 'floating-point', 'time', 'string', 'bitfield', 'opaque', 'compound', 'reference', 'enumerated', 'variable-length', 'array'];

/** Parses a datatype message at off (within `size` bytes); returns the type and its encoded length. */
export function parseDatatype(b: H5Bytes, off: number, size: number, where: string): { type: H5Type; length: number } {
  const what = `the datatype of ${where}`;
  b.check(off, Math.min(size, 8), what);
  if (size < 8) throw b.error(`${what} is ${size} bytes, less than a datatype header`);
  const cv = b.u8(off, what);
  const cls = cv & 0x0f;
  const version = cv >> 4;
  const f0 = b.u8(off + 1, what);
  const f1 = b.u8(off + 2, what);
  const elSize = b.u32(off + 4, what);
  if (version < 1 || version > 4) throw b.error(`${what} has datatype version ${version}`);
  if (elSize === 0) throw b.error(`${what} has element size 0`);
  const p = off + 8;
  switch (cls) {
    case 0: {
      if (![1, 2, 4, 8].includes(elSize)) throw b.error(`${what}: a ${elSize}-byte integer is not supported`);
      return { type: { class: 'int', size: elSize, signed: (f0 & 0x08) !== 0, bigEndian: (f0 & 0x01) !== 0 }, length: 12 };
    }
    case 1: {
      if ((f0 & 0x40) !== 0) throw b.error(`${what}: VAX-order floats are not supported`);
      const expSize = b.u8(p + 5, what);
      const mantSize = b.u8(p + 7, what);
      const std: Record<number, [number, number]> = { 2: [5, 10], 4: [8, 23], 8: [11, 52] };
      const s = std[elSize];
      if (!s || s[0] !== expSize || s[1] !== mantSize) {
        throw b.error(`${what}: a ${elSize}-byte float with ${expSize} exponent and ${mantSize} mantissa bits is not an IEEE float`);
      }
      return { type: { class: 'float', size: elSize, bigEndian: (f0 & 0x01) !== 0 }, length: 20 };
    }
    case 3: {
      const padCode = f0 & 0x0f;
      const cs = (f0 >> 4) & 0x0f;
      return {
        type: { class: 'string', size: elSize, charset: cs === 1 ? 'utf-8' : 'ascii', pad: padCode === 0 ? 'nullterm' : padCode === 1 ? 'nullpad' : 'spacepad' },
        length: 8,
      };
    }
    case 8: {
      const base = parseDatatype(b, p, size - 8, where);
      if (base.type.class !== 'int') throw b.error(`${what}: an enumeration over a ${base.type.class} type is not supported`);
      const n = f0 | (f1 << 8);
      let q = p + base.length;
      const names: string[] = [];
      const end = off + size;
      for (let i = 0; i < n; i++) {
        const name = b.cstring(q, end, `${what}: enumeration name ${i}`);
        names.push(name);
        const nlen = new TextEncoder().encode(name).length + 1;
        q += version >= 3 ? nlen : Math.ceil(nlen / 8) * 8;
      }
      b.check(q, n * base.type.size, `${what}: enumeration values`);
      const values: number[] = [];
      for (let i = 0; i < n; i++) values.push(readInt(b, q + i * base.type.size, base.type));
      return { type: { class: 'enum', size: elSize, base: base.type, names, values }, length: q + n * base.type.size - off };
    }
    case 9: {
      const vtype = f0 & 0x0f;
      const cs = (f1 & 0x0f);
      if (vtype !== 1) throw b.error(`${what}: variable-length sequences are not supported (only variable-length strings)`);
      const base = parseDatatype(b, p, size - 8, where);
      return { type: { class: 'vlen-string', size: elSize, charset: cs === 1 ? 'utf-8' : 'ascii' }, length: 8 + base.length };
    }
    default:
      throw b.error(`${what}: ${CLASS_NAMES[cls] ?? `class ${cls}`} datatypes are not supported`);
  }
}

function readInt(b: H5Bytes, off: number, t: { size: number; signed: boolean; bigEndian: boolean }): number {
  const dv = b.view;
  const le = !t.bigEndian;
  switch (t.size) {
    case 1: return t.signed ? dv.getInt8(off) : dv.getUint8(off);
    case 2: return t.signed ? dv.getInt16(off, le) : dv.getUint16(off, le);
    case 4: return t.signed ? dv.getInt32(off, le) : dv.getUint32(off, le);
    default: return Number(t.signed ? dv.getBigInt64(off, le) : dv.getBigUint64(off, le));
  }
}

export function numberTypeOf(t: H5Type): H5NumberType | null {
  if (t.class === 'int') return `${t.signed ? '' : 'u'}int${t.size * 8}` as H5NumberType;
  if (t.class === 'float') return `float${t.size * 8}` as H5NumberType;
  if (t.class === 'enum') return numberTypeOf(t.base);
  return null;
}

/** Reads one variable-length string's bytes out of a global heap. */
export type GlobalHeapRead = (collection: number, index: number, length: number) => Uint8Array;

/** Decodes `count` elements of type t from raw (little- or big-endian as the type says). */
export function decodeElements(b: H5Bytes, t: H5Type, raw: Uint8Array, count: number, shape: number[], heap: GlobalHeapRead, where: string): H5Value {
  if (raw.length < count * t.size) throw b.error(`${where} holds ${raw.length} bytes, less than ${count} elements of ${t.size} bytes`);
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  if (t.class === 'string') {
    const data: string[] = [];
    for (let i = 0; i < count; i++) {
      let s = raw.subarray(i * t.size, (i + 1) * t.size);
      if (t.pad === 'spacepad') {
        let e = s.length;
        while (e > 0 && s[e - 1] === 0x20) e--;
        s = s.subarray(0, e);
      } else {
        const z = s.indexOf(0);
        if (z >= 0) s = s.subarray(0, z);
      }
      data.push(utf8(s));
    }
    return { kind: 'string', shape, data };
  }
  if (t.class === 'vlen-string') {
    const data: string[] = [];
    const o = b.sizeOfOffsets;
    if (t.size < 8 + o) throw b.error(`${where}: variable-length elements of ${t.size} bytes cannot hold a heap reference`);
    for (let i = 0; i < count; i++) {
      const e = i * t.size;
      const len = dv.getUint32(e, true);
      let coll = 0;
      for (let k = o - 1; k >= 0; k--) coll = coll * 256 + raw[e + 4 + k]!;
      const idx = dv.getUint32(e + 4 + o, true);
      if (len === 0 && coll === 0) {
        data.push('');
        continue;
      }
      const bytes = heap(coll + b.base, idx, len);
      const z = bytes.indexOf(0);
      data.push(utf8(z >= 0 ? bytes.subarray(0, z) : bytes));
    }
    return { kind: 'string', shape, data };
  }
  const nt = numberTypeOf(t)!;
  const it = t.class === 'enum' ? t.base : t;
  const be = it.class !== 'string' && it.class !== 'vlen-string' && it.class !== 'enum' ? it.bigEndian : false;
  const le = !be;
  const sz = it.size;
  let data: H5NumberArray;
  switch (nt) {
    case 'int8': data = new Int8Array(count); for (let i = 0; i < count; i++) data[i] = dv.getInt8(i); break;
    case 'uint8': data = new Uint8Array(count); data.set(raw.subarray(0, count)); break;
    case 'int16': data = new Int16Array(count); for (let i = 0; i < count; i++) data[i] = dv.getInt16(i * 2, le); break;
    case 'uint16':
    case 'float16': data = new Uint16Array(count); for (let i = 0; i < count; i++) data[i] = dv.getUint16(i * 2, le); break;
    case 'int32': data = new Int32Array(count); for (let i = 0; i < count; i++) data[i] = dv.getInt32(i * 4, le); break;
    case 'uint32': data = new Uint32Array(count); for (let i = 0; i < count; i++) data[i] = dv.getUint32(i * 4, le); break;
    case 'float32': data = new Float32Array(count); for (let i = 0; i < count; i++) data[i] = dv.getFloat32(i * 4, le); break;
    case 'float64': data = new Float64Array(count); for (let i = 0; i < count; i++) data[i] = dv.getFloat64(i * 8, le); break;
    case 'int64': data = new Float64Array(count); for (let i = 0; i < count; i++) data[i] = Number(dv.getBigInt64(i * 8, le)); break;
    case 'uint64': data = new Float64Array(count); for (let i = 0; i < count; i++) data[i] = Number(dv.getBigUint64(i * 8, le)); break;
  }
  void sz;
  return { kind: 'number', type: nt, shape, data };
}

// ---- encoding (writer) ----

/** The datatype message of a little-endian number type. */
export function encodeNumberType(t: H5NumberType): Uint8Array {
  if (t.startsWith('float')) {
    const size = t === 'float16' ? 2 : t === 'float32' ? 4 : 8;
    const [exp, mant, bias] = size === 2 ? [5, 10, 15] : size === 4 ? [8, 23, 127] : [11, 52, 1023];
    const out = new Uint8Array(20);
    const dv = new DataView(out.buffer);
    out[0] = 0x11;
    out[1] = 0x20; // little-endian, zero padding, implied leading mantissa bit
    out[2] = size * 8 - 1; // sign bit position
    dv.setUint32(4, size, true);
    dv.setUint16(8, 0, true);
    dv.setUint16(10, size * 8, true);
    out[12] = mant;
    out[13] = exp;
    out[14] = 0;
    out[15] = mant;
    dv.setUint32(16, bias, true);
    return out;
  }
  const signed = !t.startsWith('u');
  const size = Number(t.replace(/^u?int/, '')) / 8;
  const out = new Uint8Array(12);
  const dv = new DataView(out.buffer);
  out[0] = 0x10;
  out[1] = signed ? 0x08 : 0;
  dv.setUint32(4, size, true);
  dv.setUint16(8, 0, true);
  dv.setUint16(10, size * 8, true);
  return out;
}

/** The datatype message of a NUL-padded fixed-length string of `size` bytes (numpy's 'S'). */
export function encodeStringType(size: number, charset: 'ascii' | 'utf-8'): Uint8Array {
  const out = new Uint8Array(8);
  out[0] = 0x13;
  out[1] = 0x01 | (charset === 'utf-8' ? 0x10 : 0);
  new DataView(out.buffer).setUint32(4, size, true);
  return out;
}

export function numberTypeSize(t: H5NumberType): number {
  return t.endsWith('8') && !t.endsWith('int8') ? 8 : t === 'int8' || t === 'uint8' ? 1 : t.endsWith('16') ? 2 : t.endsWith('32') ? 4 : 8;
}
