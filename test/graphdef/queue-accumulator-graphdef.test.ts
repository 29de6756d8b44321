/**
 * Queues and conditional accumulators as TF's NodeDefs: asGraphDef writes TF's op types and
 * attrs (FIFOQueueV2's component_types / shapes / capacity / shared_name, the users'
 * Tcomponents / component_types / timeout_ms, ConditionalAccumulator's dtype / shape /
 * reduction_type …), and the imported graph runs as the built one.
 */
import { expect, test } from 'vitest';
import * as tf from '../../src/index.js';
import { dtypeToEnum } from '../../src/graphdef/tensor-proto.js';

const dec = new TextDecoder();
const f32 = (v: number[], s: number[]) => new tf.NDArray(Float32Array.from(v), s, 'float32');

function build() {
  const q = new tf.FIFOQueue(5, ['float32', 'int32'], [[2], []], { sharedName: 'shared_q', name: 'q' });
  const enq = q.enqueueMany([tf.constant([[1, 2], [3, 4], [5, 6]]), tf.constant([7, 8, 9], { dtype: 'int32' })], 'enq');
  const [many] = q.dequeueMany(2, 'deq_many') as tf.Tensor[];
  const size = q.size('size');
  const close = q.close(true, 'close');
  const pq = new tf.PaddingFIFOQueue(4, ['float32'], [[null]], { name: 'pq' });
  const px = tf.placeholder(tf.float32, [null], { name: 'px' });
  const penq = pq.enqueue([px], 'penq');
  const pdeq = pq.dequeueMany(2, 'pdeq') as tf.Tensor;
  const rq = new tf.RandomShuffleQueue(10, 2, ['int32'], [[]], { seed: 7, name: 'rq' });
  const acc = new tf.ConditionalAccumulator('float32', [2], { sharedName: 'acc', reductionType: 'SUM' });
  const g = tf.placeholder(tf.float32, [2], { name: 'g' });
  const apply = acc.applyGrad(g, 0, 'apply');
  const take = acc.takeGrad(2, 'take');
  const sacc = new tf.SparseConditionalAccumulator('float32', [4, 2], { name: 'sacc' });
  const sapply = sacc.applyGrad([1, 3], tf.constant([[1, 1], [2, 2]]), [4, 2], 0, 'sapply');
  const [si, sv] = sacc.takeGrad(1, 'stake');
  return { enq, many, size, close, penq, px, pdeq, rq, apply, g, take, sapply, si, sv };
}

test('asGraphDef writes TF\'s types and attrs for queue and accumulator ops', () => {
  const g = new tf.Graph();
  const gd = g.asDefault(() => (build(), g.asGraphDef()));
  const node = (n: string) => gd.node.find((x) => x.name === n)!;
  const q = node('q');
  expect(q.op).toBe('FIFOQueueV2');
  expect(q.attr.component_types!.list!.type).toEqual([dtypeToEnum('float32'), dtypeToEnum('int32')]);
  expect(q.attr.capacity!.i).toBe(5);
  expect(dec.decode(q.attr.shared_name!.s)).toBe('shared_q');
  expect(q.attr.shapes!.list!.shape.length).toBe(2);
  expect(node('enq').op).toBe('QueueEnqueueManyV2');
  expect(node('enq').attr.Tcomponents!.list!.type).toEqual([dtypeToEnum('float32'), dtypeToEnum('int32')]);
  expect(node('enq').attr.timeout_ms!.i).toBe(-1);
  expect(node('deq_many').op).toBe('QueueDequeueManyV2');
  expect(node('close').attr.cancel_pending_enqueues!.b).toBe(true);
  expect(node('rq').op).toBe('RandomShuffleQueueV2');
  expect(node('rq').attr.min_after_dequeue!.i).toBe(2);
  expect(node('rq').attr.seed!.i).toBe(7);
  const acc = node('conditional_accumulator');
  expect(acc.op).toBe('ConditionalAccumulator');
  expect(dec.decode(acc.attr.reduction_type!.s)).toBe('SUM');
  expect(dec.decode(acc.attr.shared_name!.s)).toBe('acc');
  expect(node('apply').op).toBe('AccumulatorApplyGradient');
  expect(node('apply').attr.dtype!.type).toBe(dtypeToEnum('float32'));
  expect(node('sapply').attr.has_known_shape!.b).toBe(true);
  expect(node('stake').op).toBe('SparseAccumulatorTakeGradient');
});

test('an imported graph with queues and accumulators runs as the built one', async () => {
  const src = new tf.Graph();
  const gd = src.asDefault(() => (build(), src.asGraphDef()));
  const g = new tf.Graph();
  await g.asDefault(async () => {
    tf.importGraphDef(gd, { name: '' });
    const sess = new tf.Session({ graph: g });
    const op = (n: string) => g.getOperationByName(n);
    const t = (n: string) => g.getTensorByName(n);
    await sess.run(op('enq'));
    expect((await sess.run(t('size:0'))).data[0]).toBe(3);
    expect(Array.from((await sess.run(t('deq_many:0'))).data)).toEqual([1, 2, 3, 4]);
    expect(t('deq_many:0').shape).toEqual([2, 2]);
    await sess.run(op('penq'), new Map([[t('px:0'), f32([1], [1])]]));
    await sess.run(op('penq'), new Map([[t('px:0'), f32([2, 3], [2])]]));
    const padded = await sess.run(t('pdeq:0'));
    expect(padded.shape).toEqual([2, 2]);
    expect(Array.from(padded.data)).toEqual([1, 0, 2, 3]);
    await sess.run(op('apply'), new Map([[t('g:0'), f32([1, 2], [2])]]));
    await sess.run(op('apply'), new Map([[t('g:0'), f32([3, 4], [2])]]));
    expect(Array.from((await sess.run(t('take:0'))).data)).toEqual([4, 6]);
    await sess.run(op('sapply'));
    const [si, sv] = await sess.run([t('stake:0'), t('stake:1')]);
    expect(Array.from(si.data)).toEqual([1, 3]);
    expect(Array.from(sv.data)).toEqual([1, 1, 2, 2]);
    await sess.run(op('close'));
    await expect(sess.run(t('deq_many:0'))).rejects.toThrow(/is closed and has insufficient elements/);
    await sess.close();
  });
});
