/** Host ⇄ GPU element conversion: every WebGPU dtype is 4 bytes; bool travels as u32 0/1. */
import type { DType, DataArray } from '../../dtype.js';

export const BYTES_PER_ELEMENT = 4;

export function checkDType(dtype: DType, what: string): void {
  if (dtype !== 'float32' && dtype !== 'int32' && dtype !== 'bool') {
    throw new Error(
      `${what}: dtype ${dtype} is not supported on WebGPU (WGSL has no 64-bit types); ` +
        'use float32/int32, or run this graph on the CPU device',
    );
  }
}

/** The 4-byte words to upload for `data` stored as `dtype`. */
export function toGpu(data: DataArray | ArrayLike<number>, dtype: DType): Float32Array | Int32Array | Uint32Array {
  switch (dtype) {
    case 'float32':
      return data instanceof Float32Array ? data : Float32Array.from(data);
    case 'int32':
      return data instanceof Int32Array ? data : Int32Array.from(data as ArrayLike<number>, (v) => v | 0);
    case 'bool': {
      const out = new Uint32Array(data.length);
      for (let i = 0; i < data.length; i++) out[i] = data[i] ? 1 : 0;
      return out;
    }
    default:
      throw new Error(`dtype ${dtype} is not supported on WebGPU`);
  }
}

/** Copies `n` elements of `dtype` out of (mapped) GPU bytes. */
export function fromGpu(bytes: ArrayBuffer, byteOffset: number, n: number, dtype: DType): DataArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(bytes.slice(byteOffset, byteOffset + n * 4));
    case 'int32':
      return new Int32Array(bytes.slice(byteOffset, byteOffset + n * 4));
    case 'bool': {
      const words = new Uint32Array(bytes, byteOffset, n);
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = words[i] ? 1 : 0;
      return out;
    }
    default:
      throw new Error(`dtype ${dtype} is not supported on WebGPU`);
  }
}
