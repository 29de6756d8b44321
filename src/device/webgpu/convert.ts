/**
 * Host ⇄ GPU element conversion. Every WebGPU dtype is one 4-byte word: bool travels as u32
 * 0/1, the 8/16-bit integers as i32, float16 as the f32 of its value. WGSL has no 64-bit types,
 * so int64 is held as i32: values are checked when they enter the device (an int64 beyond the
 * 32-bit range is an InvalidArgumentError), and the int64 kernels that can overflow flag it.
 */
import type { DType, DataArray } from '../../dtype.js';
import { InvalidArgumentError } from '../../errors.js';
import { fromHalf, toHalf } from '../../float16.js';

export const BYTES_PER_ELEMENT = 4;

const I32_MIN = -2147483648;
const I32_MAX = 2147483647;

export function checkDType(dtype: DType, what: string): void {
  if (dtype === 'complex64' || dtype === 'complex128') {
    throw new Error(`${what}: dtype ${dtype} is not supported on WebGPU (its complex ops run on the host); run this graph on the CPU device`);
  }
  if (dtype === 'float64' || dtype === 'string') {
    throw new Error(
      `${what}: dtype ${dtype} is not supported on WebGPU (WGSL has no ${dtype === 'string' ? 'string' : '64-bit float'} type); ` +
        'run this graph on the CPU device',
    );
  }
}

/** The error for an int64 value the WebGPU device cannot hold. */
export function int64RangeError(v: number, what: string): InvalidArgumentError {
  return new InvalidArgumentError(
    `${what}: int64 value ${v} does not fit the WebGPU device, which holds int64 as 32-bit integers [${I32_MIN}, ${I32_MAX}]; run it on the CPU device`,
  );
}

/** The 4-byte words to upload for `data` stored as `dtype`. */
export function toGpu(data: DataArray | ArrayLike<number>, dtype: DType, what = 'a value'): Float32Array | Int32Array | Uint32Array {
  switch (dtype) {
    case 'float32':
      return data instanceof Float32Array ? data : Float32Array.from(data);
    case 'float16':
      return Float32Array.from(data as ArrayLike<number>, (h) => fromHalf(h));
    case 'int32':
      return data instanceof Int32Array ? data : Int32Array.from(data as ArrayLike<number>, (v) => v | 0);
    case 'int64': {
      const out = new Int32Array(data.length);
      for (let i = 0; i < data.length; i++) {
        const v = data[i]!;
        if (!(v >= I32_MIN && v <= I32_MAX)) throw int64RangeError(v, what);
        out[i] = v;
      }
      return out;
    }
    case 'int8':
    case 'uint8':
    case 'int16':
    case 'uint16':
      return Int32Array.from(data as ArrayLike<number>);
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
    case 'float16': {
      const words = new Float32Array(bytes, byteOffset, n);
      const out = new Uint16Array(n);
      for (let i = 0; i < n; i++) out[i] = toHalf(words[i]!);
      return out;
    }
    case 'int32':
      return new Int32Array(bytes.slice(byteOffset, byteOffset + n * 4));
    case 'int64':
      return Float64Array.from(new Int32Array(bytes, byteOffset, n));
    case 'int8':
      return Int8Array.from(new Int32Array(bytes, byteOffset, n));
    case 'uint8':
      return Uint8Array.from(new Int32Array(bytes, byteOffset, n));
    case 'int16':
      return Int16Array.from(new Int32Array(bytes, byteOffset, n));
    case 'uint16':
      return Uint16Array.from(new Int32Array(bytes, byteOffset, n));
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
