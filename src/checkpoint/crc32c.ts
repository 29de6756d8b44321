/**
 * CRC-32C (Castagnoli), the checksum of TF's tensor bundles and LevelDB-style tables.
 *
 * Reflected polynomial 0x82F63B78, initial value and final xor 0xFFFFFFFF. The implementation
 * is table driven, eight bytes per step ("slicing by 8") so that hashing a large tensor stays
 * cheap.
 */

const POLY = 0x82f63b78;

/** TABLES[k][b]: the crc contribution of byte b followed by k zero bytes. */
const TABLES: Uint32Array[] = (() => {
  const t0 = new Uint32Array(256);
  for (let b = 0; b < 256; b++) {
    let c = b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    t0[b] = c >>> 0;
  }
  const tables = [t0];
  for (let k = 1; k < 8; k++) {
    const prev = tables[k - 1]!;
    const t = new Uint32Array(256);
    for (let b = 0; b < 256; b++) t[b] = (prev[b]! >>> 8) ^ t0[prev[b]! & 0xff]!;
    tables.push(t);
  }
  return tables;
})();

const [T0, T1, T2, T3, T4, T5, T6, T7] = TABLES as [
  Uint32Array, Uint32Array, Uint32Array, Uint32Array,
  Uint32Array, Uint32Array, Uint32Array, Uint32Array,
];

/**
 * Extend `crc` (a finished CRC-32C value, 0 for "nothing yet") with `data`. So
 * `extend(extend(0, a), b) === value(a ‖ b)`.
 */
export function extend(crc: number, data: Uint8Array): number {
  // Feed large inputs in pieces: the hot loop then gets optimised after a few calls instead of
  // waiting for on-stack replacement inside one long call.
  const CHUNK = 1 << 16;
  if (data.length <= CHUNK) return extendChunk(crc, data);
  let c = crc;
  for (let off = 0; off < data.length; off += CHUNK) {
    c = extendChunk(c, data.subarray(off, Math.min(data.length, off + CHUNK)));
  }
  return c;
}

function extendChunk(crc: number, data: Uint8Array): number {
  let c = ~crc >>> 0;
  const n = data.length;
  let i = 0;
  const end8 = n - (n % 8);
  while (i < end8) {
    const lo = c ^ (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24));
    c =
      T7[lo & 0xff]! ^
      T6[(lo >>> 8) & 0xff]! ^
      T5[(lo >>> 16) & 0xff]! ^
      T4[lo >>> 24]! ^
      T3[data[i + 4]!]! ^
      T2[data[i + 5]!]! ^
      T1[data[i + 6]!]! ^
      T0[data[i + 7]!]!;
    i += 8;
  }
  while (i < n) c = (c >>> 8) ^ T0[(c ^ data[i++]!) & 0xff]!;
  return ~c >>> 0;
}

/** CRC-32C of `data`. `value(ascii("123456789")) === 0xE3069283`. */
export function value(data: Uint8Array): number {
  return extend(0, data);
}

const MASK_DELTA = 0xa282ead8;

/**
 * The masked form stored in files: rotate right by 15 bits and add a constant, so that a crc
 * of data that itself holds crcs does not degenerate.
 */
export function mask(crc: number): number {
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + MASK_DELTA) >>> 0;
}

/** Inverse of {@link mask}. */
export function unmask(masked: number): number {
  const rot = (masked - MASK_DELTA) >>> 0;
  return ((rot >>> 17) | (rot << 15)) >>> 0;
}
