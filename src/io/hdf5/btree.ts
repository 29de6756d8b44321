/**
 * Version-1 B-trees (format spec III.A.1) of group entries (type 0, leaves are symbol-table
 * nodes) and of chunks (type 1), local heaps (III.D) holding link names, and global heap
 * collections (III.E) holding variable-length strings. Every node is visited at most once, so
 * a cycle in a hostile file ends in an error rather than a loop.
 */
import { H5Bytes, UNDEF } from './bytes.js';

export interface SymbolEntry {
  name: string;
  addr: number;
}

/** The data segment of the local heap at addr. */
export function readLocalHeap(b: H5Bytes, addr: number, where: string): { start: number; end: number } {
  const what = `the local heap of ${where}`;
  b.signature(addr, 'HEAP', what);
  const o = b.sizeOfOffsets;
  const l = b.sizeOfLengths;
  const size = b.len(addr + 8, what);
  const data = b.addr(addr + 8 + 2 * l, what);
  void o;
  b.check(data, size, what);
  return { start: data, end: data + size };
}

/** A v1 B-tree node's header, checked: its type (0 group, 1 chunk), level and entry count; each node once, 64 levels at most. */
function nodeHeader(b: H5Bytes, addr: number, depth: number, seen: Set<number>, type: 0 | 1, what: string): { level: number; n: number } {
  if (depth > 64) throw b.error(`${what} is deeper than 64 levels`);
  if (seen.has(addr)) throw b.error(`${what}: node at ${addr} is reached twice (a cycle)`);
  seen.add(addr);
  b.signature(addr, 'TREE', what);
  const t = b.u8(addr + 4, what);
  if (t !== type) throw b.error(`${what}: node at ${addr} has type ${t}, expected a ${type === 0 ? 'group' : 'chunk'} node (${type})`);
  return { level: b.u8(addr + 5, what), n: b.u16(addr + 6, what) };
}

/** The entries of a symbol-table group: its B-tree at btree, link names in the heap at heapAddr. */
export function readSymbolTable(b: H5Bytes, btree: number, heapAddr: number, where: string): SymbolEntry[] {
  const heap = readLocalHeap(b, heapAddr, where);
  const out: SymbolEntry[] = [];
  const seen = new Set<number>();
  const o = b.sizeOfOffsets;
  const l = b.sizeOfLengths;
  const visitSnod = (addr: number): void => {
    const what = `a symbol-table node of ${where}`;
    if (seen.has(addr)) throw b.error(`${what} at ${addr} is reached twice (a cycle)`);
    seen.add(addr);
    b.signature(addr, 'SNOD', what);
    const n = b.u16(addr + 6, what);
    const esize = 2 * o + 24;
    b.check(addr + 8, n * esize, what);
    for (let i = 0; i < n; i++) {
      const e = addr + 8 + i * esize;
      const nameOff = b.len(e, what);
      if (nameOff >= heap.end - heap.start) throw b.error(`${what}: name offset ${nameOff} lies outside its local heap`);
      const name = b.cstring(heap.start + nameOff, heap.end, `${what}: a link name`);
      out.push({ name, addr: b.addr(e + o, what) });
    }
  };
  const visit = (addr: number, depth: number): void => {
    const what = `the B-tree of ${where}`;
    const { level, n } = nodeHeader(b, addr, depth, seen, 0, what);
    let p = addr + 8 + 2 * o;
    b.check(p, n * (l + o) + l, what);
    for (let i = 0; i < n; i++) {
      const child = b.addr(p + l, what);
      p += l + o;
      if (level === 0) visitSnod(child);
      else visit(child, depth + 1);
    }
  };
  if (btree === UNDEF) throw b.error(`the B-tree of ${where} has an undefined address`);
  visit(btree, 0);
  return out;
}

export interface ChunkRef {
  addr: number;
  size: number;
  filterMask: number;
  offsets: number[];
}

/** The chunks listed by a chunked dataset's B-tree (rank = the dataspace's rank). */
export function readChunkTree(b: H5Bytes, btree: number, rank: number, where: string): ChunkRef[] {
  const out: ChunkRef[] = [];
  const seen = new Set<number>();
  const o = b.sizeOfOffsets;
  const ksize = 8 + 8 * (rank + 1);
  const what = `the chunk B-tree of ${where}`;
  const visit = (addr: number, depth: number): void => {
    const { level, n } = nodeHeader(b, addr, depth, seen, 1, what);
    let p = addr + 8 + 2 * o;
    b.check(p, n * (ksize + o) + ksize, what);
    for (let i = 0; i < n; i++) {
      const size = b.u32(p, what);
      const filterMask = b.u32(p + 4, what);
      const offsets: number[] = [];
      for (let k = 0; k < rank; k++) offsets.push(b.uN(p + 8 + 8 * k, 8, what));
      const child = b.addr(p + ksize, what);
      p += ksize + o;
      if (level === 0) out.push({ addr: child, size, filterMask, offsets });
      else visit(child, depth + 1);
    }
  };
  if (btree !== UNDEF) visit(btree, 0);
  return out;
}

/** Reads objects out of global heap collections, caching each collection's index. */
export class GlobalHeaps {
  private readonly cache = new Map<number, Map<number, Uint8Array>>();
  constructor(private readonly b: H5Bytes) {}

  read(collection: number, index: number, length: number): Uint8Array {
    const b = this.b;
    let objs = this.cache.get(collection);
    if (!objs) {
      objs = new Map();
      const what = `the global heap collection at ${collection}`;
      b.signature(collection, 'GCOL', what);
      const size = b.len(collection + 8, what);
      b.check(collection, size, what);
      const end = collection + size;
      let p = collection + 8 + b.sizeOfLengths;
      const l = b.sizeOfLengths;
      while (p + 8 + l <= end) {
        const idx = b.u16(p, what);
        const osize = b.len(p + 8, what);
        if (idx === 0) break;
        const data = p + 8 + l;
        if (data + osize > end) throw b.error(`${what}: object ${idx} of ${osize} bytes runs past the collection`);
        objs.set(idx, b.buf.subarray(data, data + osize));
        p = data + Math.ceil(osize / 8) * 8;
      }
      this.cache.set(collection, objs);
    }
    const obj = objs.get(index);
    if (!obj) throw b.error(`the global heap collection at ${collection} has no object ${index}`);
    if (length > obj.length) throw b.error(`a variable-length string of ${length} bytes is longer than its heap object (${obj.length} bytes)`);
    return obj.subarray(0, length);
  }
}
