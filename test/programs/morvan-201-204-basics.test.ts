/**
 * Ports of tutorial-contents/201_session.py, 202_placeholder.py, 203_variable.py and
 * 204_activation.py from github.com/MorvanZhou/Tensorflow-Tutorial (MIT), line by line in
 * tsflow's conventions. `print` calls become checks of the printed values; 204's matplotlib plots
 * are dropped (the four activation curves are checked against their formulas instead). One
 * difference: JS numbers carry no int/float distinction, so `tf.constant([[2, 2]])` and
 * `tf.Variable(0)` are float32 here (int32 in TF1); the values printed are the same.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import { linspace } from './morvan-np.js';

describe('MorvanZhou/Tensorflow-Tutorial 201-204', () => {
  it('201_session: matmul of constants, run twice', async () => {
    tf.resetDefaultGraph();
    const m1 = tf.constant([[2, 2]]);
    const m2 = tf.constant([[3], [3]]);
    const dot_operation = tf.matmul(m1, m2);

    // print(dot_operation)  # wrong! no result
    expect(String(dot_operation)).toContain('MatMul');
    // JS cannot tell 2 from 2.0, so tsflow infers float32 where Python infers int32 (values equal)
    expect(dot_operation.dtype).toBe(tf.float32);
    expect(dot_operation.getShape().asList()).toEqual([1, 1]);

    // method1 use session
    const sess = new tf.Session();
    const result = (await sess.run(dot_operation)) as tf.NDArray;
    expect(result.toArray()).toEqual([[12]]);
    sess.close();

    // method2 use session
    // (`with tf.Session() as sess:` → asDefault for the block, close at its end)
    const sess2 = new tf.Session();
    const result_ = await sess2.asDefault(async (sess) => (await sess.run(dot_operation)) as tf.NDArray);
    sess2.close();
    expect(tf.getDefaultSession()).toBe(null);
    await expect(sess2.run(dot_operation)).rejects.toThrow(/closed Session/);
    expect(result_.toArray()).toEqual([[12]]);
  });

  it('202_placeholder: feeds scalars and matrices', async () => {
    tf.resetDefaultGraph();
    const x1 = tf.placeholder({ dtype: tf.float32, shape: null });
    const y1 = tf.placeholder({ dtype: tf.float32, shape: null });
    const z1 = tf.add(x1, y1);

    const x2 = tf.placeholder({ dtype: tf.float32, shape: [2, 1] });
    const y2 = tf.placeholder({ dtype: tf.float32, shape: [1, 2] });
    const z2 = tf.matmul(x2, y2);

    const sess = new tf.Session();
    // when only one operation to run
    let z1_value = (await sess.run(z1, [[x1, 1], [y1, 2]])) as tf.NDArray;
    expect(z1_value.toArray()).toBe(3);

    // when run multiple operations
    let z2_value: tf.NDArray;
    [z1_value, z2_value] = (await sess.run(
      [z1, z2], // run them together
      [
        [x1, 1], [y1, 2],
        [x2, [[2], [2]]], [y2, [[3, 3]]],
      ],
    )) as tf.NDArray[];
    expect(z1_value.toArray()).toBe(3);
    expect(z2_value.toArray()).toEqual([[6, 6], [6, 6]]);
    // a feed of the wrong shape is refused, as TF1's "Cannot feed value of shape" ValueError
    await expect(sess.run(z2, [[x2, [[2, 2]]], [y2, [[3, 3]]]])).rejects.toThrow(/Cannot feed value of shape \(1, 2\)/);
    sess.close();
  });

  it('203_variable: assign(var, var + 1) three times prints 1 2 3', async () => {
    tf.resetDefaultGraph();
    const v = new tf.Variable(0); // our first variable in the "global_variable" set

    const add_operation = tf.add(v, 1);
    const update_operation = tf.assign(v, add_operation);

    const printed: number[] = [];
    const sess = new tf.Session();
    // once define variables, you have to initialize them by doing this
    await sess.run(tf.globalVariablesInitializer());
    for (let _ = 0; _ < 3; _++) {
      await sess.run(update_operation);
      printed.push(((await sess.run(v)) as tf.NDArray).toArray() as number);
    }
    sess.close();
    expect(printed).toEqual([1, 2, 3]);
    expect(tf.globalVariables()).toEqual([v]);
  });

  it('204_activation: relu, sigmoid, tanh, softplus of a float64 numpy array', async () => {
    tf.resetDefaultGraph();
    // fake data
    const x = new tf.NDArray(Float64Array.from(linspace(-5, 5, 200)), [200], tf.float64); // x data, shape=(200,)

    // following are popular activation functions
    let y_relu: tf.Tensor | tf.NDArray = tf.nn.relu(x);
    let y_sigmoid: tf.Tensor | tf.NDArray = tf.nn.sigmoid(x);
    let y_tanh: tf.Tensor | tf.NDArray = tf.nn.tanh(x);
    let y_softplus: tf.Tensor | tf.NDArray = tf.nn.softplus(x);
    expect((y_relu as tf.Tensor).dtype).toBe(tf.float64); // a float64 numpy array stays float64

    const sess = new tf.Session();
    [y_relu, y_sigmoid, y_tanh, y_softplus] = (await sess.run([y_relu, y_sigmoid, y_tanh, y_softplus] as tf.Tensor[])) as tf.NDArray[];

    const xs = linspace(-5, 5, 200);
    const want = {
      relu: xs.map((v) => Math.max(v, 0)),
      sigmoid: xs.map((v) => 1 / (1 + Math.exp(-v))),
      tanh: xs.map((v) => Math.tanh(v)),
      softplus: xs.map((v) => Math.log1p(Math.exp(v))),
    };
    const got = { relu: y_relu, sigmoid: y_sigmoid, tanh: y_tanh, softplus: y_softplus };
    for (const k of Object.keys(want) as (keyof typeof want)[]) {
      const g = Array.from(got[k].data as Float64Array);
      expect(g.length).toBe(200);
      g.forEach((v, i) => expect(v).toBeCloseTo(want[k][i]!, 12));
    }
  });
});
