/**
 * Reading HDF5 files: the superblock (versions 0-3), groups (symbol tables or link messages),
 * datasets (compact, contiguous and chunked layouts; deflate, shuffle and fletcher32 filters)
 * and attributes. Anything malformed is a tf.errors.DataLossError naming the file.
 */
import { DataLossError, NotFoundError, UnimplementedError } from '../../errors.js';
import { fs, zlib } from '../../platform/node-builtins.js';
import { H5Bytes, UNDEF } from './bytes.js';
import { GlobalHeaps, readChunkTree, readSymbolTable } from './btree.js';
import { decodeElements, numberTypeOf, parseDatatype, type H5NumberType, type H5Type, type H5Value } from './datatype.js';
import {
  elementCount, parseAttribute, parseDataspace, parseFilters, parseLayout, parseLink, readObjectHeader,
  type Dataspace, type RawMessage,
} from './object-header.js';

const MSG = { dataspace: 0x01, linkInfo: 0x02, datatype: 0x03, link: 0x06, layout: 0x08, filters: 0x0b, attribute: 0x0c, symbolTable: 0x11, attributeInfo: 0x15 };

/** Most bytes one dataset or attribute may decode to. */
const MAX_VALUE_BYTES = 2 ** 31;

class Context {
  readonly heaps: GlobalHeaps;
  constructor(readonly b: H5Bytes) {
    this.heaps = new GlobalHeaps(b);
  }
}

function joinPath(parent: string, name: string): string {
  return parent === '/' ? `/${name}` : `${parent}/${name}`;
}

function compareBytes(a: string, b: string): number {
  const ea = new TextEncoder().encode(a);
  const eb = new TextEncoder().encode(b);
  for (let i = 0; i < Math.min(ea.length, eb.length); i++) if (ea[i] !== eb[i]) return ea[i]! - eb[i]!;
  return ea.length - eb.length;
}

/** An object (group or dataset) of an HDF5 file, with its attributes. */
export abstract class H5Object {
  private attrCache: Map<string, H5Value> | null = null;
  /** @internal */
  constructor(
    /** @internal */ readonly ctx: Context,
    /** The object's path in the file (`/`, `/a/b`). */
    readonly name: string,
    /** @internal */ readonly addr: number,
    /** @internal */ readonly messages: RawMessage[],
  ) {}

  /** The file's name (or the name given to fromBytes). */
  get filename(): string {
    return this.ctx.b.file;
  }

  /** Every attribute, in the order the object header lists them. */
  get attrs(): Map<string, H5Value> {
    if (!this.attrCache) {
      const b = this.ctx.b;
      const out = new Map<string, H5Value>();
      for (const m of this.messages) {
        if (m.type === MSG.attributeInfo) {
          const flags = b.u8(m.off + 1, `the attribute info of ${this.name}`);
          const heap = b.addr(m.off + 2 + (flags & 1 ? 2 : 0), `the attribute info of ${this.name}`);
          if (heap !== UNDEF) throw new UnimplementedError(`${b.file}: ${this.name} keeps its attributes in dense storage (a fractal heap), which is not supported`);
        }
        if (m.type !== MSG.attribute) continue;
        const a = parseAttribute(b, m, this.name);
        const where = `attribute "${a.name}" of ${this.name}`;
        const n = elementCount(b, a.space, where);
        if (n * a.type.size > a.dataEnd - a.dataOff) throw b.error(`${where} declares ${n} elements of ${a.type.size} bytes but its message holds ${a.dataEnd - a.dataOff}`);
        const raw = b.bytes(a.dataOff, n * a.type.size, where);
        out.set(a.name, decodeElements(b, a.type, raw, n, a.space.shape, (c, i, l) => this.ctx.heaps.read(c, i, l), where));
      }
      this.attrCache = out;
    }
    return this.attrCache;
  }

  /** The attribute `name`'s value, or undefined. */
  attr(name: string): H5Value | undefined {
    return this.attrs.get(name);
  }
}

export class H5Group extends H5Object {
  private linkCache: Map<string, { kind: 'hard' | 'soft' | 'external'; addr: number; target: string }> | null = null;

  private links(): Map<string, { kind: 'hard' | 'soft' | 'external'; addr: number; target: string }> {
    if (this.linkCache) return this.linkCache;
    const b = this.ctx.b;
    const entries: { name: string; kind: 'hard' | 'soft' | 'external'; addr: number; target: string }[] = [];
    for (const m of this.messages) {
      if (m.type === MSG.symbolTable) {
        const btree = b.addr(m.off, `the symbol table of ${this.name}`);
        const heap = b.addr(m.off + b.sizeOfOffsets, `the symbol table of ${this.name}`);
        for (const e of readSymbolTable(b, btree, heap, this.name)) entries.push({ name: e.name, kind: 'hard', addr: e.addr, target: '' });
      } else if (m.type === MSG.link) {
        entries.push(parseLink(b, m, this.name));
      } else if (m.type === MSG.linkInfo) {
        const flags = b.u8(m.off + 1, `the link info of ${this.name}`);
        const heap = b.addr(m.off + 2 + (flags & 1 ? 8 : 0), `the link info of ${this.name}`);
        if (heap !== UNDEF) throw new UnimplementedError(`${b.file}: group ${this.name} keeps its links in dense storage (a fractal heap), which is not supported`);
      }
    }
    entries.sort((x, y) => compareBytes(x.name, y.name));
    const map = new Map<string, { kind: 'hard' | 'soft' | 'external'; addr: number; target: string }>();
    for (const e of entries) {
      if (map.has(e.name)) throw b.error(`group ${this.name} has two links named "${e.name}"`);
      map.set(e.name, e);
    }
    this.linkCache = map;
    return map;
  }

  /** The names of the group's members, in h5py's order (by name). */
  keys(): string[] {
    return [...this.links().keys()];
  }

  /** Whether `path` (relative to this group, or absolute) names an object. */
  has(path: string): boolean {
    try {
      this.get(path);
      return true;
    } catch (e) {
      if (e instanceof KeyNotFound) return false;
      throw e;
    }
  }

  /** The group or dataset at `path` (`a/b`, or `/a/b` from the root). */
  get(path: string, depth = 0): H5Group | H5Dataset {
    if (depth > 32) throw this.ctx.b.error(`soft links nest more than 32 deep resolving "${path}"`);
    let node: H5Group | H5Dataset = path.startsWith('/') ? this.root() : this;
    for (const part of path.split('/').filter((p) => p !== '' && p !== '.')) {
      if (!(node instanceof H5Group)) throw new KeyNotFound(`${this.ctx.b.file}: "${path}": ${node.name} is a dataset, not a group`);
      const link = node.links().get(part);
      if (!link) throw new KeyNotFound(`${this.ctx.b.file}: no object named "${part}" in group ${node.name} (looking up "${path}")`);
      if (link.kind === 'soft') node = node.get(link.target, depth + 1);
      else if (link.kind === 'external') throw new UnimplementedError(`${this.ctx.b.file}: "${path}" is an external link, which is not supported`);
      else node = openObject(this.ctx, link.addr, joinPath(node.name, part));
    }
    return node;
  }

  /** The group at `path`; a KeyError-like error where there is none. */
  group(path: string): H5Group {
    const g = this.get(path);
    if (!(g instanceof H5Group)) throw new KeyNotFound(`${this.ctx.b.file}: ${g.name} is a dataset, not a group`);
    return g;
  }

  /** The dataset at `path`. */
  dataset(path: string): H5Dataset {
    const d = this.get(path);
    if (!(d instanceof H5Dataset)) throw new KeyNotFound(`${this.ctx.b.file}: ${d.name} is a group, not a dataset`);
    return d;
  }

  private root(): H5Group {
    return (this.ctx as Context & { root: H5Group }).root;
  }
}

/** A path that names no object (Python's KeyError). */
export class KeyNotFound extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyError';
  }
}

export class H5Dataset extends H5Object {
  /** The dataspace's shape ([] for a scalar). */
  readonly shape: number[];
  /** The element datatype. */
  readonly type: H5Type;
  private readonly space: Dataspace;

  /** @internal */
  constructor(ctx: Context, name: string, addr: number, messages: RawMessage[]) {
    super(ctx, name, addr, messages);
    const b = ctx.b;
    const ds = messages.find((m) => m.type === MSG.dataspace);
    const dt = messages.find((m) => m.type === MSG.datatype);
    if (!ds || !dt) throw b.error(`dataset ${name} lacks its ${ds ? 'datatype' : 'dataspace'} message`);
    if (dt.flags & 0x02) throw new UnimplementedError(`${b.file}: dataset ${name} uses a committed (shared) datatype, which is not supported`);
    this.space = parseDataspace(b, ds.off, ds.size, name).space;
    this.shape = this.space.shape;
    this.type = parseDatatype(b, dt.off, dt.size, name).type;
  }

  /** 'string' or the number type of the elements. */
  get dtype(): H5NumberType | 'string' {
    return numberTypeOf(this.type) ?? 'string';
  }

  /** Reads the whole dataset. */
  read(): H5Value {
    const b = this.ctx.b;
    const where = `dataset ${this.name}`;
    const n = elementCount(b, this.space, where);
    const es = this.type.size;
    const total = n * es;
    if (total > MAX_VALUE_BYTES) throw b.error(`${where} declares ${total} bytes of data`);
    const lm = this.messages.find((m) => m.type === MSG.layout);
    if (!lm) throw b.error(`${where} lacks its data layout message`);
    const layout = parseLayout(b, lm, this.name);
    const fm = this.messages.find((m) => m.type === MSG.filters);
    const filters = fm ? parseFilters(b, fm, this.name) : [];
    let raw: Uint8Array;
    if (layout.class === 'compact') {
      if (layout.size < total) throw b.error(`${where}: its compact data holds ${layout.size} bytes, less than ${total}`);
      raw = b.bytes(layout.off, total, where);
    } else if (layout.class === 'contiguous') {
      if (layout.addr === UNDEF) raw = new Uint8Array(total);
      else {
        if (layout.size < total) throw b.error(`${where}: its contiguous data holds ${layout.size} bytes, less than ${total}`);
        raw = b.bytes(layout.addr, total, where);
      }
    } else {
      const rank = this.shape.length;
      if (layout.chunk.length !== rank) throw b.error(`${where}: chunks of rank ${layout.chunk.length} in a dataspace of rank ${rank}`);
      if (layout.elementSize !== es) throw b.error(`${where}: chunk elements of ${layout.elementSize} bytes for a datatype of ${es} bytes`);
      if (layout.chunk.some((c) => c === 0)) throw b.error(`${where} has a chunk dimension of 0`);
      if (total > 1100 * b.length + (1 << 20)) throw b.error(`${where} declares ${total} bytes, more than a file of ${b.length} bytes can hold`);
      raw = new Uint8Array(total);
      const chunkElems = layout.chunk.reduce((a, c) => a * c, 1);
      const chunkBytes = chunkElems * es;
      if (chunkBytes > MAX_VALUE_BYTES) throw b.error(`${where} has chunks of ${chunkBytes} bytes`);
      for (const c of readChunkTree(b, layout.btree, rank, this.name)) {
        if (c.offsets.some((o, k) => o % layout.chunk[k]! !== 0 || o >= Math.max(1, this.shape[k]!))) {
          throw b.error(`${where}: a chunk at offsets [${c.offsets.join(', ')}] lies outside the dataspace [${this.shape.join(', ')}]`);
        }
        let data = b.bytes(c.addr, c.size, `a chunk of ${where}`);
        data = applyFilters(b, filters, c.filterMask, data, chunkBytes, where);
        if (data.length < chunkBytes) throw b.error(`${where}: a chunk holds ${data.length} bytes, expected ${chunkBytes}`);
        copyChunk(data, raw, this.shape, layout.chunk, c.offsets, es);
      }
    }
    if (layout.class !== 'chunked' && filters.length) throw b.error(`${where} has filters but a ${layout.class} layout`);
    return decodeElements(b, this.type, raw, n, [...this.shape], (c, i, l) => this.ctx.heaps.read(c, i, l), where);
  }
}

function applyFilters(b: H5Bytes, filters: { id: number; name: string; values: number[] }[], mask: number, data: Uint8Array, expected: number, where: string): Uint8Array {
  for (let i = filters.length - 1; i >= 0; i--) {
    if (mask & (1 << i)) continue;
    const f = filters[i]!;
    if (f.id === 1) {
      try {
        data = new Uint8Array(zlib.inflateSync(data, { maxOutputLength: Math.max(expected, 1) }));
      } catch (e) {
        throw b.error(`${where}: a deflate-compressed chunk does not inflate (${(e as Error).message})`);
      }
    } else if (f.id === 2) {
      const es = f.values[0] ?? 1;
      if (es > 1) {
        const n = Math.floor(data.length / es);
        const out = new Uint8Array(data.length);
        for (let k = 0; k < es; k++) for (let j = 0; j < n; j++) out[j * es + k] = data[k * n + j]!;
        out.set(data.subarray(n * es), n * es);
        data = out;
      }
    } else if (f.id === 3) {
      if (data.length < 4) throw b.error(`${where}: a fletcher32 chunk is shorter than its checksum`);
      data = data.subarray(0, data.length - 4);
    } else {
      throw new UnimplementedError(`${b.file}: ${where} uses filter ${f.id}${f.name ? ` (${f.name})` : ''}, which is not supported (deflate, shuffle and fletcher32 are)`);
    }
  }
  return data;
}

function copyChunk(src: Uint8Array, dst: Uint8Array, shape: number[], chunk: number[], offsets: number[], es: number): void {
  const rank = shape.length;
  if (rank === 0) {
    dst.set(src.subarray(0, es));
    return;
  }
  const dStride = new Array<number>(rank);
  const cStride = new Array<number>(rank);
  dStride[rank - 1] = es;
  cStride[rank - 1] = es;
  for (let k = rank - 2; k >= 0; k--) {
    dStride[k] = dStride[k + 1]! * shape[k + 1]!;
    cStride[k] = cStride[k + 1]! * chunk[k + 1]!;
  }
  const extent = chunk.map((c, k) => Math.min(c, shape[k]! - offsets[k]!));
  if (extent.some((e) => e <= 0)) return;
  const rowBytes = extent[rank - 1]! * es;
  const idx = new Array<number>(rank - 1).fill(0);
  for (;;) {
    let s = 0;
    let d = offsets[rank - 1]! * es;
    for (let k = 0; k < rank - 1; k++) {
      s += idx[k]! * cStride[k]!;
      d += (offsets[k]! + idx[k]!) * dStride[k]!;
    }
    dst.set(src.subarray(s, s + rowBytes), d);
    let k = rank - 2;
    while (k >= 0) {
      idx[k]!++;
      if (idx[k]! < extent[k]!) break;
      idx[k] = 0;
      k--;
    }
    if (k < 0) break;
  }
}

function openObject(ctx: Context, addr: number, name: string): H5Group | H5Dataset {
  const msgs = readObjectHeader(ctx.b, addr, name);
  if (msgs.some((m) => m.type === MSG.layout)) return new H5Dataset(ctx, name, addr, msgs);
  return new H5Group(ctx, name, addr, msgs);
}

/** An HDF5 file opened for reading (h5py's `h5py.File(path, 'r')`). */
export class H5File {
  /** The root group `/`. */
  readonly root: H5Group;
  /** The superblock's version (0-3). */
  readonly superblockVersion: number;

  private constructor(b: H5Bytes) {
    const { version, rootAddr } = readSuperblock(b);
    this.superblockVersion = version;
    const ctx = new Context(b);
    const msgs = readObjectHeader(b, rootAddr, '/');
    this.root = new H5Group(ctx, '/', rootAddr, msgs);
    (ctx as Context & { root: H5Group }).root = this.root;
  }

  /** Parses a file's bytes; `name` appears in error messages. */
  static fromBytes(bytes: Uint8Array, name = '<bytes>'): H5File {
    return new H5File(new H5Bytes(bytes, name));
  }

  /** Reads and parses the file at `path`. */
  static open(path: string): H5File {
    let bytes: Uint8Array;
    try {
      bytes = fs.readFileSync(path);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code === 'ENOENT') throw new NotFoundError(`${path}: No such file or directory`);
      throw e;
    }
    return H5File.fromBytes(bytes, path);
  }

  get filename(): string {
    return this.root.filename;
  }
  get attrs(): Map<string, H5Value> {
    return this.root.attrs;
  }
  keys(): string[] {
    return this.root.keys();
  }
  get(path: string): H5Group | H5Dataset {
    return this.root.get(path);
  }
  has(path: string): boolean {
    return this.root.has(path);
  }
}

const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

function readSuperblock(b: H5Bytes): { version: number; rootAddr: number } {
  let at = -1;
  for (let off = 0; off + 8 <= b.length; off = off === 0 ? 512 : off * 2) {
    if (SIGNATURE.every((v, i) => b.buf[off + i] === v)) {
      at = off;
      break;
    }
  }
  if (at < 0) throw new DataLossError(`${b.file}: not an HDF5 file (no HDF5 signature at offset 0, 512, 1024, ...)`);
  const what = 'the superblock';
  const version = b.u8(at + 8, what);
  if (version === 0 || version === 1) {
    b.sizeOfOffsets = b.u8(at + 13, what);
    b.sizeOfLengths = b.u8(at + 14, what);
    checkSizes(b);
    let p = at + 24 + (version === 1 ? 4 : 0);
    const base = b.uN(p, b.sizeOfOffsets, what);
    b.base = base === UNDEF ? 0 : base;
    p += 4 * b.sizeOfOffsets; // base, free space, end of file, driver info
    // the root group's symbol-table entry
    const rootAddr = b.addr(p + b.sizeOfOffsets, what);
    return { version, rootAddr };
  }
  if (version === 2 || version === 3) {
    b.sizeOfOffsets = b.u8(at + 9, what);
    b.sizeOfLengths = b.u8(at + 10, what);
    checkSizes(b);
    const p = at + 12;
    const base = b.uN(p, b.sizeOfOffsets, what);
    b.base = base === UNDEF ? 0 : base;
    const rootAddr = b.addr(p + 3 * b.sizeOfOffsets, what);
    return { version, rootAddr };
  }
  throw b.error(`superblock version ${version} is not one of 0-3`);
}

function checkSizes(b: H5Bytes): void {
  for (const [n, v] of [['offsets', b.sizeOfOffsets], ['lengths', b.sizeOfLengths]] as const) {
    if (![2, 4, 8].includes(v)) throw b.error(`the superblock's size of ${n} is ${v} (expected 2, 4 or 8)`);
  }
}
