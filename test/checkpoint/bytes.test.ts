/**
 * Checkpoints without a file system: Saver.toBytes gives the bytes Saver.save writes (TF's V2
 * format, read back by the file reader), restoreFromBytes / restoreFromUrl restore them, and a
 * TensorFlow-written checkpoint restores from its bytes.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import { Saver } from '../../src/train/saver.js';
import { loadCheckpoint } from '../../src/train/checkpoint-api.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/tf-checkpoints', import.meta.url));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-ckpt-bytes-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
type Served = { url: string; close(): Promise<void> };

function model(): { g: tf.Graph; sess: tf.Session; w: tf.Variable; step: tf.Variable; saver: Saver } {
  const g = new tf.Graph();
  return g.asDefault(() => {
    const w = new tf.Variable(tf.constant([[1.5, -2], [3.25, 4]], tf.float32), { name: 'w' });
    const step = new tf.Variable(tf.constant(7, tf.int64), { name: 'step' });
    return { g, sess: new tf.Session({ graph: g }), w, step, saver: new Saver() };
  });
}

describe('Saver.toBytes / restoreFromBytes / restoreFromUrl', () => {
  it('toBytes equals the files save writes, byte for byte, and the file reader reads them', async () => {
    const m = model();
    await m.sess.run(m.g.asDefault(() => tf.globalVariablesInitializer()));
    const b = await m.saver.toBytes(m.sess);
    const prefix = await m.saver.save(m.sess, path.join(dir, 'model'), { writeMetaGraph: false, writeState: false });
    expect(Buffer.from(b.index).equals(fs.readFileSync(`${prefix}.index`))).toBe(true);
    expect(Buffer.from(b.data).equals(fs.readFileSync(`${prefix}.data-00000-of-00001`))).toBe(true);
    fs.writeFileSync(path.join(dir, 'mem.index'), b.index);
    fs.writeFileSync(path.join(dir, 'mem.data-00000-of-00001'), b.data);
    const r = loadCheckpoint(path.join(dir, 'mem'));
    expect(r.getTensor('w').toArray()).toEqual([[1.5, -2], [3.25, 4]]);
    expect(r.getTensor('step').toArray()).toBe(7);
    await m.sess.close();
  });

  it('restoreFromBytes and restoreFromUrl restore the values; bad bytes and HTTP 404 fail clearly', async () => {
    const m = model();
    await m.sess.run(m.g.asDefault(() => tf.globalVariablesInitializer()));
    const b = await m.saver.toBytes(m.sess);
    const n = model();
    await n.saver.restoreFromBytes(n.sess, { index: b.index.slice().buffer, data: b.data });
    expect(((await n.sess.run(n.w.value())) as tf.NDArray).toArray()).toEqual([[1.5, -2], [3.25, 4]]);
    const bad = b.data.slice();
    bad[0] ^= 1;
    const k = model();
    await expect(k.saver.restoreFromBytes(k.sess, { index: b.index, data: bad })).rejects.toThrow(/Checksum does not match/);

    fs.writeFileSync(path.join(dir, 'web.index'), b.index);
    fs.writeFileSync(path.join(dir, 'web.data-00000-of-00001'), b.data);
    const { serve } = (await import(fileURLToPath(new URL('../../scripts/serve.mjs', import.meta.url)))) as { serve(o: object): Promise<Served> };
    const s = await serve({ mounts: { '/': dir }, isolated: false });
    try {
      const u = model();
      await u.saver.restoreFromUrl(u.sess, `${s.url}web`);
      expect(((await u.sess.run(u.step.value())) as tf.NDArray).toArray()).toBe(7);
      await expect(u.saver.restoreFromUrl(u.sess, `${s.url}nope`)).rejects.toThrow(
        `The passed save_path is not a valid checkpoint: ${s.url}nope (${s.url}nope.index: HTTP 404)`,
      );
    } finally {
      await s.close();
    }
  });

  it('a TensorFlow-written checkpoint restores from its bytes', async () => {
    const g = new tf.Graph();
    const { sess, W, saver } = g.asDefault(() => {
      const W = new tf.Variable(tf.constant(0, tf.float32), { name: 'W' });
      new tf.Variable(tf.constant(0, tf.float32), { name: 'b' });
      return { sess: new tf.Session({ graph: g }), W, saver: new Saver() };
    });
    const p = `${FIXTURES}/onnx_regression/checkpoint/model`;
    await saver.restoreFromBytes(sess, { index: fs.readFileSync(`${p}.index`), data: fs.readFileSync(`${p}.data-00000-of-00001`) });
    expect(((await sess.run(W.value())) as tf.NDArray).toArray()).toBeCloseTo(0.21396178, 7);
  });
});
