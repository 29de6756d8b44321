/**
 * TF's record format (event files, TFRecords): uint64 length, masked crc32c of the length,
 * the data, masked crc32c of the data; little-endian. The one implementation of the framing,
 * shared by the summary FileWriter and tf.io's TFRecord reader and writer.
 */
import { mask, unmask, value as crc32c } from '../checkpoint/crc32c.js';
import { DataLossError } from '../errors.js';

export function encodeRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(16 + data.length);
  const dv = new DataView(out.buffer);
  dv.setBigUint64(0, BigInt(data.length), true);
  dv.setUint32(8, mask(crc32c(out.subarray(0, 8))), true);
  out.set(data, 12);
  dv.setUint32(12 + data.length, mask(crc32c(data)), true);
  return out;
}

/**
 * The records of `bytes` one at a time (views, no copies), each CRC checked. A length that
 * fails its crc or reaches past the end is a DataLossError with TF's text ("corrupted record
 * at <offset>", "truncated record at <offset>"), naming `file` when given; the length is never
 * trusted before its crc passes and never allocated.
 */
export function* iterateRecords(bytes: Uint8Array, file?: string): Generator<Uint8Array, void, undefined> {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const where = file === undefined ? '' : ` in ${file}`;
  let pos = 0;
  while (pos < bytes.length) {
    if (pos + 12 > bytes.length) throw new DataLossError(`truncated record at ${pos}${where}`);
    if (unmask(dv.getUint32(pos + 8, true)) !== crc32c(bytes.subarray(pos, pos + 8))) {
      throw new DataLossError(`corrupted record at ${pos}${where}`);
    }
    const len = dv.getBigUint64(pos, true);
    if (BigInt(pos) + 16n + len > BigInt(bytes.length)) throw new DataLossError(`truncated record at ${pos}${where}`);
    const n = Number(len);
    const data = bytes.subarray(pos + 12, pos + 12 + n);
    if (unmask(dv.getUint32(pos + 12 + n, true)) !== crc32c(data)) {
      throw new DataLossError(`corrupted record at ${pos}${where}`);
    }
    yield data;
    pos += 16 + n;
  }
}

/** Every record in `bytes`, each CRC checked (DataLossError naming the offset on a mismatch). */
export function decodeRecords(bytes: Uint8Array, file?: string): Uint8Array[] {
  return [...iterateRecords(bytes, file)];
}
