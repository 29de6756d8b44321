/**
 * tf.nn.rawRnn and tf.nn.staticStateSavingRnn: a raw_rnn loop_fn that reads time-major inputs
 * from a TensorArray and stops each entry at its sequence length (TF's rnn_test.py
 * testRawRNN setup), checked against a plain-JS BasicRNNCell recurrence; loop states (a counter,
 * a TensorArray), emit structures other than the cell output, TF's errors; a state saver whose
 * state lives in variables (truncated back-propagation: the second run starts where the first
 * ended); finite-difference gradients through raw_rnn.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray, Tensor } from 'tsflow';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';
import { type GradCase, describeGradients } from './support/grad-check.js';

registerSkipSummary();
const devices = await resolvedDevices();
const cellNs = tf.nn.rnnCell;

const arr = (a: unknown): number[] => Array.from((a as NDArray).data as ArrayLike<number>, Number);
const W0 = 0.3;
const B0 = 0.1;

/** BasicRNNCell with constant kernel W0 and bias B0: h' = tanh([x, h]·W + b), per entry. */
function rnnRef(xs: number[][][], h0: number[][], lens: number[], units: number): { outs: number[][][]; final: number[][] } {
  const T = Math.max(...lens);
  let h = h0.map((r) => [...r]);
  const outs: number[][][] = [];
  for (let t = 0; t < T; t++) {
    const o: number[][] = [];
    h = h.map((hb, b) => {
      if (t >= lens[b]!) {
        o.push(new Array(units).fill(0));
        return hb;
      }
      const z = [...xs[t]![b]!, ...hb].reduce((s, v) => s + v * W0, 0) + B0;
      const nh = new Array(units).fill(Math.tanh(z));
      o.push(nh);
      return nh;
    });
    outs.push(o);
  }
  return { outs, final: h };
}

/** TF's testRawRNN loop_fn: inputs from a TensorArray, entries finished at their lengths. */
function rawRnnOver(cell: tf.nn.rnnCell.RNNCell, inputs: Tensor, seqLen: Tensor, h0: Tensor | null, depth: number): [Tensor, Tensor] {
  const maxTime = inputs.shape![0]!;
  const batch = inputs.shape![1]!;
  const inputsTa = new tf.TensorArray(inputs.dtype, maxTime).unstack(inputs);
  const loopFn = (time: Tensor, cellOutput: Tensor | null, cellState: unknown, _loopState: unknown) => {
    const emit = cellOutput;
    const next = cellOutput === null ? (h0 ?? cell.zeroState(batch, inputs.dtype)) : cellState;
    const finishedNow = tf.greaterEqual(time, seqLen);
    const all = tf.reduceAll(finishedNow);
    const nextInput = tf.cond(all, () => tf.zeros([batch, depth], inputs.dtype), () => inputsTa.read(time)) as Tensor;
    return [finishedNow, nextInput, next, emit, null] as [Tensor, Tensor, unknown, unknown, unknown];
  };
  const [emitTa, finalState, finalLoop] = tf.nn.rawRnn(cell, loopFn);
  expect(finalLoop).toBeNull();
  return [(emitTa as tf.TensorArray).stack(), finalState as Tensor];
}

for (const d of devices) {
  describe(`tf.nn.rawRnn [${d.name}]`, () => {
    it('a loop_fn reading inputs until each sequence length: emitted outputs and final state as the recurrence', async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const T = 4;
      const B = 3;
      const D = 2;
      const U = 3;
      const lens = [4, 2, 3];
      const xs = Array.from({ length: T }, (_, t) => Array.from({ length: B }, (_, b) => Array.from({ length: D }, (_, k) => Math.sin(1 + t * 7 + b * 3 + k))));
      const g = new tf.Graph();
      const t = g.asDefault(() => {
        const x = tf.placeholder(tf.float32, [T, B, D], 'x');
        const cell = new cellNs.BasicRNNCell(U, { name: 'basic_rnn_cell' } as never);
        const seq = tf.constant(lens, 'int32');
        const [outs, st] = rawRnnOver(cell, x, seq, null, D);
        // the same cell's variables are rnn/basic_rnn_cell/{kernel,bias}
        const init = tf.group(...cell.variables.map((v) => tf.assign(v, tf.fill(v.shape as number[], v.name.endsWith('bias:0') ? B0 : W0))));
        return { x, outs, st, init, names: cell.variables.map((v) => v.name) };
      });
      expect(t.names).toEqual(['rnn/basic_rnn_cell/kernel:0', 'rnn/basic_rnn_cell/bias:0']);
      expect(t.outs.shape).toEqual([null, B, U]);
      const s = new tf.Session({ ...d.options, graph: g });
      await s.run(t.init);
      const [outs, st] = (await s.run([t.outs, t.st], [[t.x, new tf.NDArray(Float32Array.from(xs.flat(2)), [T, B, D], 'float32')]])) as NDArray[];
      const ref = rnnRef(xs, Array.from({ length: B }, () => new Array(U).fill(0)), lens, U);
      expect(outs!.shape).toEqual([Math.max(...lens), B, U]);
      arr(outs).forEach((v, i) => expect(v).toBeCloseTo(ref.outs.flat(2)[i]!, 5));
      arr(st).forEach((v, i) => expect(v).toBeCloseTo(ref.final.flat()[i]!, 5));
      await s.close();
    });

    it("as dynamic_rnn (rnn_test.py testRawRNN): an LSTMCell with LSTMStateTuple state, sequence lengths; outputs, final state and input gradients agree", async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const T = 5;
      const B = 3;
      const D = 2;
      const g = new tf.Graph();
      const t = g.asDefault(() => {
        const x = tf.placeholder(tf.float32, [T, B, D], 'x');
        const lens = tf.constant([5, 2, 4], 'int32');
        const cell = new cellNs.LSTMCell(3, { initializer: tf.randomUniformInitializer(-0.5, 0.5, 7) });
        const [rOut, rSt] = rawRnnOver(cell, x, lens, null, D);
        // the same cell (so the same variables) through dynamic_rnn
        const [dOut, dSt] = tf.nn.dynamicRnn(cell, x, { sequenceLength: lens, dtype: tf.float32, timeMajor: true });
        const rs = rSt as unknown as tf.nn.rnnCell.LSTMStateTuple;
        const ds = dSt as unknown as tf.nn.rnnCell.LSTMStateTuple;
        const [gr] = tf.gradients(tf.reduceSum(tf.multiply(rOut, rOut)), [x]);
        const [gd] = tf.gradients(tf.reduceSum(tf.multiply(dOut, dOut)), [x]);
        return { x, outs: [rOut, dOut, rs.c as Tensor, ds.c as Tensor, rs.h as Tensor, ds.h as Tensor, gr!, gd!], init: tf.globalVariablesInitializer() };
      });
      const s = new tf.Session({ ...d.options, graph: g });
      await s.run(t.init);
      const xv = new tf.NDArray(Float32Array.from({ length: T * B * D }, (_, i) => Math.sin(i * 0.7)), [T, B, D], 'float32');
      const got = (await s.run(t.outs, [[t.x, xv]])) as NDArray[];
      for (let k = 0; k < got.length; k += 2) {
        expect(got[k]!.shape).toEqual(got[k + 1]!.shape);
        const b = arr(got[k + 1]);
        expect(b.some((v) => v !== 0)).toBe(true);
        arr(got[k]).forEach((v, i) => expect(v).toBeCloseTo(b[i]!, 5));
      }
      await s.close();
    });

    it('loop states: a counter (final_loop_state = steps run) and a TensorArray written each step (rnn_test.py testLoopState*)', async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const maxTime = 5;
      const B = 2;
      const g = new tf.Graph();
      const t = g.asDefault(() => {
        const cell = new cellNs.BasicRNNCell(2);
        const mk = (withTa: boolean) => (time: Tensor, out: Tensor | null, st: unknown, loopState: unknown) => {
          let ls: unknown;
          if (out === null) ls = withTa ? new tf.TensorArray('int32', 0, { dynamicSize: true, clearAfterRead: false }) : tf.constant(0, 'int32');
          else ls = withTa ? (loopState as tf.TensorArray).write(tf.subtract(time, 1), time) : tf.add(loopState as Tensor, 1);
          const fin = tf.tile(tf.reshape(tf.greaterEqual(time, maxTime), [1]), [B]);
          return [fin, tf.ones([B, 3]), out === null ? cell.zeroState(B, 'float32') : st, out, ls] as [Tensor, Tensor, unknown, unknown, unknown];
        };
        const [, , counter] = tf.nn.rawRnn(cell, mk(false), { scope: 'a' });
        const [, , ta] = tf.nn.rawRnn(cell, mk(true), { scope: 'b' });
        const init = tf.globalVariablesInitializer();
        return { counter: counter as Tensor, times: (ta as tf.TensorArray).stack(), init };
      });
      const s = new tf.Session({ ...d.options, graph: g });
      await s.run(t.init);
      const [c, times] = (await s.run([t.counter, t.times])) as NDArray[];
      expect(arr(c)).toEqual([maxTime]);
      expect(arr(times)).toEqual([1, 2, 3, 4, 5]);
      await s.close();
    });

    it('an emit structure other than the cell output: a tuple of int32 [2, 3] and int64 [1] per entry, zeros once finished', async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const B = 2;
      const g = new tf.Graph();
      const t = g.asDefault(() => {
        const cell = new cellNs.BasicRNNCell(3);
        const lens = tf.constant([3, 1], 'int32');
        const loopFn = (time: Tensor, out: Tensor | null, st: unknown) => {
          const emit = out === null
            ? [tf.zeros([2, 3], 'int32'), tf.zeros([1], 'int64')]
            : [tf.fill([B, 2, 3], tf.add(time, 10)), tf.cast(tf.fill([B, 1], time), 'int64')];
          return [tf.greaterEqual(time, lens), tf.ones([B, 2]), out === null ? cell.zeroState(B, 'float32') : st, emit, null] as [Tensor, Tensor, unknown, unknown, unknown];
        };
        const [emitTa] = tf.nn.rawRnn(cell, loopFn);
        const [a, b] = emitTa as tf.TensorArray[];
        return { a: a!.stack(), b: b!.stack(), init: tf.globalVariablesInitializer() };
      });
      expect(t.a.dtype).toBe('int32');
      expect(t.b.dtype).toBe('int64');
      expect(t.a.shape).toEqual([null, B, 2, 3]);
      const s = new tf.Session({ ...d.options, graph: g });
      await s.run(t.init);
      const [a, b] = (await s.run([t.a, t.b])) as NDArray[];
      expect(a!.shape).toEqual([3, B, 2, 3]);
      // entry 0 runs 3 steps (time+1 written at time), entry 1 finished after its first step
      const want = [0, 1, 2].flatMap((time) => [...new Array(6).fill(time + 11), ...new Array(6).fill(time === 0 ? 11 : 0)]);
      expect(arr(a)).toEqual(want);
      expect(arr(b)).toEqual([1, 1, 2, 0, 3, 0]);
      await s.close();
    });

    it('an emitted value whose size is known only when the graph runs (a fed width): zeros of that size once finished', async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const B = 2;
      const g = new tf.Graph();
      const t = g.asDefault(() => {
        const width = tf.placeholder(tf.int32, [], 'width');
        const cell = new cellNs.BasicRNNCell(2);
        const lens = tf.constant([2, 1], 'int32');
        const loopFn = (time: Tensor, out: Tensor | null, st: unknown) => {
          const emit = out === null ? tf.zeros(tf.reshape(width, [1])) : tf.fill(tf.stack([B, width]), tf.cast(time, 'float32'));
          return [tf.greaterEqual(time, lens), tf.ones([B, 2]), out === null ? cell.zeroState(B, 'float32') : st, emit, null] as [Tensor, Tensor, unknown, unknown, unknown];
        };
        const [emitTa] = tf.nn.rawRnn(cell, loopFn);
        return { width, out: (emitTa as tf.TensorArray).stack(), init: tf.globalVariablesInitializer() };
      });
      expect(t.out.shape).toEqual([null, B, null]);
      const s = new tf.Session({ ...d.options, graph: g });
      await s.run(t.init);
      const out = (await s.run(t.out, [[t.width, 3]])) as NDArray;
      expect(out.shape).toEqual([2, B, 3]);
      expect(arr(out)).toEqual([1, 1, 1, 1, 1, 1, 2, 2, 2, 0, 0, 0]);
      await s.close();
    });
  });
}

describe('tf.nn.rawRnn and staticStateSavingRnn: arguments', () => {
  it("TF's errors: a loop_fn that is not callable, an initial state unlike cell.state_size, a cell that is not an RNNCell", () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const cell = new cellNs.BasicRNNCell(2);
      expect(() => tf.nn.rawRnn(cell, 3 as never)).toThrow(/^loop_fn must be a callable$/);
      expect(() => tf.nn.rawRnn({} as never, () => null as never)).toThrow(TypeError);
      const bad = () => [tf.constant([false]), tf.ones([1, 2]), [tf.zeros([1, 2]), tf.zeros([1, 2])], null, null] as never;
      expect(() => tf.nn.rawRnn(cell, bad)).toThrow(/^The two structures don't have the same nested structure/);
      const lstm = new cellNs.BasicLSTMCell(2);
      const saver = { state: () => tf.zeros([1, 2]), saveState: (_n: string, v: Tensor) => tf.identity(v) };
      expect(() => tf.nn.staticStateSavingRnn(lstm, [tf.ones([1, 2])], saver, 'state')).toThrow(/^state_name should be the same type as cell.state_size\./);
      expect(() => tf.nn.staticStateSavingRnn(lstm, [tf.ones([1, 2])], saver, ['c', 'h', 'x'])).toThrow('#elems(state_name) != #elems(state_size): 3 vs. 2');
    });
  });
});

for (const d of devices) {
  describe(`tf.nn.staticStateSavingRnn [${d.name}]`, () => {
    it('state from variables through the saver: outputs as staticRnn, the final state saved before the last output (two runs continue)', async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const T = 3;
      const B = 2;
      const D = 2;
      const U = 2;
      const g = new tf.Graph();
      const t = g.asDefault(() => {
        const store: Record<string, tf.Variable> = {};
        const saved: string[] = [];
        const saver = {
          state(name: string): Tensor {
            store[name] ??= new tf.Variable(tf.zeros([B, U]), { trainable: false, name: `saved_${name}` });
            return store[name]!.value();
          },
          saveState(name: string, v: Tensor) {
            saved.push(name);
            return tf.assign(store[name]!, v);
          },
        };
        const x = tf.placeholder(tf.float32, [T, B, D], 'x');
        const cell = new cellNs.BasicRNNCell(U);
        const [outs, st] = tf.nn.staticStateSavingRnn(cell, tf.unstack(x) as Tensor[], saver, 'h', { sequenceLength: tf.constant([3, 2], 'int32') });
        const init = tf.group(tf.globalVariablesInitializer());
        const load = tf.group(...cell.variables.map((v) => tf.assign(v, tf.fill(v.shape as number[], v.name.endsWith('bias:0') ? B0 : W0))));
        const deps = (outs[T - 1] as Tensor).op.controlInputs.map((o) => o.type);
        return { x, last: outs[T - 1] as Tensor, first: outs[0] as Tensor, st: st as Tensor, init, load, saved, deps, stored: store.h!.value() };
      });
      expect(t.saved).toEqual(['h']);
      expect(t.deps).toContain('Assign');
      const xs = Array.from({ length: T }, (_, i) => Array.from({ length: B }, (_, b) => Array.from({ length: D }, (_, k) => Math.cos(i + 2 * b + k))));
      const s = new tf.Session({ ...d.options, graph: g });
      await s.run(t.init);
      await s.run(t.load);
      const feed = [[t.x, new tf.NDArray(Float32Array.from(xs.flat(2)), [T, B, D], 'float32')]] as [Tensor, NDArray][];
      let h0 = [[0, 0], [0, 0]];
      for (let run = 0; run < 2; run++) {
        const [last, st] = (await s.run([t.last, t.st], feed)) as NDArray[];
        const ref = rnnRef(xs, h0, [3, 2], U);
        // staticRnn's outputs are T long; past a length they are zeros
        arr(last).forEach((v, i) => expect(v).toBeCloseTo(ref.outs[T - 1]!.flat()[i]!, 5));
        arr(st).forEach((v, i) => expect(v).toBeCloseTo(ref.final.flat()[i]!, 5));
        const stored = (await s.run(t.stored)) as NDArray;
        expect(arr(stored).map((v) => Number(v.toFixed(5)))).toEqual(ref.final.flat().map((v) => Number(v.toFixed(5))));
        h0 = ref.final;
      }
      await s.close();
    });
  });
}

const GRAD_CASES: GradCase[] = [
  {
    name: 'rawRnn over time-major inputs with sequence lengths [3, 1], GRUCell: inputs and initial state',
    ins: [{ shape: [3, 2, 2] }, { shape: [2, 2] }],
    f: (x, h0) => {
      const cell = new cellNs.GRUCell(2, { kernelInitializer: tf.constantInitializer(0.4), biasInitializer: tf.constantInitializer(0.1) });
      const [outs, st] = rawRnnOver(cell, x, tf.constant([3, 1], 'int32'), h0, 2);
      return [tf.reshape(outs, [3, 2, 2]), st];
    },
  },
];

describeGradients('finite-difference gradients through rawRnn', GRAD_CASES, devices);
