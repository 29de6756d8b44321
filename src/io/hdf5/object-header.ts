/**
 * Object headers, version 1 and 2 (format spec IV.A), with their continuation blocks, and the
 * messages a group or dataset carries: dataspace, datatype, layout, filter pipeline, attributes,
 * symbol table, links, link info and attribute info.
 */
import { H5Bytes, UNDEF, utf8 } from './bytes.js';
import { parseDatatype, type H5Type } from './datatype.js';

export interface RawMessage {
  type: number;
  off: number;
  size: number;
  flags: number;
}

/** The most messages one object header may carry (libhdf5 caps the count at 65535 per chunk). */
const MAX_MESSAGES = 1 << 20;

export function readObjectHeader(b: H5Bytes, addr: number, where: string): RawMessage[] {
  const what = `the object header of ${where}`;
  if (addr === UNDEF) throw b.error(`${what} has an undefined address`);
  b.check(addr, 16, what);
  const msgs: RawMessage[] = [];
  const seen = new Set<number>();
  const isV2 = b.buf[addr] === 0x4f && b.buf[addr + 1] === 0x48 && b.buf[addr + 2] === 0x44 && b.buf[addr + 3] === 0x52;
  if (isV2) {
    const version = b.u8(addr + 4, what);
    if (version !== 2) throw b.error(`${what} has version ${version}`);
    const flags = b.u8(addr + 5, what);
    let p = addr + 6;
    if (flags & 0x20) p += 16;
    if (flags & 0x10) p += 4;
    const n = 1 << (flags & 3);
    const chunk0 = b.uN(p, n, what);
    p += n;
    b.check(p, chunk0 + 4, what);
    const queue: [number, number][] = [[p, p + chunk0]];
    seen.add(addr);
    while (queue.length) {
      const [start, end] = queue.shift()!;
      let q = start;
      const hsize = 4 + ((flags & 0x04) ? 2 : 0);
      while (q + hsize <= end) {
        const type = b.u8(q, what);
        const size = b.u16(q + 1, what);
        const mflags = b.u8(q + 3, what);
        q += hsize;
        if (q + size > end) throw b.error(`${what}: a message of ${size} bytes at offset ${q} runs past its header block`);
        if (type === 0x10) queueContinuation(b, q, what, seen, queue, true);
        else msgs.push({ type, off: q, size, flags: mflags });
        if (msgs.length > MAX_MESSAGES) throw b.error(`${what} has too many messages`);
        q += size;
      }
    }
    return msgs;
  }
  const version = b.u8(addr, what);
  if (version !== 1) throw b.error(`${what} has version ${version} (expected 1, or an "OHDR" signature)`);
  const hsize = b.u32(addr + 8, what);
  b.check(addr + 16, hsize, what);
  const queue: [number, number][] = [[addr + 16, addr + 16 + hsize]];
  seen.add(addr);
  while (queue.length) {
    const [start, end] = queue.shift()!;
    let q = start;
    while (q + 8 <= end) {
      const type = b.u16(q, what);
      const size = b.u16(q + 2, what);
      const mflags = b.u8(q + 4, what);
      q += 8;
      if (q + size > end) throw b.error(`${what}: a message of ${size} bytes at offset ${q} runs past its header block`);
      if (type === 0x10) queueContinuation(b, q, what, seen, queue, false);
      else msgs.push({ type, off: q, size, flags: mflags });
      if (msgs.length > MAX_MESSAGES) throw b.error(`${what} has too many messages`);
      q += size;
    }
  }
  return msgs;
}

function queueContinuation(b: H5Bytes, off: number, what: string, seen: Set<number>, queue: [number, number][], v2: boolean): void {
  const caddr = b.addr(off, `${what}: continuation address`);
  const clen = b.len(off + b.sizeOfOffsets, `${what}: continuation length`);
  if (seen.has(caddr)) throw b.error(`${what}: continuation blocks form a cycle (block at ${caddr} reached twice)`);
  seen.add(caddr);
  b.check(caddr, clen, `${what}: continuation block`);
  if (v2) {
    b.signature(caddr, 'OCHK', `${what}: continuation block`);
    if (clen < 8) throw b.error(`${what}: continuation block of ${clen} bytes`);
    queue.push([caddr + 4, caddr + clen - 4]);
  } else queue.push([caddr, caddr + clen]);
}

export interface Dataspace {
  shape: number[];
  /** A null dataspace (no elements, not even a scalar). */
  isNull: boolean;
}

export function parseDataspace(b: H5Bytes, off: number, size: number, where: string): { space: Dataspace; length: number } {
  const what = `the dataspace of ${where}`;
  b.check(off, Math.min(size, 8), what);
  const version = b.u8(off, what);
  const rank = b.u8(off + 1, what);
  const flags = b.u8(off + 2, what);
  if (rank > 32) throw b.error(`${what} has rank ${rank} (at most 32)`);
  let p: number;
  let isNull = false;
  if (version === 1) p = off + 8;
  else if (version === 2) {
    const t = b.u8(off + 3, what);
    isNull = t === 2;
    p = off + 4;
  } else throw b.error(`${what} has version ${version}`);
  const shape: number[] = [];
  for (let i = 0; i < rank; i++) shape.push(b.len(p + i * b.sizeOfLengths, what));
  p += rank * b.sizeOfLengths;
  if (flags & 1) p += rank * b.sizeOfLengths;
  if (version === 1 && flags & 2) p += rank * 4;
  if (p - off > size) throw b.error(`${what} runs past its message`);
  return { space: { shape, isNull }, length: p - off };
}

export function elementCount(b: H5Bytes, space: Dataspace, where: string): number {
  if (space.isNull) return 0;
  let n = 1;
  for (const d of space.shape) {
    n *= d;
    if (!Number.isSafeInteger(n)) throw b.error(`the dataspace of ${where} has too many elements`);
  }
  return n;
}

export interface AttributeMessage {
  name: string;
  type: H5Type;
  space: Dataspace;
  dataOff: number;
  dataEnd: number;
}

export function parseAttribute(b: H5Bytes, m: RawMessage, where: string): AttributeMessage {
  const what = `an attribute of ${where}`;
  const off = m.off;
  const end = off + m.size;
  const version = b.u8(off, what);
  if (version < 1 || version > 3) throw b.error(`${what} has version ${version}`);
  const flags = b.u8(off + 1, what);
  if (flags & 0x03) throw b.error(`${what} uses a shared datatype or dataspace, which is not supported`);
  const nameSize = b.u16(off + 2, what);
  const dtSize = b.u16(off + 4, what);
  const dsSize = b.u16(off + 6, what);
  let p = off + (version === 3 ? 9 : 8);
  const pad = (n: number): number => (version === 1 ? Math.ceil(n / 8) * 8 : n);
  if (p + pad(nameSize) + pad(dtSize) + pad(dsSize) > end) throw b.error(`${what} runs past its message`);
  const nameBytes = b.bytes(p, nameSize, what);
  const z = nameBytes.indexOf(0);
  const name = utf8(z >= 0 ? nameBytes.subarray(0, z) : nameBytes);
  p += pad(nameSize);
  const type = parseDatatype(b, p, dtSize, `attribute "${name}" of ${where}`).type;
  p += pad(dtSize);
  const space = parseDataspace(b, p, dsSize, `attribute "${name}" of ${where}`).space;
  p += pad(dsSize);
  return { name, type, space, dataOff: p, dataEnd: end };
}

export type Layout =
  | { class: 'compact'; off: number; size: number }
  | { class: 'contiguous'; addr: number; size: number }
  | { class: 'chunked'; btree: number; chunk: number[]; elementSize: number };

export function parseLayout(b: H5Bytes, m: RawMessage, where: string): Layout {
  const what = `the data layout of ${where}`;
  const off = m.off;
  const version = b.u8(off, what);
  if (version === 3 || version === 4) {
    const cls = b.u8(off + 1, what);
    if (version === 4 && cls === 2) throw b.error(`${what}: version-4 chunk indexes (h5py's libver="latest") are not supported; chunked datasets of h5py's default libver are`);
    if (cls === 0) {
      const size = b.u16(off + 2, what);
      b.check(off + 4, size, what);
      return { class: 'compact', off: off + 4, size };
    }
    if (cls === 1) return { class: 'contiguous', addr: b.addr(off + 2, what), size: b.len(off + 2 + b.sizeOfOffsets, what) };
    if (cls === 2) {
      const dims = b.u8(off + 2, what);
      if (dims < 2 || dims > 33) throw b.error(`${what} has ${dims} chunk dimensions`);
      const btree = b.addr(off + 3, what);
      const p = off + 3 + b.sizeOfOffsets;
      const chunk: number[] = [];
      for (let i = 0; i < dims; i++) chunk.push(b.u32(p + 4 * i, what));
      const elementSize = chunk.pop()!;
      return { class: 'chunked', btree, chunk, elementSize };
    }
    throw b.error(`${what} has layout class ${cls}`);
  }
  if (version === 1 || version === 2) {
    const dims = b.u8(off + 1, what);
    const cls = b.u8(off + 2, what);
    if (dims < 1 || dims > 33) throw b.error(`${what} has ${dims} dimensions`);
    let p = off + 8;
    let addr = UNDEF;
    if (cls !== 0) {
      addr = b.addr(p, what);
      p += b.sizeOfOffsets;
    }
    const sizes: number[] = [];
    for (let i = 0; i < dims; i++) sizes.push(b.u32(p + 4 * i, what));
    p += 4 * dims;
    if (cls === 0) {
      const size = b.u32(p, what);
      b.check(p + 4, size, what);
      return { class: 'compact', off: p + 4, size };
    }
    if (cls === 1) return { class: 'contiguous', addr, size: sizes.reduce((a, c) => a * c, 1) };
    if (cls === 2) {
      const elementSize = b.u32(p, what);
      return { class: 'chunked', btree: addr, chunk: sizes.slice(0, -1), elementSize };
    }
    throw b.error(`${what} has layout class ${cls}`);
  }
  throw b.error(`${what} has version ${version}`);
}

export interface Filter {
  id: number;
  name: string;
  values: number[];
}

export function parseFilters(b: H5Bytes, m: RawMessage, where: string): Filter[] {
  const what = `the filter pipeline of ${where}`;
  const off = m.off;
  const end = off + m.size;
  const version = b.u8(off, what);
  const n = b.u8(off + 1, what);
  if (version !== 1 && version !== 2) throw b.error(`${what} has version ${version}`);
  let p = off + (version === 1 ? 8 : 2);
  const out: Filter[] = [];
  for (let i = 0; i < n; i++) {
    const id = b.u16(p, what);
    let nameLen = 0;
    p += 2;
    if (version === 1 || id >= 256) {
      nameLen = b.u16(p, what);
      p += 2;
    }
    p += 2; // flags
    const nv = b.u16(p, what);
    p += 2;
    let name = '';
    if (nameLen) {
      const nb = b.bytes(p, nameLen, what);
      const z = nb.indexOf(0);
      name = utf8(z >= 0 ? nb.subarray(0, z) : nb);
      p += version === 1 ? Math.ceil(nameLen / 8) * 8 : nameLen;
    }
    const values: number[] = [];
    for (let k = 0; k < nv; k++) values.push(b.u32(p + 4 * k, what));
    p += 4 * nv;
    if (version === 1 && nv % 2 === 1) p += 4;
    if (p > end) throw b.error(`${what} runs past its message`);
    out.push({ id, name, values });
  }
  return out;
}

export interface Link {
  name: string;
  kind: 'hard' | 'soft' | 'external';
  addr: number;
  target: string;
}

export function parseLink(b: H5Bytes, m: RawMessage, where: string): Link {
  const what = `a link of ${where}`;
  const off = m.off;
  const end = off + m.size;
  const version = b.u8(off, what);
  if (version !== 1) throw b.error(`${what} has version ${version}`);
  const flags = b.u8(off + 1, what);
  let p = off + 2;
  let ltype = 0;
  if (flags & 0x08) ltype = b.u8(p++, what);
  if (flags & 0x04) p += 8;
  if (flags & 0x10) p++;
  const n = 1 << (flags & 3);
  const nameLen = b.uN(p, n, what);
  p += n;
  if (p + nameLen > end) throw b.error(`${what} runs past its message`);
  const name = utf8(b.bytes(p, nameLen, what));
  p += nameLen;
  if (ltype === 0) return { name, kind: 'hard', addr: b.addr(p, what), target: '' };
  if (ltype === 1) {
    const l = b.u16(p, what);
    return { name, kind: 'soft', addr: UNDEF, target: utf8(b.bytes(p + 2, l, what)) };
  }
  return { name, kind: 'external', addr: UNDEF, target: '' };
}
