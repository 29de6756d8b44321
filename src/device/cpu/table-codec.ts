/**
 * Plan step tables as bytes, for workers that cannot receive messages while they run (Web
 * Workers block in Atomics.wait and read tables from shared memory instead). JSON, with the
 * values JSON loses tagged: non-finite numbers and -0, bigints, undefined and typed arrays.
 */
const TAG = '\u0000t';

type Tagged = { [TAG]: string; v?: unknown };

const TYPED: Record<string, new (a: ArrayLike<number> & ArrayLike<bigint>) => ArrayLike<unknown>> = {
  Float32Array, Float64Array, Int8Array, Int16Array, Int32Array, Uint8Array, Uint16Array, Uint32Array,
  Uint8ClampedArray, BigInt64Array, BigUint64Array,
} as never;

function replacer(this: unknown, key: string, value: unknown): unknown {
  // typed arrays reach the replacer as themselves (they have no toJSON)
  const raw = (this as Record<string, unknown>)[key];
  if (ArrayBuffer.isView(raw) && !(raw instanceof DataView)) {
    const name = raw.constructor.name;
    const vals = Array.from(raw as unknown as ArrayLike<number | bigint>, (x) => (typeof x === 'bigint' ? x.toString() : encodeNum(x)));
    return { [TAG]: name, v: vals };
  }
  if (typeof raw === 'number') return encodeNum(raw);
  if (typeof raw === 'bigint') return { [TAG]: 'bigint', v: raw.toString() };
  if (raw === undefined && key !== '') return { [TAG]: 'undefined' };
  return value;
}

function encodeNum(x: number): unknown {
  if (Number.isFinite(x) && !Object.is(x, -0)) return x;
  return { [TAG]: 'number', v: Object.is(x, -0) ? '-0' : String(x) };
}

function reviver(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || !(TAG in value)) return value;
  const t = value as Tagged;
  switch (t[TAG]) {
    case 'number':
      return t.v === '-0' ? -0 : Number(t.v);
    case 'bigint':
      return BigInt(t.v as string);
    case 'undefined':
      return undefined;
    default: {
      const ctor = TYPED[t[TAG]];
      if (!ctor) throw new Error(`plan table: unknown tag ${t[TAG]}`);
      const big = t[TAG].startsWith('Big');
      return new ctor((t.v as unknown[]).map((x) => (big ? BigInt(x as string) : (reviver('', x) as number))) as never);
    }
  }
}

export function encodeTable(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value, replacer));
}

/** Decode `len` bytes at `offset` of `buffer` (shared memory is copied first: TextDecoder rejects it). */
export function decodeTable<T>(buffer: ArrayBufferLike, offset: number, len: number): T {
  const bytes = new Uint8Array(buffer, offset, len).slice();
  return JSON.parse(new TextDecoder().decode(bytes), reviver) as T;
}
