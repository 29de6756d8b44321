/**
 * TF 1.15's SparseCross op (sparse_cross_op.cc) and `tf.sparse.cross` / `tf.sparse.crossHashed`:
 * the per-row cartesian product of several 2-D feature columns (SparseTensors and dense
 * matrices), the sparse inputs first, then the dense ones; within a row the last column varies
 * fastest. Hashed, each cross is `FingerprintCat64` folded over its features starting from
 * `hash_key` (TF's default 0xDECAFCAFFE): a string feature contributes its farmhash
 * Fingerprint64, an integer feature its int64 value; the result modulo `num_buckets` (or, with
 * 0 buckets, modulo INT64_MAX). Unhashed, the features' strings (integers in decimal) joined by
 * "_X_". A host-stage op.
 */
import { StringArray } from '../dtype.js';
import { InvalidArgumentError, ValueError } from '../errors.js';
import type { Operation, Tensor } from '../graph/tensor.js';
import { NDArray } from '../ndarray.js';
import { registerHostOp } from '../session/host-stage.js';
import { encodeString } from '../string-array.js';
import { kwargs } from '../args.js';
import { cast } from './math.js';
import { defineOp, makeOp, registerGradient } from './registry.js';
import { SparseTensor, SparseTensorValue } from './sparse-tensor.js';
import { fingerprint64 } from './strings/hash.js';

/** sparse_ops._DEFAULT_HASH_KEY. */
export const DEFAULT_HASH_KEY = 0xdecafcaffe;

const M64 = (1n << 64n) - 1n;
const K_MUL = 0xc6a4a7935bd1e995n;
const shiftMix = (v: bigint): bigint => v ^ (v >> 47n);

/** TF's FingerprintCat64 (tensorflow/core/platform/fingerprint.h) on uint64s. */
export function fingerprintCat64(fp1: bigint, fp2: bigint): bigint {
  let r = (fp1 ^ K_MUL) & M64;
  r ^= (shiftMix((fp2 * K_MUL) & M64) * K_MUL) & M64;
  r = (r * K_MUL) & M64;
  r = (shiftMix(r) * K_MUL) & M64;
  return shiftMix(r);
}

/** A feature as the HashCrosser sees it: Fingerprint64 of a string's bytes, an integer as its uint64 bits. */
export function featureHash(v: Uint8Array | string | number | bigint): bigint {
  if (typeof v === 'string') return fingerprint64(encodeString(v));
  if (v instanceof Uint8Array) return fingerprint64(v);
  return BigInt.asUintN(64, BigInt(v));
}

/** One hashed cross of `features` (in column order) under `hashKey`, modulo `numBuckets` (0: modulo INT64_MAX). */
export function crossHash(features: readonly (Uint8Array | string | number | bigint)[], numBuckets = 0, hashKey: number | bigint = DEFAULT_HASH_KEY): bigint {
  let h = BigInt.asUintN(64, BigInt(hashKey));
  for (const f of features) h = fingerprintCat64(h, featureHash(f));
  return h % (numBuckets > 0 ? BigInt(numBuckets) : (1n << 63n) - 1n);
}

interface CrossAttrs {
  N: number;
  hashed_output: boolean;
  num_buckets: number;
  hash_key: number;
  sparse_types: string[];
  dense_types: string[];
  out_type: 'int64' | 'string';
  internal_type: 'int64' | 'string';
  [k: string]: unknown;
}

/** A column of a batch: feature count and n-th feature of each row. */
interface Column {
  count(b: number): number;
  feature(b: number, n: number): Uint8Array | number;
}

const shapeText = (s: readonly number[]): string => `[${s.join(',')}]`;

defineOp<CrossAttrs>({
  type: 'SparseCross',
  infer: (ins, a) => {
    const n = a.N;
    if (ins.length !== 3 * n + a.dense_types.length) throw new ValueError(`SparseCross expects ${3 * n + a.dense_types.length} inputs, got ${ins.length}`);
    for (let i = 0; i < n; i++) {
      const s = ins[i]!.shape;
      if (s !== null && s.length !== 2) throw new ValueError(`Shape must be rank 2 but is rank ${s.length} for 'SparseCross' (input indices ${i})`);
    }
    ins.slice(3 * n).forEach((t, i) => {
      if (t.shape !== null && t.shape.length !== 2) throw new ValueError(`Shape must be rank 2 but is rank ${t.shape.length} for 'SparseCross' (dense input ${i})`);
    });
    return [
      { dtype: 'int64', shape: [null, 2] },
      { dtype: a.out_type, shape: [null] },
      { dtype: 'int64', shape: [2] },
    ];
  },
  lower: () => {
    throw new Error('SparseCross runs on the host before the plan; it cannot be lowered');
  },
  stateful: true,
});
registerGradient('SparseCross', null);

const num = (a: NDArray, i: number): number => Number((a.data as ArrayLike<number>)[i]);

function* runCross(op: Operation, ins: NDArray[]): Generator<Promise<unknown>, NDArray[], unknown> {
  const a = op.attrs as CrossAttrs;
  const n = a.N;
  const indices = ins.slice(0, n);
  const values = ins.slice(n, 2 * n);
  const shapes = ins.slice(2 * n, 3 * n);
  const dense = ins.slice(3 * n);
  const fail = (msg: string): never => {
    throw new InvalidArgumentError(msg, op.name);
  };
  indices.forEach((t, i) => {
    if (t.shape.length !== 2) fail(`Input indices should be a matrix but received shape ${shapeText(t.shape)} at position ${i}`);
    if (t.shape[1] !== 2) fail(`Expected D2 of index to be 2 got ${t.shape[1]} at position ${i}`);
  });
  values.forEach((t, i) => {
    if (t.shape.length !== 1) fail(`Input values should be a std::vector but received shape ${shapeText(t.shape)} at position ${i}`);
    if (indices[i]!.shape[0] !== t.shape[0]) fail(`Expected size of values to be ${indices[i]!.shape[0]} got ${t.shape[0]} at position ${i}`);
  });
  // CalculateBatchSize: the first sparse input's dense shape, else the first dense input's rows
  const batch = n > 0 ? num(shapes[0]!, 0) : dense.length > 0 ? dense[0]!.shape[0]! : 0;
  shapes.forEach((t, i) => {
    if (t.shape.length !== 1) fail(`Input shapes should be a std::vector but received shape ${shapeText(t.shape)} at position ${i}`);
    if (t.size !== 2) fail(`shape should imply a 2D tensor, but got ${shapeText(t.shape)} at position ${i}`);
    if (num(t, 0) !== batch) fail(`Expected batch size ${batch} got ${num(t, 0)} at position ${i}`);
  });
  dense.forEach((t, i) => {
    if (t.shape.length !== 2) fail(`Dense inputs should be a matrix but received shape ${shapeText(t.shape)} at position ${i}`);
    if (t.shape[0] !== batch) fail(`Expected batch size ${batch} got ${t.shape[0]} at dense tensor ${i}`);
  });
  const item = (t: NDArray, k: number): Uint8Array | number => (t.dtype === 'string' ? (t.data as unknown as StringArray)[k]! : num(t, k));
  const columns: Column[] = [];
  values.forEach((v, i) => {
    const counts = new Array<number>(batch).fill(0);
    const idx = indices[i]!;
    for (let k = 0; k < v.size; k++) {
      const r = num(idx, 2 * k);
      if (r < 0 || r >= batch) fail(`Invalid batch index ${r} at position ${i}`);
      counts[r]!++;
    }
    const starts = new Array<number>(batch).fill(0);
    for (let b = 1; b < batch; b++) starts[b] = starts[b - 1]! + counts[b - 1]!;
    columns.push({ count: (b) => counts[b]!, feature: (b, m) => item(v, starts[b]! + m) });
  });
  for (const d of dense) {
    const w = d.shape[1]!;
    columns.push({ count: () => w, feature: (b, m) => item(d, b * w + m) });
  }
  const hashed = a.hashed_output;
  const buckets = a.num_buckets > 0 ? BigInt(a.num_buckets) : (1n << 63n) - 1n;
  const key = BigInt.asUintN(64, BigInt(a.hash_key));
  const SEP = encodeString('_X_');
  const outIdx: number[] = [];
  const outVals: (number | Uint8Array)[] = [];
  let widest = 0;
  const perm = new Array<number>(columns.length).fill(0);
  for (let b = 0; b < batch; b++) {
    if (columns.length === 0 || columns.some((c) => c.count(b) === 0)) continue;
    perm.fill(0);
    let count = 0;
    for (;;) {
      if (hashed) {
        let h = key;
        columns.forEach((c, i) => {
          const f = c.feature(b, perm[i]!);
          h = fingerprintCat64(h, typeof f === 'number' ? BigInt.asUintN(64, BigInt(f)) : fingerprint64(f));
        });
        const v = h % buckets;
        if (v > BigInt(Number.MAX_SAFE_INTEGER)) {
          fail(`SparseCross: the hashed cross ${v} is beyond the int64 values tsflow holds exactly (±(2^53-1)); give num_buckets`);
        }
        outVals.push(Number(v));
      } else {
        const parts = columns.map((c, i) => {
          const f = c.feature(b, perm[i]!);
          return typeof f === 'number' ? encodeString(String(f)) : f;
        });
        const len = parts.reduce((s, p) => s + p.length, 0) + SEP.length * (parts.length - 1);
        const out = new Uint8Array(len);
        let o = 0;
        parts.forEach((p, i) => {
          if (i > 0) {
            out.set(SEP, o);
            o += SEP.length;
          }
          out.set(p, o);
          o += p.length;
        });
        outVals.push(out);
      }
      outIdx.push(b, count);
      count++;
      // ProductIterator: the last column varies fastest
      let i = columns.length - 1;
      for (; i >= 0; i--) {
        perm[i]!++;
        if (perm[i]! < columns[i]!.count(b)) break;
        perm[i] = 0;
      }
      if (i < 0) break;
    }
    widest = Math.max(widest, count);
  }
  const m = outVals.length;
  let vals: NDArray;
  if (hashed) vals = new NDArray(Float64Array.from(outVals as number[]), [m], 'int64');
  else {
    const s = new StringArray(m);
    outVals.forEach((v, i) => (s[i] = v as Uint8Array));
    vals = new NDArray(s as never, [m], 'string');
  }
  yield* [];
  return [new NDArray(Float64Array.from(outIdx), [m, 2], 'int64'), vals, new NDArray(Float64Array.of(batch, widest), [2], 'int64')];
}
registerHostOp('SparseCross', runCross);

function crossInternal(where: string, args: unknown[], hashed: boolean): SparseTensor {
  const o = kwargs(args, hashed ? ['inputs', 'numBuckets', 'hashKey', 'name'] : ['inputs', 'name'], where, 1);
  const inputs = o.inputs as unknown[];
  if (!Array.isArray(inputs)) throw new TypeError('Inputs must be a list');
  const ok = (i: unknown): boolean => i instanceof SparseTensor || i instanceof SparseTensorValue || (typeof i === 'object' && i !== null && 'op' in i && 'dtype' in i);
  if (!inputs.every(ok)) throw new TypeError('All inputs must be SparseTensors');
  const sparse = inputs.filter((i) => i instanceof SparseTensor || i instanceof SparseTensorValue).map((i) => SparseTensor.fromValue(i as SparseTensor));
  const dense = inputs.filter((i) => !(i instanceof SparseTensor || i instanceof SparseTensorValue)) as Tensor[];
  const numBuckets = hashed ? ((o.numBuckets as number | undefined) ?? 0) : 0;
  if (!Number.isInteger(numBuckets) || numBuckets < 0) throw new ValueError(`Value for attr 'num_buckets' of ${numBuckets} must be at least minimum 0`);
  const hk = hashed ? ((o.hashKey as number | bigint | null | undefined) ?? DEFAULT_HASH_KEY) : DEFAULT_HASH_KEY;
  const hashKey = typeof hk === 'bigint' ? Number(BigInt.asIntN(64, hk)) : hk;
  if (!Number.isSafeInteger(hashKey)) throw new ValueError(`hash_key must be an integer within ±(2^53-1). Given: ${String(hk)}`);
  let internal: 'int64' | 'string' = 'string';
  const values = sparse.map((s) => {
    if (s.values.dtype === 'string') return s.values;
    internal = 'int64';
    return s.values.dtype === 'int64' ? s.values : cast(s.values, 'int64');
  });
  const denseIn = dense.map((d) => {
    if (d.dtype === 'string') return d;
    internal = 'int64';
    return d.dtype === 'int64' ? d : cast(d, 'int64');
  });
  const g = (sparse[0]?.values ?? dense[0])?.graph;
  if (!g) throw new ValueError('inputs must not be empty');
  const attrs: CrossAttrs = {
    N: sparse.length,
    hashed_output: hashed,
    num_buckets: numBuckets,
    hash_key: hashKey,
    sparse_types: values.map((v) => v.dtype),
    dense_types: denseIn.map((d) => d.dtype),
    out_type: hashed ? 'int64' : 'string',
    internal_type: hashed ? 'int64' : internal,
  };
  const op = makeOp(g, 'SparseCross', [...sparse.map((s) => s.indices), ...values, ...sparse.map((s) => s.denseShape), ...denseIn], attrs, o.name as string | undefined, 'SparseCross');
  return new SparseTensor(op.outputs[0]!, op.outputs[1]!, op.outputs[2]!);
}

/** `tf.sparse.cross(inputs, name?)` (TF1's sparse_cross): string crosses joined by "_X_". */
export function sparseCross(...args: unknown[]): SparseTensor {
  return crossInternal('sparse.cross', args, false);
}

/** `tf.sparse.crossHashed(inputs, numBuckets = 0, hashKey?, name?)` (TF1's sparse_cross_hashed). */
export function sparseCrossHashed(...args: unknown[]): SparseTensor {
  return crossInternal('sparse.crossHashed', args, true);
}

