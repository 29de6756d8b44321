/**
 * Importing and running TF 1.15 training graphs whose gradient flows through a tf.while_loop:
 * the Stack ops of TF's loop gradient (f_acc pushes in the forward loop, pops in the gradient
 * loop, b_sync's ControlTrigger) and TensorArrayGradV3, on every device of the harness. The
 * graphs are written node by node as TF writes them (while-grad-graphs.ts); every expected value
 * comes from an independent computation in plain JS here.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray } from 'tsflow';
import { graphDefFromText } from '../../src/graphdef/write-graph.js';
import { registerSkipSummary, resolvedDevices, skipTest } from '../conformance/harness.js';
import { bool, constF, constI, node, shape, str, taLoopGraph, tanhLoopGraph, ty } from './while-grad-graphs.js';

registerSkipSummary();
const devices = await resolvedDevices();
const values = (a: NDArray): number[] => Array.from(a.data as ArrayLike<number>, Number);

/** The loop x ← tanh(x·w), three times, its loss sum(x) and the gradients, by hand in float64. */
function tanhLoopRef(x0: number[], w: number[]): { loss: number; dx0: number[]; dw: number[] } {
  const xs = [x0];
  for (let k = 0; k < 3; k++) xs.push(xs[k]!.map((x, i) => Math.tanh(x * w[i]!)));
  const loss = xs[3]!.reduce((s, x) => s + x, 0);
  let g = [1, 1];
  const dw = [0, 0];
  for (let k = 2; k >= 0; k--) {
    const gz = g.map((gi, i) => gi * (1 - xs[k + 1]![i]! ** 2));
    gz.forEach((v, i) => (dw[i]! += v * xs[k]![i]!));
    g = gz.map((v, i) => v * w[i]!);
  }
  return { loss, dx0: g, dw };
}

/** h ← tanh(h·w + x[t]) for t < 3 from h = 0, the loss sum of every h, and its gradients, by hand. */
function taLoopRef(x: number[][], w: number[]): { loss: number; dx: number[][]; dw: number[] } {
  const hs = [[0, 0]];
  for (let t = 0; t < 3; t++) hs.push(hs[t]!.map((h, i) => Math.tanh(h * w[i]! + x[t]![i]!)));
  const loss = hs.slice(1).flat().reduce((s, v) => s + v, 0);
  let gh = [0, 0];
  const dw = [0, 0];
  const dx: number[][] = [];
  for (let t = 2; t >= 0; t--) {
    const gz = gh.map((g, i) => (1 + g) * (1 - hs[t + 1]![i]! ** 2));
    dx[t] = gz;
    gz.forEach((v, i) => (dw[i]! += v * hs[t]![i]!));
    gh = gz.map((v, i) => v * w[i]!);
  }
  return { loss, dx, dw };
}

const close = (got: number[], want: number[], tol = 2e-6): void => {
  expect(got.length).toBe(want.length);
  got.forEach((v, i) => expect(Math.abs(v - want[i]!)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(want[i]!))));
};

function importText(text: string): tf.Graph {
  const g = new tf.Graph();
  g.asDefault(() => tf.importGraphDef(graphDefFromText(text), { name: '' }));
  return g;
}

const W0 = [0.5, -0.8];
const X0 = [0.3, -0.6];
const LR = 0.1;

for (const d of devices) {
  describe(`while-loop gradients of TF-written graphs on ${d.name}`, () => {
    it('tanh loop: forward loss, dx0 and dw through f_acc stacks and the b_count gradient loop, then GradientDescent steps', async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const g = importText(tanhLoopGraph(W0, LR));
      const t = (n: string) => g.getTensorByName(n);
      const sess = new tf.Session({ ...d.options, graph: g });
      try {
        await sess.run(g.getOperationByName('init'));
        const feed = { 'x0:0': new tf.NDArray(Float32Array.from(X0), [2], 'float32') } as never;
        const [loss, dx0, dw] = (await sess.run([t('Sum:0'), t('gradients/while/Enter_1_grad/Exit:0'), t('gradients/while/mul/Enter_grad/b_acc_3:0')], feed)) as NDArray[];
        const ref = tanhLoopRef(X0, W0);
        close(values(loss!), [ref.loss]);
        close(values(dx0!), ref.dx0);
        close(values(dw!), ref.dw);
        // the gradients alone (the forward loop then runs only for them), and the loop counters
        const [dwOnly, fCount, bCount] = (await sess.run([t('gradients/while/mul/Enter_grad/b_acc_3:0'), t('gradients/f_count_2:0'), t('gradients/b_count_3:0')], feed)) as NDArray[];
        close(values(dwOnly!), ref.dw);
        expect(values(fCount!)).toEqual([3]);
        expect(values(bCount!)).toEqual([0]);
        // two training steps: each run has fresh stacks
        let w = [...W0];
        for (let step = 0; step < 2; step++) {
          const r = tanhLoopRef(X0, w);
          await sess.run(g.getOperationByName('GradientDescent'), feed);
          w = w.map((wi, i) => wi - LR * r.dw[i]!);
          const [wv] = (await sess.run([t('w:0')])) as NDArray[];
          close(values(wv!), w);
        }
        const [after] = (await sess.run([t('Sum:0')], feed)) as NDArray[];
        close(values(after!), [tanhLoopRef(X0, w).loss]);
      } finally {
        await sess.close();
      }
    });

    it('dynamic_rnn-style TensorArray loop: TensorArrayGradV3 for the stacked outputs, the reads and the scatter give dx and dw', async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const g = importText(taLoopGraph(W0));
      const t = (n: string) => g.getTensorByName(n);
      const sess = new tf.Session({ ...d.options, graph: g });
      try {
        await sess.run(g.getOperationByName('init'));
        const x = [[0.3, -0.6], [1.2, 0.4], [-0.7, 0.9]];
        const feed = { 'x:0': new tf.NDArray(Float32Array.from(x.flat()), [3, 2], 'float32') } as never;
        const [loss, dx, dw] = (await sess.run([t('Sum:0'), t('gradients/TensorArrayScatter/TensorArrayScatterV3_grad/TensorArrayGatherV3:0'), t('gradients/while/mul/Enter_grad/b_acc_3:0')], feed)) as NDArray[];
        const ref = taLoopRef(x, W0);
        close(values(loss!), [ref.loss]);
        expect(dx!.shape).toEqual([3, 2]);
        close(values(dx!), ref.dx.flat());
        close(values(dw!), ref.dw);
      } finally {
        await sess.close();
      }
    });

    it('tf.train.importMetaGraph of the training graph under an import scope: one GradientDescent step', async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const g = new tf.Graph();
      g.asDefault(() => tf.train.importMetaGraph({ graphDef: graphDefFromText(tanhLoopGraph(W0, LR)), collectionDef: {} } as never, { importScope: 'm' }));
      const sess = new tf.Session({ ...d.options, graph: g });
      try {
        await sess.run(g.getOperationByName('m/init'));
        const feed = { 'm/x0:0': new tf.NDArray(Float32Array.from(X0), [2], 'float32') } as never;
        await sess.run(g.getOperationByName('m/GradientDescent'), feed);
        const [w] = (await sess.run([g.getTensorByName('m/w:0')])) as NDArray[];
        const ref = tanhLoopRef(X0, W0);
        close(values(w!), W0.map((wi, i) => wi - LR * ref.dw[i]!));
      } finally {
        await sess.close();
      }
    });

    it('TensorArrayGradV3 / TensorArrayGradWithShape outside a loop: a new gradient array per forward flow, writes to one index add up', async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const grad = (name: string, op: string, extra: string[]) => [
        node(`${name}/TensorArrayGradV3`, op, ['ta', 'scatter', ...extra], [str('source', 'gradients')]),
        node(`${name}/gradient_flow`, 'Identity', ['scatter', `^${name}/TensorArrayGradV3`], [ty('T', 'DT_FLOAT')]),
      ];
      const write = (name: string, g: string, flow: string, index: string, value: string) =>
        node(name, 'TensorArrayWriteV3', [`${g}/TensorArrayGradV3`, index, value, flow], [ty('T', 'DT_FLOAT')]);
      const text = [
        node('x', 'Placeholder', [], [ty('dtype', 'DT_FLOAT'), shape('shape', [3, 2])]),
        constI('size', [], [3]),
        node('ta', 'TensorArrayV3', ['size'], [ty('dtype', 'DT_FLOAT'), shape('element_shape', [2]), bool('dynamic_size', false), bool('clear_after_read', true), bool('identical_element_shapes', true), str('tensor_array_name', '')]),
        constI('idx', [3], [0, 1, 2]),
        node('scatter', 'TensorArrayScatterV3', ['ta', 'idx', 'x', 'ta:1'], [ty('T', 'DT_FLOAT')]),
        constI('one', [], [1]),
        constI('two', [], [2]),
        constF('u', [2], [1, 2]),
        constF('v', [2], [10, 20]),
        ...grad('g', 'TensorArrayGradV3', []),
        write('w1', 'g', 'g/gradient_flow', 'one', 'u'),
        write('w2', 'g', 'w1', 'one', 'v'),
        write('w3', 'g', 'w2', 'two', 'v'),
        constI('all', [3], [0, 1, 2]),
        node('gathered', 'TensorArrayGatherV3', ['g/TensorArrayGradV3', 'all', 'w3'], [ty('dtype', 'DT_FLOAT'), shape('element_shape', [2])]),
        constI('pre', [1], [2]),
        constF('uv', [2, 2], [1, 2, 10, 20]),
        ...grad('h', 'TensorArrayGradWithShape', ['pre']),
        write('hw', 'h', 'h/gradient_flow', 'one', 'uv'),
        node('hgathered', 'TensorArrayGatherV3', ['h/TensorArrayGradV3', 'all', 'hw'], [ty('dtype', 'DT_FLOAT'), shape('element_shape', [2])]),
      ].join('\n');
      const g = importText(text);
      const sess = new tf.Session({ ...d.options, graph: g });
      try {
        const feed = { 'x:0': new tf.NDArray(Float32Array.from([1, 1, 1, 1, 1, 1]), [3, 2], 'float32') } as never;
        const [a, b] = (await sess.run([g.getTensorByName('gathered:0'), g.getTensorByName('hgathered:0')], feed)) as NDArray[];
        expect(a!.shape).toEqual([3, 2]);
        expect(values(a!)).toEqual([0, 0, 11, 22, 10, 20]);
        expect(b!.shape).toEqual([3, 2, 2]);
        expect(g.getTensorByName('hgathered:0').shape).toEqual([3, 2, 2]);
        expect(values(b!)).toEqual([0, 0, 0, 0, 1, 2, 10, 20, 0, 0, 0, 0]);
      } finally {
        await sess.close();
      }
    });

    it('the imported training graph exports the Stack ops with TF attrs and runs again after re-import', async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const gd = importText(tanhLoopGraph(W0, LR)).asGraphDef();
      const byName = new Map(gd.node.map((n) => [n.name, n]));
      const acc = byName.get('gradients/while/Tanh_grad/TanhGrad/f_acc')!;
      expect(acc.op).toBe('StackV2');
      expect(Object.keys(acc.attr).sort()).toEqual(['elem_type', 'stack_name']);
      expect(acc.input).toEqual(['gradients/while/Tanh_grad/TanhGrad/Const']);
      const push = byName.get('gradients/while/Tanh_grad/TanhGrad/StackPushV2')!;
      expect(push.op).toBe('StackPushV2');
      expect(push.attr.swap_memory?.b).toBe(false);
      expect(byName.get('gradients/while/Tanh_grad/TanhGrad/StackPopV2')!.op).toBe('StackPopV2');
      expect(byName.get('gradients/b_sync')!.op).toBe('ControlTrigger');
      // the handle enters the loops as TF's DT_RESOURCE
      expect(byName.get('gradients/while/Tanh_grad/TanhGrad/Enter')!.attr.T?.type).toBe(20);
      expect(byName.get('gradients/while/Tanh_grad/TanhGrad/StackPopV2/Enter')!.attr.frame_name?.s).toEqual(new TextEncoder().encode('gradients/while/while_context'));
      expect(byName.get('gradients/NextIteration')!.input).toContain('^gradients/while/Tanh_grad/TanhGrad/StackPushV2');
      const g = new tf.Graph();
      g.asDefault(() => tf.importGraphDef(gd, { name: '' }));
      const sess = new tf.Session({ ...d.options, graph: g });
      try {
        await sess.run(g.getOperationByName('init'));
        const feed = { 'x0:0': new tf.NDArray(Float32Array.from(X0), [2], 'float32') } as never;
        const [dw] = (await sess.run([g.getTensorByName('gradients/while/mul/Enter_grad/b_acc_3:0')], feed)) as NDArray[];
        close(values(dw!), tanhLoopRef(X0, W0).dw);
      } finally {
        await sess.close();
      }
    });

    it('Stack ops outside a loop: LIFO, the pushed value as output, TF errors for an empty, closed or full stack', async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const text = [
        constI('size', [], [-1]),
        constI('two', [], [2]),
        node('s', 'StackV2', ['size'], [ty('elem_type', 'DT_FLOAT'), str('stack_name', 'acc')]),
        constF('a', [2], [1, 2]),
        constF('b', [2], [3, 4]),
        node('p1', 'StackPushV2', ['s', 'a'], [ty('T', 'DT_FLOAT'), bool('swap_memory', false)]),
        node('p2', 'StackPushV2', ['s', 'b', '^p1'], [ty('T', 'DT_FLOAT'), bool('swap_memory', true)]),
        node('q1', 'StackPopV2', ['s', '^p2'], [ty('elem_type', 'DT_FLOAT')]),
        node('q2', 'StackPopV2', ['s', '^q1'], [ty('elem_type', 'DT_FLOAT')]),
        node('empty', 'StackPopV2', ['s', '^q2'], [ty('elem_type', 'DT_FLOAT')]),
        node('c', 'StackCloseV2', ['s', '^p1']),
        node('afterClose', 'StackPopV2', ['s', '^c'], [ty('elem_type', 'DT_FLOAT')]),
        node('small', 'StackV2', ['two'], [ty('elem_type', 'DT_FLOAT')]),
        node('f1', 'StackPushV2', ['small', 'a'], [ty('T', 'DT_FLOAT')]),
        node('f2', 'StackPushV2', ['small', 'a', '^f1'], [ty('T', 'DT_FLOAT')]),
        node('f3', 'StackPushV2', ['small', 'a', '^f2'], [ty('T', 'DT_FLOAT')]),
        constI('i', [], [7]),
        node('wrongType', 'StackPushV2', ['s', 'i'], [ty('T', 'DT_INT32')]),
        // the legacy ref-handle ops
        node('old', 'Stack', [], [ty('elem_type', 'DT_FLOAT'), str('stack_name', '')]),
        node('oldPush', 'StackPush', ['old', 'b'], [ty('T', 'DT_FLOAT'), bool('swap_memory', false)]),
        node('oldPop', 'StackPop', ['old', '^oldPush'], [ty('elem_type', 'DT_FLOAT')]),
        node('x', 'Placeholder', [], [ty('dtype', 'DT_FLOAT'), shape('shape', [2])]),
      ].join('\n');
      const g = importText(text);
      const t = (n: string) => g.getTensorByName(n);
      const sess = new tf.Session({ ...d.options, graph: g });
      try {
        const [p1, q1, q2] = (await sess.run([t('p1:0'), t('q1:0'), t('q2:0')])) as NDArray[];
        expect(values(p1!)).toEqual([1, 2]);
        expect(values(q1!)).toEqual([3, 4]);
        expect(values(q2!)).toEqual([1, 2]);
        await expect(sess.run(t('empty:0'))).rejects.toThrow(/^Stack\[acc_\d+\] is empty when calling Pop\(\)\./);
        await expect(sess.run(t('afterClose:0'))).rejects.toThrow(/^Stack\[acc_\d+\] has already been closed\./);
        await expect(sess.run(t('f3:0'))).rejects.toThrow(/^Stack\[small_\d+\] overflowed its max_size \(2\)/);
        await expect(sess.run(t('wrongType:0'))).rejects.toThrow(/^Must have type float but got int32/);
        const [old] = (await sess.run([t('oldPop:0')])) as NDArray[];
        expect(values(old!)).toEqual([3, 4]);
        expect(g.getOperationByName('old').outputs[0]!.shape).toEqual([]);
      } finally {
        await sess.close();
      }
    });
  });
}

