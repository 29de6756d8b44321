/**
 * BasicRNNCell / BasicLSTMCell under tf.contrib.rnn.staticRnn: TF1's variable names and shapes,
 * and outputs and final states against a float64 re-implementation of TF1's formulas using
 * the session's own kernel and bias values; the gradient reaches the kernel.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray, Tensor } from 'tsflow';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';

registerSkipSummary();
const devices = await resolvedDevices();
const rnn = tf.contrib.rnn;

const sig = (v: number): number => 1 / (1 + Math.exp(-v));
/** [B, I] · [I+H... ] helpers over plain arrays. */
function affine(x: number[][], h: number[][], k: NDArray, b: NDArray): number[][] {
  const cols = k.shape[1]!;
  return x.map((xr, r) => {
    const row = [...xr, ...h[r]!];
    return Array.from({ length: cols }, (_, c) => row.reduce((a, v, i) => a + v * Number(k.data[i * cols + c]), Number(b.data[c])));
  });
}
const rows = (a: NDArray): number[][] => Array.from({ length: a.shape[0]! }, (_, r) => Array.from({ length: a.shape[1]! }, (_, c) => Number(a.data[r * a.shape[1]! + c])));

const B = 2, I = 3, H = 4, T = 3;
const xs = Array.from({ length: T }, (_, t) => Array.from({ length: B }, (_, b) => Array.from({ length: I }, (_, i) => Math.sin(1 + t * 7 + b * 3 + i))));

for (const d of devices) {
  describe(`RNN cells on ${d.name}`, () => {
    it('BasicLSTMCell: rnn/basic_lstm_cell/kernel [I+H, 4H] and /bias, outputs vs float64 reference', async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const g = new tf.Graph();
      const t = g.asDefault(() => {
        const inputs = xs.map((_, k) => tf.placeholder('float32', [B, I], `x${k}`));
        const cell = new rnn.BasicLSTMCell(H, { forgetBias: 0.5 });
        const [outs, state] = rnn.staticRnn(cell, inputs, { dtype: 'float32' });
        const st = state as InstanceType<typeof rnn.LSTMStateTuple>;
        const vars = tf.globalVariables();
        const grad = tf.gradients(tf.reduceSum(outs[T - 1]!), [vars[0]!.value()])[0] as Tensor;
        return { inputs, outs, st, vars, grad, init: tf.globalVariablesInitializer() };
      });
      expect(t.vars.map((v) => `${v.name} ${JSON.stringify(v.shape)}`)).toEqual(['rnn/basic_lstm_cell/kernel:0 [7,16]', 'rnn/basic_lstm_cell/bias:0 [16]']);
      const s = new tf.Session({ ...d.options, graph: g });
      await s.run(t.init);
      // a non-zero bias, so the reference checks its use
      await s.run(g.asDefault(() => tf.assign(t.vars[1]!, tf.range(0, 1.6, 0.1))));
      const [k, bias] = (await s.run(t.vars.map((v) => v.value()))) as NDArray[];
      const feeds = new Map(t.inputs.map((p, n) => [p, new tf.NDArray(Float32Array.from(xs[n]!.flat()), [B, I], 'float32')] as [Tensor, NDArray]));
      const got = (await s.run([...t.outs, t.st.c, t.st.h, t.grad], feeds)) as NDArray[];
      let c = [[0, 0, 0, 0], [0, 0, 0, 0]], h = c.map((r) => [...r]);
      for (let n = 0; n < T; n++) {
        const z = affine(xs[n]!.map((r) => r.map(Math.fround)), h, k!, bias!);
        c = c.map((cr, b) => cr.map((cv, u) => cv * sig(z[b]![2 * H + u]! + 0.5) + sig(z[b]![u]!) * Math.tanh(z[b]![H + u]!)));
        h = c.map((cr, b) => cr.map((cv, u) => Math.tanh(cv) * sig(z[b]![3 * H + u]!)));
        rows(got[n]!).flat().forEach((v, i) => expect(v).toBeCloseTo(h.flat()[i]!, 5));
      }
      rows(got[T]!).flat().forEach((v, i) => expect(v).toBeCloseTo(c.flat()[i]!, 5));
      rows(got[T + 1]!).flat().forEach((v, i) => expect(v).toBeCloseTo(h.flat()[i]!, 5));
      expect(got[T + 2]!.shape).toEqual([7, 16]);
      expect(Array.from(got[T + 2]!.data as Float32Array).some((v) => v !== 0)).toBe(true);
      await s.close();
    });

    it('BasicRNNCell: rnn/basic_rnn_cell/kernel and /bias, tanh(W·[x, h] + b)', async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const g = new tf.Graph();
      const t = g.asDefault(() => {
        const inputs = xs.map((_, k) => tf.placeholder('float32', [B, I], `x${k}`));
        const [outs, state] = rnn.staticRnn(new rnn.BasicRNNCell(H), inputs, { dtype: 'float32' });
        return { inputs, outs, state: state as Tensor, vars: tf.globalVariables(), init: tf.globalVariablesInitializer() };
      });
      expect(t.vars.map((v) => `${v.name} ${JSON.stringify(v.shape)}`)).toEqual(['rnn/basic_rnn_cell/kernel:0 [7,4]', 'rnn/basic_rnn_cell/bias:0 [4]']);
      const s = new tf.Session({ ...d.options, graph: g });
      await s.run(t.init);
      const [k, bias] = (await s.run(t.vars.map((v) => v.value()))) as NDArray[];
      const feeds = new Map(t.inputs.map((p, n) => [p, new tf.NDArray(Float32Array.from(xs[n]!.flat()), [B, I], 'float32')] as [Tensor, NDArray]));
      const got = (await s.run([...t.outs, t.state], feeds)) as NDArray[];
      let h = [[0, 0, 0, 0], [0, 0, 0, 0]];
      for (let n = 0; n < T; n++) {
        h = affine(xs[n]!.map((r) => r.map(Math.fround)), h, k!, bias!).map((r) => r.map(Math.tanh));
        rows(got[n]!).flat().forEach((v, i) => expect(v).toBeCloseTo(h.flat()[i]!, 5));
      }
      rows(got[T]!).flat().forEach((v, i) => expect(v).toBeCloseTo(h.flat()[i]!, 5));
      await s.close();
    });
  });
}
