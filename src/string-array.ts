/**
 * Storage of `string` tensors. As in TF, an element is a byte string: a Uint8Array. JS strings
 * given as values are UTF-8 encoded; `NDArray#toArray()` and `get()` decode elements as UTF-8
 * (lossless for text), `data` holds the exact bytes.
 */
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const EMPTY = new Uint8Array(0);

export class StringArray extends Array<Uint8Array> {
  /** `n` empty strings (or, as Array's species constructor, room for them). */
  constructor(n = 0) {
    super(n);
    this.fill(EMPTY);
  }

  static fromValues(values: readonly (string | Uint8Array)[]): StringArray {
    const out = new StringArray(values.length);
    values.forEach((v, i) => (out[i] = encodeString(v)));
    return out;
  }

  /** TypedArray#set: copy `src` in at `offset`. */
  set(src: ArrayLike<Uint8Array>, offset = 0): void {
    for (let i = 0; i < src.length; i++) this[offset + i] = src[i]!;
  }

  subarray(lo: number, hi: number = this.length): StringArray {
    const out = new StringArray(0);
    for (let i = lo; i < hi; i++) out.push(this[i]!);
    return out;
  }

  static override get [Symbol.species](): ArrayConstructor {
    return StringArray as unknown as ArrayConstructor;
  }
}

export function encodeString(v: string | Uint8Array): Uint8Array {
  return typeof v === 'string' ? encoder.encode(v) : v;
}

export function decodeString(b: Uint8Array): string {
  return decoder.decode(b);
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
