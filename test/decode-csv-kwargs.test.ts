/**
 * tf.decodeCsv takes TF1's keyword arguments in a trailing object, `record_defaults` included:
 * `tf.decode_csv(value, record_defaults=[[0.], [0]], field_delim=';')` is
 * `tf.decodeCsv(value, {recordDefaults: [[0.0], tf.constant([0], tf.int32)], fieldDelim: ';'})`; the positional forms
 * still work, and a missing recordDefaults is TF's missing-argument TypeError.
 */
import { expect, it } from 'vitest';
import * as tf from 'tsflow';

it('decodeCsv: recordDefaults and the other parameters by keyword or position', async () => {
  tf.resetDefaultGraph();
  const lines = tf.constant(['1.5;7', '-2;']);
  const nine = tf.constant([9], tf.int32);
  const a = tf.decodeCsv(lines, { recordDefaults: [[0.0], nine], fieldDelim: ';' });
  const b = tf.decodeCsv(lines, [[0.0], nine], ';');
  const c = tf.decodeCsv({ records: lines, recordDefaults: [[0.0], nine], fieldDelim: ';' });
  const d = tf.io.decodeCsv(lines, [[0.0], nine], { fieldDelim: ';', name: 'csv' });
  expect(a.map((t) => t.dtype)).toEqual(['float32', 'int32']);
  expect(d[0]!.op.name).toBe('csv');
  const sess = new tf.Session();
  const r = (await sess.run([a, b, c, d])) as tf.NDArray[][];
  for (const cols of r) {
    expect(cols[0]!.toArray()).toEqual([1.5, -2]);
    expect(cols[1]!.toArray()).toEqual([7, 9]);
  }
  await sess.close();
  expect(() => tf.decodeCsv(lines, { fieldDelim: ';' } as never)).toThrow("decode_csv() missing 1 required positional argument: 'recordDefaults'");
  expect(() => tf.decodeCsv(lines, { recordDefaults: [[0]], delim: ';' } as never)).toThrow("decode_csv() got an unexpected keyword argument 'delim'");
});
