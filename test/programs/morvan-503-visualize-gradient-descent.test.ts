/**
 * Port of tutorial-contents/503_visualize_gradient_descent.py from
 * github.com/MorvanZhou/Tensorflow-Tutorial (MIT), line by line in tsflow's conventions: two
 * scalar variables a, b (`tf.Variable(initial_value=p, dtype=tf.float32)`) in
 * y = sin(b·cos(a·x)) over a float32 numpy x, the MSE to noisy targets (`y - pred`), and 400 steps of gradient descent at 0.1.
 *
 * Changes: numpy's noise comes from a seeded generator (morvan-np.ts), and the float64 targets
 * are given as float32, which is what TF's conversion of the numpy array to `pred`'s dtype makes
 * of them in `y - pred`; the 3D
 * plots are dropped. The check: the recorded (a, b, mse) path equals the same descent replayed in
 * float64 JS with the derivatives by hand, and from INIT_PARAMS (2, 4.5) it ends near the
 * generating (1.2, 2.5) with the mse near the noise's variance 0.01.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import { linspace, NpRandom } from './morvan-np.js';

describe('MorvanZhou/Tensorflow-Tutorial 503_visualize_gradient_descent', () => {
  it('descends on sin(b cos(a x)) from (2, 4.5)', async () => {
    tf.resetDefaultGraph();
    const np = new NpRandom(3);
    const LR = 0.1;
    const REAL_PARAMS = [1.2, 2.5];
    const INIT_PARAMS = [[5, 4], [5, 1], [2, 4.5]][2]!;

    const xs = linspace(-1, 1, 200);
    const x = new tf.NDArray(Float32Array.from(xs), [200], tf.float32); // x data

    // Test (3): Most simplest two parameters and two layers Neural Net
    const y_fun = (a: number, b: number): number[] => xs.map((v) => Math.sin(b * Math.cos(a * v)));
    const tf_y_fun = (a: tf.Tensor | tf.Variable, b: tf.Tensor | tf.Variable): tf.Tensor => tf.sin(tf.multiply(b, tf.cos(tf.multiply(a, x))));

    const noise = np.normal(0, 1, 200).map((v) => v / 10);
    const yv = y_fun(REAL_PARAMS[0]!, REAL_PARAMS[1]!).map((v, i) => v + noise[i]!); // target
    const y = new tf.NDArray(Float32Array.from(yv), [200], tf.float32);

    // tensorflow graph
    const [a, b] = INIT_PARAMS.map((p) => new tf.Variable({ initialValue: p, dtype: tf.float32 }));
    const pred = tf_y_fun(a!, b!);
    const mse = tf.reduceMean(tf.square(tf.subtract(y, pred)));
    const train_op = new tf.train.GradientDescentOptimizer(LR).minimize(mse);

    const a_list: number[] = [], b_list: number[] = [], cost_list: number[] = [];
    const sess = new tf.Session();
    await sess.run(tf.globalVariablesInitializer());
    for (let t = 0; t < 400; t++) {
      const [a_, b_, mse_] = ((await sess.run([a!, b!, mse])) as tf.NDArray[]).map((v) => v.toArray() as number);
      a_list.push(a_!); b_list.push(b_!); cost_list.push(mse_!); // record parameter changes
      await sess.run([pred, train_op]); // training
    }
    sess.close();

    // float64 replay: d/da and d/db of mean((y - sin(b cos(a x)))²)
    const xf = Array.from(x.data as Float32Array), yf = Array.from(y.data as Float32Array);
    let [ra, rb] = [INIT_PARAMS[0]!, INIT_PARAMS[1]!];
    for (let t = 0; t < 400; t++) {
      let ga = 0, gb = 0, m = 0;
      for (let i = 0; i < 200; i++) {
        const c = Math.cos(ra * xf[i]!), s = Math.sin(ra * xf[i]!);
        const p = Math.sin(rb * c), dp = Math.cos(rb * c);
        const r = yf[i]! - p;
        m += r * r / 200;
        ga += (-2 * r * dp * rb * -s * xf[i]!) / 200;
        gb += (-2 * r * dp * c) / 200;
      }
      expect(a_list[t]!).toBeCloseTo(ra, 3);
      expect(b_list[t]!).toBeCloseTo(rb, 3);
      expect(cost_list[t]!).toBeCloseTo(m, 4);
      [ra, rb] = [ra - LR * ga, rb - LR * gb];
    }
    // print('a=', a_, 'b=', b_)
    expect(Math.abs(a_list[399]!)).toBeCloseTo(1.2, 1); // cos is even: ±a fit alike
    expect(b_list[399]!).toBeCloseTo(2.5, 1);
    expect(cost_list[399]!).toBeLessThan(0.015);
  });
});
