/**
 * TF's checkpoint ops run: the `save/…` subgraph of a TF-written MetaGraph restores with
 * `sess.run('save/restore_all', {'save/Const:0': prefix})` and saves with
 * `sess.run('save/control_dependency:0', …)`, as TF1's Saver drives it (SaveV2, RestoreV2,
 * ShardedFilename, StringJoin and MergeV2Checkpoints as host-stage ops).
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import { makeOp } from '../../src/ops/registry.js';

const FIX = fileURLToPath(new URL('../fixtures/tf-checkpoints/onnx_regression/checkpoint/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'tsflow-save-ops-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const str = (s: string) => tf.NDArray.fromStrings([s], []);
const num = (a: unknown) => Number((a as tf.NDArray).data[0]);

describe('TF checkpoint ops in TF-written graphs', () => {
  it("runs TF 1.11's save/restore_all and save/control_dependency from model.meta", async () => {
    const g = new tf.Graph();
    g.asDefault(() => tf.train.importMetaGraph(`${FIX}model.meta`));
    const sess = new tf.Session({ graph: g });
    const filename = g.getTensorByName('save/Const:0');
    await sess.run(g.getOperationByName('save/restore_all'), new Map([[filename, str(`${FIX}model`)]]));
    const [w, b] = (await sess.run([g.getTensorByName('W:0'), g.getTensorByName('b:0')])) as tf.NDArray[];
    expect(num(w)).toBeCloseTo(0.21396178, 7);
    expect(num(b)).toBeCloseTo(1.0495254, 7);
    expect(num(await sess.run(g.getTensorByName('pred:0'), new Map([[g.getTensorByName('X:0'), 1]])))).toBeCloseTo(1.2634871, 6);

    // change W, save through the graph's SaveV2, read the bundle back independently
    await sess.run(tf.assign(g.getTensorByName('W:0') as never, 2.5) as never);
    const out = join(dir, 'resaved');
    const saved = (await sess.run(g.getTensorByName('save/control_dependency:0'), new Map([[filename, str(out)]]))) as tf.NDArray;
    expect(saved.get()).toBe(out);
    expect(tf.train.listVariables(out)).toEqual([['W', []], ['b', []]]);
    const reader = tf.train.loadCheckpoint(out);
    expect(num(reader.getTensor('W'))).toBe(2.5);
    expect(num(reader.getTensor('b'))).toBeCloseTo(1.0495254, 7);

    // restoring a missing key fails with TF's text and leaves the variables as they were
    const other = join(dir, 'other');
    const g2 = new tf.Graph();
    const sess2 = new tf.Session({ graph: g2 });
    await g2.asDefault(async () => {
      const v = new tf.Variable(tf.constant(7, tf.float32), { name: 'unrelated' });
      await sess2.run(v.initializer);
      await new tf.train.Saver().save(sess2, other);
    });
    await expect(sess.run(g.getOperationByName('save/restore_all'), new Map([[filename, str(other)]]))).rejects.toThrow('Key W not found in checkpoint');
    expect(num(await sess.run(g.getTensorByName('W:0')))).toBe(2.5);
    await sess.close();
    await sess2.close();
  });

  it('a dtype mismatch is TF\'s error; sharded saves merge into one bundle', async () => {
    const g = new tf.Graph();
    await g.asDefault(async () => {
      const prefix = tf.placeholder(tf.string, [], 'prefix');
      const a = tf.constant([1, 2, 3], tf.float32);
      const c = tf.constant([[4, 5]], tf.int32);
      const sess = new tf.Session();
      // TF's sharded save: <prefix>_temp/part-0000k-of-00002 shards, then MergeV2Checkpoints
      const tmpPrefix = tf.strings.join([prefix, '_temp/part']);
      const op = (type: string, ins: tf.Tensor[], attrs: Record<string, unknown> = {}) => makeOp(g, type, ins, attrs, undefined, type);
      const strs = (...v: string[]) => tf.constant(tf.NDArray.fromStrings(v));
      const shard = (i: number) => op('ShardedFilename', [tmpPrefix, tf.constant(i), tf.constant(2)]).outputs[0]!;
      const s0 = op('SaveV2', [shard(0), strs('a'), strs(''), a], { dtypes: ['float32'] });
      const s1 = op('SaveV2', [shard(1), strs('c'), strs(''), c], { dtypes: ['int32'] });
      const merge = tf.controlDependencies([s0, s1], () => op('MergeV2Checkpoints', [tf.stack([shard(0), shard(1)]), prefix], { deleteOldDirs: true }));
      const out = join(dir, 'sharded');
      await sess.run(merge, new Map([[prefix, str(out)]]));
      expect(tf.train.listVariables(out)).toEqual([['a', [3]], ['c', [1, 2]]]);
      expect(readdirSync(dir).filter((f) => f.includes('_temp'))).toEqual([]);
      const [ra, rc] = op('RestoreV2', [prefix, strs('a', 'c'), strs('', '')], { dtypes: ['float32', 'int32'] }).outputs;
      const [va, vc] = (await sess.run([ra!, rc!], new Map([[prefix, str(out)]]))) as tf.NDArray[];
      expect(Array.from(va!.data)).toEqual([1, 2, 3]);
      expect(vc!.shape).toEqual([1, 2]);
      const [bad] = op('RestoreV2', [prefix, strs('a'), strs('')], { dtypes: ['float64'] }).outputs;
      await expect(sess.run(bad!, new Map([[prefix, str(out)]]))).rejects.toThrow('tensor_name = a; expected dtype double does not equal original dtype float');
      await sess.close();
    });
  });

  it("tf.train.Saver builds TF1's save/ subgraph; its SaverDef names it; importMetaGraph adopts the imported one", async () => {
    const g = new tf.Graph();
    await g.asDefault(async () => {
      const w = new tf.Variable(tf.constant([[1, 2], [3, 4]], tf.float32), { name: 'w' });
      const step = new tf.Variable(tf.constant(3, tf.int64), { name: 'step', trainable: false });
      const saver = new tf.train.Saver();
      const second = new tf.train.Saver([w]);
      expect(saver.saverDef).toMatchObject({ filenameTensorName: 'save/Const:0', saveTensorName: 'save/control_dependency:0', restoreOpName: 'save/restore_all', version: 2 });
      expect(second.saverDef.restoreOpName).toBe('save_1/restore_all');
      expect(g.getOperationByName('save/SaveV2').inputs.map((t) => t.name)).toEqual(['save/Const:0', 'save/SaveV2/tensor_names:0', 'save/SaveV2/shape_and_slices:0', 'step:0', 'w:0']);
      expect(g.getOperationByName('save/Assign_1').type).toBe('Assign');

      const sess = new tf.Session();
      await sess.run(tf.globalVariablesInitializer());
      const prefix = join(dir, 'own');
      const fname = g.getTensorByName(saver.saverDef.filenameTensorName);
      // TF1's Saver.save is this run; tsflow's save writes the same bundle
      await sess.run(g.getTensorByName(saver.saverDef.saveTensorName), new Map([[fname, str(prefix)]]));
      expect(tf.train.listVariables(prefix)).toEqual([['step', []], ['w', [2, 2]]]);
      await sess.run(tf.assign(w, tf.zeros([2, 2])));
      await sess.run(g.getOperationByName(saver.saverDef.restoreOpName), new Map([[fname, str(prefix)]]));
      expect(Array.from(((await sess.run(w)) as tf.NDArray).data)).toEqual([1, 2, 3, 4]);

      const saved = await saver.save(sess, join(dir, 'ckpt'));
      const g2 = new tf.Graph();
      const restorer = g2.asDefault(() => tf.train.importMetaGraph(`${saved!}.meta`))!;
      expect(restorer.saverDef.restoreOpName).toBe('save/restore_all');
      // the .meta holds both savers' subgraphs; importing builds no third
      expect(g2.getOperationByName('save_1/restore_all').type).toBe('NoOp');
      expect(() => g2.getOperationByName('save_2/restore_all')).toThrow();
      const sess2 = new tf.Session({ graph: g2 });
      await sess2.run(g2.getOperationByName('save/restore_all'), new Map([[g2.getTensorByName("save/Const:0"), str(saved!)]]));
      expect(Array.from(((await sess2.run(g2.getTensorByName('w:0'))) as tf.NDArray).data)).toEqual([1, 2, 3, 4]);
      expect(Number(((await sess2.run(g2.getTensorByName('step:0'))) as tf.NDArray).data[0])).toBe(3);
      await sess.close();
      await sess2.close();
      void step;
    });
  });

  it("a TF SavedModel's sharded saver subgraph (StringJoin, ShardedFilename, SaveV2, MergeV2Checkpoints) saves, and its restore_all restores", async () => {
    const CKPTS = fileURLToPath(new URL('../fixtures/tf-checkpoints/', import.meta.url));
    const load = async () => {
      const g = new tf.Graph();
      const sess = new tf.Session({ graph: g });
      const mg = await tf.savedModel.loader.load(sess, [tf.savedModel.tagConstants.SERVING], `${CKPTS}serving_half_plus_two_cpu`);
      return { g, sess, sd: mg.saverDef! };
    };
    const a = await load();
    expect(a.sd.sharded).toBe(true);
    const fname = a.g.getTensorByName(a.sd.filenameTensorName);
    // y = a·x + b: change a and b, save through TF's own sharded save subgraph
    await a.sess.run([tf.assign(a.g.getTensorByName('a:0') as never, 1.5) as never, tf.assign(a.g.getTensorByName('b:0') as never, -3) as never]);
    const prefix = join(dir, 'serving');
    await a.sess.run(a.g.getTensorByName(a.sd.saveTensorName), new Map([[fname, str(prefix)]]));
    expect(tf.train.listVariables(prefix).map(([n]) => n)).toEqual(['a', 'a2', 'b', 'c', 'c2']);
    expect(readdirSync(dir).filter((f) => f.startsWith('serving_temp'))).toEqual([]);
    // a fresh load restores it through TF's restore_all
    const b = await load();
    await b.sess.run(b.g.getOperationByName(b.sd.restoreOpName), new Map([[b.g.getTensorByName(b.sd.filenameTensorName), str(prefix)]]));
    expect(num(await b.sess.run(b.g.getTensorByName('a:0')))).toBe(1.5);
    expect(num(await b.sess.run(b.g.getTensorByName('b:0')))).toBe(-3);
    await a.sess.close();
    await b.sess.close();
  });
});
