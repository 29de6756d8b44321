/**
 * Writing HDF5 files that h5py/libhdf5 read: superblock version 0 (8-byte offsets and lengths),
 * symbol-table groups (v1 B-trees over symbol-table nodes, names in a local heap), object header
 * version 1, contiguous datasets of numbers or fixed-length strings, and attributes (numbers,
 * fixed-length strings and arrays of them).
 */
import { fs } from '../../platform/node-builtins.js';
import { encodeNumberType, encodeStringType, numberTypeSize, type H5NumberArray, type H5NumberType, type H5Value } from './datatype.js';

/** What an attribute or dataset may hold: an H5Value, a string, a string array, or a float64 number. */
export type H5WriteValue = H5Value | string | string[] | number;

export function toH5Value(v: H5WriteValue): H5Value {
  if (typeof v === 'string') return { kind: 'string', shape: [], data: [v] };
  if (typeof v === 'number') return { kind: 'number', type: 'float64', shape: [], data: Float64Array.from([v]) };
  if (Array.isArray(v)) {
    // numpy's asarray([]) is a float64 array of shape (0,), as Keras writes an empty name list
    if (v.length === 0) return { kind: 'number', type: 'float64', shape: [0], data: new Float64Array(0) };
    return { kind: 'string', shape: [v.length], data: [...v] };
  }
  const n = v.shape.reduce((a, c) => a * c, 1);
  if (v.data.length !== n) throw new RangeError(`an HDF5 value of shape [${v.shape.join(', ')}] needs ${n} elements, got ${v.data.length}`);
  return v;
}

export class H5WriteDataset {
  readonly attrs = new Map<string, H5WriteValue>();
  constructor(readonly value: H5Value) {}
}

/** A group being built for the writer (h5py's `f.create_group`, `create_dataset`, `attrs`). */
export class H5WriteGroup {
  readonly attrs = new Map<string, H5WriteValue>();
  readonly children = new Map<string, H5WriteGroup | H5WriteDataset>();

  /** The group at `path` below this one, made (with any groups above it) where absent. */
  createGroup(path: string): H5WriteGroup {
    let g: H5WriteGroup = this;
    for (const part of splitPath(path)) {
      const c = g.children.get(part);
      if (c instanceof H5WriteDataset) throw new Error(`Unable to create group "${path}": "${part}" is a dataset`);
      g = c ?? g.add(part, new H5WriteGroup());
    }
    return g;
  }

  /** A dataset at `path` (intermediate groups made as h5py makes them); an error where the name is taken. */
  createDataset(path: string, value: H5WriteValue): H5WriteDataset {
    const parts = splitPath(path);
    const last = parts.pop();
    if (last === undefined) throw new Error(`Unable to create dataset: empty name "${path}"`);
    const g = parts.length ? this.createGroup(parts.join('/')) : this;
    if (g.children.has(last)) throw new Error(`Unable to create dataset "${path}": name already exists`);
    return g.add(last, new H5WriteDataset(toH5Value(value)));
  }

  private add<T extends H5WriteGroup | H5WriteDataset>(name: string, c: T): T {
    this.children.set(name, c);
    return c;
  }
}

function splitPath(path: string): string[] {
  return path.split('/').filter((p) => p !== '' && p !== '.');
}

const enc = new TextEncoder();
const O = 8;
const UNDEF = 0xffffffffffffffffn;
const LEAF_K = 4; // symbol-table nodes hold up to 2K entries
const NODE_K = 16; // group B-tree nodes hold up to 2K children

class Buf {
  bytes = new Uint8Array(4096);
  len = 0;
  alloc(n: number): number {
    const off = Math.ceil(this.len / 8) * 8;
    const need = off + n;
    if (need > this.bytes.length) {
      let cap = this.bytes.length;
      while (cap < need) cap *= 2;
      const nb = new Uint8Array(cap);
      nb.set(this.bytes.subarray(0, this.len));
      this.bytes = nb;
    }
    this.len = need;
    return off;
  }
  put(data: Uint8Array): number {
    const off = this.alloc(data.length);
    this.bytes.set(data, off);
    return off;
  }
}

/** Little-endian field writer over a fresh array. */
class Out {
  parts: number[] = [];
  u8(v: number): this {
    this.parts.push(v & 0xff);
    return this;
  }
  u16(v: number): this {
    return this.u8(v).u8(v >>> 8);
  }
  u32(v: number): this {
    return this.u16(v & 0xffff).u16(v >>> 16);
  }
  u64(v: number | bigint): this {
    let x = BigInt(v);
    for (let i = 0; i < 8; i++) {
      this.u8(Number(x & 0xffn));
      x >>= 8n;
    }
    return this;
  }
  raw(b: Uint8Array | number[]): this {
    for (const x of b) this.parts.push(x);
    return this;
  }
  pad8(): this {
    while (this.parts.length % 8) this.parts.push(0);
    return this;
  }
  get length(): number {
    return this.parts.length;
  }
  bytes(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

function dataspaceMsg(shape: number[]): Uint8Array {
  const o = new Out().u8(1).u8(shape.length).u8(0).u8(0).u32(0);
  for (const d of shape) o.u64(d);
  return o.bytes();
}

function typeAndData(v: H5Value, what: string): { type: Uint8Array; data: Uint8Array } {
  const n = v.shape.reduce((a, c) => a * c, 1);
  if (v.kind === 'string') {
    const encoded = v.data.map((s) => enc.encode(s));
    const size = Math.max(1, ...encoded.map((e) => e.length));
    const ascii = v.data.every((s) => /^[\x00-\x7f]*$/.test(s));
    const data = new Uint8Array(n * size);
    encoded.forEach((e, i) => data.set(e, i * size));
    return { type: encodeStringType(size, ascii ? 'ascii' : 'utf-8'), data };
  }
  const size = numberTypeSize(v.type);
  const data = new Uint8Array(n * size);
  const dv = new DataView(data.buffer);
  const src: H5NumberArray = v.data;
  for (let i = 0; i < n; i++) {
    const x = src[i]!;
    switch (v.type) {
      case 'int8': dv.setInt8(i, x); break;
      case 'uint8': dv.setUint8(i, x); break;
      case 'int16': dv.setInt16(i * 2, x, true); break;
      case 'uint16': case 'float16': dv.setUint16(i * 2, x, true); break;
      case 'int32': dv.setInt32(i * 4, x, true); break;
      case 'uint32': dv.setUint32(i * 4, x, true); break;
      case 'float32': dv.setFloat32(i * 4, x, true); break;
      case 'float64': dv.setFloat64(i * 8, x, true); break;
      case 'int64':
      case 'uint64':
        if (!Number.isInteger(x)) throw new RangeError(`${what}: ${x} is not an integer`);
        if (v.type === 'int64') dv.setBigInt64(i * 8, BigInt(x), true);
        else dv.setBigUint64(i * 8, BigInt(x), true);
        break;
    }
  }
  return { type: encodeNumberType(v.type as H5NumberType), data };
}

function attributeMsg(name: string, value: H5WriteValue, where: string): Uint8Array {
  const v = toH5Value(value);
  const { type, data } = typeAndData(v, `attribute "${name}" of ${where}`);
  const nameBytes = enc.encode(name);
  const space = dataspaceMsg(v.shape);
  const o = new Out().u8(1).u8(0).u16(nameBytes.length + 1).u16(type.length).u16(space.length);
  o.raw(nameBytes).u8(0).pad8().raw(type).pad8().raw(space).pad8().raw(data);
  if (o.length > 0xffff) {
    throw new RangeError(`Unable to create attribute "${name}" of ${where}: its ${o.length} bytes exceed an object header message's 65535 (object header message is too large)`);
  }
  return o.bytes();
}

function objectHeader(buf: Buf, msgs: [number, Uint8Array][]): number {
  const body = new Out();
  for (const [type, data] of msgs) {
    const size = Math.ceil(data.length / 8) * 8;
    body.u16(type).u16(size).u8(0).u8(0).u8(0).u8(0).raw(data).pad8();
  }
  const h = new Out().u8(1).u8(0).u16(msgs.length).u32(1).u32(body.length).u32(0).raw(body.parts);
  return buf.put(h.bytes());
}

function writeDataset(buf: Buf, d: H5WriteDataset, where: string): number {
  const { type, data } = typeAndData(d.value, `dataset ${where}`);
  const addr = data.length ? buf.put(data) : -1;
  const layout = new Out().u8(3).u8(1).u64(addr < 0 ? UNDEF : addr).u64(data.length);
  const fill = new Out().u8(2).u8(1).u8(0).u8(0); // version 2, early allocation, fill on allocation, no fill value
  const msgs: [number, Uint8Array][] = [[0x01, dataspaceMsg(d.value.shape)], [0x03, type], [0x05, fill.bytes()], [0x08, layout.bytes()]];
  for (const [k, v] of d.attrs) msgs.push([0x0c, attributeMsg(k, v, where)]);
  return objectHeader(buf, msgs);
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

function writeGroup(buf: Buf, g: H5WriteGroup, where: string): { header: number; btree: number; heap: number } {
  const names = [...g.children.keys()].map((n) => ({ n, e: enc.encode(n) })).sort((x, y) => compareBytes(x.e, y.e));
  const entries = names.map(({ n, e }) => {
    const c = g.children.get(n)!;
    const path = where === '/' ? `/${n}` : `${where}/${n}`;
    const addr = c instanceof H5WriteGroup ? writeGroup(buf, c, path).header : writeDataset(buf, c, path);
    return { e, addr, nameOff: 0 };
  });
  // local heap: "" at 0, then each name NUL-terminated and padded to 8, then one free block
  const heapData = new Out().u64(0);
  for (const x of entries) {
    x.nameOff = heapData.length;
    heapData.raw(x.e).u8(0).pad8();
  }
  const freeOff = heapData.length;
  heapData.u64(1).u64(16); // next free block: none (libhdf5's H5HL_FREE_NULL); this block's size
  const heapDataAddr = buf.put(heapData.bytes());
  const heap = buf.put(new Out().raw(enc.encode('HEAP')).u8(0).u8(0).u8(0).u8(0).u64(heapData.length).u64(freeOff).u64(heapDataAddr).bytes());
  // symbol-table nodes of up to 2K entries
  type Child = { addr: number; lastKey: number };
  let level: Child[] = [];
  const snodSize = 8 + 2 * LEAF_K * (2 * O + 24);
  for (let i = 0; i < entries.length; i += 2 * LEAF_K) {
    const chunk = entries.slice(i, i + 2 * LEAF_K);
    const o = new Out().raw(enc.encode('SNOD')).u8(1).u8(0).u16(chunk.length);
    for (const x of chunk) o.u64(x.nameOff).u64(x.addr).u32(0).u32(0).raw(new Uint8Array(16));
    const addr = buf.alloc(snodSize);
    buf.bytes.set(o.bytes(), addr);
    level.push({ addr, lastKey: chunk[chunk.length - 1]!.nameOff });
  }
  // B-tree levels over them, up to 2K children a node
  const nodeSize = 24 + 2 * NODE_K * O + (2 * NODE_K + 1) * O;
  let depth = 0;
  let btree = -1;
  for (;;) {
    const nodes: { addr: number; lastKey: number; kids: Child[] }[] = [];
    for (let i = 0; i < Math.max(1, level.length); i += 2 * NODE_K) {
      const kids = level.slice(i, i + 2 * NODE_K); // an empty group: one node with no children
      nodes.push({ addr: buf.alloc(nodeSize), lastKey: kids.length ? kids[kids.length - 1]!.lastKey : 0, kids });
    }
    nodes.forEach((nd, j) => {
      const o = new Out().raw(enc.encode('TREE')).u8(0).u8(depth).u16(nd.kids.length);
      o.u64(j > 0 ? nodes[j - 1]!.addr : UNDEF).u64(j + 1 < nodes.length ? nodes[j + 1]!.addr : UNDEF);
      o.u64(j > 0 ? nodes[j - 1]!.lastKey : 0);
      for (const k of nd.kids) o.u64(k.addr).u64(k.lastKey);
      buf.bytes.set(o.bytes(), nd.addr);
    });
    if (nodes.length === 1) {
      btree = nodes[0]!.addr;
      break;
    }
    level = nodes.map((n) => ({ addr: n.addr, lastKey: n.lastKey }));
    depth++;
  }
  const stab = new Out().u64(btree).u64(heap).bytes();
  const msgs: [number, Uint8Array][] = [[0x11, stab]];
  for (const [k, v] of g.attrs) msgs.push([0x0c, attributeMsg(k, v, where)]);
  return { header: objectHeader(buf, msgs), btree, heap };
}

/** The bytes of an HDF5 file holding `root` (superblock version 0). */
export function encodeHdf5(root: H5WriteGroup): Uint8Array {
  const buf = new Buf();
  const sbSize = 8 + 16 + 4 * O + (2 * O + 24);
  buf.alloc(sbSize);
  const r = writeGroup(buf, root, '/');
  const eof = buf.len;
  const sb = new Out().raw([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);
  sb.u8(0).u8(0).u8(0).u8(0).u8(0).u8(O).u8(O).u8(0).u16(LEAF_K).u16(NODE_K).u32(0);
  sb.u64(0).u64(UNDEF).u64(eof).u64(UNDEF);
  sb.u64(0).u64(r.header).u32(1).u32(0).u64(r.btree).u64(r.heap);
  buf.bytes.set(sb.bytes(), 0);
  return buf.bytes.slice(0, eof);
}

/** Writes `root` as an HDF5 file at `path` (replacing any file there). */
export function writeHdf5(path: string, root: H5WriteGroup): void {
  fs.writeFileSync(path, encodeHdf5(root));
}
