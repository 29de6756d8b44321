/**
 * `tf.compat`: `tf.compat.v1` is the tf namespace itself (TF 1.15 programs written against
 * `tf.compat.v1.placeholder`, … run unchanged), and the byte/text helpers.
 */
import * as tf from './index.js';

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
