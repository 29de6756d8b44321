/** Shared helpers for the wasm kernel tests: a seeded PRNG and a bump allocator over a memory. */
export { rng } from '../support/random.js';

export function makeMemory(shared: boolean, pages = 512): WebAssembly.Memory {
  return shared
    ? new WebAssembly.Memory({ initial: pages, maximum: pages * 4, shared: true })
    : new WebAssembly.Memory({ initial: pages });
}

/** Hands out byte ranges of a memory; `misalign` shifts each start by that many bytes (a multiple of 4). */
export class Bump {
  private next: number;
  constructor(
    readonly memory: WebAssembly.Memory,
    start = 64,
  ) {
    this.next = start;
  }
  alloc(bytes: number, misalign = 0): number {
    const at = Math.ceil(this.next / 64) * 64 + misalign;
    this.next = at + bytes;
    if (this.next > this.memory.buffer.byteLength) {
      const pages = Math.ceil((this.next - this.memory.buffer.byteLength) / 65536);
      this.memory.grow(pages);
    }
    return at;
  }
  f32(at: number, n: number): Float32Array {
    return new Float32Array(this.memory.buffer, at, n);
  }
}
