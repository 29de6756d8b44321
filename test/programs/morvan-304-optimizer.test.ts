/**
 * Port of tutorial-contents/304_optimizer.py from github.com/MorvanZhou/Tensorflow-Tutorial
 * (MIT), line by line in tsflow's conventions: four copies of a 1-20-1 ReLU net in one graph,
 * each trained by its own optimizer class passed to the `Net` constructor with its keyword
 * arguments (`opt(LR, **kwargs)` → `new opt(LR, kwargs)`): GradientDescent, Momentum(0.9),
 * RMSProp and Adam, on the same random mini-batches of 32 for 300 steps.
 *
 * Changes: numpy's noise and batch indices come from a seeded generator (morvan-np.ts); the loss
 * plot is dropped. Added checks: before training, each net's gradients on the first batch
 * (tf.gradients) predict its first update by TF1's formulas — SGD and Momentum -lr·g,
 * RMSProp -lr·g/sqrt(0.9 + 0.1·g²) (TF1 starts the mean square at 1), Adam -lr·g/(|g| + ε/sqrt(0.001))
 * (TF1's ε = 1e-8 is added to the uncorrected sqrt(v) = sqrt(0.001)·|g|) — and after 300 steps the mean of the last 50 batch losses is below
 * 0.025 for Momentum, RMSProp and Adam (0.013, 0.010, … here; the noise variance is 0.01), below each net's first loss,
 * and plain SGD at lr 0.01 is the slowest, as the tutorial's plot shows.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import { column, linspace, NpRandom } from './morvan-np.js';

describe('MorvanZhou/Tensorflow-Tutorial 304_optimizer', () => {
  it('compares SGD, Momentum, RMSProp and Adam on one net', async () => {
    tf.resetDefaultGraph();
    tf.setRandomSeed(1);
    const np = new NpRandom(1);

    const LR = 0.01;
    const BATCH_SIZE = 32;

    // fake data
    const x = column(linspace(-1, 1, 100)); // shape (100, 1)
    const noise = np.normal(0, 0.1, 100);
    const y = x.map(([v], i) => [v! ** 2 + noise[i]!]); // shape (100, 1) + some noise

    type OptClass = new (lr: number, kwargs?: Record<string, unknown>) => tf.train.Optimizer;
    // default network
    class Net {
      x: tf.Tensor;
      y: tf.Tensor;
      loss: tf.Tensor;
      train: tf.Operation;
      constructor(opt: OptClass, kwargs: Record<string, unknown> = {}) {
        this.x = tf.placeholder(tf.float32, [null, 1]);
        this.y = tf.placeholder(tf.float32, [null, 1]);
        const l = tf.layers.dense(this.x, 20, tf.nn.relu);
        const out = tf.layers.dense(l, 1);
        this.loss = tf.losses.meanSquaredError(this.y, out);
        this.train = new opt(LR, kwargs).minimize(this.loss);
      }
    }

    // different nets
    const net_SGD = new Net(tf.train.GradientDescentOptimizer as unknown as OptClass);
    const net_Momentum = new Net(tf.train.MomentumOptimizer as unknown as OptClass, { momentum: 0.9 });
    const net_RMSprop = new Net(tf.train.RMSPropOptimizer as unknown as OptClass);
    const net_Adam = new Net(tf.train.AdamOptimizer as unknown as OptClass);
    const nets = [net_SGD, net_Momentum, net_RMSprop, net_Adam];

    // each net's four trainable variables, in creation order
    const vars = tf.trainableVariables();
    expect(vars.length).toBe(16);
    const netVars = nets.map((_, k) => vars.slice(4 * k, 4 * k + 4));
    const grads = nets.map((net, k) => tf.gradients(net.loss, netVars[k]!));

    const sess = new tf.Session();
    await sess.run(tf.globalVariablesInitializer());

    const losses_his: number[][] = [[], [], [], []]; // record loss

    // training
    for (let step = 0; step < 300; step++) { // for each training step
      const index = np.randint(0, x.length, BATCH_SIZE);
      const b_x = index.map((i) => x[i]!);
      const b_y = index.map((i) => y[i]!);

      let before: Float32Array[][] = [];
      let g: Float32Array[][] = [];
      if (step === 0) {
        before = await Promise.all(netVars.map(async (vs) => ((await sess.run(vs)) as tf.NDArray[]).map((a) => a.data as Float32Array)));
        g = await Promise.all(nets.map(async (net, k) =>
          ((await sess.run(grads[k]!, [[net.x, b_x], [net.y, b_y]])) as tf.NDArray[]).map((a) => a.data as Float32Array)));
      }

      for (let k = 0; k < nets.length; k++) {
        const net = nets[k]!;
        const [, l] = (await sess.run([net.train, net.loss], [[net.x, b_x], [net.y, b_y]])) as tf.NDArray[];
        losses_his[k]!.push(l!.toArray() as number); // loss recoder
      }

      if (step === 0) {
        const step1: ((g: number) => number)[] = [
          (g) => -LR * g,
          (g) => -LR * g,
          (g) => -LR * g / Math.sqrt(0.9 + 0.1 * g * g + 1e-10),
          // TF1 adds epsilon to sqrt(v) before bias correction: v = 0.001·g², lr_t = lr·sqrt(0.001)/0.1
          (g) => -LR * g / (Math.abs(g) + 1e-8 / Math.sqrt(0.001)),
        ];
        for (let k = 0; k < 4; k++) {
          const after = ((await sess.run(netVars[k]!)) as tf.NDArray[]).map((a) => a.data as Float32Array);
          after.forEach((a, v) => a.forEach((val, i) => {
            expect(val - before[k]![v]![i]!).toBeCloseTo(step1[k]!(g[k]![v]![i]!), 6);
          }));
        }
      }
    }
    sess.close();

    const tail = losses_his.map((h) => h.slice(-50).reduce((a, b) => a + b, 0) / 50);
    for (let k = 0; k < 4; k++) expect(tail[k]!).toBeLessThan(losses_his[k]![0]!);
    for (const k of [1, 2, 3]) {
      expect(tail[k]!).toBeLessThan(0.025);
      expect(tail[k]!).toBeLessThan(tail[0]!);
    }
  });
});
