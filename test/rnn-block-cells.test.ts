/**
 * tf.contrib.rnn's block cells: LSTMBlockCell (peepholes, cell clip), GRUBlockCell and
 * LSTMBlockFusedCell — TF's variable names and order, outputs against a float64
 * re-implementation of TF's LSTMBlockCell equations, the fused cell against the step cell on the
 * same weights (sequence lengths: zeros past the end, the state of the last valid step), and
 * finite-difference gradients — on every device.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray, Tensor } from 'tsflow';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';
import { describeGradients } from './support/grad-check.js';

registerSkipSummary();
const devices = await resolvedDevices();
const rnn = tf.contrib.rnn;

const sig = (v: number): number => 1 / (1 + Math.exp(-v));
const B = 2, I = 3, H = 4, T = 3;
// time-major [T, B, I]
const xs = Array.from({ length: T }, (_, t) => Array.from({ length: B }, (_, b) => Array.from({ length: I }, (_, i) => Math.fround(Math.sin(1 + t * 7 + b * 3 + i)))));
const num = (a: NDArray, i: number): number => Number(a.data[i]);

/** TF's LSTMBlockCell op, in float64: gates i, ci, f, o of [x, h]·W + b. */
function blockReference(k: NDArray, b: NDArray, diag: [NDArray, NDArray, NDArray] | null, forgetBias: number, clip: number | null): { hs: number[][][]; c: number[][]; h: number[][] } {
  let c = Array.from({ length: B }, () => new Array<number>(H).fill(0));
  let h = c.map((r) => [...r]);
  const hs: number[][][] = [];
  for (let t = 0; t < T; t++) {
    const nc: number[][] = [];
    const nh: number[][] = [];
    for (let r = 0; r < B; r++) {
      const row = [...xs[t]![r]!, ...h[r]!];
      const z = (col: number): number => row.reduce((a, v, q) => a + v * num(k, q * 4 * H + col), num(b, col));
      nc.push([]);
      nh.push([]);
      for (let u = 0; u < H; u++) {
        const wci = diag ? num(diag[0], u) : 0, wcf = diag ? num(diag[1], u) : 0, wco = diag ? num(diag[2], u) : 0;
        const i = sig(c[r]![u]! * wci + z(u));
        const f = sig(c[r]![u]! * wcf + z(2 * H + u) + forgetBias);
        const ci = Math.tanh(z(H + u));
        let cs = ci * i + c[r]![u]! * f;
        if (clip !== null) cs = Math.max(-clip, Math.min(clip, cs));
        const o = sig(cs * wco + z(3 * H + u));
        nc[r]!.push(cs);
        nh[r]!.push(Math.tanh(cs) * o);
      }
    }
    c = nc;
    h = nh;
    hs.push(h);
  }
  return { hs, c, h };
}

const feedX = (p: Tensor): Map<Tensor, NDArray> => new Map([[p, new tf.NDArray(Float32Array.from(xs.flat(2)), [T, B, I], 'float32')]]);

for (const d of devices) {
  describe(`block cells on ${d.name}`, () => {
    it('LSTMBlockCell: rnn/lstm_cell/{kernel, bias, w_i_diag, w_f_diag, w_o_diag}, outputs vs the float64 block equations with a cell clip', async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const g = new tf.Graph();
      const t = g.asDefault(() => {
        const x = tf.placeholder('float32', [T, B, I]);
        tf.setRandomSeed(7);
        const cell = new rnn.LSTMBlockCell(H, { forgetBias: 0.7, usePeephole: true, cellClip: 0.3 });
        const [outs, state] = tf.nn.dynamicRnn(cell, x, { dtype: 'float32', timeMajor: true });
        return { x, outs, st: state as InstanceType<typeof rnn.LSTMStateTuple>, vars: tf.globalVariables(), init: tf.globalVariablesInitializer() };
      });
      expect(t.vars.map((v) => `${v.name} ${JSON.stringify(v.shape)}`)).toEqual([
        'rnn/lstm_cell/kernel:0 [7,16]', 'rnn/lstm_cell/bias:0 [16]', 'rnn/lstm_cell/w_i_diag:0 [4]', 'rnn/lstm_cell/w_f_diag:0 [4]', 'rnn/lstm_cell/w_o_diag:0 [4]',
      ]);
      const s = new tf.Session({ ...d.options, graph: g });
      await s.run(t.init);
      await s.run(g.asDefault(() => tf.assign(t.vars[1]!, tf.range(-0.8, 0.8, 0.1))));
      const [k, b, wi, wf, wo] = (await s.run(t.vars.map((v) => v.value()))) as NDArray[];
      const [outs, c, h] = (await s.run([t.outs, t.st.c, t.st.h], feedX(t.x))) as NDArray[];
      const ref = blockReference(k!, b!, [wi!, wf!, wo!], 0.7, Math.fround(0.3));
      ref.hs.flat(2).forEach((v, i) => expect(num(outs!, i)).toBeCloseTo(v, 5));
      ref.c.flat().forEach((v, i) => expect(num(c!, i)).toBeCloseTo(v, 5));
      ref.h.flat().forEach((v, i) => expect(num(h!, i)).toBeCloseTo(v, 5));
      // the clip is applied (in float32: at fround(0.3)) to some states and bounds all
      const absC = Array.from(c!.data as Float32Array, Math.abs);
      expect(Math.max(...absC)).toBe(Math.fround(0.3));
      await s.close();
    });

    it('LSTMBlockFusedCell: lstm_fused_cell/{kernel, bias}; time-major outputs zero past each length, the final state of the last valid step, equal to LSTMBlockCell on the same weights', async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const g = new tf.Graph();
      const t = g.asDefault(() => {
        const x = tf.placeholder('float32', [T, B, I]);
        const fused = new rnn.LSTMBlockFusedCell(H);
        const [fo, fs] = fused.call(x, null, 'float32', [3, 2]);
        const vars = tf.globalVariables();
        const step = new rnn.LSTMBlockCell(H);
        const [so, ss] = tf.nn.dynamicRnn(step, x, { dtype: 'float32', timeMajor: true, sequenceLength: [3, 2], scope: 'step' });
        const all = tf.globalVariables();
        const setBias = tf.assign(vars[1]!, tf.range(-0.8, 0.8, 0.1));
        const copy = tf.group(tf.assign(all[2]!, vars[0]!), tf.assign(all[3]!, vars[1]!));
        return { x, fo, fs, so, ss: ss as InstanceType<typeof rnn.LSTMStateTuple>, vars, all, setBias, copy, init: tf.globalVariablesInitializer() };
      });
      expect(t.vars.map((v) => `${v.name} ${JSON.stringify(v.shape)}`)).toEqual(['lstm_fused_cell/kernel:0 [7,16]', 'lstm_fused_cell/bias:0 [16]']);
      expect(t.all.map((v) => v.name).slice(2)).toEqual(['step/lstm_cell/kernel:0', 'step/lstm_cell/bias:0']);
      expect(t.fo.shape).toEqual([T, B, H]);
      const s = new tf.Session({ ...d.options, graph: g });
      await s.run(t.init);
      await s.run(t.setBias);
      await s.run(t.copy);
      const [fo, fc, fh, so, sc, sh] = (await s.run([t.fo, t.fs.c, t.fs.h, t.so, t.ss.c, t.ss.h], feedX(t.x))) as NDArray[];
      expect(Array.from(fo!.data)).toEqual(Array.from(so!.data));
      expect(Array.from(fc!.data)).toEqual(Array.from(sc!.data));
      expect(Array.from(fh!.data)).toEqual(Array.from(sh!.data));
      // sequence 1 has length 2: its output at t = 2 is zero and its final h is its output at t = 1
      for (let u = 0; u < H; u++) {
        expect(num(fo!, (2 * B + 1) * H + u)).toBe(0);
        expect(num(fh!, H + u)).toBe(num(fo!, (1 * B + 1) * H + u));
      }
      const [k, b] = (await s.run(t.vars.map((v) => v.value()))) as NDArray[];
      const ref = blockReference(k!, b!, null, 1, null);
      for (let u = 0; u < H; u++) expect(num(fh!, u)).toBeCloseTo(ref.h[0]![u]!, 5);
      await s.close();
    });

    it('GRUBlockCell: rnn/gru_cell/gates/{kernel, bias} and candidate/{kernel, bias}, the same numbers as GRUCell on the same weights', async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const g = new tf.Graph();
      const t = g.asDefault(() => {
        const x = tf.placeholder('float32', [T, B, I]);
        const [bo] = tf.nn.dynamicRnn(new rnn.GRUBlockCell(H), x, { dtype: 'float32', timeMajor: true });
        const blockVars = tf.globalVariables();
        const [go] = tf.nn.dynamicRnn(new rnn.GRUCell(H), x, { dtype: 'float32', timeMajor: true, scope: 'ref' });
        const refVars = tf.globalVariables().slice(4);
        const copy = tf.group(...refVars.map((v, i) => tf.assign(v, blockVars[i]!)));
        return { x, bo, go, blockVars, copy, init: tf.globalVariablesInitializer() };
      });
      expect(t.blockVars.map((v) => v.name)).toEqual(['rnn/gru_cell/gates/kernel:0', 'rnn/gru_cell/gates/bias:0', 'rnn/gru_cell/candidate/kernel:0', 'rnn/gru_cell/candidate/bias:0']);
      const s = new tf.Session({ ...d.options, graph: g });
      await s.run(t.init);
      await s.run(t.copy);
      const [bo, go] = (await s.run([t.bo, t.go], feedX(t.x))) as NDArray[];
      expect(Array.from(bo!.data)).toEqual(Array.from(go!.data));
      expect(() => new rnn.GRUBlockCell()).toThrow('Must specify num_units');
      await s.close();
    });
  });
}

describeGradients((label) => `LSTMBlockFusedCell gradient, ${label}`, (cfg) => [
  {
    name: 'LSTMBlockFusedCell',
    test: 'd(outputs, final state)/d(inputs) matches central differences',
    ins: [{ shape: [2, 2, 3] }],
    f: (x) => {
      const [out, st] = new rnn.LSTMBlockFusedCell(3, { usePeephole: true }).call(x, null, cfg.dtype, [2, 1]);
      return [out, st.c, st.h];
    },
  },
], devices);
