/**
 * Partitioned variables: TF1's partitioners, `getVariable` with a partitioner (parts, slice
 * infos, TF's error texts), PartitionedVariable as a tensor and in sharded embedding lookups
 * (mod and div) with sparse gradients, and checkpoints holding slices (TF's slice keys, the full
 * tensor's entry, restoring into another partitioning or none) — on every device.
 */
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray } from 'tsflow';
import { encodeTensorNameSlice, parseShapeAndSlice } from '../src/checkpoint/tensor-slice.js';
import { readBundle } from '../src/checkpoint/bundle.js';
import * as checkpointLib from '../src/checkpoint/index.js';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';

registerSkipSummary();
const devices = await resolvedDevices();

let root: string;
let dirCount = 0;
beforeAll(async () => {
  root = await fsp.mkdtemp(path.join(os.tmpdir(), 'tsflow-partitioned-'));
});
afterAll(async () => {
  await fsp.rm(root, { recursive: true, force: true });
});
async function freshDir(): Promise<string> {
  const d = path.join(root, `d${dirCount++}`);
  await fsp.mkdir(d);
  return d;
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const table = (rows: number, cols: number, at = 0): number[][] =>
  Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, c) => at + r * 10 + c));

describe('partitioners', () => {
  it('fixedSizePartitioner caps the shards at the axis length', () => {
    expect(tf.fixedSizePartitioner(3)([10, 4], 'float32')).toEqual([3, 1]);
    expect(tf.fixedSizePartitioner(5, 1)([10, 4], 'float32')).toEqual([1, 4]);
  });
  it('minMaxVariablePartitioner: 1024×1024 float32 at 256 KiB slices is 16 shards, capped by maxPartitions (TF docstring)', () => {
    expect(tf.minMaxVariablePartitioner(32)([1024, 1024], 'float32')).toEqual([16, 1]);
    expect(tf.minMaxVariablePartitioner(8)([1024, 1024], 'float32')).toEqual([8, 1]);
    expect(tf.minMaxVariablePartitioner()([1024, 1024], 'float32')).toEqual([1, 1]);
    expect(() => tf.minMaxVariablePartitioner(4, 2)([3, 4], 'float32')).toThrow('Can not partition variable along axis 2 when shape is only [3, 4]');
  });
  it('variableAxisSizePartitioner keeps shards under maxShardBytes (and under maxShards)', () => {
    // 100 rows of 10 float32 = 40 bytes per row: 1000 bytes hold 25 rows → 4 shards
    expect(tf.variableAxisSizePartitioner(1000)([100, 10], 'float32')).toEqual([4, 1]);
    expect(tf.variableAxisSizePartitioner(1000, { maxShards: 3 })([100, 10], 'float32')).toEqual([3, 1]);
    // a row larger than a shard still gets a shard of its own
    expect(tf.variableAxisSizePartitioner(10)([5, 10], 'float64')).toEqual([5, 1]);
    expect(() => tf.variableAxisSizePartitioner(0)).toThrow('Both max_shard_bytes and bytes_per_string_element must be positive.');
  });
});

describe('getVariable with a partitioner', () => {
  it('makes parts <name>/part_i, the first ones one row longer, with their save slice infos', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const pv = tf.getVariable('emb', [10, 4], { partitioner: tf.fixedSizePartitioner(3) });
      expect(pv).toBeInstanceOf(tf.PartitionedVariable);
      expect(pv.name).toBe('emb');
      expect(pv.getShape().asList()).toEqual([10, 4]);
      expect(pv.length).toBe(3);
      expect(pv.getPartitions()).toEqual([3, 1]);
      const parts = [...pv];
      expect(parts.map((v) => v.name)).toEqual(['emb/part_0:0', 'emb/part_1:0', 'emb/part_2:0']);
      expect(parts.map((v) => v.shape)).toEqual([[4, 4], [3, 4], [3, 4]]);
      expect(parts.map((v) => v.saveSliceInfo!.spec)).toEqual(['10 4 0,4:0,4', '10 4 4,3:0,4', '10 4 7,3:0,4']);
      expect(tf.globalVariables().map((v) => v.name)).toEqual(['emb/part_0:0', 'emb/part_1:0', 'emb/part_2:0']);
      expect(tf.trainableVariables()).toHaveLength(3);
      const whole = tf.convertToTensor(pv);
      expect(whole.shape).toEqual([10, 4]);
      expect(whole.name).toBe('emb:0');
      expect(whole.op.inputs[0]!.op.name).toBe('emb/ConcatPartitions/concat');
    });
  });

  it('takes the scope partitioner, reuses without it, and leaves scalars whole', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const pv = tf.variableScope('m', { partitioner: tf.fixedSizePartitioner(2) }, () => {
        const w = tf.getVariable('w', [6, 3]);
        const b = tf.getVariable('b', [], { initializer: tf.zerosInitializer() });
        expect(b).toBeInstanceOf(tf.Variable);
        expect((b as tf.Variable).name).toBe('m/b:0');
        return w;
      });
      expect(pv).toBeInstanceOf(tf.PartitionedVariable);
      const again = tf.variableScope('m', { reuse: true }, () => tf.getVariable('w', [6, 3]));
      expect(again).toBe(pv);
      expect(() => tf.variableScope('m', () => tf.getVariable('w', [6, 3], { partitioner: tf.fixedSizePartitioner(2) }))).toThrow(
        'Partitioned variable with name m/w already exists. Did you mean to set reuse=True or reuse=tf.AUTO_REUSE in VarScope?',
      );
      expect(() => tf.variableScope('m', { reuse: true }, () => tf.getVariable('w', [6, 3], { partitioner: tf.fixedSizePartitioner(3) }))).toThrow(
        'Trying to reuse partitioned variable m/w, but specified partitions [3, 1] and found partitions [2, 1].',
      );
      expect(() => tf.variableScope('m', { reuse: true }, () => tf.getVariable('v', [6, 3], { partitioner: tf.fixedSizePartitioner(2) }))).toThrow(
        'PartitionedVariable m/v does not exist, or was not created with tf.get_variable(). Did you mean to set reuse=False or reuse=tf.AUTO_REUSE in VarScope?',
      );
    });
  });

  it("gives TF's errors for a whole variable of the same name and for bad partitions", () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      tf.getVariable('x', [4, 2]);
      expect(() => tf.getVariable('x', [4, 2], { partitioner: tf.fixedSizePartitioner(2) })).toThrow(
        'A partitioner was provided, but an unpartitioned version of the variable was found: x.  Perhaps a variable of the same name was already created without partitioning?',
      );
      expect(() => tf.getVariable('y', [4, 2], { partitioner: () => [2, 2] })).toThrow(
        'Can only slice a variable along one dimension: shape: (4, 2), partitioning: [2, 2]',
      );
      expect(() => tf.getVariable('z', [4, 2], { partitioner: () => [2] })).toThrow(
        "Partitioner returned a partition list that does not match the Variable's rank: [2] vs. (4, 2)",
      );
      expect(() => tf.getVariable('u', [4, 2], { partitioner: () => [0, 1] })).toThrow('Partitioner returned zero partitions for some axes: [0, 1]');
    });
  });

  it('cuts a constant initializer into the parts, and sizes glorot by the full shape', async () => {
    const g = new tf.Graph();
    const { pv, big } = g.asDefault(() => ({
      pv: tf.getVariable('c', { initializer: tf.constant(table(5, 2)), partitioner: tf.fixedSizePartitioner(2) }),
      // VarianceScaling fan_in from the full [400, 10] (limit sqrt(3/400)), not a part's 134 rows (sqrt(3/134))
      big: tf.getVariable('g', [400, 10], { partitioner: tf.fixedSizePartitioner(3), initializer: tf.varianceScalingInitializer({ distribution: 'uniform', seed: 3 }) }),
    }));
    const sess = new tf.Session({ graph: g });
    await sess.run(g.asDefault(() => tf.globalVariablesInitializer()));
    const [c, b] = (await sess.run([tf.convertToTensor(pv), tf.convertToTensor(big)])) as NDArray[];
    expect(c!.toArray()).toEqual(table(5, 2));
    expect([...pv].map((v) => v.shape)).toEqual([[3, 2], [2, 2]]);
    const maxAbs = Math.max(...Array.from(b!.data as Float32Array, Math.abs));
    expect(maxAbs).toBeLessThanOrEqual(Math.sqrt(3 / 400) + 1e-7);
    expect(maxAbs).toBeGreaterThan(0.9 * Math.sqrt(3 / 400));
    await sess.close();
  });

  it('assign splits a value over the parts (a JS array, as a Python list, is one value per part)', async () => {
    const g = new tf.Graph();
    const pv = g.asDefault(() => tf.getVariable('a', [5, 2], { partitioner: tf.fixedSizePartitioner(2) }));
    const sess = new tf.Session({ graph: g });
    await sess.run(g.asDefault(() => pv.assign(tf.constant(table(5, 2, 100), tf.float32))));
    expect(((await sess.run(g.asDefault(() => tf.convertToTensor(pv)))) as NDArray).toArray()).toEqual(table(5, 2, 100));
    await sess.run(g.asDefault(() => pv.assign([table(3, 2), table(2, 2, 30)])));
    expect(((await sess.run(g.asDefault(() => tf.convertToTensor(pv)))) as NDArray).toArray()).toEqual(table(5, 2));
    await sess.run(g.asDefault(() => pv.assign(tf.constant(table(5, 2, 100), tf.float32))));
    expect(((await sess.run(g.asDefault(() => tf.convertToTensor(pv)))) as NDArray).toArray()).toEqual(table(5, 2, 100));
    await sess.close();
  });
});

/** The reference: row `id` of the full table for every id. */
const rowsOf = (full: number[][], ids: number[]): number[][] => ids.map((i) => full[i]!);

for (const dev of devices) {
  describe(`sharded embedding lookup [${dev.name}]`, () => {
    it("looks ids up in the shards by TF1's mod and div strategies, and trains only the looked-up rows", async (ctx) => {
      if (dev.skipReason) skipTest(ctx, `${dev.name}: ${dev.skipReason}`);
      const full = table(11, 3);
      const ids = [[0, 3], [10, 4], [7, 7]];
      const g = new tf.Graph();
      const t = g.asDefault(() => {
        const pv = tf.getVariable('emb', { initializer: tf.constant(full, tf.float32), partitioner: tf.fixedSizePartitioner(3) });
        const shards = [0, 1, 2].map((k) => tf.constant(full.filter((_, i) => i % 3 === k), tf.float32));
        const div = tf.nn.embeddingLookup(pv, ids, { partitionStrategy: 'div' });
        const mod = tf.nn.embeddingLookup(shards, ids);
        const loss = tf.reduceSum(tf.multiply(div, tf.constant([1, 2, 3], tf.float32)));
        const train = new tf.train.GradientDescentOptimizer(0.5).minimize(loss);
        return { pv, div, mod, train };
      });
      const sess = new tf.Session({ ...dev.options, graph: g });
      await sess.run(g.asDefault(() => tf.globalVariablesInitializer()));
      const [div, mod] = (await sess.run([t.div, t.mod])) as NDArray[];
      expect(div!.shape).toEqual([3, 2, 3]);
      expect(div!.toArray()).toEqual(ids.map((r) => rowsOf(full, r)));
      // mod: id i is row floor(i / 3) of shard i % 3, which holds rows k, k+3, …: row i again
      expect(mod!.toArray()).toEqual(ids.map((r) => rowsOf(full, r)));
      await sess.run(t.train);
      const after = ((await sess.run(g.asDefault(() => tf.convertToTensor(t.pv)))) as NDArray).toArray() as number[][];
      const counts = new Map<number, number>();
      for (const i of ids.flat()) counts.set(i, (counts.get(i) ?? 0) + 1);
      const want = full.map((row, i) => row.map((x, c) => x - 0.5 * (c + 1) * (counts.get(i) ?? 0)));
      expect(after).toEqual(want);
      await sess.close();
    });
  });
}

describe('checkpoints of partitioned variables', () => {
  it("stores slices under TF's OrderedCode keys (EncodeTensorNameSlice)", () => {
    // 0 | "emb" \0\1 | dims 2 | start 0 → 0x80, length 4 → 0x84, ...
    expect(hex(encodeTensorNameSlice('emb', [{ start: 0, length: 4 }, { start: 0, length: 4 }]))).toBe('00656d6200010102' + '80848084');
    // a full extent is start 0, length -1 (0x7f); the two examples of ordered_code.cc's comment
    expect(hex(encodeTensorNameSlice('a', [{ start: 0 }]))).toBe('0061000101' + '01' + '807f');
    expect(hex(encodeTensorNameSlice('a', [{ start: 0x424242, length: 1 }]))).toBe('006100010101' + 'f0424242' + '81');
    expect(hex(encodeTensorNameSlice('a\u0000', [{ start: 64, length: 5 }]))).toBe('006100ff00010101' + 'c040' + '85');
    expect(parseShapeAndSlice('10 4 0,5:-')).toEqual({ fullShape: [10, 4], slice: [{ start: 0, length: 5 }, { start: 0 }], shape: [5, 4] });
    expect(() => parseShapeAndSlice('10 4 0,11:-')).toThrow('Extent in dimension 0 out of bounds: shape = [10,4], slice = 0,11:-');
    expect(() => parseShapeAndSlice('10 4 x:-')).toThrow("Expected a pair of numbers or '-' but got 'x': string = x:-");
  });

  it('saves one tensor in slices, restores it into another partitioning, into a whole variable, and reads it whole', async () => {
    const dir = await freshDir();
    const full = table(7, 3);
    let prefix: string;
    {
      const g = new tf.Graph();
      const saver = g.asDefault(() => {
        tf.getVariable('emb', { initializer: tf.constant(full, tf.float32), partitioner: tf.fixedSizePartitioner(3) });
        tf.getVariable('bias', { initializer: tf.constant([1, 2, 3], tf.float32) });
        return new tf.train.Saver();
      });
      const sess = new tf.Session({ graph: g });
      await sess.run(g.asDefault(() => tf.globalVariablesInitializer()));
      prefix = (await saver.save(sess, path.join(dir, 'model.ckpt')))!;
      await sess.close();
    }
    // the index: the full entry (no data) lists the three slices; their data sit under binary keys
    const reader = await readBundle(prefix);
    expect(reader.names).toEqual(['bias', 'emb']);
    expect(reader.entry('emb').shape).toEqual([7, 3]);
    expect(reader.entry('emb').slices.map((s) => s.extents)).toEqual([
      [{ start: 0, length: 3 }, { start: 0, length: 3 }],
      [{ start: 3, length: 2 }, { start: 0, length: 3 }],
      [{ start: 5, length: 2 }, { start: 0, length: 3 }],
    ]);
    expect(reader.entry('emb').size).toBe(0);
    expect(tf.train.listVariables(prefix)).toEqual([['bias', [3]], ['emb', [7, 3]]]);
    expect(tf.train.loadCheckpoint(prefix).getTensor('emb').toArray()).toEqual(full);
    // a slice that crosses stored slices
    expect((await reader.readSlice('emb', [{ start: 2, length: 3 }, { start: 1, length: 2 }])).shape).toEqual([3, 2]);
    expect(((await reader.readSlice('emb', [{ start: 2, length: 3 }, { start: 1, length: 2 }])) as NDArray).toArray()).toEqual(
      full.slice(2, 5).map((r) => r.slice(1, 3)),
    );

    // into two parts
    {
      const g = new tf.Graph();
      const { pv, saver } = g.asDefault(() => {
        const p = tf.getVariable('emb', [7, 3], { partitioner: tf.fixedSizePartitioner(2) });
        tf.getVariable('bias', [3]);
        return { pv: p, saver: new tf.train.Saver() };
      });
      const sess = new tf.Session({ graph: g });
      await saver.restore(sess, prefix);
      expect(((await sess.run(g.asDefault(() => tf.convertToTensor(pv)))) as NDArray).toArray()).toEqual(full);
      await sess.close();
    }
    // into a whole variable
    {
      const g = new tf.Graph();
      const { v, saver } = g.asDefault(() => {
        const w = tf.getVariable('emb', [7, 3]);
        return { v: w, saver: new tf.train.Saver([w]) };
      });
      const sess = new tf.Session({ graph: g });
      await saver.restore(sess, prefix);
      expect(((await sess.run(v)) as NDArray).toArray()).toEqual(full);
      await sess.close();
    }
    // the full shape must match
    {
      const g = new tf.Graph();
      const saver = g.asDefault(() => {
        tf.getVariable('emb', [8, 3], { partitioner: tf.fixedSizePartitioner(2) });
        return new tf.train.Saver();
      });
      const sess = new tf.Session({ graph: g });
      await expect(saver.restore(sess, prefix)).rejects.toThrow(
        'tensor_name = emb; shape in shape_and_slice spec [8,3] does not match the shape stored in checkpoint: [7,3]',
      );
      await sess.close();
    }
  });

  it('runs the save/restore graph ops with slice specs, and keeps optimizer slots as slices of <name>/<slot>', async () => {
    const dir = await freshDir();
    const g = new tf.Graph();
    const { pv, saver, names } = g.asDefault(() => {
      const p = tf.getVariable('w', [5, 2], { partitioner: tf.fixedSizePartitioner(2), initializer: tf.onesInitializer() });
      const loss = tf.reduceSum(tf.square(tf.convertToTensor(p)));
      new tf.train.AdamOptimizer(0.1).minimize(loss);
      const s = new tf.train.Saver();
      return { pv: p, saver: s, names: tf.globalVariables().map((v) => v.name) };
    });
    expect(names).toContain('w/part_0/Adam:0');
    const sess = new tf.Session({ graph: g });
    await sess.run(g.asDefault(() => tf.globalVariablesInitializer()));
    const prefix = path.join(dir, 'graph-ops');
    const sd = saver.saverDef;
    await sess.run(sd.saveTensorName, { [sd.filenameTensorName]: prefix });
    expect(tf.train.listVariables(prefix).map(([n]) => n)).toEqual(['beta1_power', 'beta2_power', 'w', 'w/Adam', 'w/Adam_1']);
    await sess.run(g.asDefault(() => pv.assign(tf.zeros([5, 2]))));
    await sess.run(sd.restoreOpName, { [sd.filenameTensorName]: prefix });
    expect(((await sess.run(g.asDefault(() => tf.convertToTensor(pv)))) as NDArray).toArray()).toEqual(table(5, 2).map((r) => r.map(() => 1)));
    await sess.close();
  });

  it('mixing slices and whole variables under one name is refused', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const pv = tf.getVariable('q', [4, 2], { partitioner: tf.fixedSizePartitioner(2) });
      const whole = new tf.Variable(tf.zeros([4, 2]), { name: 'q' });
      expect(whole.op.name).toBe('q');
      expect(() => new tf.train.Saver([...pv, whole])).toThrow('Mixing slices and non-slices with the same name: q');
      expect(() => new tf.train.Saver({ q: [...pv, whole] })).toThrow('Slices must all be slices');
    });
  });
});

describe('malformed slices', () => {
  const { crc32c, proto, sstable } = checkpointLib;
  /** A bundle of one float32 tensor `t` [4, 2] whose entry lists `listed` slices; `stored` of them have data. */
  function bundle(listed: { start: number; length: number }[][], stored: number[]): checkpointLib.BundleReader {
    const rows: [Uint8Array, Uint8Array][] = [];
    const data: number[] = [];
    const header = proto.encodeBundleHeader({ numShards: 1, endianness: 0, version: { producer: 1, minConsumer: 0, badConsumers: [] } });
    for (const i of stored) {
      const ext = listed[i]!;
      const n = ext.reduce((a, e) => a * e.length, 1);
      const bytes = new Uint8Array(Float32Array.from({ length: n }, (_, k) => k + 10 * i).buffer);
      rows.push([encodeTensorNameSlice('t', ext), proto.encodeBundleEntry({
        dtype: 1, shape: { dims: ext.map((e) => ({ size: e.length })), unknownRank: false }, shardId: 0, offset: data.length, size: bytes.length,
        crc32c: crc32c.mask(crc32c.value(bytes)), slices: [],
      })]);
      data.push(...bytes);
    }
    rows.push([new TextEncoder().encode('t'), proto.encodeBundleEntry({
      dtype: 1, shape: { dims: [{ size: 4 }, { size: 2 }], unknownRank: false }, shardId: 0, offset: 0, size: 0, crc32c: 0, slices: listed.map((extents) => ({ extents })),
    })]);
    rows.sort((a, b) => sstable.compareBytes(a[0], b[0]));
    const w = new sstable.TableWriter();
    w.add(new Uint8Array(0), header);
    for (const [k, v] of rows) w.add(k, v);
    return checkpointLib.BundleReader.fromBytes('bad', w.finish(), Uint8Array.from(data));
  }
  const top = [{ start: 0, length: 2 }, { start: 0, length: 2 }];
  const bottom = [{ start: 2, length: 2 }, { start: 0, length: 2 }];

  it('reads a well-formed one, and names what is wrong in the others', async () => {
    expect(((await bundle([top, bottom], [0, 1]).read('t')) as NDArray).toArray()).toEqual([[0, 1], [2, 3], [10, 11], [12, 13]]);
    await expect(bundle([top, bottom], [0]).read('t')).rejects.toThrow(/DataLoss|Missing the stored slice 2,2:0,2 of key t/);
    await expect(bundle([top, bottom], [0]).read('t')).rejects.toBeInstanceOf(tf.errors.DataLossError);
    await expect(bundle([top], [0]).read('t')).rejects.toThrow('Does not have sufficient slices for partitioned tensor t to restore in slice_spec: -:-');
    // but the part it holds reads
    expect(((await bundle([top], [0]).readSlice('t', top)) as NDArray).toArray()).toEqual([[0, 1], [2, 3]]);
    await expect(bundle([top, [{ start: 1, length: 3 }, { start: 0, length: 2 }]], [0, 1]).read('t')).rejects.toThrow('Overlapping slices of key t: 0,2:0,2 and 1,3:0,2');
    await expect(bundle([[{ start: 3, length: 2 }, { start: 0, length: 2 }]], [0]).read('t')).rejects.toThrow(/Invalid slice of key t: Extent in dimension 0 out of bounds/);
  });
});
