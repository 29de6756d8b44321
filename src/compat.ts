/**
 * `tf.compat`: `tf.compat.v1` is the tf namespace itself (TF 1.15 programs written against
 * `tf.compat.v1.placeholder`, … run unchanged), and the byte/text helpers.
 */
import * as tf from './index.js';
import { Dimension, TensorShape } from './graph/tensor-shape.js';

/** `tf.compat.v1`: this namespace. */
export const v1 = tf;

const enc = new TextEncoder();
const dec = new TextDecoder();

/** `tf.compat.as_bytes(bytes_or_text)`: UTF-8 bytes of a string; bytes unchanged. */
export function asBytes(bytesOrText: string | Uint8Array): Uint8Array {
  if (bytesOrText instanceof Uint8Array) return bytesOrText;
  if (typeof bytesOrText === 'string') return enc.encode(bytesOrText);
  throw new TypeError(`Expected binary or unicode string, got ${String(bytesOrText)}`);
}

/** `tf.compat.as_text(bytes_or_text)` (`as_str`): a string from UTF-8 bytes; strings unchanged. */
export function asText(bytesOrText: string | Uint8Array): string {
  if (typeof bytesOrText === 'string') return bytesOrText;
  if (bytesOrText instanceof Uint8Array) return dec.decode(bytesOrText);
  throw new TypeError(`Expected binary or unicode string, got ${String(bytesOrText)}`);
}
export { asText as asStr };

/** `tf.compat.as_str_any(value)`: bytes decoded as UTF-8, anything else through `String`. */
export function asStrAny(value: unknown): string {
  return value instanceof Uint8Array ? asText(value) : String(value);
}

/** `tf.compat.path_to_str(path)`: a path-like (a `URL` of a file, or an object with `fspath()`) as a string; other values unchanged. */
export function pathToStr(path: unknown): unknown {
  if (path instanceof URL) return decodeURIComponent(path.pathname);
  const f = (path as { fspath?: () => string } | null)?.fspath;
  return typeof f === 'function' ? f.call(path) : path;
}

export { dimensionValue } from './graph/tensor-shape.js';

/** `tf.compat.dimension_at_index(shape, index)`: the Dimension at `index`, an unknown Dimension when the rank is unknown. */
export function dimensionAtIndex(shape: TensorShape | readonly (number | null)[] | null, index: number): Dimension {
  const s = shape instanceof TensorShape ? shape : new TensorShape(shape as (number | null)[] | null);
  if (s.dims === null) return new Dimension(null);
  return s.get(index);
}
