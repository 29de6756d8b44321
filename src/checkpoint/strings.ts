/** String tensors (TF's DT_STRING): an element is an arbitrary byte string. */
import { InvalidArgumentError } from '../errors.js';
import { sizeOf } from '../shape.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * A tensor of byte strings. `bytes` is the exact content (what a checkpoint stores); `values`
 * decodes each element as UTF-8, which is lossless for text but not for binary payloads such
 * as a serialized object graph.
 */
export class StringTensor {
  readonly dtype = 'string' as const;
  readonly shape: number[];
  readonly bytes: Uint8Array[];

  constructor(bytes: Uint8Array[], shape?: readonly number[]) {
    const s = shape === undefined ? [bytes.length] : [...shape];
    for (const d of s) {
      if (!Number.isInteger(d) || d < 0) {
        throw new InvalidArgumentError(`StringTensor shape must hold non-negative integers, got [${s.join(', ')}]`);
      }
    }
    if (sizeOf(s) !== bytes.length) {
      throw new InvalidArgumentError(
        `StringTensor has ${bytes.length} elements but shape [${s.join(', ')}] needs ${sizeOf(s)}`,
      );
    }
    this.shape = s;
    this.bytes = bytes;
  }

  /** From JS strings (UTF-8 encoded) or raw bytes; shape defaults to a vector. */
  static from(values: readonly (string | Uint8Array)[], shape?: readonly number[]): StringTensor {
    return new StringTensor(
      values.map((v) => (typeof v === 'string' ? encoder.encode(v) : v)),
      shape,
    );
  }

  /** A scalar string tensor. */
  static scalar(value: string | Uint8Array): StringTensor {
    return StringTensor.from([value], []);
  }

  get size(): number {
    return this.bytes.length;
  }

  get rank(): number {
    return this.shape.length;
  }

  /** Elements decoded as UTF-8, flat, row-major. */
  get values(): string[] {
    return this.bytes.map((b) => decoder.decode(b));
  }
}
