/**
 * Port of tutorial-contents/306_dataset.py from github.com/MorvanZhou/Tensorflow-Tutorial (MIT),
 * line by line in tsflow's conventions: tf.data.Dataset.from_tensor_slices over two fed
 * placeholders, shuffle(1000).batch(32).repeat(3), make_initializable_iterator initialized in the
 * same run as the variables (with the feed), training on iterator.get_next() until
 * tf.errors.OutOfRangeError, and test losses by feeding the iterator's outputs directly.
 *
 * Changes: numpy's data is drawn from a seeded generator (morvan-np.ts) and is float64 as in
 * numpy (placeholders of npx_train.dtype); `print` becomes recorded values. The checks: 800
 * examples in batches of 32 make 25 batches an epoch, so 3 epochs end with OutOfRangeError at
 * step 75 (the loop's 201 steps are never reached); each epoch's batches hold every training row
 * once, shuffled; and the test loss (every 10 steps) falls at each test, from 0.22 to below 0.05
 * (0.036: 70 steps at rate 0.1 are still on the way to the noise's variance 0.01).
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import { NpRandom } from './morvan-np.js';

describe('MorvanZhou/Tensorflow-Tutorial 306_dataset', () => {
  it('trains from an initializable shuffled, batched, repeated dataset until OutOfRange', async () => {
    tf.resetDefaultGraph();
    tf.setRandomSeed(1);
    const np = new NpRandom(1);

    // load your data or create your data in here
    const xs = np.uniform(-1, 1, 1000); // x data
    const ys = xs.map((v) => v ** 2 + np.normal(0, 0.1, 1)[0]!); // y data
    const arr = (a: number[]): tf.NDArray => new tf.NDArray(Float64Array.from(a), [a.length, 1], tf.float64);
    const [npx_train, npx_test] = [arr(xs.slice(0, 800)), arr(xs.slice(800))]; // training and test data
    const [npy_train, npy_test] = [arr(ys.slice(0, 800)), arr(ys.slice(800))];

    // use placeholder, later you may need different data, pass the different data into placeholder
    const tfx = tf.placeholder(npx_train.dtype, npx_train.shape);
    const tfy = tf.placeholder(npy_train.dtype, npy_train.shape);

    // create dataloader
    let dataset = tf.data.Dataset.fromTensorSlices([tfx, tfy]);
    dataset = dataset.shuffle({ bufferSize: 1000 }); // choose data randomly from this buffer
    dataset = dataset.batch(32); // batch size you will use
    dataset = dataset.repeat(3); // repeat for 3 epochs
    const iterator = dataset.makeInitializableIterator(); // later we have to initialize this one

    // your network
    const [bx, by] = iterator.getNext() as tf.Tensor[]; // use batch to update
    const l1 = tf.layers.dense(bx!, 10, tf.nn.relu);
    const out = tf.layers.dense(l1, 1);
    const loss = tf.losses.meanSquaredError(by!, out);
    const train = new tf.train.GradientDescentOptimizer(0.1).minimize(loss);
    expect(out.dtype).toBe(tf.float64);

    const sess = new tf.Session();
    // need to initialize the iterator in this case
    await sess.run([iterator.initializer, tf.globalVariablesInitializer()], [[tfx, npx_train], [tfy, npy_train]]);

    const testLosses: number[] = [];
    let finished = -1;
    const seenX: number[] = [];
    for (let step = 0; step < 201; step++) {
      try {
        const [, trainl, bxv] = (await sess.run([train, loss, bx!])) as tf.NDArray[]; // train
        seenX.push(...(bxv!.data as Float64Array));
        expect(Number.isFinite(trainl!.toArray() as number)).toBe(true);
        if (step % 10 === 0) {
          const testl = (await sess.run(loss, [[bx!, npx_test], [by!, npy_test]])) as tf.NDArray; // test
          testLosses.push(testl.toArray() as number);
        }
      } catch (e) {
        if (!(e instanceof tf.errors.OutOfRangeError)) throw e; // if training takes more than 3 epochs, training will be stopped
        // print('Finish the last epoch.')
        finished = step;
        break;
      }
    }
    sess.close();

    expect(finished).toBe(75);
    expect(seenX.length).toBe(2400);
    const sorted = (a: number[]): number[] => a.slice().sort((p, q) => p - q);
    const trainRows = sorted(xs.slice(0, 800));
    for (let e = 0; e < 3; e++) expect(sorted(seenX.slice(800 * e, 800 * (e + 1)))).toEqual(trainRows);
    expect(seenX.slice(0, 800)).not.toEqual(xs.slice(0, 800)); // shuffled
    expect(testLosses.length).toBe(8);
    // 0.22 → 0.036 here, falling at every test; 70 steps at rate 0.1 are not yet at the noise's 0.01
    for (let i = 1; i < testLosses.length; i++) expect(testLosses[i]!).toBeLessThan(testLosses[i - 1]!);
    expect(testLosses.at(-1)!).toBeLessThan(0.05);
    expect(testLosses.at(-1)!).toBeLessThan(testLosses[0]! / 4);
    expect(loss.dtype).toBe(tf.float32); // TF1's losses cast predictions and labels to float32
  });
});
