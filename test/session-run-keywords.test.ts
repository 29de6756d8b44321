// Session.run's keyword form: TF1's `sess.run(y, feed_dict={x: v}, options=..., run_metadata=...)`
// ported with a trailing object, `sess.run(y, {feedDict: [[x, v]], options, runMetadata})`.
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';

describe('Session.run keyword parameters', () => {
  it('takes {feedDict} as the feed dict, in every feed-dict form', async () => {
    tf.resetDefaultGraph();
    const x = tf.placeholder(tf.float32, [2], 'x');
    const y = tf.multiply(x, 3);
    const sess = new tf.Session();
    const want = [3, 6];
    expect(Array.from(((await sess.run(y, { feedDict: [[x, [1, 2]]] })) as tf.NDArray).data)).toEqual(want);
    expect(Array.from(((await sess.run(y, { feedDict: new Map([[x, [1, 2]]]) })) as tf.NDArray).data)).toEqual(want);
    expect(Array.from(((await sess.run(y, { feedDict: { 'x:0': [1, 2] } })) as tf.NDArray).data)).toEqual(want);
    // a plain name-keyed feed dict is still a feed dict
    expect(Array.from(((await sess.run(y, { 'x:0': [1, 2] })) as tf.NDArray).data)).toEqual(want);
  });

  it('takes options and runMetadata by keyword', async () => {
    tf.resetDefaultGraph();
    const x = tf.placeholder(tf.float32, [], 'x');
    const y = tf.square(x);
    const sess = new tf.Session();
    const runMetadata = new tf.RunMetadata();
    const options = new tf.RunOptions({ traceLevel: tf.RunOptions.FULL_TRACE });
    const out = (await sess.run(y, { feedDict: [[x, 3]], options, runMetadata })) as tf.NDArray;
    expect(out.data[0]).toBe(9);
    expect(runMetadata.stepStats.devStats.flatMap((d) => d.nodeStats.map((n) => n.nodeName))).toContain("Square");
  });

  it('a missing feed under {feedDict} fails as TF1 does', async () => {
    tf.resetDefaultGraph();
    const x = tf.placeholder(tf.float32, [], 'x');
    const sess = new tf.Session();
    await expect(sess.run(tf.square(x), { feedDict: [] })).rejects.toThrow(/You must feed a value for placeholder tensor 'x'/);
  });
});
