/**
 * Malformed bundles: every one is a DataLossError (or TF's class for the case) naming the file
 * and the key, and nothing is allocated beyond what the files hold. The cases the fuzzing of
 * real checkpoints found, then a seeded property test over mutants of the repo's fixtures.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import {
  BundleReader,
  crc32c,
  dataFilename,
  metaFilename,
  observeAllocations,
  proto,
  snappy,
  sstable,
} from '../../src/checkpoint/index.js';
import { DataLossError, InvalidArgumentError, NotFoundError, OpError, UnimplementedError } from '../../src/errors.js';
import { parseContents } from './fixtures.js';

const root = mkdtempSync(join(tmpdir(), 'tsflow-hostile-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let caseNo = 0;
function freshPrefix(): string {
  const dir = join(root, `c${caseNo++}`);
  mkdirSync(dir);
  return join(dir, 'model.ckpt');
}

const enc = new TextEncoder();

/**
 * An sstable holding `rows` in the order given (duplicates and disorder included): one data
 * block, optionally snappy-compressed as stored bytes `snappyContents`, then the metaindex,
 * the index block and the footer, with valid block checksums.
 */
function rawTable(rows: [Uint8Array, Uint8Array][], opts: { snappyContents?: Uint8Array } = {}): Uint8Array {
  const chunks: Uint8Array[] = [];
  let offset = 0;
  const put = (contents: Uint8Array, type: number): { offset: number; size: number } => {
    const h = { offset, size: contents.length };
    const trailer = new Uint8Array(5);
    trailer[0] = type;
    new DataView(trailer.buffer).setUint32(1, crc32c.mask(crc32c.extend(crc32c.value(contents), trailer.subarray(0, 1))), true);
    chunks.push(contents, trailer);
    offset += contents.length + 5;
    return h;
  };
  const data = new sstable.BlockBuilder(16);
  for (const [k, v] of rows) data.add(k, v);
  const dh = opts.snappyContents ? put(opts.snappyContents, 1) : put(data.finish(), 0);
  const mh = put(new sstable.BlockBuilder(16).finish(), 0);
  const index = new sstable.BlockBuilder(1);
  index.add(Uint8Array.of(0xff, 0xff), new proto.ProtoWriter().varint(dh.offset).varint(dh.size).finish());
  const ih = put(index.finish(), 0);
  const footer = new proto.ProtoWriter().varint(mh.offset).varint(mh.size).varint(ih.offset).varint(ih.size);
  while (footer.length < 40) footer.byte(0);
  footer.fixed32(sstable.TABLE_MAGIC_LO).fixed32(sstable.TABLE_MAGIC_HI);
  chunks.push(footer.finish());
  return Buffer.concat(chunks);
}

const HEADER = proto.encodeBundleHeader({ numShards: 1, endianness: 0, version: { producer: 1, minConsumer: 0, badConsumers: [] } });
const entry = (over: Partial<proto.BundleEntryProto>): Uint8Array =>
  proto.encodeBundleEntry({
    dtype: 1,
    shape: { dims: [{ size: 8 }], unknownRank: false },
    shardId: 0,
    offset: 0,
    size: 32,
    crc32c: crc32c.mask(crc32c.value(new Uint8Array(32))),
    slices: [],
    ...over,
  });

/** Write a bundle of `rows` (after the header) over a 32-byte data file; return its prefix. */
function bundle(rows: [string, Uint8Array][], opts: { data?: Uint8Array; snappyContents?: Uint8Array } = {}): string {
  const prefix = freshPrefix();
  writeFileSync(dataFilename(prefix, 0, 1), opts.data ?? new Uint8Array(32));
  const all: [Uint8Array, Uint8Array][] = [[new Uint8Array(0), HEADER], ...rows.map(([k, v]) => [enc.encode(k), v] as [Uint8Array, Uint8Array])];
  writeFileSync(metaFilename(prefix), rawTable(all, opts));
  return prefix;
}

/** Run `f`, returning its error and the largest allocation of file-sized buffers it made. */
function attempt(f: () => unknown): { err: unknown; largest: number } {
  let largest = 0;
  const stop = observeAllocations((n) => (largest = Math.max(largest, n)));
  try {
    f();
    return { err: null, largest };
  } catch (err) {
    return { err, largest };
  } finally {
    stop();
  }
}

function expectDataLoss(prefix: string, key: string, message: string | RegExp): void {
  const { err, largest } = attempt(() => BundleReader.openSync(prefix).readSync(key));
  expect(err).toBeInstanceOf(DataLossError);
  expect((err as Error).message).toMatch(message);
  expect((err as Error).message).toContain(key);
  expect((err as Error).message).toContain(prefix);
  expect(largest).toBeLessThanOrEqual(readFileSync(metaFilename(prefix)).length + 32);
}

describe('claims are checked before anything is allocated', () => {
  it('an entry claiming 1 GiB against a 32-byte data file allocates nothing of that size', () => {
    const prefix = bundle([['big', entry({ shape: { dims: [{ size: 1 << 28 }], unknownRank: false }, size: 1 << 30 })]]);
    expectDataLoss(prefix, 'big', /^Data file .*data-00000-of-00001 is truncated: key big needs 1073741824 bytes at offset 0, the file holds 32$/);
    // 1 TiB could not even be allocated: still DataLoss, not a RangeError
    const huge = bundle([['huge', entry({ dtype: 2, shape: { dims: [{ size: 2 ** 37 }], unknownRank: false }, size: 2 ** 40 })]]);
    expectDataLoss(huge, 'huge', /is truncated: key huge needs 1099511627776 bytes at offset 0/);
  });

  it('a [1e12] shape with its matching size, float and string', () => {
    expectDataLoss(
      bundle([['f', entry({ shape: { dims: [{ size: 1e12 }], unknownRank: false }, size: 4e12 })]]),
      'f',
      /is truncated: key f needs 4000000000000 bytes/,
    );
    expectDataLoss(
      bundle([['s', entry({ dtype: 7, shape: { dims: [{ size: 1e12 }], unknownRank: false }, size: 10 })]]),
      's',
      /^Invalid size in bundle entry: key s; stored size 10 cannot hold 1000000000000 strings \(/,
    );
  });

  it('a snappy block whose preamble claims 4 GiB is rejected before decoding its 7 bytes', () => {
    const bomb = Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x0f, 0x00, 0x41);
    const { err, largest } = attempt(() => snappy.decompress(bomb));
    expect(err).toBeInstanceOf(DataLossError);
    expect((err as Error).message).toMatch(/preamble claims 4294967295 bytes/);
    expect(largest).toBe(0);
    const prefix = bundle([], { snappyContents: bomb });
    const r = attempt(() => BundleReader.openSync(prefix));
    expect(r.err).toBeInstanceOf(DataLossError);
    expect((r.err as Error).message).toContain(metaFilename(prefix));
    expect(r.largest).toBeLessThanOrEqual(readFileSync(metaFilename(prefix)).length);
    // a preamble the elements can fill is still fine: 64 bytes from one 3-byte copy after a literal
    expect(snappy.decompress(Uint8Array.of(65, 0x00, 0x41, 0xfe, 0x01, 0x00))).toEqual(new Uint8Array(65).fill(0x41));
  });
});

describe("TF's classes and texts, naming the file and the key", () => {
  it('offset -1 is rejected, not read as "the current position"', () => {
    expectDataLoss(bundle([['x', entry({ offset: -1 })]]), 'x', /^Invalid offset in bundle entry: key x; offset -1 \(/);
    expectDataLoss(bundle([['x', entry({ size: -1 })]]), 'x', /^Invalid size in bundle entry: key x; stored size -1 \(/);
  });

  it('duplicate keys are DataLoss (not "the last copy wins"), and so is a second header', () => {
    const prefix = bundle([
      ['a', entry({})],
      ['a', entry({ offset: 4, size: 28 })],
    ]);
    expect(() => BundleReader.openSync(prefix)).toThrow(new DataLossError(`Duplicate entry for key a in ${metaFilename(prefix)}`));
    const two = bundle([['', HEADER]]);
    expect(() => BundleReader.openSync(two)).toThrow(DataLossError);
  });

  it('dtype 99 is reported as TF prints it, in reads and in restores', async () => {
    const prefix = bundle([['v', entry({ dtype: 99 })]]);
    expectDataLoss(prefix, 'v', /^Invalid dtype in bundle entry: key v; dtype unknown dtype enum \(99\) \(/);
    expectDataLoss(bundle([['v', entry({ dtype: 0 })]]), 'v', /dtype INVALID/);
    expectDataLoss(bundle([['v', entry({ dtype: 101 })]]), 'v', /dtype float_ref/);
    const g = new tf.Graph();
    const { v, saver } = g.asDefault(() => {
      const v = new tf.Variable(tf.zeros([8]), { name: 'v' });
      return { v, saver: new tf.train.Saver([v]) };
    });
    const sess = new tf.Session({ graph: g });
    await expect(saver.restore(sess, prefix)).rejects.toThrow(
      'tensor_name = v; expected dtype float does not equal original dtype unknown dtype enum (99)',
    );
    expect(v.name).toBe('v:0');
  });

  it('sizes, offsets and dimensions beyond 2^53 are printed exactly', () => {
    const big = 2n ** 53n + 1n;
    const raw = (field: number, dimField: boolean): Uint8Array => {
      const w = new proto.ProtoWriter().varintField(1, 1);
      if (dimField) w.bytesField(2, new proto.ProtoWriter().bytesField(2, new proto.ProtoWriter().varintField(1, big).finish()).finish());
      else w.bytesField(2, new Uint8Array(0)).varintField(field, big);
      return w.finish();
    };
    for (const [bytes, text] of [
      [raw(5, false), `Invalid size in bundle entry: key k; stored size ${big} (`],
      [raw(4, false), `Invalid offset in bundle entry: key k; offset ${big} (`],
      [raw(0, true), `Invalid shape in bundle entry: key k; dimension ${big} (`],
    ] as const) {
      const prefix = bundle([['k', bytes]]);
      expect(() => BundleReader.openSync(prefix)).toThrow(text + metaFilename(prefix) + ')');
    }
  });

  it('a size that disagrees with the shape, and an unparseable entry, name the index', () => {
    const p1 = bundle([['x', entry({ size: 28 })]]);
    expectDataLoss(p1, 'x', `Invalid size in bundle entry: key x; stored size 28; expected size 32 (${metaFilename(p1)})`);
    const p2 = bundle([['x', Uint8Array.of(0x0a, 0x05, 0x01)]]);
    expect(() => BundleReader.openSync(p2)).toThrow(new RegExp(`^Entry for key x not parseable\\. \\(${metaFilename(p2)}: `));
  });
});

// ---------------------------------------------------------------- fuzzing

interface Fixture {
  prefix: string;
  index: Uint8Array;
  data: Uint8Array | null;
  rows: [Uint8Array, Uint8Array][];
}

const fixtures: Fixture[] = parseContents().map((b) => {
  const index = new Uint8Array(readFileSync(metaFilename(b.prefix)));
  const data = b.dataShard ? new Uint8Array(readFileSync(dataFilename(b.prefix, 0, 1))) : null;
  return { prefix: b.prefix, index, data, rows: [...new sstable.TableReader(index).entries()].map(([k, v]) => [k.slice(), v.slice()]) };
});

type Mutation =
  | { kind: 'bytes'; target: 'index' | 'data'; edits: [number, number][] }
  | { kind: 'truncate'; target: 'index' | 'data'; at: number }
  | { kind: 'extend'; target: 'data'; bytes: number[] }
  | { kind: 'field'; row: number; field: 1 | 2 | 3 | 4 | 5 | 6 | 7; value: bigint }
  | { kind: 'entryBytes'; row: number; edits: [number, number][]; cut: number }
  | { kind: 'rows'; op: 'duplicate' | 'drop' | 'swap'; row: number; other: number }
  | { kind: 'header'; numShards: number; endianness: number };

const interesting = fc.oneof(
  fc.constantFrom(-1n, 0n, 1n, 4n, 7n, 8n, 9n, 19n, 99n, 101n, 2n ** 31n, 2n ** 32n + 4n, 10n ** 12n, 2n ** 53n + 1n, 2n ** 63n - 1n, -(2n ** 63n)),
  fc.bigInt({ min: -4n, max: 1000n }),
);
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('bytes' as const), target: fc.constantFrom('index' as const, 'data' as const), edits: fc.array(fc.tuple(fc.nat(100_000), fc.nat(255)), { minLength: 1, maxLength: 4 }) }),
  fc.record({ kind: fc.constant('truncate' as const), target: fc.constantFrom('index' as const, 'data' as const), at: fc.nat(100_000) }),
  fc.record({ kind: fc.constant('extend' as const), target: fc.constant('data' as const), bytes: fc.array(fc.nat(255), { minLength: 1, maxLength: 64 }) }),
  fc.record({ kind: fc.constant('field' as const), row: fc.nat(1000), field: fc.constantFrom(1 as const, 2 as const, 3 as const, 4 as const, 5 as const, 6 as const, 7 as const), value: interesting }),
  fc.record({ kind: fc.constant('entryBytes' as const), row: fc.nat(1000), edits: fc.array(fc.tuple(fc.nat(1000), fc.nat(255)), { maxLength: 3 }), cut: fc.nat(64) }),
  fc.record({ kind: fc.constant('rows' as const), op: fc.constantFrom('duplicate' as const, 'drop' as const, 'swap' as const), row: fc.nat(1000), other: fc.nat(1000) }),
  fc.record({ kind: fc.constant('header' as const), numShards: fc.integer({ min: -2, max: 3 }), endianness: fc.integer({ min: 0, max: 2 }) }),
);

function varintBytes(v: bigint): Uint8Array {
  return new proto.ProtoWriter().varint(BigInt.asUintN(64, v)).finish();
}

/** Re-encode one BundleEntryProto field of an entry's bytes (appended: the last value wins). */
function setField(value: Uint8Array, field: number, v: bigint): Uint8Array {
  const w = new proto.ProtoWriter().raw(value);
  if (field === 2) {
    const dim = new proto.ProtoWriter().tag(1, 0).raw(varintBytes(v)).finish();
    return w.bytesField(2, new proto.ProtoWriter().bytesField(2, dim).finish()).finish();
  }
  if (field === 6) return w.fixed32Field(6, Number(BigInt.asUintN(32, v))).finish();
  if (field === 7) return w.bytesField(7, new proto.ProtoWriter().bytesField(1, new proto.ProtoWriter().varintField(1, 0).finish()).finish()).finish();
  return w.tag(field, 0).raw(varintBytes(v)).finish();
}

function mutate(fx: Fixture, m: Mutation): { index: Uint8Array; data: Uint8Array | null } {
  let index = fx.index;
  let data = fx.data;
  const edit = (b: Uint8Array, edits: [number, number][]): Uint8Array => {
    const out = b.slice();
    for (const [at, v] of edits) if (out.length > 0) out[at % out.length] = v;
    return out;
  };
  const rows = fx.rows.map(([k, v]) => [k, v] as [Uint8Array, Uint8Array]);
  const r = (i: number): number => 1 + (i % Math.max(1, rows.length - 1));
  switch (m.kind) {
    case 'bytes':
      if (m.target === 'index') index = edit(index, m.edits);
      else if (data) data = edit(data, m.edits);
      return { index, data };
    case 'truncate':
      if (m.target === 'index') index = index.slice(0, m.at % (index.length + 1));
      else if (data) data = data.slice(0, m.at % (data.length + 1));
      return { index, data };
    case 'extend':
      return { index, data: data ? Buffer.concat([data, Uint8Array.from(m.bytes)]) : data };
    case 'field':
      if (rows.length > 1) rows[r(m.row)]![1] = setField(rows[r(m.row)]![1], m.field, m.value);
      break;
    case 'entryBytes':
      if (rows.length > 1) {
        const v = edit(rows[r(m.row)]![1], m.edits);
        rows[r(m.row)]![1] = m.cut > 0 ? v.slice(0, Math.max(0, v.length - (m.cut % (v.length + 1)))) : v;
      }
      break;
    case 'rows': {
      const i = r(m.row);
      const j = r(m.other);
      if (m.op === 'duplicate') rows.splice(i, 0, rows[i]!);
      else if (m.op === 'drop') rows.splice(m.row % rows.length, 1);
      else [rows[i], rows[j]] = [rows[j]!, rows[i]!];
      break;
    }
    case 'header':
      rows[0] = [rows[0]![0], proto.encodeBundleHeader({ numShards: m.numShards, endianness: m.endianness, version: { producer: 1, minConsumer: 0, badConsumers: [] } })];
      break;
  }
  return { index: rawTable(rows), data };
}

/** TF's classes a malformed bundle may raise. */
const TF_CLASSES = [DataLossError, NotFoundError, UnimplementedError, InvalidArgumentError];

describe('property: mutants of the fixture checkpoints', () => {
  // The original entries and values, for mutants whose entry and data are unchanged.
  const originals = new Map<string, { reader: BundleReader; values: Map<string, unknown> }>();
  for (const fx of fixtures) {
    if (fx.data === null) continue;
    const r = BundleReader.openSync(fx.prefix);
    originals.set(fx.prefix, { reader: r, values: new Map(r.entries.map((e) => [e.name, r.readSync(e.name)])) });
  }

  it('read correctly or fail with a TF error naming the file (and the key), allocating no more than the files hold', () => {
    let failures = 0;
    let reads = 0;
    fc.assert(
      fc.property(fc.nat(fixtures.length - 1), mutation, (fi, m) => {
        const fx = fixtures[fi]!;
        const prefix = freshPrefix();
        const { index, data } = mutate(fx, m);
        writeFileSync(metaFilename(prefix), index);
        if (data !== null) writeFileSync(dataFilename(prefix, 0, 1), data);
        const limit = 22 * index.length + (data?.length ?? 0) + 64;
        const shown = JSON.stringify(m, (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
        const check = (err: unknown, largest: number, key: string | null): void => {
          expect(largest, `allocation for ${shown}`).toBeLessThanOrEqual(limit);
          if (err === null) return;
          failures++;
          const where = `${(err as Error)?.constructor?.name}: ${(err as Error)?.message} for ${shown}`;
          expect(TF_CLASSES.some((C) => err instanceof C), where).toBe(true);
          expect((err as OpError).message.includes(prefix), where).toBe(true);
          if (key !== null && !(err instanceof NotFoundError)) expect((err as OpError).message.includes(key), where).toBe(true);
        };
        const opened = attempt(() => BundleReader.openSync(prefix));
        check(opened.err, opened.largest, null);
        if (opened.err !== null) return;
        const reader = BundleReader.openSync(prefix);
        reader.debugString();
        for (const e of reader.entries) {
          let value: unknown;
          const got = attempt(() => (value = reader.readSync(e.name)));
          check(got.err, got.largest, e.name);
          if (got.err !== null) continue;
          reads++;
          const original = originals.get(fx.prefix);
          const orig = original?.values.get(e.name);
          const same = fx.data !== null && data !== null && Buffer.from(data).equals(Buffer.from(fx.data));
          const before = original?.reader;
          if (same && before && orig !== undefined && before.has(e.name) && before.header.endianness === reader.header.endianness) {
            const o = before.entry(e.name);
            if (o.offset === e.offset && o.size === e.size && o.proto.dtype === e.proto.dtype && o.shape.join() === e.shape.join()) {
              expect(value).toEqual(orig);
            }
          }
        }
      }),
      { seed: 1015, numRuns: 300 },
    );
    // the mutants exercise both outcomes
    expect(failures).toBeGreaterThan(100);
    expect(reads).toBeGreaterThan(20);
  });
});
