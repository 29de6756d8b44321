/**
 * TF1's readers (TFRecordReader, TextLineReader, FixedLengthRecordReader, WholeFileReader,
 * IdentityReader) over a queue of file names: TF's keys, record values, readUpTo,
 * numRecordsProduced / numWorkUnitsCompleted, reset, the end of the file queue, DataLossError
 * naming a malformed file; readFile / writeFile / matchingFiles / matchFilenamesOnce.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';

const R = (sess: tf.Session, f: unknown): any => sess.runSync(f);
const text = (a: tf.NDArray): string[] => (a.toArray() as unknown as (string | Uint8Array)[] | string | Uint8Array as never as string[]).map ? (a.toArray() as unknown as string[]) : [String(a.toArray())];
const one = (a: tf.NDArray): string => String(a.toArray());
const dir = mkdtempSync(join(tmpdir(), 'tsflow-readers-'));

/** A closed FIFOQueue of these file names. */
function files(names: string[]) {
  const q = new tf.FIFOQueue(10, [tf.string], [[]]);
  return { q, fill: q.enqueueMany([names]), close: q.close() };
}

describe('readers', () => {
  it('TFRecordReader: file:offset keys, GZIP option, counters, reset, OutOfRangeError after the last file', () => {
    const a = join(dir, 'a.tfrecord');
    const b = join(dir, 'b.tfrecord.gz');
    const w = new tf.io.TFRecordWriter(a);
    w.write('one');
    w.write('three');
    w.close();
    const wz = new tf.io.TFRecordWriter(b, new tf.io.TFRecordOptions('GZIP'));
    wz.write('zipped');
    wz.close();
    const g = new tf.Graph();
    const m = g.asDefault(() => {
      const plain = files([a]);
      const gz = files([b]);
      const r = new tf.TFRecordReader();
      const rz = new tf.TFRecordReader({ options: new tf.io.TFRecordOptions(tf.io.TFRecordCompressionType.GZIP) });
      return { plain, gz, r, rz, read: r.read(plain.q), readZ: rz.read(gz.q), n: r.numRecordsProduced(), done: r.numWorkUnitsCompleted(), reset: r.reset() };
    });
    expect(m.r.readerRef.op.type).toBe('TFRecordReaderV2');
    expect(m.read[0].op.type).toBe('ReaderReadV2');
    const sess = new tf.Session({ graph: g });
    R(sess, [m.plain.fill, m.plain.close, m.gz.fill, m.gz.close]);
    const [k1, v1] = R(sess, m.read);
    expect([one(k1), one(v1)]).toEqual([`${a}:0`, 'one']);
    const [k2, v2] = R(sess, m.read);
    // the second record starts after the first's 16 framing bytes and 3 data bytes
    expect([one(k2), one(v2)]).toEqual([`${a}:19`, 'three']);
    expect(Number(R(sess, m.n).data[0])).toBe(2);
    expect(Number(R(sess, m.done).data[0])).toBe(0);
    expect(() => R(sess, m.read)).toThrow(tf.errors.OutOfRangeError);
    expect(() => R(sess, m.read)).toThrow("FIFOQueue '_0_fifo_queue' is closed and has insufficient elements (requested 1, current size 0)");
    expect(Number(R(sess, m.done).data[0])).toBe(1);
    R(sess, m.reset);
    expect(Number(R(sess, m.n).data[0])).toBe(0);
    const [kz, vz] = R(sess, m.readZ);
    expect([one(kz), one(vz)]).toEqual([`${b}:0`, 'zipped']);
  });

  it('a corrupted or missing TFRecord file: DataLossError / NotFoundError naming the file', () => {
    const bad = join(dir, 'bad.tfrecord');
    const w = new tf.io.TFRecordWriter(bad);
    w.write('payload');
    w.close();
    const bytes = readFileSync(bad);
    bytes[14] ^= 0xff;
    writeFileSync(bad, bytes);
    const g = new tf.Graph();
    const m = g.asDefault(() => {
      const f = files([bad, join(dir, 'missing.tfrecord')]);
      return { f, read: new tf.TFRecordReader().read(f.q) };
    });
    const sess = new tf.Session({ graph: g });
    R(sess, m.f.fill);
    let err: unknown = null;
    try {
      R(sess, m.read);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(tf.errors.DataLossError);
    expect((err as Error).message).toBe(`corrupted record at 0 in ${bad}`);
    err = null;
    try {
      R(sess, m.read);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(tf.errors.NotFoundError);
    expect((err as Error).message.startsWith(`${join(dir, 'missing.tfrecord')}; No such file or directory`)).toBe(true);
  });

  it('TextLineReader: skipHeaderLines, file:line keys from 1, CRLF ends; readUpTo stops at a file end', () => {
    const a = join(dir, 'a.csv');
    const b = join(dir, 'b.csv');
    writeFileSync(a, 'h1,h2\r\n1,2\r\n\r\n3,4');
    writeFileSync(b, 'h\n5\n6\n');
    const g = new tf.Graph();
    const m = g.asDefault(() => {
      const f = files([a, b]);
      const r = new tf.TextLineReader({ skipHeaderLines: 1 });
      return { f, read: r.read(f.q), upTo: r.readUpTo(f.q, 5) };
    });
    const sess = new tf.Session({ graph: g });
    R(sess, [m.f.fill, m.f.close]);
    const [k, v] = R(sess, m.read);
    expect([one(k), one(v)]).toEqual([`${a}:2`, '1,2']);
    const [ks, vs] = R(sess, m.upTo) as [tf.NDArray, tf.NDArray];
    expect(text(ks)).toEqual([`${a}:3`, `${a}:4`]);
    expect(text(vs)).toEqual(['', '3,4']);
    const [ks2, vs2] = R(sess, m.upTo) as [tf.NDArray, tf.NDArray];
    expect(text(ks2)).toEqual([`${b}:2`, `${b}:3`]);
    expect(text(vs2)).toEqual(['5', '6']);
    expect(() => R(sess, m.upTo)).toThrow(tf.errors.OutOfRangeError);
  });

  it('FixedLengthRecordReader: header, footer, hop bytes; a last partial record is dropped; GZIP encoding', async () => {
    const a = join(dir, 'fixed.bin');
    writeFileSync(a, Uint8Array.from({ length: 12 }, (_, i) => i));
    const z = join(dir, 'fixed.bin.gz');
    const zlib = await import('node:zlib');
    writeFileSync(z, zlib.gzipSync(Uint8Array.from([9, 8, 7, 6, 5, 4, 3])));
    const g = new tf.Graph();
    const m = g.asDefault(() => {
      const f = files([a]);
      const fz = files([z]);
      // records of 3 bytes every 2 bytes in bytes 2..10 (header 2, footer 1): [2,3,4] [4,5,6] [6,7,8] [8,9,10]
      const r = new tf.FixedLengthRecordReader(3, 2, 1, 2);
      const rz = new tf.FixedLengthRecordReader({ recordBytes: 2, encoding: 'GZIP' });
      const [k, v] = r.read(f.q);
      const [kz, vz] = rz.read(fz.q);
      return { f, fz, k, v: tf.decodeRaw(v, tf.uint8), kz, vz: tf.decodeRaw(vz, tf.uint8) };
    });
    expect(() => new tf.FixedLengthRecordReader(0)).toThrow('record_bytes must be a positive integer, got 0');
    const sess = new tf.Session({ graph: g });
    R(sess, [m.f.fill, m.f.close, m.fz.fill, m.fz.close]);
    const got: [string, number[]][] = [];
    for (let i = 0; i < 4; i++) {
      const [k, v] = R(sess, [m.k, m.v]);
      got.push([one(k), [...v.data]]);
    }
    expect(got).toEqual([[`${a}:0`, [2, 3, 4]], [`${a}:1`, [4, 5, 6]], [`${a}:2`, [6, 7, 8]], [`${a}:3`, [8, 9, 10]]]);
    expect(() => R(sess, m.v)).toThrow(tf.errors.OutOfRangeError);
    const zs: number[][] = [];
    for (let i = 0; i < 3; i++) zs.push([...R(sess, m.vz).data]);
    expect(zs).toEqual([[9, 8], [7, 6], [5, 4]]);
    expect(() => R(sess, m.vz)).toThrow(tf.errors.OutOfRangeError);
  });

  it('WholeFileReader, IdentityReader, readFile, writeFile, matchingFiles, matchFilenamesOnce', () => {
    const g = new tf.Graph();
    const sub = join(dir, 'made', 'deeper');
    const m = g.asDefault(() => {
      const write = tf.group([tf.io.writeFile(join(sub, 'x1.txt'), 'first'), tf.writeFile(join(sub, 'x2.txt'), 'second'), tf.writeFile(join(sub, 'y.txt'), 'other')]);
      const pattern = join(sub, 'x?.txt');
      const matched = tf.matchingFiles(pattern);
      const once = tf.train.matchFilenamesOnce(pattern);
      const q = new tf.FIFOQueue(10, [tf.string], [[]]);
      const fill = q.enqueueMany([matched]);
      const whole = new tf.WholeFileReader().read(q);
      const ids = new tf.FIFOQueue(10, [tf.string], [[]]);
      const ident = new tf.IdentityReader().readUpTo(ids, 2);
      const idFill = ids.enqueueMany([['w1', 'w2', 'w3']]);
      return { idFill, write, matched, once, fill, whole, ids, ident, content: tf.io.readFile(join(sub, 'y.txt')), missing: tf.readFile(join(dir, 'nope')) };
    });
    expect(m.once.op.name).toBe('matching_filenames');
    const sess = new tf.Session({ graph: g });
    R(sess, m.write);
    expect(text(R(sess, m.matched))).toEqual([join(sub, 'x1.txt'), join(sub, 'x2.txt')]);
    expect(text(R(sess, m.once))).toEqual([join(sub, 'x1.txt'), join(sub, 'x2.txt')]);
    writeFileSync(join(sub, 'x3.txt'), 'late');
    // listed once: a file made later is not in it; matchingFiles sees it
    expect(text(R(sess, m.once)).length).toBe(2);
    expect(text(R(sess, m.matched)).length).toBe(3);
    expect(one(R(sess, m.content))).toBe('other');
    expect(() => R(sess, m.missing)).toThrow(tf.errors.NotFoundError);
    R(sess, m.fill);
    const [k, v] = R(sess, m.whole);
    expect([one(k), one(v)]).toEqual([join(sub, 'x1.txt'), 'first']);
    R(sess, m.idFill);
    const [ik, iv] = R(sess, m.ident) as [tf.NDArray, tf.NDArray];
    // each work unit is one record: readUpTo returns at the end of one
    expect([text(ik), text(iv)]).toEqual([['w1'], ['w1']]);
  });
});
