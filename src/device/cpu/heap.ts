/**
 * All CPU-device tensors (plan arenas, variables, constants) live in one WebAssembly.Memory —
 * shared when SharedArrayBuffer is available — so WebAssembly kernels and worker threads address
 * every buffer by byte offset in the same memory.
 */
import { type DType, type DataArray, StringArray, arrayCtor, BYTES } from '../../dtype.js';
import { ResourceExhaustedError } from '../../errors.js';

const PAGE = 65536;
const MAX_PAGES = 65536; // 4 GiB
const ALIGN = 64;

export class Heap {
  readonly memory: WebAssembly.Memory;
  readonly shared: boolean;
  /** Free blocks [offset, bytes], sorted by offset. */
  private free: [number, number][] = [];
  private top = ALIGN; // offset 0 is never handed out
  /**
   * String tensors cannot live in linear memory: their elements (byte strings) are kept here,
   * keyed by the block a plan or variable reserved for them, so `view` finds the same storage
   * for the same buffer. Steps over strings run on the calling thread only.
   */
  private readonly strings = new Map<number, StringArray>();

  constructor(initialBytes = 1 << 20) {
    const initial = Math.max(1, Math.ceil(initialBytes / PAGE));
    let mem: WebAssembly.Memory | null = null;
    // Without the SharedArrayBuffer global (e.g. no cross-origin isolation) a shared memory may
    // still be creatable, but nothing could tell it is shared: use a plain one.
    if (typeof SharedArrayBuffer === 'function') {
      try {
        mem = new WebAssembly.Memory({ initial, maximum: MAX_PAGES, shared: true } as WebAssembly.MemoryDescriptor);
        if (!(mem.buffer instanceof SharedArrayBuffer)) mem = null;
      } catch {
        mem = null;
      }
    }
    this.memory = mem ?? new WebAssembly.Memory({ initial, maximum: MAX_PAGES });
    this.shared = mem !== null;
  }

  get bytes(): number {
    return this.memory.buffer.byteLength;
  }

  alloc(bytes: number): number {
    const size = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
    for (let i = 0; i < this.free.length; i++) {
      const [off, len] = this.free[i]!;
      if (len >= size) {
        if (len === size) this.free.splice(i, 1);
        else this.free[i] = [off + size, len - size];
        return off;
      }
    }
    const off = this.top;
    const need = off + size;
    if (need > this.bytes) {
      const pages = Math.ceil((need - this.bytes) / PAGE);
      try {
        this.memory.grow(Math.max(pages, Math.min(MAX_PAGES - this.bytes / PAGE, Math.ceil(this.bytes / PAGE / 4))));
      } catch {
        try {
          this.memory.grow(pages);
        } catch {
          throw new ResourceExhaustedError(`OOM when allocating ${bytes} bytes on the CPU device (heap is ${this.bytes} bytes)`);
        }
      }
    }
    this.top = need;
    return off;
  }

  release(offset: number, bytes: number): void {
    const size = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
    for (const k of this.strings.keys()) if (k >= offset && k < offset + size) this.strings.delete(k);
    this.free.push([offset, size]);
    this.free.sort((a, b) => a[0] - b[0]);
    const merged: [number, number][] = [];
    for (const b of this.free) {
      const last = merged[merged.length - 1];
      if (last && last[0] + last[1] === b[0]) last[1] += b[1];
      else merged.push([b[0], b[1]]);
    }
    if (merged.length && merged[merged.length - 1]![0] + merged[merged.length - 1]![1] === this.top) {
      this.top = merged.pop()![0];
    }
    this.free = merged;
  }

  view(dtype: DType, offset: number, size: number): DataArray {
    if (dtype === 'string') {
      let s = this.strings.get(offset);
      if (!s || s.length !== size) this.strings.set(offset, (s = new StringArray(size)));
      return s as unknown as DataArray;
    }
    return new (arrayCtor(dtype))(this.memory.buffer, offset, size);
  }
}

export function byteSize(dtype: DType, size: number): number {
  return BYTES[dtype] * size;
}
