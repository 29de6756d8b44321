/**
 * TF's record format (event files, TFRecords): uint64 length, masked crc32c of the length,
 * the data, masked crc32c of the data; little-endian.
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

/** Every record in `bytes`, each CRC checked (DataLossError naming the record on a mismatch). */
export function decodeRecords(bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 0;
  while (pos < bytes.length) {
    if (pos + 12 > bytes.length) throw new DataLossError(`truncated record at offset ${pos}`);
    const len = Number(dv.getBigUint64(pos, true));
    if (unmask(dv.getUint32(pos + 8, true)) !== crc32c(bytes.subarray(pos, pos + 8))) {
      throw new DataLossError(`corrupted record at ${pos}: length crc mismatch`);
    }
    if (pos + 16 + len > bytes.length) throw new DataLossError(`truncated record at offset ${pos}`);
    const data = bytes.subarray(pos + 12, pos + 12 + len);
    if (unmask(dv.getUint32(pos + 12 + len, true)) !== crc32c(data)) {
      throw new DataLossError(`corrupted record at ${pos}: data crc mismatch`);
    }
    out.push(data);
    pos += 16 + len;
  }
  return out;
}
