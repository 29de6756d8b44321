/**
 * The 64-bit string hashes TF's StringToHashBucket* kernels use, on byte strings:
 * `fingerprint64` (farmhash's Fingerprint64, i.e. farmhashna::Hash64: StringToHashBucketFast),
 * `hash64` (TF's legacy Hash64, a MurmurHash64A with seed 0xDECAFCAFFE: StringToHashBucket) and
 * `sipHash24` (SipHash-2-4 with a 128-bit key: StringToHashBucketStrong). BigInt arithmetic
 * modulo 2^64; the results are unsigned.
 */
const M64 = (1n << 64n) - 1n;
const u = (x: bigint): bigint => x & M64;

function fetch64(s: Uint8Array, i: number): bigint {
  let v = 0n;
  for (let k = 7; k >= 0; k--) v = (v << 8n) | BigInt(s[i + k] ?? 0);
  return v;
}
function fetch32(s: Uint8Array, i: number): bigint {
  return BigInt((s[i]! | (s[i + 1]! << 8) | (s[i + 2]! << 16) | (s[i + 3]! << 24)) >>> 0);
}
const rot = (v: bigint, sh: number): bigint => (sh === 0 ? v : u((v >> BigInt(sh)) | (v << BigInt(64 - sh))));
const shiftMix = (v: bigint): bigint => v ^ (v >> 47n);

const K0 = 0xc3a5c85c97cb3127n;
const K1 = 0xb492b66fbe98f273n;
const K2 = 0x9ae16a3b2f90404fn;

function hashLen16(a0: bigint, b0: bigint, mul: bigint): bigint {
  let a = u((a0 ^ b0) * mul);
  a ^= a >> 47n;
  let b = u((b0 ^ a) * mul);
  b ^= b >> 47n;
  return u(b * mul);
}

function len0to16(s: Uint8Array, n: number): bigint {
  const len = BigInt(n);
  if (n >= 8) {
    const mul = u(K2 + len * 2n);
    const a = u(fetch64(s, 0) + K2);
    const b = fetch64(s, n - 8);
    const c = u(rot(b, 37) * mul + a);
    const d = u((rot(a, 25) + b) * mul);
    return hashLen16(c, d, mul);
  }
  if (n >= 4) {
    const mul = u(K2 + len * 2n);
    const a = fetch32(s, 0);
    return hashLen16(u(len + (a << 3n)), fetch32(s, n - 4), mul);
  }
  if (n > 0) {
    const a = BigInt(s[0]!);
    const b = BigInt(s[n >> 1]!);
    const c = BigInt(s[n - 1]!);
    const y = (a + (b << 8n)) & 0xffffffffn;
    const z = (len + (c << 2n)) & 0xffffffffn;
    return u(shiftMix(u(y * K2) ^ u(z * K0)) * K2);
  }
  return K2;
}

function len17to32(s: Uint8Array, n: number): bigint {
  const mul = u(K2 + BigInt(n) * 2n);
  const a = u(fetch64(s, 0) * K1);
  const b = fetch64(s, 8);
  const c = u(fetch64(s, n - 8) * mul);
  const d = u(fetch64(s, n - 16) * K2);
  return hashLen16(u(rot(u(a + b), 43) + rot(c, 30) + d), u(a + rot(u(b + K2), 18) + c), mul);
}

function len33to64(s: Uint8Array, n: number): bigint {
  const mul = u(K2 + BigInt(n) * 2n);
  const a = u(fetch64(s, 0) * K2);
  const b = fetch64(s, 8);
  const c = u(fetch64(s, n - 8) * mul);
  const d = u(fetch64(s, n - 16) * K2);
  const y = u(rot(u(a + b), 43) + rot(c, 30) + d);
  const z = hashLen16(y, u(a + rot(u(b + K2), 18) + c), mul);
  const e = u(fetch64(s, 16) * mul);
  const f = fetch64(s, 24);
  const g = u((y + fetch64(s, n - 32)) * mul);
  const h = u((z + fetch64(s, n - 24)) * mul);
  return hashLen16(u(rot(u(e + f), 43) + rot(g, 30) + h), u(e + rot(u(f + a), 18) + g), mul);
}

function weak32(s: Uint8Array, i: number, a0: bigint, b0: bigint): [bigint, bigint] {
  const w = fetch64(s, i);
  const x = fetch64(s, i + 8);
  const y = fetch64(s, i + 16);
  const z = fetch64(s, i + 24);
  let a = u(a0 + w);
  let b = rot(u(b0 + a + z), 21);
  const c = a;
  a = u(a + x);
  a = u(a + y);
  b = u(b + rot(a, 44));
  return [u(a + z), u(b + c)];
}

/** farmhash Fingerprint64 (farmhashna::Hash64) of the bytes. */
export function fingerprint64(s: Uint8Array): bigint {
  const n = s.length;
  if (n <= 16) return len0to16(s, n);
  if (n <= 32) return len17to32(s, n);
  if (n <= 64) return len33to64(s, n);
  const seed = 81n;
  let x = seed;
  let y = u(seed * K1 + 113n);
  let z = u(shiftMix(u(y * K2 + 113n)) * K2);
  let v: [bigint, bigint] = [0n, 0n];
  let w: [bigint, bigint] = [0n, 0n];
  x = u(x * K2 + fetch64(s, 0));
  const end = Math.floor((n - 1) / 64) * 64;
  const last64 = end + ((n - 1) & 63) - 63;
  let p = 0;
  do {
    x = u(rot(u(x + y + v[0] + fetch64(s, p + 8)), 37) * K1);
    y = u(rot(u(y + v[1] + fetch64(s, p + 48)), 42) * K1);
    x ^= w[1];
    y = u(y + v[0] + fetch64(s, p + 40));
    z = u(rot(u(z + w[0]), 33) * K1);
    v = weak32(s, p, u(v[1] * K1), u(x + w[0]));
    w = weak32(s, p + 32, u(z + w[1]), u(y + fetch64(s, p + 16)));
    [z, x] = [x, z];
    p += 64;
  } while (p !== end);
  const mul = u(K1 + ((z & 0xffn) << 1n));
  p = last64;
  w[0] = u(w[0] + BigInt((n - 1) & 63));
  v[0] = u(v[0] + w[0]);
  w[0] = u(w[0] + v[0]);
  x = u(rot(u(x + y + v[0] + fetch64(s, p + 8)), 37) * mul);
  y = u(rot(u(y + v[1] + fetch64(s, p + 48)), 42) * mul);
  x ^= u(w[1] * 9n);
  y = u(y + u(v[0] * 9n) + fetch64(s, p + 40));
  z = u(rot(u(z + w[0]), 33) * mul);
  v = weak32(s, p, u(v[1] * mul), u(x + w[0]));
  w = weak32(s, p + 32, u(z + w[1]), u(y + fetch64(s, p + 16)));
  [z, x] = [x, z];
  return hashLen16(u(hashLen16(v[0], w[0], mul) + u(shiftMix(y) * K0) + z), u(hashLen16(v[1], w[1], mul) + x), mul);
}

/** TF's legacy Hash64 (tensorflow/core/lib/hash/hash.cc) with its default seed 0xDECAFCAFFE. */
export function hash64(s: Uint8Array, seed = 0xdecafcaffen): bigint {
  const m = 0xc6a4a7935bd1e995n;
  let n = s.length;
  let h = u(seed ^ u(BigInt(n) * m));
  let i = 0;
  while (n >= 8) {
    let k = fetch64(s, i);
    i += 8;
    n -= 8;
    k = u(k * m);
    k ^= k >> 47n;
    k = u(k * m);
    h ^= k;
    h = u(h * m);
  }
  if (n > 0) {
    for (let j = n - 1; j >= 0; j--) h ^= BigInt(s[i + j]!) << BigInt(8 * j);
    h = u(h * m);
  }
  h ^= h >> 47n;
  h = u(h * m);
  h ^= h >> 47n;
  return h;
}

/** SipHash-2-4 of the bytes under the key [k0, k1] (what TF's StrongKeyedHash computes). */
export function sipHash24(k0: bigint, k1: bigint, s: Uint8Array): bigint {
  let v0 = 0x736f6d6570736575n ^ k0;
  let v1 = 0x646f72616e646f6dn ^ k1;
  let v2 = 0x6c7967656e657261n ^ k0;
  let v3 = 0x7465646279746573n ^ k1;
  const round = (): void => {
    v0 = u(v0 + v1); v1 = rot(v1, 64 - 13); v1 ^= v0; v0 = rot(v0, 64 - 32);
    v2 = u(v2 + v3); v3 = rot(v3, 64 - 16); v3 ^= v2;
    v0 = u(v0 + v3); v3 = rot(v3, 64 - 21); v3 ^= v0;
    v2 = u(v2 + v1); v1 = rot(v1, 64 - 17); v1 ^= v2; v2 = rot(v2, 64 - 32);
  };
  const n = s.length;
  const full = n - (n % 8);
  for (let i = 0; i < full; i += 8) {
    const m = fetch64(s, i);
    v3 ^= m; round(); round(); v0 ^= m;
  }
  let last = BigInt(n & 0xff) << 56n;
  for (let j = 0; j < n % 8; j++) last |= BigInt(s[full + j]!) << BigInt(8 * j);
  v3 ^= last; round(); round(); v0 ^= last;
  v2 ^= 0xffn;
  round(); round(); round(); round();
  return v0 ^ v1 ^ v2 ^ v3;
}
