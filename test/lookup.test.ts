/**
 * tf.lookup / tf.contrib.lookup (TF 1.15's lookup_ops.py): StaticHashTable / HashTable over a
 * KeyValueTensorInitializer, index_table_from_tensor (out-of-vocabulary ids hashed after the
 * vocabulary, FastHashSpec = Fingerprint64 mod buckets as tf.stringToHashBucketFast),
 * index_to_string_table_from_tensor ('UNK' out of range), tables per session, TF's error texts,
 * and the table ops through a GraphDef (TF's HashTableV2 / InitializeTableV2 /
 * LookupTableFindV2 / LookupTableSizeV2 attrs) on every device.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray } from 'tsflow';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';

const devices = await resolvedDevices();
registerSkipSummary();
const dec = new TextDecoder();

for (const dev of devices) {
  describe(`lookup tables (${dev.name})`, () => {
    it('string → id with OOV buckets, id → string with a default, a float table feeding device ops', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const m = g.asDefault(() => {
        const words = tf.placeholder(tf.string, [null]);
        const ids = tf.contrib.lookup.indexTableFromTensor(tf.constant(['emerson', 'lake', 'palmer']), { numOovBuckets: 2 });
        const plain = tf.contrib.lookup.indexTableFromTensor(['emerson', 'lake', 'palmer']);
        const names = tf.contrib.lookup.indexToStringTableFromTensor(tf.constant(['emerson', 'lake', 'palmer']));
        const weights = new tf.lookup.StaticHashTable(new tf.lookup.KeyValueTensorInitializer(tf.constant([3, 7, 11], tf.int64), tf.constant([0.5, 2, -1])), -9);
        const k = tf.constant([[7, 3], [4, 11]], tf.int64);
        return {
          words,
          outs: [ids.lookup(words), plain.lookup(words), names.lookup(tf.constant([1, 5, 0, -1], tf.int64)), tf.multiply(weights.lookup(k), 2), weights.size(), ids.size()],
          hashes: tf.stringToHashBucketFast(words, 2),
        };
      });
      const sess = new tf.Session({ graph: g, ...dev.options });
      await sess.run(g.asDefault(() => tf.tablesInitializer()));
      const feed = new Map([[m.words, tf.NDArray.fromStrings(['palmer', 'crosby', 'emerson', 'nash'])]]);
      const [ids, plain, names, w, size, idsSize, hashes] = (await sess.run([...m.outs, m.hashes], feed)) as NDArray[];
      const h = Array.from(hashes!.data as ArrayLike<number>, Number);
      expect(Array.from(ids!.data as ArrayLike<number>, Number)).toEqual([2, 3 + h[1]!, 0, 3 + h[3]!]);
      expect(ids!.dtype).toBe('int64');
      expect(Array.from(plain!.data as ArrayLike<number>, Number)).toEqual([2, -1, 0, -1]);
      expect(Array.from(names!.data as unknown as Uint8Array[], (b) => dec.decode(b))).toEqual(['lake', 'UNK', 'emerson', 'UNK']);
      expect(w!.toArray()).toEqual([[4, 1], [-18, -2]]);
      expect([Number(size!.data[0]), Number(idsSize!.data[0])]).toEqual([3, 5]);
      await sess.close();
    });
  });
}

describe('lookup tables: sessions, errors, GraphDefs', () => {
  it('tf.tablesInitializer / tf.initializeAllTables: a NoOp init_all_tables over the graph\'s table initializers', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const none = tf.tablesInitializer();
      expect([none.type, none.name, none.controlInputs.length]).toEqual(['NoOp', 'init_all_tables', 0]);
      const t = tf.contrib.lookup.indexTableFromTensor(['a', 'b']) as tf.lookup.StaticHashTable;
      const all = tf.initializeAllTables({ name: 'tables' });
      expect(all.name).toBe('tables');
      expect(all.controlInputs).toEqual([t.initializer]);
      expect(tf.getDefaultGraph().getCollection(tf.GraphKeys.TABLE_INITIALIZERS)).toEqual([t.initializer]);
    });
  });

  it('a table is per session: each must be initialized; twice is an error', async () => {
    const g = new tf.Graph();
    const { t, out } = g.asDefault(() => {
      const t = new tf.contrib.lookup.HashTable(new tf.lookup.KeyValueTensorInitializer(['a', 'b'], [1, 2]), -1);
      return { t, out: t.lookup(tf.constant(['b', 'z'])) };
    });
    const s1 = new tf.Session({ graph: g });
    await s1.run(t.init);
    expect(Array.from((await s1.run(out) as NDArray).data)).toEqual([2, -1]);
    await expect(s1.run(t.initializer)).rejects.toThrow('Table already initialized.');
    const s2 = new tf.Session({ graph: g });
    await expect(s2.run(out)).rejects.toThrow('Table not initialized.');
    await s1.close();
    await s2.close();
  });

  it('TF\'s texts for mismatched keys and duplicate keys', async () => {
    const g = new tf.Graph();
    const dup = g.asDefault(() => {
      const t = new tf.lookup.StaticHashTable(new tf.lookup.KeyValueTensorInitializer(tf.constant([1, 2, 1], tf.int64), tf.constant([5, 6, 7], tf.int64)), tf.constant(0, tf.int64));
      expect(() => t.lookup(tf.constant(['x']))).toThrow('Signature mismatch. Keys must be dtype int64, got string.');
      expect(() => tf.contrib.lookup.indexTableFromTensor(['a'], { numOovBuckets: 1, defaultValue: 3 })).toThrow("Can't specify both num_oov_buckets and default_value (3).");
      return t.initializer;
    });
    const sess = new tf.Session({ graph: g });
    await expect(sess.run(dup)).rejects.toThrow('HashTable has different value for same key. Key 1 has 5 and trying to add value 7');
    await sess.close();
  });

  it('exports TF\'s nodes and attrs, and imports into a graph whose tables work', async () => {
    const g = new tf.Graph();
    const out = g.asDefault(() => {
      const t = tf.contrib.lookup.indexToStringTableFromTensor(tf.constant(['zero', 'one', 'two']), { defaultValue: '?' });
      tf.identity(t.lookup(tf.placeholder(tf.int64, [null], { name: 'ids' })), { name: 'names' });
      return t;
    });
    void out;
    const gd = g.asGraphDef();
    const byOp = (op: string) => gd.node.filter((n) => n.op === op);
    const table = byOp('HashTableV2')[0]!;
    expect(Object.keys(table.attr).sort()).toEqual(['container', 'key_dtype', 'shared_name', 'use_node_name_sharing', 'value_dtype']);
    expect([table.attr.key_dtype!.type, table.attr.value_dtype!.type]).toEqual([9, 7]);
    const init = byOp('InitializeTableV2')[0]!;
    expect([init.attr.Tkey!.type, init.attr.Tval!.type]).toEqual([9, 7]);
    expect(init.input[0]).toBe(table.name);
    const find = byOp('LookupTableFindV2')[0]!;
    expect([find.attr.Tin!.type, find.attr.Tout!.type]).toEqual([9, 7]);
    expect(gd.node.find((n) => n.name === 'init_all_tables')).toBeUndefined();

    const g2 = new tf.Graph();
    g2.asDefault(() => tf.importGraphDef(gd, { name: '' }));
    const sess = new tf.Session({ graph: g2 });
    await sess.run(g2.getOperationByName(init.name));
    const r = (await sess.run(g2.getTensorByName('names:0'), new Map([[g2.getTensorByName('ids:0'), new tf.NDArray(Float64Array.of(2, 0, 7) as never, [3], 'int64')]]))) as NDArray;
    expect(Array.from(r.data as unknown as Uint8Array[], (b) => dec.decode(b))).toEqual(['two', 'zero', '?']);
    await sess.close();
  });
});
