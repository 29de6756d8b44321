/**
 * tf.PriorityQueue: every element starts with its int64 scalar priority; dequeues take the
 * lowest first (equal priorities in arrival order); the GraphDef node lists the components
 * without the priority, as TF's PriorityQueueV2.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray } from 'tsflow';

const nums = (x: unknown): number[] => Array.from((x as NDArray).data as ArrayLike<number | bigint>, Number);

describe('tf.PriorityQueue', () => {
  it('dequeues in priority order, one element and many', async () => {
    const g = new tf.Graph();
    const b = g.asDefault(() => {
      const q = new tf.PriorityQueue(10, ['float32', 'string'], [[2], []]);
      const enq = q.enqueueMany([tf.constant([5, 1, 3, 1], 'int64'), tf.constant([[50, 51], [10, 11], [30, 31], [12, 13]], 'float32'), tf.constant(['e', 'a', 'c', 'b'])]);
      return { q, enq, one: q.dequeue() as tf.Tensor[], many: q.dequeueMany(3) as tf.Tensor[], size: q.size() };
    });
    expect(b.q.dtypes).toEqual(['int64', 'float32', 'string']);
    expect(b.one[0]!.dtype).toBe('int64');
    expect(b.many[1]!.shape).toEqual([3, 2]);
    await using sess = new tf.Session({ graph: g });
    await sess.run(b.enq);
    const [p, v] = (await sess.run(b.one)) as NDArray[];
    expect(nums(p)).toEqual([1]);
    expect(nums(v)).toEqual([10, 11]);
    const [ps, vs, ss] = (await sess.run(b.many)) as NDArray[];
    expect(nums(ps)).toEqual([1, 3, 5]);
    expect(nums(vs)).toEqual([12, 13, 30, 31, 50, 51]);
    expect([...(ss!.data as Iterable<Uint8Array>)].map((x) => new TextDecoder().decode(x))).toEqual(['b', 'c', 'e']);
    expect(nums(await sess.run(b.size))).toEqual([0]);
  });

  it('refuses a priority that is not an int64 scalar, and exports as PriorityQueueV2', async () => {
    const g = new tf.Graph();
    const b = g.asDefault(() => {
      const q = new tf.PriorityQueue(4, ['float32'], [[]], null, null, 'pq');
      const p = tf.placeholder('int64');
      return { q, bad: q.enqueue([p, tf.constant(1, 'float32')]), p };
    });
    const node = g.asGraphDef().node.find((n) => n.name === 'pq')!;
    expect(node.op).toBe('PriorityQueueV2');
    expect(node.attr.component_types!.list!.type.length).toBe(1);
    await using sess = new tf.Session({ graph: g });
    await expect(sess.run(b.bad, [[b.p, new tf.NDArray(Float64Array.of(1, 2), [2], 'int64')]])).rejects.toThrow('Expected the priority element to be a scalar int64');
    const g2 = new tf.Graph();
    g2.asDefault(() => tf.importGraphDef(g.asGraphDef(), { name: '' }));
    expect(g2.getOperationByName('pq').type).toBe('PriorityQueueV2');
  });
});
