/**
 * tf.data.experimental's CSV sources and grouping transformations, TF 1.15's behaviour read off
 * csv_dataset_op.cc, readers.py and grouping.py, with the expected values worked out from the
 * input text by those rules: CsvDataset (quotes, embedded delimiters, line breaks and doubled
 * quotes, CRLF, NA values, headers, selectCols, defaults for missing fields, other delimiters,
 * GZIP and ZLIB files, TF's error texts, the record after a bad one), makeCsvDataset (names from
 * the header, readers.py's type inference, labelName, selectColumns, epochs), groupByWindow (the
 * TF docs' even/odd example, windows flushed at the end smallest key first, windowSizeFunc),
 * groupByReducer, bucketBySequenceLength, scan (running sums), Counter, enumerateDataset,
 * getSingleElement, and the tf.contrib.data names.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { afterAll, describe, expect } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray, Tensor } from 'tsflow';
import { registerSkipSummary, resolvedDevices } from './conformance/harness.js';
import { drain, onDevice } from './support/data.js';
import { thrown } from './support/errors.js';

registerSkipSummary();
const devices = await resolvedDevices();
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-csv-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

let fileNo = 0;
function csvFile(text: string | Buffer, suffix = '.csv'): string {
  const name = path.join(root, `f${fileNo++}${suffix}`);
  fs.writeFileSync(name, text);
  return name;
}

const exp = tf.data.experimental;
const Dataset = tf.data.Dataset;
const dec = new TextDecoder();
/** An NDArray's values as plain JS: numbers, or strings for string tensors. */
function plain(a: NDArray): unknown {
  const v = Array.from(a.data as ArrayLike<unknown>, (x) => (x instanceof Uint8Array ? dec.decode(x) : Number(x)));
  return a.shape.length === 0 ? v[0] : v;
}
const rows = (els: NDArray[][]): unknown[][] => els.map((r) => r.map(plain));

/** Runs `next` until the end, recording each element or the error text of each failing getNext. */
async function outcomes(sess: tf.Session, next: unknown): Promise<unknown[]> {
  const out: unknown[] = [];
  for (;;) {
    try {
      out.push((await sess.run(next as Tensor[])).map(plain));
    } catch (e) {
      if (e instanceof tf.errors.OutOfRangeError) return out;
      expect(e).toBeInstanceOf(tf.errors.InvalidArgumentError);
      out.push(`error: ${(e as Error).message.split('\n')[0]}`);
    }
    if (out.length > 50) throw new Error('no end of sequence');
  }
}

for (const dev of devices) {
  describe(`CsvDataset [${dev.name}]`, () => {
    const { test, setup } = onDevice(dev);
    const csv = (files: string | string[], defaults: unknown[], opts: Record<string, unknown> = {}) =>
      new exp.CsvDataset(files, defaults, opts).makeOneShotIterator().getNext() as Tensor[];

    test('quoted fields keep delimiters, line breaks and doubled quotes; CRLF and CR end records; dtypes from the defaults', async () => {
      const f = csvFile('"a,b",1,2.5\r\n"say ""hi""",-2,3\r"two\nlines",+7,-1e3\nplain,0,0.125');
      const { sess, t } = setup(() => csv(f, ['string', tf.constant([0], 'int32'), tf.constant([0], 'float64')]));
      expect(t.map((x) => x.dtype)).toEqual(['string', 'int32', 'float64']);
      expect(t.map((x) => x.shape)).toEqual([[], [], []]);
      const got = rows(await drain(sess, t));
      expect(got).toEqual([['a,b', 1, 2.5], ['say "hi"', -2, 3], ['two\nlines', 7, -1000], ['plain', 0, 0.125]]);
    });

    test('header skipped in every file; empty and NA fields take the defaults; selectCols picks columns', async () => {
      const f1 = csvFile('x,y,z,w\n1,,3,foo\nNA,5,NA,bar\n');
      const f2 = csvFile('x,y,z,w\n7,8,9,\n');
      const { sess, t } = setup(() => [
        csv([f1, f2], [tf.constant(-1, 'int64'), tf.constant(-2, 'int32'), tf.constant(-3.5), tf.constant('none')], { header: true, naValue: 'NA' }),
        csv([f1, f2], [tf.constant(0, 'int32'), 'string'], { header: true, selectCols: [1, 3] }),
      ]);
      expect(rows(await drain(sess, t[0]))).toEqual([[1, -2, 3, 'foo'], [-1, 5, -3.5, 'bar'], [7, 8, 9, 'none']]);
      // without naValue 'NA' stays text in the string column; the empty int field takes 0; the empty string one is required
      expect(await outcomes(sess, t[1])).toEqual([[0, 'foo'], [5, 'bar'], 'error: Field 1 is required but missing in record!']);
    });

    test("other delimiters; useQuoteDelim false reads quotes as characters; a file without a final newline", async () => {
      const f = csvFile('"a"|b"c|1\n"d|e|2');
      const { sess, t } = setup(() => csv(f, ['string', 'string', 'int32'], { fieldDelim: '|', useQuoteDelim: false }));
      expect(rows(await drain(sess, t))).toEqual([['"a"', 'b"c', 1], ['"d', 'e', 2]]);
    });

    test('GZIP and ZLIB files, one of several buffer sizes', async () => {
      const text = 'p,q\n"1,5",2\n3,"4"\n';
      const gz = csvFile(zlib.gzipSync(Buffer.from(text)), '.csv.gz');
      const zl = csvFile(zlib.deflateSync(Buffer.from(text)), '.csv.z');
      const { sess, t } = setup(() => [
        csv(gz, ['string', 'int64'], { compressionType: 'GZIP', header: true, bufferSize: 3 }),
        csv(zl, ['string', 'int64'], { compressionType: 'ZLIB', header: true }),
      ]);
      expect(rows(await drain(sess, t[0]))).toEqual([['1,5', 2], ['3', 4]]);
      expect(rows(await drain(sess, t[1]))).toEqual([['1,5', 2], ['3', 4]]);
    });

    test("bad records fail with TF's texts and the next getNext goes on with the record after; ignoreErrors skips them", async () => {
      // a quote inside a quoted field is noted and the field read on to a quote that closes it ("a"b" ends at `",`)
      const f = csvFile('1,2,3\n4,5\n6,7,8,9\nx,1,2\n1,"a"b",3\n1,a"b,3\n,2,3\n10,11,12\n1,"open,1,2\n');
      const defaults = [tf.constant([], 'int32'), 'string', tf.constant(0, 'int64')];
      const { sess, t } = setup(() => [
        csv(f, defaults),
        new exp.CsvDataset(f, defaults).apply(exp.ignoreErrors()).makeOneShotIterator().getNext() as Tensor[],
      ]);
      expect(await outcomes(sess, t[0])).toEqual([
        [1, '2', 3],
        'error: Expect 3 fields but have 2 in record',
        'error: Expect 3 fields but have more in record',
        'error: Field 0 in record is not a valid int32: x',
        'error: Quote inside a string has to be escaped by another quote',
        'error: Unquoted fields cannot have quotes inside',
        'error: Field 0 is required but missing in record!',
        [10, '11', 12],
        'error: Reached end of file without closing quoted field in record',
      ]);
      expect(rows(await drain(sess, t[1]))).toEqual([[1, '2', 3], [10, '11', 12]]);
    });

    test('an empty file with a header to skip; a numeric field out of range', async () => {
      const empty = csvFile('');
      const big = csvFile('2147483648\n');
      const { sess, t } = setup(() => [csv(empty, ['int32'], { header: true }), csv(big, ['int32']), csv(big, ['int64'])]);
      expect(await outcomes(sess, t[0])).toEqual(["error: Can't read header of file"]);
      expect(await outcomes(sess, t[1])).toEqual(['error: Field 0 in record is not a valid int32: 2147483648']);
      expect(rows(await drain(sess, t[2]))).toEqual([[2147483648]]);
    });

    test("the arguments' errors", async () => {
      const f = csvFile('1\n');
      const e = (fn: () => unknown): string => thrown(() => tf.Graph.prototype.asDefault.call(new tf.Graph(), fn)).message;
      expect(e(() => new exp.CsvDataset(f, ['int32'], { compressionType: 'BZ2' }))).toBe('Unsupported compression_type: BZ2.');
      expect(e(() => new exp.CsvDataset(f, ['int32'], { fieldDelim: '||' }))).toBe('field_delim should be only 1 char');
      expect(e(() => new exp.CsvDataset(f, ['int32'], { bufferSize: 0 }))).toBe('buffer_size should be positive');
      expect(e(() => new exp.CsvDataset(f, ['int32', 'int32'], { selectCols: [1] }))).toBe('select_cols should match output size');
      expect(e(() => new exp.CsvDataset(f, ['int32', 'int32'], { selectCols: [2, 1] }))).toBe('select_cols should be strictly increasing indices');
      expect(e(() => new exp.CsvDataset(f, ['int32'], { selectCols: [-1] }))).toBe('select_cols should be non-negative indices');
      expect(e(() => new exp.CsvDataset(f, [tf.constant([1, 2], 'int32')]))).toBe('There should only be 1 default per field but field 0 has 2');
      expect(e(() => new exp.CsvDataset(f, [tf.constant(true)]))).toMatch(/record_defaults.*bool not in list of allowed values/);
    });
  });

  describe(`makeCsvDataset [${dev.name}]`, () => {
    const { test, setup } = onDevice(dev);

    test("names from the header, readers.py's type inference, labelName; every batch full when repeating", async () => {
      // id: ints → int32; score: "2" then "1.5" → float32; name: text → string; big: > int32 → int64; na: only NA → string
      const f = csvFile('id,score,name,big,na\n1,2,"a,b",3000000000,NA\n2,1.5,c,1,\n3,-4,d,-7,NA\n');
      const { sess, t } = setup(() => [
        exp.makeCsvDataset(f, 2, { labelName: 'id', shuffle: false, numEpochs: 1, naValue: 'NA' }).makeOneShotIterator().getNext(),
        exp.makeCsvDataset(f, 2, { shuffle: false, selectColumns: ['name', 0] }).makeOneShotIterator().getNext(),
      ]);
      const [features, label] = t[0] as [Record<string, Tensor>, Tensor];
      expect(Object.keys(features).sort()).toEqual(['big', 'na', 'name', 'score']);
      expect([label.dtype, features.score!.dtype, features.name!.dtype, features.big!.dtype, features.na!.dtype]).toEqual(['int32', 'float32', 'string', 'int64', 'string']);
      const batches = (await drain(sess, t[0])) as [Record<string, NDArray>, NDArray][];
      expect(batches.map(([x, y]) => [plain(y), plain(x.score!), plain(x.name!), plain(x.big!), plain(x.na!)])).toEqual([
        [[1, 2], [2, 1.5], ['a,b', 'c'], [3000000000, 1], ['', '']],
        [[3], [-4], ['d'], [-7], ['']],
      ]);
      // numEpochs unset: repeated forever, batches of a static size; selectColumns by name or index
      const sel = t[1] as Record<string, Tensor>;
      expect(Object.keys(sel).sort()).toEqual(['id', 'name']);
      expect(sel.id!.shape).toEqual([2]);
      const seen: unknown[] = [];
      for (let i = 0; i < 3; i++) {
        const b = (await sess.run(sel as never)) as Record<string, NDArray>;
        seen.push([plain(b.id!), plain(b.name!)]);
      }
      expect(seen).toEqual([[[1, 2], ['a,b', 'c']], [[3, 1], ['d', 'a,b']], [[2, 3], ['c', 'd']]]);
    });

    test('columnNames and columnDefaults given, no header; GZIP files; shuffled with a seed gives the same multiset', async () => {
      const gz = csvFile(zlib.gzipSync(Buffer.from('1,x\n2,y\n3,z\n4,w\n')), '.csv.gz');
      const { sess, t } = setup(() =>
        exp.makeCsvDataset(gz, 4, { columnNames: ['n', 's'], columnDefaults: [tf.constant(0, 'int64'), 'string'], header: false, compressionType: 'GZIP', shuffleSeed: 5, numEpochs: 1 })
          .makeOneShotIterator().getNext() as Record<string, Tensor>,
      );
      const [b] = (await drain(sess, t)) as Record<string, NDArray>[];
      const pairs = (plain(b!.n!) as number[]).map((n, i) => [n, (plain(b!.s!) as string[])[i]]);
      expect(pairs.sort()).toEqual([[1, 'x'], [2, 'y'], [3, 'z'], [4, 'w']]);
    });

    test("readers.py's errors", async () => {
      const f = csvFile('a,b,a\n1,2,3\n');
      const g = csvFile('a,b\n1,2\n');
      const e = (fn: () => unknown): string => thrown(() => new tf.Graph().asDefault(fn)).message;
      expect(e(() => exp.makeCsvDataset(f, 1))).toBe('Cannot have duplicate column names.');
      expect(e(() => exp.makeCsvDataset(g, 1, { header: false }))).toBe('Cannot infer column names without a header line.');
      expect(e(() => exp.makeCsvDataset(g, 1, { labelName: 'c' }))).toBe('`label_name` provided must be one of the columns.');
      expect(e(() => exp.makeCsvDataset(g, 1, { selectColumns: ['c'] }))).toBe("Value 'c' specified in select_columns not a valid column index or name.");
      expect(e(() => exp.makeCsvDataset(path.join(root, 'none-*.csv'), 1))).toMatch(/^No files match/);
    });
  });

  describe(`grouping and scan [${dev.name}]`, () => {
    const { test, setup } = onDevice(dev);

    test("groupByWindow: TF's docs example (range(10) by parity, windows of 5), leftover windows smallest key first, windowSizeFunc", async () => {
      const { sess, t } = setup((): [Tensor, Tensor, Tensor[]] => [
        Dataset.range(10).apply(exp.groupByWindow((x: Tensor) => tf.mod(x, 2), (_k: Tensor, d: tf.data.Dataset) => d.batch(5), 5)).makeOneShotIterator().getNext() as Tensor,
        Dataset.range(10).apply(exp.groupByWindow({ keyFunc: (x: Tensor) => tf.mod(x, 3), reduceFunc: (_k: Tensor, d: tf.data.Dataset) => d.batch(2), windowSize: 2 })).makeOneShotIterator().getNext() as Tensor,
        // key k's windows hold k + 1 elements; the reduce function sees the key
        Dataset.range(8).apply(exp.groupByWindow((x: Tensor) => tf.mod(x, 2), (k: Tensor, d: tf.data.Dataset) => Dataset.zip([Dataset.fromTensors(tf.multiply(k, 100)), d.batch(3)]), { windowSizeFunc: (k: Tensor) => tf.add(k, 1) })).makeOneShotIterator().getNext() as Tensor[],
      ]);
      expect((await drain(sess, t[0])).map(plain)).toEqual([[0, 2, 4, 6, 8], [1, 3, 5, 7, 9]]);
      // keys 0,1,2,0,1,2,0,1,2,0: [0,3] [1,4] [2,5] fill first, then [6,9]; 7 and 8 are left
      expect((await drain(sess, t[1])).map(plain)).toEqual([[0, 3], [1, 4], [2, 5], [6, 9], [7], [8]]);
      // evens one at a time (key 0), odds two at a time (key 1), each window when it fills: [0] [2] [1,3] [4] [6] [5,7]; with 100 × its key
      expect(rows(await drain(sess, t[2]))).toEqual([[0, [0]], [0, [2]], [100, [1, 3]], [0, [4]], [0, [6]], [100, [5, 7]]]);
      expect(thrown(() => exp.groupByWindow((x: Tensor) => x, (_k: Tensor, d: tf.data.Dataset) => d)).message).toBe('Must pass either window_size or window_size_func.');
      expect(thrown(() => new tf.Graph().asDefault(() => Dataset.range(3).apply(exp.groupByWindow((x: Tensor) => tf.cast(x, tf.float32), (_k: Tensor, d: tf.data.Dataset) => d, 2)))).message)
        .toBe('`key_func` must return a single tf.int64 scalar tensor.');
    });

    test('groupByReducer: per-key sums and counts, smallest key first; contrib reduceDataset', async () => {
      const { sess, t } = setup(() => {
        const r = new exp.Reducer((_k: Tensor) => [tf.constant(0, 'int64'), tf.constant(0, 'int64')], ([s, n]: Tensor[], x: Tensor) => [tf.add(s!, x), tf.add(n!, 1)], (s: Tensor, n: Tensor) => ({ sum: s, count: n }));
        return [
          Dataset.range(1, 10).apply(exp.groupByReducer((x: Tensor) => tf.mod(tf.add(x, 1), 3), r)).makeOneShotIterator().getNext(),
          tf.contrib.data.reduceDataset(Dataset.range(5), new exp.Reducer(() => tf.constant(0, 'int64'), (s: Tensor, x: Tensor) => tf.add(s, x), (s: Tensor) => tf.multiply(s, 2))),
        ];
      });
      // (x+1) % 3: key 0 ← 2,5,8; key 1 ← 3,6,9; key 2 ← 1,4,7
      const got = (await drain(sess, t[0])) as Record<string, NDArray>[];
      expect(got.map((d) => [plain(d.sum!), plain(d.count!)])).toEqual([[15, 3], [18, 3], [12, 3]]);
      expect(plain((await sess.run(t[1] as Tensor)) as NDArray)).toBe(20);
    });

    test('bucketBySequenceLength: padded to each batch\'s longest, or to the boundary − 1; the last bucket open-ended', async () => {
      const seqs = () => Dataset.range(1, 7).map((x: Tensor) => tf.fill(tf.reshape(x, [1]), x));
      const { sess, t } = setup(() => [
        seqs().apply(exp.bucketBySequenceLength((x: Tensor) => tf.size(x), [3], [2, 2])).makeOneShotIterator().getNext() as Tensor,
        seqs().apply(exp.bucketBySequenceLength((x: Tensor) => tf.size(x), [3, 8], [2, 2, 2], { padToBucketBoundary: true, paddingValues: tf.constant(-1, 'int64') })).makeOneShotIterator().getNext() as Tensor,
      ]);
      const shaped = (a: NDArray) => [a.shape, plain(a)];
      expect((await drain(sess, t[0])).map(shaped)).toEqual([
        [[2, 2], [1, 0, 2, 2]],
        [[2, 4], [3, 3, 3, 0, 4, 4, 4, 4]],
        [[2, 6], [5, 5, 5, 5, 5, 0, 6, 6, 6, 6, 6, 6]],
      ]);
      expect((await drain(sess, t[1])).map(shaped)).toEqual([
        [[2, 2], [1, -1, 2, 2]],
        [[2, 7], [3, 3, 3, -1, -1, -1, -1, 4, 4, 4, 4, -1, -1, -1]],
        [[2, 7], [5, 5, 5, 5, 5, -1, -1, 6, 6, 6, 6, 6, 6, -1]],
      ]);
    });

    test('scan: running sums and the count so far; a new iterator starts from the initial state', async () => {
      const { sess, t } = setup(() => {
        const ds = Dataset.fromTensorSlices(tf.constant([3, 1, 4, 1, 5], 'int32'))
          .apply(exp.scan({ total: tf.constant(0, 'int32'), n: tf.constant(0, 'int64') }, (s: { total: Tensor; n: Tensor }, x: Tensor) => {
            const total = tf.add(s.total, x);
            return [{ total, n: tf.add(s.n, 1) }, [total, tf.cast(s.n, tf.int32)]];
          }));
        const it = ds.makeInitializableIterator();
        return { init: it.initializer, next: it.getNext() as Tensor[] };
      });
      for (let pass = 0; pass < 2; pass++) {
        await sess.run(t.init);
        expect(rows(await drain(sess, t.next))).toEqual([[3, 0], [4, 1], [8, 2], [9, 3], [14, 4]]);
      }
      expect(thrown(() => new tf.Graph().asDefault(() => Dataset.range(3).apply(exp.scan(tf.constant(0, 'int32'), (s: Tensor, x: Tensor) => [x, s])))).message)
        .toBe('The element types for the new state must match the initial state. Expected "tf.int32"; got "tf.int64".');
    });

    test('Counter, enumerateDataset, getSingleElement', async () => {
      const { sess, t } = setup(() => [
        exp.Counter(5, -2).take(4).makeOneShotIterator().getNext() as Tensor,
        Dataset.fromTensorSlices(tf.constant([7, 8, 9], 'int32')).apply(exp.enumerateDataset(10)).makeOneShotIterator().getNext() as Tensor[],
        exp.getSingleElement(Dataset.fromTensors(tf.constant(42, 'int32'))) as Tensor,
        exp.getSingleElement(Dataset.range(2)) as Tensor,
      ]);
      expect((await drain(sess, t[0])).map(plain)).toEqual([5, 3, 1, -1]);
      expect(rows(await drain(sess, t[1]))).toEqual([[10, 7], [11, 8], [12, 9]]);
      expect(plain((await sess.run(t[2] as Tensor)) as NDArray)).toBe(42);
      const err = await sess.run(t[3] as Tensor).then(() => null, (e: Error) => e);
      expect(err).toBeInstanceOf(tf.errors.InvalidArgumentError);
      expect(err!.message.split('\n')[0]).toBe('Dataset had more than one element.');
    });

    test('tf.contrib.data: the same transformations, and the contrib-only shorthands', async () => {
      const c = tf.contrib.data;
      for (const k of ['CsvDataset', 'makeCsvDataset', 'groupByWindow', 'groupByReducer', 'Reducer', 'bucketBySequenceLength', 'scan', 'Counter', 'enumerateDataset', 'getSingleElement', 'ignoreErrors', 'mapAndBatch', 'parallelInterleave', 'shuffleAndRepeat', 'slidingWindowBatch', 'unbatch', 'sampleFromDatasets', 'chooseFromDatasets'] as const) {
        expect(c[k], k).toBe(exp[k]);
      }
      const { sess, t } = setup(() => [
        Dataset.range(7).apply(c.batchAndDropRemainder(3)).makeOneShotIterator().getNext() as Tensor,
        Dataset.range(1, 6).map((x: Tensor) => tf.fill(tf.reshape(x, [1]), x)).apply(c.paddedBatchAndDropRemainder(2, [4])).makeOneShotIterator().getNext() as Tensor,
        Dataset.range(2).apply(c.sloppyInterleave((x: Tensor) => Dataset.fromTensors(x).repeat(2), 2)).makeOneShotIterator().getNext() as Tensor,
      ]);
      expect((await drain(sess, t[0])).map(plain)).toEqual([[0, 1, 2], [3, 4, 5]]);
      expect((await drain(sess, t[1])).map(plain)).toEqual([[1, 0, 0, 0, 2, 2, 0, 0], [3, 3, 3, 0, 4, 4, 4, 4]]);
      expect((await drain(sess, t[2])).map(plain).sort()).toEqual([0, 0, 1, 1]);
    });
  });
}
