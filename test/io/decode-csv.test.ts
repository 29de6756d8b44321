/**
 * tf.io.decodeCsv (tf.decodeCsv): columns in their defaults' dtypes, defaults for empty and
 * NA fields, quoted fields, another delimiter, selected columns, and TF1's errors; also as a
 * TextLineDataset map function.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import { TextLineDataset } from '../../src/data/dataset.js';

async function run<T>(build: () => T): Promise<unknown> {
  const g = new tf.Graph();
  const fetches = g.asDefault(build);
  await using sess = new tf.Session({ graph: g });
  return await sess.run(fetches as never);
}
const int = (v: number[]): tf.Tensor => tf.constant(v, tf.int32, [v.length]);
const vals = (xs: unknown): unknown[] => (xs as tf.NDArray[]).map((x) => x.toArray());

describe('tf.io.decodeCsv', () => {
  it('parses columns in the defaults dtypes, with defaults, quotes, delimiters and selected columns', async () => {
    const recs = ['1,2.5,x,7', ',,"a,""b""",', '-3,1e2,,9'];
    const out1 = (await run(() => tf.io.decodeCsv(recs, [int([0]), [1.5], ['dflt'], tf.constant([4], tf.int64, [1])]))) as tf.NDArray[];
    expect(vals(out1)).toEqual([[1, 0, -3], [2.5, 1.5, 100], ['x', 'a,"b"', 'dflt'], [7, 4, 9]]);
    expect(out1.map((o) => o.dtype)).toEqual(['int32', 'float32', 'string', 'int64']);
    expect(vals(await run(() => tf.decodeCsv(tf.constant(['a|1', 'NA|2']), [['?'], int([0])], { fieldDelim: '|', naValue: 'NA' })))).toEqual([['a', '?'], [1, 2]]);
    expect(vals(await run(() => tf.io.decodeCsv(['1,2,3,4'], [int([0]), int([0])], { selectCols: [1, 3] })))).toEqual([[2], [4]]);
    const out = (await run(() => tf.io.decodeCsv(tf.constant(['1,2', '3,4'], tf.string, [2, 1]), [int([0]), int([0])]))) as tf.NDArray[];
    expect(out[0]!.shape).toEqual([2, 1]);
    expect(vals(out)).toEqual([[[1], [3]], [[2], [4]]]);
  });

  it('reads a CSV file through TextLineDataset.skip(1).map(decodeCsv)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-csv-'));
    const file = path.join(dir, 'data.csv');
    fs.writeFileSync(file, 'x,label\n0.5,1\n1.5,0\n');
    const rows = await run(() => new TextLineDataset(file).skip(1).map((line: tf.Tensor) => tf.io.decodeCsv(line, [[0.0], int([0])])).batch(2).makeOneShotIterator().getNext());
    expect(vals(rows)).toEqual([[0.5, 1.5], [1, 0]]);
    fs.rmSync(dir, { recursive: true });
  });

  it("TF1's errors", async () => {
    await expect(run(() => tf.io.decodeCsv(['1,2'], [int([0]), int([0]), int([0])]))).rejects.toThrow('Expect 3 fields but have 2 in record 0');
    await expect(run(() => tf.io.decodeCsv(['1,'], [int([0]), tf.constant([], tf.int32, [0])]))).rejects.toThrow('Field 1 is required but missing in record 0!');
    await expect(run(() => tf.io.decodeCsv(['1,x'], [int([0]), int([0])]))).rejects.toThrow('Field 1 in record 0 is not a valid int32: x');
    await expect(run(() => tf.io.decodeCsv(['1.5q'], [[0.5]]))).rejects.toThrow('Field 0 in record 0 is not a valid float: 1.5q');
    await expect(run(() => tf.io.decodeCsv(['"a"b'], [['']]))).rejects.toThrow(/Quote inside a string has to be escaped by another quote/);
    await expect(run(() => tf.io.decodeCsv(['a"b'], [['']]))).rejects.toThrow(/Unquoted fields cannot have quotes\/CRLFs inside/);
    expect(() => new tf.Graph().asDefault(() => tf.io.decodeCsv(['a'], [['']], { fieldDelim: '::' }))).toThrow('field_delim should be only 1 char');
    expect(() => new tf.Graph().asDefault(() => tf.io.decodeCsv(['a'], [[''], ['']], { selectCols: [2, 1] }))).toThrow('select_cols is not strictly increasing.');
  });
});
