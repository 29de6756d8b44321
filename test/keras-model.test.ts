/**
 * tf.keras models in graph mode, on every device in TSFLOW_TEST_DEVICES: Sequential.fit with
 * Adam matches a hand-written tsflow graph of the same model and optimizer (Adam, ε 1e-7) step
 * for step from the same initial weights (setWeights); RMSprop's first step matches V2's update
 * (its accumulator starting at 0); History keys as TF 1.15 names them; evaluate/predict values
 * against the predictions; a functional two-input model; deferred Sequential build; callbacks
 * (order of hooks, EarlyStopping, ModelCheckpoint, LearningRateScheduler, TensorBoard); weights
 * saved and loaded in TF checkpoint format; summary's table; Keras's error texts.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray, Tensor } from 'tsflow';
import { Rng, registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';

registerSkipSummary();
const devices = await resolvedDevices();
const k = tf.keras;
const L = k.layers;

const nd = (flat: readonly number[], shape: readonly number[]): NDArray => new tf.NDArray(Float32Array.from(flat), [...shape]);
const arr = (a: NDArray): number[] => Array.from(a.data as Float32Array);

/** A small 3-class problem: label = argmax of three fixed projections of x. */
function data(n: number, seed: number): { x: NDArray; y: NDArray; yv: number[] } {
  const r = new Rng(seed);
  const xv = Array.from({ length: n * 4 }, () => r.uniform(-1, 1));
  const yv = Array.from({ length: n }, (_, i) => {
    const s = [xv[4 * i]! + xv[4 * i + 1]!, xv[4 * i + 2]! - xv[4 * i]!, xv[4 * i + 3]! - xv[4 * i + 1]!];
    return s.indexOf(Math.max(...s));
  });
  return { x: nd(xv, [n, 4]), y: new tf.NDArray(Int32Array.from(yv), [n], 'int32'), yv };
}

/** A fresh graph whose Keras session runs on `dev`. */
function freshKeras(dev: { options: object }): tf.Graph {
  const g = new tf.Graph();
  k.backend.setSession(new tf.Session({ ...dev.options, graph: g }));
  return g;
}

function mlp(): tf.keras.Sequential {
  return new k.Sequential([new L.Dense(8, { activation: 'relu', inputShape: [4] }), new L.Dense(3, { activation: 'softmax' })]);
}

function expectAllClose(got: readonly number[], want: readonly number[], tol: number, what: string): void {
  expect(got.length, what).toBe(want.length);
  got.forEach((v, i) => {
    if (!(Math.abs(v - want[i]!) <= tol * (1 + Math.abs(want[i]!)))) throw new Error(`${what}[${i}]: got ${v}, want ${want[i]}`);
  });
}

for (const dev of devices) {
  describe(`keras models on ${dev.name}`, () => {
    it('fit with Adam equals a hand-written graph of the same model, step for step', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const { x, y } = data(48, 1);
      const g = freshKeras(dev);
      const model = g.asDefault(mlp);
      model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
      const w0 = await model.getWeights();
      const hist = await model.fit(x, y, { batchSize: 16, epochs: 2, shuffle: false, verbose: 0 });
      const w1 = await model.getWeights();

      // The same model and update written with tf ops: 3 batches of 16 per epoch.
      const h = new tf.Graph();
      const { xs, ys, loss, acc, train, vars } = h.asDefault(() => {
        const xs = tf.placeholder(tf.float32, [null, 4]);
        const ys = tf.placeholder(tf.int32, [null]);
        const vars = w0.map((w) => new tf.Variable(tf.constant(w)));
        const hid = tf.nn.relu(tf.add(tf.matmul(xs, vars[0]!), vars[1]!));
        const logits = tf.add(tf.matmul(hid, vars[2]!), vars[3]!);
        const loss = tf.reduceMean(tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels: ys, logits }));
        // Keras's accuracy takes the argmax of the softmax output: two logits a few ulps apart
        // (a sample whose ReLUs are all 0 sees only the bias) are one probability there
        const acc = tf.reduceMean(tf.cast(tf.equal(tf.cast(tf.argmax(tf.nn.softmax(logits), 1), tf.int32), ys), tf.float32));
        const train = new tf.train.AdamOptimizer(0.001, 0.9, 0.999, 1e-7).minimize(loss);
        return { xs, ys, loss, acc, train, vars };
      });
      const sess = new tf.Session({ ...dev.options, graph: h });
      await sess.run(h.asDefault(() => tf.globalVariablesInitializer()));
      const epochLoss: number[] = [];
      const epochAcc: number[] = [];
      const rows = (a: NDArray, s: number, e: number, shape: number[], dtype: 'float32' | 'int32'): NDArray =>
        new tf.NDArray((a.data as Float32Array).slice(s * (shape[1] ?? 1), e * (shape[1] ?? 1)), [e - s, ...shape.slice(1)], dtype);
      for (let ep = 0; ep < 2; ep++) {
        let sl = 0;
        let sa = 0;
        for (let b = 0; b < 3; b++) {
          const feed = new Map<Tensor, NDArray>([[xs, rows(x, 16 * b, 16 * b + 16, [48, 4], 'float32')], [ys, new tf.NDArray((y.data as Int32Array).slice(16 * b, 16 * b + 16), [16], 'int32')]]);
          const [lv, av] = (await sess.run([loss, acc, train], feed)) as NDArray[];
          sl += Number(lv!.data[0]) * 16;
          sa += Number(av!.data[0]) * 16;
        }
        epochLoss.push(sl / 48);
        epochAcc.push(sa / 48);
      }
      const wHand = await Promise.all(vars.map((v) => sess.readVariable(v)));
      await sess.close();
      expect(Object.keys(hist.history)).toEqual(['loss', 'acc']);
      expect(hist.epoch).toEqual([0, 1]);
      expectAllClose(hist.history.loss!, epochLoss, 1e-5, 'epoch loss');
      expectAllClose(hist.history.acc!, epochAcc, 1e-6, 'epoch acc');
      expect(hist.history.loss![1]!).toBeLessThan(hist.history.loss![0]!);
      w1.forEach((w, i) => expectAllClose(arr(w), arr(wHand[i]!), 1e-5, `weight ${i}`));
      // …and the weights did move.
      expect(arr(w1[0]!)).not.toEqual(arr(w0[0]!));
    });

    it('RMSprop\'s first step is V2\'s: w − lr·g/sqrt((1−ρ)·g² + ε), the accumulator starting at 0', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const { x, y } = data(16, 2);
      const g = freshKeras(dev);
      const model = g.asDefault(mlp);
      model.compile({ optimizer: new k.optimizers.RMSprop({ lr: 0.01 }), loss: 'sparse_categorical_crossentropy' });
      const w0 = await model.getWeights();
      // d loss / d weights from the model's own graph, before the step
      const [gradsT, lossT, target] = g.asDefault(() => {
        const out = model.output as Tensor;
        const t = tf.placeholder(tf.int32, [null]);
        const l = tf.reduceMean(tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels: t, logits: out.op.inputs[0]! }));
        return [tf.gradients(l, model.trainableWeights.map((v) => v.value())), l, t] as const;
      });
      const sess = g.asDefault(() => k.backend.getSession());
      const fetched = (await sess.run([...gradsT, lossT], new Map<Tensor, NDArray>([[model.input as Tensor, x], [target, y]]))) as NDArray[];
      const loss = await model.trainOnBatch(x, y);
      expect(loss as number).toBeCloseTo(Number(fetched[4]!.data[0]), 5);
      const w1 = await model.getWeights();
      w0.forEach((w, i) => {
        const gr = arr(fetched[i]!);
        const want = arr(w).map((v, j) => v - (0.01 * gr[j]!) / Math.sqrt(0.1 * gr[j]! ** 2 + 1e-7));
        expectAllClose(arr(w1[i]!), want, 1e-4, `weight ${i}`);
      });
    });

    it('validation keys, evaluate and predict agree with the predictions', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const { x, y, yv } = data(40, 3);
      const g = freshKeras(dev);
      const model = g.asDefault(mlp);
      model.compile({ optimizer: new k.optimizers.Adam({ learningRate: 0.01 }), loss: 'sparse_categorical_crossentropy', metrics: ['acc'] });
      const hist = await model.fit(x, y, { batchSize: 8, epochs: 3, validationSplit: 0.25, verbose: 0 });
      expect(Object.keys(hist.history).sort()).toEqual(['acc', 'loss', 'val_acc', 'val_loss']);
      expect(hist.history.val_loss!.length).toBe(3);
      const p = (await model.predict(x, { batchSize: 7 })) as NDArray;
      expect(p.shape).toEqual([40, 3]);
      const pv = arr(p);
      for (let i = 0; i < 40; i++) expect(pv[3 * i]! + pv[3 * i + 1]! + pv[3 * i + 2]!).toBeCloseTo(1, 5);
      const pred = yv.map((_, i) => [0, 1, 2].reduce((a, c) => (pv[3 * i + c]! > pv[3 * i + a]! ? c : a), 0));
      const acc = pred.filter((c, i) => c === yv[i]).length / 40;
      const ce = yv.reduce((s, c, i) => s - Math.log(pv[3 * i + c]!), 0) / 40;
      const [el, ea] = (await model.evaluate(x, y, { batchSize: 16, verbose: 0 })) as number[];
      expect(ea).toBeCloseTo(acc, 6);
      expect(el).toBeCloseTo(ce, 4);
      expect(model.metricsNames).toEqual(['loss', 'acc']);
      // the last quarter was the validation set
      const vx = new tf.NDArray((x.data as Float32Array).slice(30 * 4), [10, 4]);
      const vy = new tf.NDArray((y.data as Int32Array).slice(30), [10], 'int32');
      const [vl] = (await model.evaluate(vx, vy, { verbose: 0 })) as number[];
      expect(vl).toBeCloseTo(hist.history.val_loss![2]!, 5);
      const pb = (await model.predictOnBatch(vx)) as NDArray;
      expectAllClose(arr(pb), pv.slice(90), 1e-5, 'predictOnBatch');
    });

    it('a functional two-input model (Input, concatenate, binary crossentropy) learns', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const r = new Rng(4);
      const n = 64;
      const av = Array.from({ length: n * 3 }, () => r.uniform(-1, 1));
      const bv = Array.from({ length: n * 2 }, () => r.uniform(-1, 1));
      const yv = Array.from({ length: n }, (_, i) => (av[3 * i]! + bv[2 * i]! > 0 ? 1 : 0));
      const g = freshKeras(dev);
      const model = g.asDefault(() => {
        const a = k.Input({ shape: [3], name: 'a' });
        const b = k.Input({ shape: [2], name: 'b' });
        const h = new L.Dense(6, { activation: 'tanh' }).apply(L.concatenate([a, b]));
        const out = new L.Dense(1, { activation: 'sigmoid' }).apply(h);
        return new k.Model({ inputs: [a, b], outputs: out });
      });
      expect(model.layers.map((l) => l.name)).toEqual(['a', 'b', 'concatenate', 'dense', 'dense_1']);
      model.compile({ optimizer: new k.optimizers.Adam({ lr: 0.05 }), loss: 'binary_crossentropy', metrics: ['accuracy'] });
      const xs = [nd(av, [n, 3]), nd(bv, [n, 2])];
      const ys = nd(yv, [n, 1]);
      const hist = await model.fit(xs, ys, { batchSize: 16, epochs: 15, verbose: 0, shuffle: false });
      const losses = hist.history.loss!;
      expect(losses[14]!).toBeLessThan(0.7 * losses[0]!);
      expect(hist.history.acc![14]!).toBeGreaterThan(0.85);
      // binary accuracy from the predictions
      const p = arr((await model.predict(xs)) as NDArray);
      const acc = p.filter((v, i) => (v > 0.5 ? 1 : 0) === yv[i]).length / n;
      expect((await model.evaluate(xs, ys, { verbose: 0 }) as number[])[1]).toBeCloseTo(acc, 6);
    });
  });
}

const cpu = devices.find((d) => d.name === 'cpu') ?? devices[0]!;

describe('keras models: API', () => {
  it('callbacks: hook order, EarlyStopping, LearningRateScheduler, ModelCheckpoint, TensorBoard', async () => {
    const { x, y } = data(32, 5);
    const dir = mkdtempSync(join(tmpdir(), 'keras-cb-'));
    const g = freshKeras(cpu);
    const model = g.asDefault(mlp);
    model.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
    const calls: string[] = [];
    class Recorder extends k.callbacks.Callback {
      override onTrainBegin(): void { calls.push('train_begin'); }
      override onEpochBegin(e: number): void { calls.push(`epoch_begin ${e}`); }
      override onBatchEnd(b: number, logs?: Record<string, number>): void { calls.push(`batch_end ${b} ${logs!.size}`); }
      override onEpochEnd(e: number, logs?: Record<string, number>): void { calls.push(`epoch_end ${e} ${Object.keys(logs!).join(',')}`); }
      override onTrainEnd(): void { calls.push('train_end'); }
    }
    const hist = await model.fit(x, y, { batchSize: 20, epochs: 1, verbose: 0, callbacks: [new Recorder()] });
    expect(calls).toEqual(['train_begin', 'epoch_begin 0', 'batch_end 0 20', 'batch_end 1 12', 'epoch_end 0 loss,acc', 'train_end']);
    expect(hist.history.loss!.length).toBe(1);

    // A schedule of 0: the weights stay; the rate is read back from the optimizer's variable.
    const before = await model.getWeights();
    const seen: number[] = [];
    await model.fit(x, y, { epochs: 2, verbose: 0, callbacks: [new k.callbacks.LearningRateScheduler((e, lr) => { seen.push(lr); return 0; })] });
    expect(seen[0]).toBeCloseTo(0.01, 7);
    expect(seen[1]).toBe(0);
    (await model.getWeights()).forEach((w, i) => expect(arr(w)).toEqual(arr(before[i]!)));
    await (model.optimizer as tf.keras.optimizers.SGD).setLearningRate(0.01);

    // 'max' on a decreasing loss stops after the first epoch without improvement.
    const es = new k.callbacks.EarlyStopping({ monitor: 'loss', mode: 'max', patience: 1 });
    const ckpt = new k.callbacks.ModelCheckpoint(join(dir, 'w-{epoch:02d}'), { saveWeightsOnly: true });
    const tb = new k.callbacks.TensorBoard({ logDir: join(dir, 'tb') });
    const h2 = await model.fit(x, y, { epochs: 10, verbose: 0, callbacks: [es, ckpt, tb] });
    expect(h2.history.loss!.length).toBe(2);
    expect(es.stoppedEpoch).toBe(1);
    expect(existsSync(join(dir, 'w-01.index'))).toBe(true);
    expect(existsSync(join(dir, 'w-02.index'))).toBe(true);
    const events = readdirSync(join(dir, 'tb')).filter((f) => f.startsWith('events.out.tfevents'));
    expect(events.length).toBe(1);
    const bytes = readFileSync(join(dir, 'tb', events[0]!)).toString('latin1');
    expect(bytes.includes('loss') && bytes.includes('acc')).toBe(true);
    expect(() => new k.callbacks.ModelCheckpoint('x')).toThrow('save_weights_only=False');
  });

  it('saveWeights / loadWeights round trip in TF checkpoint format; setWeights checks', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keras-w-'));
    const g = freshKeras(cpu);
    const model = g.asDefault(mlp);
    const w0 = await model.getWeights();
    const path = await model.saveWeights(join(dir, 'ckpt'));
    expect(existsSync(`${path}.index`)).toBe(true);
    const vars = tf.train.listVariables(join(dir, 'ckpt')).map(([n]: [string, number[]]) => n).sort();
    expect(vars).toEqual(['dense/bias', 'dense/kernel', 'dense_1/bias', 'dense_1/kernel']);
    await model.setWeights(w0.map((w) => new tf.NDArray(new Float32Array(w.size), w.shape)));
    expect(arr((await model.getWeights())[0]!).every((v) => v === 0)).toBe(true);
    await model.loadWeights(join(dir, 'ckpt'));
    (await model.getWeights()).forEach((w, i) => expect(arr(w)).toEqual(arr(w0[i]!)));
    await expect(model.setWeights(w0.slice(1))).rejects.toThrow('with a  weight list of length 3, but the layer was expecting 4 weights.');
    await expect(model.setWeights([w0[1]!, ...w0.slice(1)])).rejects.toThrow('Layer weight shape (4, 8) not compatible with provided weight shape (8,)');
  });

  it('a Sequential without an input shape builds on fit; summary prints Keras\'s table', async () => {
    const { x, y } = data(16, 6);
    const g = freshKeras(cpu);
    const model = g.asDefault(() => new k.Sequential([new L.Dense(5, { activation: 'relu' }), new L.Dense(3, { activation: 'softmax' })]));
    expect(() => model.summary()).toThrow('This model has not yet been built.');
    model.compile({ optimizer: 'rmsprop', loss: 'sparse_categorical_crossentropy' });
    const hist = await model.fit(x, y, { epochs: 1, verbose: 0 });
    expect(Object.keys(hist.history)).toEqual(['loss']);
    const lines: string[] = [];
    model.summary({ printFn: (l) => lines.push(l) });
    expect(lines.join('\n')).toBe([
      'Model: "sequential"',
      '_________________________________________________________________',
      'Layer (type)                 Output Shape              Param #   ',
      '=================================================================',
      'dense (Dense)                (None, 5)                 25        ',
      '_________________________________________________________________',
      'dense_1 (Dense)              (None, 3)                 18        ',
      '=================================================================',
      'Total params: 43',
      'Trainable params: 43',
      'Non-trainable params: 0',
      '_________________________________________________________________',
    ].join('\n'));
    expect(model.countParams()).toBe(43);
  });

  it('errors with Keras\'s texts', async () => {
    const { x, y } = data(8, 7);
    const g = freshKeras(cpu);
    const model = g.asDefault(mlp);
    await expect(model.fit(x, y)).rejects.toThrow('You must compile your model before training/testing. Use `model.compile(optimizer, loss)`.');
    await expect(model.evaluate(x, y)).rejects.toThrow('You must compile your model before training/testing.');
    expect(() => model.compile({ optimizer: 'nope', loss: 'mse' })).toThrow('Could not interpret optimizer identifier: nope');
    expect(() => model.compile({ optimizer: 'adam', loss: 'nope' })).toThrow('Unknown loss function:nope');
    model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy' });
    await expect(model.fit(nd(new Array(8 * 5).fill(0), [8, 5]), y, { verbose: 0 })).rejects.toThrow('Error when checking input: expected dense_input to have shape (4,) but got array with shape (5,)');
    await expect(model.fit(x, new tf.NDArray(new Int32Array(7), [7], 'int32'), { verbose: 0 })).rejects.toThrow('Input arrays should have the same number of samples as target arrays. Found 8 input samples and 7 target samples.');
    const g2 = new tf.Graph();
    g2.asDefault(() => {
      expect(() => new k.Model({ inputs: tf.placeholder(tf.float32, [null, 2]), outputs: tf.zeros([1]) })).toThrow('Input tensors to a Model must come from `tf.keras.Input`.');
    });
  });

  it('mse regression with SGD and an mae metric; tf.train optimizers work too; contrib.keras is tf.keras', async () => {
    const r = new Rng(8);
    const n = 32;
    const xv = Array.from({ length: n * 2 }, () => r.uniform(-1, 1));
    const yv = Array.from({ length: n }, (_, i) => 2 * xv[2 * i]! - xv[2 * i + 1]! + 0.5);
    const g = freshKeras(cpu);
    const model = g.asDefault(() => new k.Sequential([new L.Dense(1, { inputDim: 2 })]));
    model.compile({ optimizer: new tf.train.GradientDescentOptimizer(0.1), loss: 'mse', metrics: ['mae'] });
    const hist = await model.fit(nd(xv, [n, 2]), nd(yv, [n, 1]), { epochs: 30, batchSize: 8, verbose: 0 });
    expect(Object.keys(hist.history)).toEqual(['loss', 'mae']);
    expect(hist.history.loss![29]!).toBeLessThan(0.01);
    const [wk, wb] = await model.getWeights();
    expectAllClose(arr(wk!), [2, -1], 0.05, 'kernel');
    expectAllClose(arr(wb!), [0.5], 0.05, 'bias');
    expect(tf.contrib.keras.Sequential).toBe(k.Sequential);
  });
});
