/**
 * tf.layers naming, scoping and reuse as TF1 does it, checked against TF-written checkpoints:
 * the MiniGo model (index only: 333 keys, `conv2d_N/kernel`, `batch_normalization_N/...`,
 * `dense_N/...`, their `/Momentum` slots and `global_step`) built layer for layer must create
 * exactly those variables, and TF Serving's half_plus_two_mkl checkpoint (three conv layers)
 * restores into the same tf.layers model with no name map.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray, Tensor } from 'tsflow';
import { CHECKPOINTS_DIR } from './checkpoint/fixtures.js';

const names = (vs: tf.Variable[]): string[] => vs.map((v) => v.op.name);

describe('tf.layers names and reuse', () => {
  it('numbers unnamed layers per scope, nests in variable scopes, runs ops in the layer name scope', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const x = tf.placeholder(tf.float32, [null, 4]);
      const a = tf.layers.dense(x, 3, { activation: tf.nn.relu });
      const b = tf.layers.dense(a, 2);
      const c = tf.variableScope('block', () => tf.layers.dense(x, 5, { useBias: false }));
      const d = tf.variableScope('block', { reuse: true }, () => tf.layers.dense(x, 5, { useBias: false }));
      expect(names(tf.globalVariables())).toEqual(['dense/kernel', 'dense/bias', 'dense_1/kernel', 'dense_1/bias', 'block/dense/kernel']);
      expect(names(tf.trainableVariables())).toEqual(names(tf.globalVariables()));
      expect(a.name).toBe('dense/Relu:0');
      expect(a.op.inputs[0]!.op.name).toBe('dense/BiasAdd');
      expect(g.getOperationByName('dense/MatMul').type).toBe('MatMul');
      expect(b.name).toBe('dense_1/BiasAdd:0');
      expect(c.name).toBe('block/dense/MatMul:0');
      expect(d.name).toBe('block_1/dense/MatMul:0');
      expect(d.op.inputs[1]!.op.inputs[0]!.op.name).toBe('block/dense/kernel');
    });
  });

  it('a layer object reuses its variables on every call; named functional layers reuse with reuse=true', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const x = tf.placeholder(tf.float32, [null, 4]);
      const layer = new tf.layers.Dense(3, { name: 'fc' });
      expect(layer.name).toBe('fc');
      const y1 = layer.apply(x);
      const y2 = layer.apply(tf.multiply(x, 2));
      expect(y1.name).toBe('fc/BiasAdd:0');
      expect(y2.name).toBe('fc/BiasAdd_1:0');
      expect(layer.kernel!.name).toBe('fc/kernel:0');
      expect(layer.bias!.name).toBe('fc/bias:0');
      expect(layer.trainableWeights).toEqual([layer.kernel, layer.bias]);
      expect(layer.variables).toEqual([layer.kernel, layer.bias]);
      expect(layer.scopeName).toBe('fc');
      const z1 = tf.layers.dense(x, 2, { name: 'out' });
      const z2 = tf.layers.dense(x, 2, { name: 'out', reuse: true });
      expect(z1.name).toBe('out/BiasAdd:0');
      expect(z2.name).toBe('out_1/BiasAdd:0');
      expect(names(tf.globalVariables())).toEqual(['fc/kernel', 'fc/bias', 'out/kernel', 'out/bias']);
      expect(() => tf.layers.dense(x, 2, { name: 'out' })).toThrow(/^Variable out\/kernel already exists, disallowed\. Did you mean to set reuse=True or reuse=tf\.AUTO_REUSE in VarScope\?/);
      expect(() => tf.layers.dense(x, 2, { name: 'nope', reuse: true })).toThrow(
        'Variable nope/kernel does not exist, or was not created with tf.get_variable(). Did you mean to set reuse=tf.AUTO_REUSE in VarScope?',
      );
      tf.variableScope('shared', { reuse: tf.AUTO_REUSE }, () => tf.layers.dense(x, 2, { name: 'h' }));
      tf.variableScope('shared', { reuse: tf.AUTO_REUSE }, () => tf.layers.dense(x, 2, { name: 'h' }));
      expect(names(tf.globalVariables()).filter((n) => n.startsWith('shared/'))).toEqual(['shared/h/kernel', 'shared/h/bias']);
      // class objects are named per graph: dense, dense_1, …
      expect(new tf.layers.Dense(1).name).toBe('dense');
      expect(new tf.layers.Dense(1).name).toBe('dense_1');
      expect(new tf.layers.Conv2DTranspose(1, 3).name).toBe('conv2d_transpose');
      expect(new tf.layers.MaxPooling2D(2, 2).name).toBe('max_pooling2d');
      expect(new tf.layers.BatchNormalization().name).toBe('batch_normalization');
    });
  });

  it('names every layer kind and its variables as TF1', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const x = tf.placeholder(tf.float32, [null, 8, 8, 3]);
      const training = tf.placeholderWithDefault(false, []);
      const c = tf.layers.conv2d(x, 4, 3, { padding: 'SAME', activation: tf.nn.relu });
      const bn = tf.layers.batchNormalization(c, { training });
      const mp = tf.layers.maxPooling2d(bn, 2, 2);
      const ct = tf.layers.conv2dTranspose(mp, 2, [3, 3], { strides: 2, padding: 'same' });
      const ap = tf.layers.averagePooling2d(ct, [2, 2], 2);
      const fl = tf.layers.flatten(ap);
      const dr = tf.layers.dropout(fl, { rate: 0.3, training: true });
      const dn = tf.layers.dropout(fl, 0.3);
      expect(c.name).toBe('conv2d/Relu:0');
      expect(g.getOperationByName('conv2d/Conv2D').type).toBe('Conv2D');
      expect(g.getOperationByName('conv2d/BiasAdd').type).toBe('BiasAdd');
      expect(bn.name).toBe('batch_normalization/batchnorm/add_1:0');
      expect(mp.name).toBe('max_pooling2d/MaxPool:0');
      expect(g.getOperationByName('conv2d_transpose/conv2d_transpose').type).toBe('Conv2DBackpropInput');
      expect(ct.shape).toEqual([null, 8, 8, 2]);
      expect(ap.name).toBe('average_pooling2d/AvgPool:0');
      expect(fl.name).toBe('flatten/Reshape:0');
      expect(fl.shape).toEqual([null, 32]);
      expect(dr.name.startsWith('dropout/dropout')).toBe(true);
      expect(dn.name).toBe('dropout_1/Identity:0');
      expect(names(tf.globalVariables())).toEqual([
        'conv2d/kernel', 'conv2d/bias',
        'batch_normalization/gamma', 'batch_normalization/beta', 'batch_normalization/moving_mean', 'batch_normalization/moving_variance',
        'conv2d_transpose/kernel', 'conv2d_transpose/bias',
      ]);
      expect(names(tf.trainableVariables())).toEqual([
        'conv2d/kernel', 'conv2d/bias', 'batch_normalization/gamma', 'batch_normalization/beta', 'conv2d_transpose/kernel', 'conv2d_transpose/bias',
      ]);
      expect(tf.globalVariables()[6]!.shape).toEqual([3, 3, 2, 4]);
      expect(g.getCollection<Tensor>(tf.GraphKeys.UPDATE_OPS).map((t) => t.name)).toEqual([
        'batch_normalization/AssignMovingAvg:0', 'batch_normalization/AssignMovingAvg_1:0',
      ]);
    });
  });

  it('regularizers: losses in REGULARIZATION_LOSSES under <layer>/<weight>/Regularizer, once per variable', async () => {
    const g = new tf.Graph();
    await g.asDefault(async () => {
      const x = tf.placeholder(tf.float32, [null, 2]);
      const reg = tf.contrib.layers.l2Regularizer(0.5);
      const layer = new tf.layers.Dense(2, { kernelRegularizer: reg, biasRegularizer: tf.contrib.layers.l1Regularizer(0.25), kernelInitializer: tf.constantInitializer([[1, -2], [3, 4]]), biasInitializer: tf.constantInitializer([-1, 2]) });
      layer.apply(x);
      layer.apply(x);
      const losses = tf.losses.getRegularizationLosses();
      expect(losses.map((t) => t.name)).toEqual(['dense/kernel/Regularizer/l2_regularizer:0', 'dense/bias/Regularizer/l1_regularizer:0']);
      expect(layer.losses).toEqual(losses);
      const total = tf.losses.getRegularizationLoss();
      const sess = new tf.Session({ graph: g });
      await sess.run(tf.globalVariablesInitializer());
      expect(((await sess.run(total)) as NDArray).toArray()).toBeCloseTo(0.5 * (1 + 4 + 9 + 16) / 2 + 0.25 * 3, 5);
      expect(tf.contrib.layers.l2Regularizer(0)(layer.kernel!)).toBe(null);
      expect(() => tf.contrib.layers.l1Regularizer(-1)).toThrow('Setting a scale less than 0 on a regularizer: -1');
      const l1l2 = tf.contrib.layers.l1L2Regularizer(0.1, 0.2)!(layer.kernel!)!;
      expect(l1l2.name).toBe('l1_l2_regularizer:0');
      expect(((await sess.run(l1l2)) as NDArray).toArray()).toBeCloseTo(0.1 * 10 + 0.2 * 15, 5);
      const applied = tf.contrib.layers.applyRegularization(reg, [layer.kernel!]);
      expect(applied.name).toBe('get_regularization_penalty:0');
      expect(tf.losses.getRegularizationLosses()).toContain(applied);
    });
  });

  it('tf.contrib.layers.fullyConnected: fully_connected/weights and /biases, ReLU by default; contrib flatten', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const x = tf.placeholder(tf.float32, [null, 4, 2]);
      const f = tf.contrib.layers.flatten(x);
      expect(f.name).toBe('Flatten/flatten/Reshape:0');
      expect(f.shape).toEqual([null, 8]);
      const h = tf.contrib.layers.fullyConnected(f, 3);
      const o = tf.contrib.layers.fullyConnected(h, 2, { activationFn: null, scope: 'logits' });
      const o2 = tf.contrib.layers.fullyConnected(h, 2, { activationFn: null, scope: 'logits', reuse: true });
      expect(h.name).toBe('fully_connected/Relu:0');
      expect(g.getOperationByName('fully_connected/MatMul').type).toBe('MatMul');
      expect(o.name).toBe('logits/BiasAdd:0');
      expect(o2.name).toBe('logits_1/BiasAdd:0');
      expect(names(tf.globalVariables())).toEqual(['fully_connected/weights', 'fully_connected/biases', 'logits/weights', 'logits/biases']);
    });
  });

  it("argument checks use Keras's texts", () => {
    tf.resetDefaultGraph();
    const x = tf.placeholder(tf.float32, [null, 8, 8, 3]);
    expect(() => tf.layers.conv2d(x, 4, 3, { padding: 'full' })).toThrow(
      'The `padding` argument must be one of "valid", "same" (or "causal", only for `Conv1D). Received: full',
    );
    expect(() => tf.layers.conv2d(x, 4, [3, 3, 3])).toThrow('The `kernel_size` argument must be a tuple of 2 integers. Received: [3,3,3]');
    expect(() => tf.layers.conv2d(x, 4, 3, { dataFormat: 'NHWC' })).toThrow('The `data_format` argument must be one of "channels_first", "channels_last". Received: NHWC');
    expect(() => tf.layers.conv2d(tf.placeholder(tf.float32, [null, 3]), 4, 3)).toThrow(
      'Input 0 of layer conv2d_3 is incompatible with the layer: expected ndim=4, found ndim=2. Full shape received: [None, 3]',
    );
    expect(() => tf.layers.dense(tf.placeholder(tf.float32, [null, null]), 2)).toThrow('The last dimension of the inputs to `Dense` should be defined. Found `None`.');
    expect(() => tf.layers.conv2d(tf.placeholder(tf.float32, [null, 4, 4, null]), 2, 1)).toThrow('The channel dimension of the inputs should be defined. Found `None`.');
    expect(() => tf.layers.maxPooling2d(x, 2)).toThrow("max_pooling2d() missing 1 required positional argument: 'strides'");
    const l = new tf.layers.Dense(2);
    l.apply(tf.placeholder(tf.float32, [null, 3]));
    expect(() => l.apply(tf.placeholder(tf.float32, [null, 4]))).toThrow(
      'Input 0 of layer dense_1 is incompatible with the layer: expected axis -1 of input shape to have value 3 but received input with shape [None, 4]',
    );
  });
});

// ----- TF-written checkpoints -------------------------------------------------------------------------

/** MiniGo's dual_net model_inference_fn, as TF1 wrote it with tf.layers (19×19 board, 17 planes). */
function minigo(training: Tensor | boolean, features: Tensor): [Tensor, Tensor] {
  const P = { convWidth: 256, trunkLayers: 19, policyConvWidth: 2, valueConvWidth: 1, fcWidth: 256 };
  const N = 19;
  const batchn = (x: Tensor, o: { center?: boolean; scale?: boolean } = {}) =>
    tf.layers.batchNormalization(x, { axis: -1, momentum: 0.95, epsilon: 1e-5, center: true, scale: true, fused: true, training, ...o });
  const conv = (x: Tensor, filters = P.convWidth, kernelSize = 3) => tf.layers.conv2d(x, filters, kernelSize, { padding: 'same', useBias: false });
  const act = tf.nn.relu;
  const res = (x: Tensor) => act(tf.add(x, batchn(conv(act(batchn(conv(x)))))));
  let shared = act(batchn(conv(features)));
  for (let i = 0; i < P.trunkLayers; i++) shared = res(shared);
  const policyConv = act(batchn(conv(shared, P.policyConvWidth, 1), { center: false, scale: false }));
  const logits = tf.layers.dense(tf.reshape(policyConv, [-1, P.policyConvWidth * N * N]), N * N + 1);
  const valueConv = act(batchn(conv(shared, P.valueConvWidth, 1), { center: false, scale: false }));
  const hidden = act(tf.layers.dense(tf.reshape(valueConv, [-1, P.valueConvWidth * N * N]), P.fcWidth));
  const value = tf.tanh(tf.reshape(tf.layers.dense(hidden, 1), [-1]));
  return [logits, value];
}

describe('TF-written checkpoints of tf.layers models', () => {
  it('the MiniGo model creates exactly the variables (names, shapes, Momentum slots) of its TF checkpoint', () => {
    const prefix = join(CHECKPOINTS_DIR, 'swift_models_index_only/minigo');
    const want = tf.train.listVariables(prefix).map(([k, s]) => `${k} ${JSON.stringify(s)}`).sort();
    expect(want.length).toBe(333);
    const g = new tf.Graph();
    g.asDefault(() => {
      const features = tf.placeholder(tf.float32, [null, 19, 19, 17]);
      const [logits, value] = minigo(true, features);
      const pi = tf.placeholder(tf.float32, [null, 362]);
      const outcome = tf.placeholder(tf.float32, [null]);
      const policyCost = tf.reduceMean(tf.nn.softmaxCrossEntropyWithLogitsV2({ logits, labels: tf.stopGradient(pi) }));
      const valueCost = tf.reduceMean(tf.square(tf.subtract(value, outcome)));
      const l2 = tf.multiply(1e-4, tf.addN(tf.trainableVariables().filter((v) => !v.name.includes('bias')).map((v) => tf.nn.l2Loss(v))));
      const globalStep = tf.train.getOrCreateGlobalStep();
      tf.controlDependencies(g.getCollection<Tensor>(tf.GraphKeys.UPDATE_OPS), () =>
        new tf.train.MomentumOptimizer(0.01, 0.9).minimize(tf.addN([policyCost, valueCost, l2]), { globalStep }),
      );
      const got = tf.globalVariables().map((v) => `${v.op.name} ${JSON.stringify(v.shape)}`).sort();
      expect(got).toEqual(want);
      expect(tf.globalVariables().find((v) => v.op.name === 'global_step')!.dtype).toBe('int64');
      expect(g.getCollection(tf.GraphKeys.UPDATE_OPS).length).toBe(2 * 41);
    });
  });

  it("TF Serving's half_plus_two_mkl checkpoint (conv2d, conv2d_1, conv2d_2) restores into tf.layers with no name map", async () => {
    const prefix = join(CHECKPOINTS_DIR, 'serving_half_plus_two_mkl/variables/variables');
    const g = new tf.Graph();
    await g.asDefault(async () => {
      const a = new tf.Variable(0, { name: 'a' });
      const b = new tf.Variable(0, { name: 'b' });
      const c = new tf.Variable(0, { name: 'c' });
      const img = tf.placeholder(tf.float32, [1, 2, 2, 1]);
      const convs = [0, 1, 2].map(() => new tf.layers.Conv2D(1, [1, 1]));
      let h = img;
      for (const layer of convs) h = layer.apply(h);
      expect(names(tf.globalVariables())).toEqual(['a', 'b', 'c', 'conv2d/kernel', 'conv2d/bias', 'conv2d_1/kernel', 'conv2d_1/bias', 'conv2d_2/kernel', 'conv2d_2/bias']);
      const sess = new tf.Session({ graph: g });
      await new tf.train.Saver().restore(sess, prefix);
      const vals = (await sess.run([a, b, c, ...convs.map((l) => l.kernel!)])) as NDArray[];
      [0.5, 2, 3, -0.522396, -1.045112, 1.5779432].forEach((want, i) => {
        expect(vals[i]!.shape).toEqual(i < 3 ? [] : [1, 1, 1, 1]);
        expect(vals[i]!.data[0]).toBeCloseTo(want, 6);
      });
      const out = (await sess.run(h, [[img, [[[[1], [2]], [[3], [-1]]]]]])) as NDArray;
      const k = -0.522396 * -1.045112 * 1.5779432;
      Array.from(out.data as Float32Array).forEach((v, i) => expect(v).toBeCloseTo([1, 2, 3, -1][i]! * k, 5));
    });
  });
});
