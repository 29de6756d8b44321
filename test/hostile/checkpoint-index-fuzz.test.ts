/**
 * Checkpoint bundles with targeted corruptions, read through every public reader
 * (tf.train.NewCheckpointReader, tf.train.listVariables, tf.train.loadVariable,
 * tf.train.initFromCheckpoint, Saver.restore): the BundleHeaderProto's shard count (0, 2, 2^31,
 * 2^53), endianness and versions; each BundleEntryProto's dtype, shape (2^31, 2^53, -5), shard id,
 * offset and size (past the data file, 2^53), crc32c and slices; the table's footer handles and
 * block trailer; every truncation of the index; a data file cut short. Each read gives the saved
 * values or fails with a TF error (DataLossError, InvalidArgumentError, NotFoundError,
 * UnimplementedError) naming the checkpoint; a failed restore changes no variable.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import { StringTensor, dataFilename, metaFilename, proto, sstable, writeBundle } from '../../src/checkpoint/index.js';
import { DataLossError, InvalidArgumentError, NotFoundError, UnimplementedError, ValueError } from '../../src/errors.js';
import { checkError, outcome, outcomeAsync, scratchDir } from './support.js';

const { dir, cleanup } = scratchDir('ckpt-index');
afterAll(cleanup);
const ALLOWED = [DataLossError, InvalidArgumentError, NotFoundError, UnimplementedError];

const saved = { a: [1.5, -2, 3.25], b: [[4, 5], [6, 7]] };
const other = { a: [0, 0, 0], b: [[-1, -1], [-1, -1]] };

async function model(): Promise<{ sess: tf.Session; saver: tf.train.Saver; vars: Record<string, tf.Variable>; g: tf.Graph }> {
  const g = new tf.Graph();
  const { vars, saver } = g.asDefault(() => {
    const vars = {
      a: new tf.Variable(tf.constant(other.a), { name: 'a' }),
      b: new tf.Variable(tf.constant(other.b, 'int32'), { name: 'b' }),
    };
    return { vars, saver: new tf.train.Saver() };
  });
  const sess = new tf.Session({ graph: g });
  await sess.run(g.asDefault(() => tf.globalVariablesInitializer()));
  return { sess, saver, vars, g };
}
const values = async (m: Awaited<ReturnType<typeof model>>): Promise<Record<string, unknown>> => ({
  a: ((await m.sess.run(m.vars.a!.value())) as tf.NDArray).toArray(),
  b: ((await m.sess.run(m.vars.b!.value())) as tf.NDArray).toArray(),
});

const prefix = join(dir, 'good', 'model.ckpt');
mkdirSync(join(dir, 'good'));
const ready = (async () => {
  const m = await model();
  await m.sess.run(m.g.asDefault(() => [tf.assign(m.vars.a!, tf.constant(saved.a)), tf.assign(m.vars.b!, tf.constant(saved.b, 'int32'))]));
  await m.saver.save(m.sess, prefix);
  await m.sess.close();
  return {
    index: new Uint8Array(readFileSync(metaFilename(prefix))),
    data: new Uint8Array(readFileSync(dataFilename(prefix, 0, 1))),
  };
})();

let n = 0;
function copyWith(index: Uint8Array, data: Uint8Array | null): string {
  const d = join(dir, `m${n++}`);
  mkdirSync(d);
  const p = join(d, 'model.ckpt');
  writeFileSync(metaFilename(p), index);
  if (data) writeFileSync(dataFilename(p, 0, 1), data);
  return p;
}

/** The index's table entries decoded: the header (key '') and the entries by name. */
function decodeIndex(index: Uint8Array): { header: proto.BundleHeaderProto; entries: Map<string, proto.BundleEntryProto> } {
  const t = new sstable.TableReader(index);
  let header: proto.BundleHeaderProto | null = null;
  const entries = new Map<string, proto.BundleEntryProto>();
  for (const [k, v] of t.entries()) {
    const key = new TextDecoder().decode(k);
    if (key === '') header = proto.decodeBundleHeader(v);
    else entries.set(key, proto.decodeBundleEntry(v));
  }
  return { header: header!, entries };
}
function encodeIndex(header: proto.BundleHeaderProto, entries: Map<string, proto.BundleEntryProto>): Uint8Array {
  const enc = new TextEncoder();
  const rows: [Uint8Array, Uint8Array][] = [[new Uint8Array(0), proto.encodeBundleHeader(header)]];
  for (const k of [...entries.keys()].sort()) rows.push([enc.encode(k), proto.encodeBundleEntry(entries.get(k)!)]);
  return sstable.buildTable(rows);
}

/** Every reader on checkpoint `p`: each gives the saved values or a TF error naming `p`. */
async function readAll(p: string, what: string, m: Awaited<ReturnType<typeof model>>, anyValues = false): Promise<boolean> {
  const t0 = Date.now();
  let ok = true;
  const r = outcome(() => {
    const rd = tf.train.NewCheckpointReader(p);
    return { a: rd.getTensor('a').toArray(), b: rd.getTensor('b').toArray(), shapes: rd.getVariableToShapeMap() };
  }, ALLOWED, p, `NewCheckpointReader ${what}`);
  if (r && !anyValues) expect({ a: r.value.a, b: r.value.b }, what).toEqual(saved);
  if (!r) ok = false;
  const l = outcome(() => tf.train.listVariables(p), ALLOWED, p, `listVariables ${what}`);
  if (l) expect(l.value.map(([k]) => k).sort(), what).toEqual(['a', 'b']);
  const v = outcome(() => tf.train.loadVariable(p, 'a'), ALLOWED, p, `loadVariable ${what}`);
  if (v) expect(Array.from((v.value as { data: ArrayLike<number> }).data ?? []).length >= 0).toBe(true);
  // initFromCheckpoint builds its assignment in a fresh graph
  const g = new tf.Graph();
  g.asDefault(() => {
    const x = tf.getVariable('x', { shape: [3], initializer: tf.zerosInitializer() });
    try {
      tf.train.initFromCheckpoint(p, { a: x });
    } catch (e) {
      // TF's init_from_checkpoint compares the shapes the reader lists with the variable's (ValueError)
      if (!(e instanceof ValueError && /doesn't match with shape of tensor a/.test(e.message))) checkError(e, ALLOWED, p, `initFromCheckpoint ${what}`);
    }
  });
  // Saver.restore is all or nothing
  for (const [k, vv] of Object.entries(m.vars)) await m.sess.run(m.g.asDefault(() => tf.assign(vv, tf.constant((other as Record<string, unknown>)[k] as number[], k === 'b' ? 'int32' : 'float32'))));
  let err: unknown = null;
  const got = await outcomeAsync(() => m.saver.restore(m.sess, p).catch((e: unknown) => {
    err = e;
    throw e;
  }), ALLOWED, null, `Saver.restore ${what}`);
  // TF's dtype and shape checks against the graph name the tensor, not the file; every other failure names the file
  if (err && !/does not equal original dtype|Assign requires shapes of both tensors to match/.test((err as Error).message)) expect((err as Error).message, what).toContain(p);
  if (got === null || !anyValues) expect(await values(m), what).toEqual(got === null ? other : saved);
  expect(Date.now() - t0, what).toBeLessThan(5000);
  return ok && got !== null;
}

describe('targeted index corruptions', () => {
  it('header: shard counts 0, 2, 2^31, 2^53; big-endian (read swapped) and unknown endianness; producer/min_consumer/bad_consumers refusing this reader', async () => {
    const { index, data } = await ready;
    const m = await model();
    const { header, entries } = decodeIndex(index);
    expect(await readAll(copyWith(index, data), 'intact', m)).toBe(true);
    // tsflow reads big-endian bundles (swapping bytes): a header flipped to BIG reads swapped values
    expect(await readAll(copyWith(encodeIndex({ ...header, endianness: proto.ENDIANNESS_BIG }, entries), data), 'big endian', m, true)).toBe(true);
    const cases: [string, proto.BundleHeaderProto, boolean | null][] = [
      ['num_shards 0', { ...header, numShards: 0 }, null],
      ['num_shards 2', { ...header, numShards: 2 }, false],
      ['num_shards 2^31', { ...header, numShards: 2 ** 31 }, false],
      ['num_shards 2^53', { ...header, numShards: 2 ** 53 }, false],
      ['endianness 7', { ...header, endianness: 7 }, false],
      ['min_consumer 999', { ...header, version: { ...header.version, minConsumer: 999 } }, false],
      ['bad consumer 1', { ...header, version: { ...header.version, badConsumers: [1] } }, false],
    ];
    for (const [what, h, expectOk] of cases) {
      const ok = await readAll(copyWith(encodeIndex(h, entries), data), what, m);
      if (expectOk !== null) expect(ok, what).toBe(expectOk);
    }
    await m.sess.close();
  });

  it('entries: dtype 0, 9999, DT_STRING; shapes [2^31], [2^53], [-5], [4] for 3 values; shard 1, 2^31; offset/size past the data, 2^53; wrong crc; a slice', async () => {
    const { index, data } = await ready;
    const m = await model();
    const { header, entries } = decodeIndex(index);
    const a = entries.get('a')!;
    const cases: [string, Partial<proto.BundleEntryProto>][] = [
      ['dtype 0', { dtype: 0 }],
      ['dtype 9999', { dtype: 9999 }],
      ['dtype string', { dtype: 7 }],
      ['dtype int32', { dtype: 3 }], // same width: read as the float bits reinterpreted, as TF would
      ['shape [2^31]', { shape: { dims: [{ size: 2 ** 31 }], unknownRank: false } }],
      ['shape [2^53]', { shape: { dims: [{ size: 2 ** 53 }], unknownRank: false } }],
      ['shape [2^31, 2^31]', { shape: { dims: [{ size: 2 ** 31 }, { size: 2 ** 31 }], unknownRank: false } }],
      ['shape [-5]', { shape: { dims: [{ size: -5 }], unknownRank: false } }],
      ['shape [4] for 3 values', { shape: { dims: [{ size: 4 }], unknownRank: false } }],
      ['unknown rank', { shape: { dims: [], unknownRank: true } }],
      ['shard 1', { shardId: 1 }],
      ['shard 2^31', { shardId: 2 ** 31 }],
      ['offset past the data', { offset: data.length + 8 }],
      ['offset 2^53', { offset: 2 ** 53 }],
      ['size 2^31', { size: 2 ** 31 }],
      ['size 2^53', { size: 2 ** 53 }],
      ['size 0', { size: 0 }],
      ['size one short', { size: a.size - 1 }],
      ['crc wrong', { crc32c: (a.crc32c ^ 1) >>> 0 }],
      ['a slice', { slices: [{ extents: [{ start: 0, length: 3 }] }] }],
      ['a slice of 2^53', { slices: [{ extents: [{ start: 2 ** 53, length: 2 ** 53 }] }] }],
    ];
    let failed = 0;
    for (const [what, change] of cases) {
      const e2 = new Map(entries);
      e2.set('a', { ...a, ...change });
      if (!(await readAll(copyWith(encodeIndex(header, e2), data), what, m, what === 'dtype int32'))) failed++;
    }
    expect(failed).toBeGreaterThanOrEqual(cases.length - 2);
    await m.sess.close();
  });

  it('table: every truncation of the index, footer handles of 2^40 and 2^63, block compression type 7 and trailer crc, a missing or short data file', async () => {
    const { index, data } = await ready;
    const m = await model();
    for (let at = 0; at < index.length; at += Math.max(1, Math.floor(index.length / 120))) {
      expect(await readAll(copyWith(index.subarray(0, at), data), `index cut at ${at}`, m)).toBe(false);
    }
    const f = index.length - sstable.FOOTER_SIZE;
    const withBytes = (at: number, bytes: number[]): Uint8Array => {
      const b = index.slice();
      b.set(bytes, at);
      return b;
    };
    const huge40 = [0x80, 0x80, 0x80, 0x80, 0x80, 0x20];
    const huge63 = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f];
    const t = new sstable.TableReader(index);
    const blocks = t.dataBlocks();
    const trailer = blocks[0]!.handle.offset + blocks[0]!.handle.size;
    for (const [what, b] of [
      ['metaindex offset 2^40', withBytes(f, huge40)],
      ['metaindex offset 2^63', withBytes(f, huge63)],
      ['index handle 2^40', withBytes(f + 2, huge40)],
      ['block compression 7', withBytes(trailer, [7])],
      ['block crc', withBytes(trailer + 1, [index[trailer + 1]! ^ 0xff])],
    ] as [string, Uint8Array][]) {
      expect(await readAll(copyWith(b, data), what, m), what).toBe(false);
    }
    expect(await readAll(copyWith(index, null), 'no data file', m)).toBe(false);
    for (const cut of [0, 1, data.length - 1]) expect(await readAll(copyWith(index, data.subarray(0, cut)), `data cut at ${cut}`, m)).toBe(false);
    // a data file longer than the entries say is fine (TF reads only the entries' ranges)
    expect(await readAll(copyWith(index, Uint8Array.from([...data, 1, 2, 3])), 'data with a tail', m)).toBe(true);
    await m.sess.close();
  });
});


describe('string tensors in a bundle', () => {
  it('every truncation and every single-byte flip of a string tensor\'s data, and shapes claiming 2^31 / 2^32 / 2^40 strings, read exactly or fail with DataLossError naming the file', async () => {
    const p = join(dir, 'strings', 'model.ckpt');
    mkdirSync(join(dir, 'strings'));
    const words = ['', 'a', 'hello', 'x'.repeat(200)];
    await writeBundle(p, [{ name: 's', array: new StringTensor(words.map((w) => new TextEncoder().encode(w)), [4]) }]);
    const index = new Uint8Array(readFileSync(metaFilename(p)));
    const data = new Uint8Array(readFileSync(dataFilename(p, 0, 1)));
    const read = (q: string, what: string): string[] | null => {
      const t0 = Date.now();
      const r = outcome(() => tf.train.NewCheckpointReader(q).getStringTensor('s').bytes.map((b) => new TextDecoder().decode(b)), [DataLossError, InvalidArgumentError], q, what);
      expect(Date.now() - t0, what).toBeLessThan(3000);
      return r ? r.value : null;
    };
    expect(read(p, 'intact')).toEqual(words);
    for (let at = 0; at < data.length; at++) expect(read(copyWith(index, data.subarray(0, at)), `data cut at ${at}`), `cut at ${at}`).toBeNull();
    for (let at = 0; at < data.length; at += 3) {
      const d = data.slice();
      d[at] ^= 0x41;
      expect(read(copyWith(index, d), `flip at ${at}`), `flip at ${at}`).toBeNull(); // lengths and bytes are both under a crc
    }
    const { header, entries } = decodeIndex(index);
    for (const size of [2 ** 31, 2 ** 32, 2 ** 40, 2 ** 53]) {
      const e2 = new Map(entries);
      e2.set('s', { ...entries.get('s')!, shape: { dims: [{ size }], unknownRank: false } });
      expect(read(copyWith(encodeIndex(header, e2), data), `shape [${size}]`), `shape [${size}]`).toBeNull();
    }
  });
});
