/**
 * tf.whileLoop over nested structures of loop variables: an LSTMStateTuple (TF's namedtuple)
 * inside the loop variables comes into the body as an LSTMStateTuple and goes back as one; the
 * results are an LSTMStateTuple; values equal the unrolled loop's, and gradients through it
 * are checked by finite differences on every device. A TensorArray returned by tf.cond's
 * branches comes out as a TensorArray holding the taken branch's elements, with its gradient.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray, Tensor } from 'tsflow';
import { type GradCase, checkGradients, gradConfigs } from './support/grad-check.js';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';

registerSkipSummary();
const devices = await resolvedDevices();
const { LSTMStateTuple } = tf.contrib.rnn;
type State = tf.contrib.rnn.LSTMStateTuple;

/** One step of an LSTM-like recurrence on a state tuple: c' = c·w + tanh(h), h' = tanh(c'). */
const step = (s: State, w: Tensor): State => {
  const c = tf.add(tf.multiply(s.c, w), tf.tanh(s.h));
  return new LSTMStateTuple(c, tf.tanh(c));
};
const looped = (c0: Tensor, h0: Tensor, w: Tensor, n: number): State => {
  const [, s] = tf.whileLoop(
    (i: Tensor) => tf.less(i, n),
    (i: Tensor, st: State) => {
      expect(st).toBeInstanceOf(LSTMStateTuple);
      return [tf.add(i, 1), step(st, w)];
    },
    [tf.constant(0, 'int32'), new LSTMStateTuple(c0, h0)] as never,
  ) as unknown as [Tensor, State];
  return s;
};

describe('whileLoop with an LSTMStateTuple loop variable', () => {
  it('gives an LSTMStateTuple, equal to the unrolled loop', async () => {
    const g = new tf.Graph();
    const t = g.asDefault(() => {
      const c0 = tf.constant([0.5, -0.25, 1], 'float64');
      const h0 = tf.constant([0.1, 0.2, -0.3], 'float64');
      const w = tf.constant([0.9, 1.1, -0.8], 'float64');
      const s = looped(c0, h0, w, 3);
      let u: State = new LSTMStateTuple(c0, h0);
      for (let k = 0; k < 3; k++) u = step(u, w);
      return { s, u };
    });
    expect(t.s).toBeInstanceOf(LSTMStateTuple);
    const sess = new tf.Session({ graph: g, device: 'cpu', threads: 1 });
    const [c, h, uc, uh] = (await sess.run([t.s.c, t.s.h, t.u.c, t.u.h])) as NDArray[];
    expect(Array.from(c!.data as Float64Array)).toEqual(Array.from(uc!.data as Float64Array));
    expect(Array.from(h!.data as Float64Array)).toEqual(Array.from(uh!.data as Float64Array));
    await sess.close();
  });

  it('a body returning another structure fails as in TF', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const s0 = new LSTMStateTuple(tf.zeros([2]), tf.zeros([2]));
      expect(() => tf.whileLoop((i: Tensor) => tf.less(i, 2), (i: Tensor, st: State) => [tf.add(i, 1), [st.c, st.h]], [tf.constant(0, 'int32'), s0] as never))
        .toThrow("The two structures don't have the same nested structure.");
    });
  });

  const CASES: GradCase[] = [
    {
      name: 'gradients through an LSTMStateTuple loop variable',
      ins: [{ shape: [3] }, { shape: [3] }, { shape: [3] }],
      f: (c0, h0, w) => {
        const s = looped(c0!, h0!, w!, 3);
        return [s.c, s.h];
      },
    },
  ];
  for (const cfg of gradConfigs(devices)) {
    for (const c of CASES) {
      it(`${c.name}: ${cfg.label}`, async (ctx) => {
        const why = cfg.skip();
        if (why) skipTest(ctx, why);
        await checkGradients(c, cfg.dtype, cfg.options);
      });
    }
  }
});

describe('tf.cond over TensorArrays', () => {
  it('gives a TensorArray with the taken branch\'s writes, and gradients through it', async () => {
    const g = new tf.Graph();
    const t = g.asDefault(() => {
      const x = tf.placeholder(tf.float32, [3]);
      const pred = tf.placeholder(tf.bool, []);
      const ta = new tf.TensorArray(tf.float32, 2, { elementShape: [3] }).write(0, x).write(1, tf.zeros([3]));
      const out = tf.cond(pred, () => ta.write(1, tf.multiply(x, 2)), () => ta) as unknown as InstanceType<typeof tf.TensorArray>;
      expect(out).toBeInstanceOf(tf.TensorArray);
      const s = out.stack();
      const [dx] = tf.gradients(tf.reduceSum(tf.square(s)), [x]) as Tensor[];
      return { x, pred, s, dx };
    });
    const sess = new tf.Session({ graph: g });
    const xv = new tf.NDArray(Float32Array.of(1, -2, 0.5), [3], 'float32');
    for (const taken of [true, false]) {
      const [s, dx] = (await sess.run([t.s, t.dx!], new Map<Tensor, NDArray>([[t.x, xv], [t.pred, new tf.NDArray(Uint8Array.of(taken ? 1 : 0), [], 'bool')]]))) as NDArray[];
      expect(s!.shape).toEqual([2, 3]);
      expect(Array.from(s!.data as Float32Array)).toEqual(taken ? [1, -2, 0.5, 2, -4, 1] : [1, -2, 0.5, 0, 0, 0]);
      // d/dx Σ s² = 2x + 8x when the true branch writes 2x, else 2x
      expect(Array.from(dx!.data as Float32Array)).toEqual(Array.from(xv.data as Float32Array, (v) => (taken ? 10 : 2) * v));
    }
    await sess.close();
  });
});
