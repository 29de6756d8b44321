/**
 * tf.keras model configs as TF 1.15's: model.getConfig()/toJson(), tf.keras.models.modelFromConfig
 * / modelFromJson / cloneModel. Rebuilt models compute the same function once given the same
 * weights (checked on values computed by numpy-style loops here); a JSON model config in TF 1.15's
 * own form (snake_case keys, every default written out) loads; layers named as an existing
 * layer get their weights in a fresh scope, as Keras's name scopes give them (`dense_1/kernel`).
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray } from 'tsflow';

const keras = tf.keras;

async function predict(m: tf.keras.Model, x: number[][]): Promise<number[]> {
  return [...((await m.predict(new tf.NDArray(Float32Array.from(x.flat()), [x.length, x[0]!.length], 'float32'))) as NDArray).data] as number[];
}

describe('tf.keras model configs', () => {
  it('Sequential: getConfig holds the layers and their arguments; toJson is Keras JSON; modelFromJson rebuilds it', async () => {
    const g = new tf.Graph();
    await g.asDefault(async () => {
      const m = new keras.Sequential([
        new keras.layers.Dense(3, { activation: 'relu', inputShape: [4], kernelRegularizer: keras.regularizers.l2(0.01) }),
        new keras.layers.Dropout(0.5),
        new keras.layers.Dense(2, { activation: 'softmax' }),
      ]);
      const c = m.getConfig() as { name: string; layers: { className: string; config: Record<string, unknown> }[] };
      expect(c.name).toBe('sequential');
      expect(c.layers.map((l) => l.className)).toEqual(['Dense', 'Dropout', 'Dense']);
      expect(c.layers[0]!.config).toMatchObject({ name: 'dense', trainable: true, dtype: 'float32', units: 3, activation: 'relu', batchInputShape: [null, 4], kernelRegularizer: { className: 'L1L2', config: { l1: 0, l2: 0.01 } } });
      expect(c.layers[1]!.config).toMatchObject({ name: 'dropout', rate: 0.5 });
      const json = JSON.parse(m.toJson());
      expect(json.class_name).toBe('Sequential');
      expect(json.keras_version).toBe('2.2.4-tf');
      expect(json.backend).toBe('tensorflow');
      expect(json.config.layers[0].class_name).toBe('Dense');
      expect(json.config.layers[0].config.batch_input_shape).toEqual([null, 4]);
      expect(json.config.layers[0].config.kernel_regularizer).toEqual({ class_name: 'L1L2', config: { l1: 0, l2: 0.01 } });

      const m2 = keras.models.modelFromJson(m.toJson());
      expect(m2).toBeInstanceOf(keras.Sequential);
      expect(m2.layers.map((l) => l.name)).toEqual(['dense', 'dropout', 'dense_1']);
      // the same names in one graph: weights in fresh scopes, as TF's name scopes make them
      expect(m2.weights.map((w) => w.name)).toEqual(['dense_2/kernel:0', 'dense_2/bias:0', 'dense_1_1/kernel:0', 'dense_1_1/bias:0']);
      expect(m2.weights.map((w) => w.shape)).toEqual(m.weights.map((w) => w.shape));
      m2.setWeights(await m.getWeights());
      const x = [[1, -2, 3, 0.5], [0, 1, -1, 2]];
      const [a, b] = [await predict(m, x), await predict(m2, x)];
      expect(b).toEqual(a);
      // softmax(relu(x W1 + b1) W2 + b2) by hand from the weights
      const [w1, b1, w2, b2] = (await m.getWeights()).map((w) => [...w.data] as number[]);
      for (let r = 0; r < 2; r++) {
        const h = [0, 1, 2].map((j) => Math.max(0, x[r]!.reduce((s, v, i) => s + v * w1![i * 3 + j]!, b1![j]!)));
        const z = [0, 1].map((k) => h.reduce((s, v, j) => s + v * w2![j * 2 + k]!, b2![k]!));
        const e = z.map((v) => Math.exp(v - Math.max(...z)));
        const want = e.map((v) => v / (e[0]! + e[1]!));
        expect(a[r * 2]).toBeCloseTo(want[0]!, 5);
        expect(a[r * 2 + 1]).toBeCloseTo(want[1]!, 5);
      }
    });
  });

  it('a functional model with a shared layer: inbound nodes name [layer, node, tensor]; modelFromConfig rebuilds the graph', async () => {
    const g = new tf.Graph();
    await g.asDefault(async () => {
      const inp = keras.Input({ shape: [4], name: 'features' });
      const shared = new keras.layers.Dense(4, { activation: 'tanh', name: 'shared' });
      const a = shared.apply(inp) as tf.Tensor;
      const b = shared.apply(a) as tf.Tensor;
      const c = keras.layers.concatenate([a, b]);
      const out = new keras.layers.Dense(1, { name: 'out' }).apply(c) as tf.Tensor;
      const m = new keras.Model({ inputs: inp, outputs: out, name: 'net' });
      const cfg = m.getConfig() as { name: string; layers: { name: string; className: string; inboundNodes: unknown[] }[]; inputLayers: unknown; outputLayers: unknown };
      expect(cfg.name).toBe('net');
      expect(cfg.layers.map((l) => [l.name, l.className])).toEqual([['features', 'InputLayer'], ['shared', 'Dense'], ['concatenate', 'Concatenate'], ['out', 'Dense']]);
      expect(cfg.layers[0]!.inboundNodes).toEqual([]);
      expect(cfg.layers[1]!.inboundNodes).toEqual([[['features', 0, 0, {}]], [['shared', 0, 0, {}]]]);
      expect(cfg.layers[2]!.inboundNodes).toEqual([[['shared', 0, 0, {}], ['shared', 1, 0, {}]]]);
      expect(cfg.inputLayers).toEqual([['features', 0, 0]]);
      expect(cfg.outputLayers).toEqual([['out', 0, 0]]);
      expect(JSON.parse(m.toJson()).class_name).toBe('Model');
      const m2 = keras.models.modelFromConfig({ className: 'Model', config: cfg });
      expect(m2.weights.length).toBe(4);
      m2.setWeights(await m.getWeights());
      const x = [[0.1, 0.2, -0.3, 0.4]];
      expect(await predict(m2, x)).toEqual(await predict(m, x));
    });
  });

  it("TF 1.15's own JSON (snake_case, every default written out) loads and runs", async () => {
    const init = (cls: string, extra: Record<string, unknown> = {}) => ({ class_name: cls, config: { ...extra, dtype: 'float32' } });
    const dense = (name: string, units: number, activation: string, extra: Record<string, unknown> = {}) => ({
      class_name: 'Dense',
      config: {
        name, trainable: true, ...extra, dtype: 'float32', units, activation, use_bias: true,
        kernel_initializer: init('GlorotUniform', { seed: null }), bias_initializer: init('Zeros'),
        kernel_regularizer: null, bias_regularizer: null, activity_regularizer: null, kernel_constraint: null, bias_constraint: null,
      },
    });
    const json = JSON.stringify({
      class_name: 'Sequential',
      config: {
        name: 'sequential',
        layers: [
          dense('dense', 3, 'relu', { batch_input_shape: [null, 4] }),
          { class_name: 'Dropout', config: { name: 'dropout', trainable: true, dtype: 'float32', rate: 0.5, noise_shape: null, seed: null } },
          { class_name: 'Reshape', config: { name: 'reshape', trainable: true, dtype: 'float32', target_shape: [3, 1] } },
          {
            class_name: 'Conv1D',
            config: {
              name: 'conv1d', trainable: true, dtype: 'float32', filters: 2, kernel_size: [1], strides: [1], padding: 'valid', data_format: 'channels_last', dilation_rate: [1], activation: 'linear', use_bias: true,
              kernel_initializer: init('GlorotUniform', { seed: null }), bias_initializer: init('Zeros'), kernel_regularizer: { class_name: 'L1L2', config: { l1: 0.0, l2: 0.01 } },
              bias_regularizer: null, activity_regularizer: null, kernel_constraint: { class_name: 'MaxNorm', config: { max_value: 2, axis: 0 } }, bias_constraint: null,
            },
          },
          { class_name: 'Flatten', config: { name: 'flatten', trainable: true, dtype: 'float32', data_format: 'channels_last' } },
          {
            class_name: 'BatchNormalization',
            config: {
              name: 'batch_normalization', trainable: true, dtype: 'float32', axis: [1], momentum: 0.99, epsilon: 0.001, center: true, scale: true,
              beta_initializer: init('Zeros'), gamma_initializer: init('Ones'), moving_mean_initializer: init('Zeros'), moving_variance_initializer: init('Ones'),
              beta_regularizer: null, gamma_regularizer: null, beta_constraint: null, gamma_constraint: null,
            },
          },
          { class_name: 'Activation', config: { name: 'activation', trainable: true, dtype: 'float32', activation: 'softmax' } },
        ],
      },
      keras_version: '2.2.4-tf',
      backend: 'tensorflow',
    });
    const g = new tf.Graph();
    await g.asDefault(async () => {
      const m = keras.models.modelFromJson(json);
      expect(m.layers.map((l) => l.name)).toEqual(['dense', 'dropout', 'reshape', 'conv1d', 'flatten', 'batch_normalization', 'activation']);
      expect(m.weights.map((w) => `${w.name}${JSON.stringify(w.shape)}`)).toEqual([
        'dense/kernel:0[4,3]', 'dense/bias:0[3]', 'conv1d/kernel:0[1,1,2]', 'conv1d/bias:0[2]',
        'batch_normalization/gamma:0[6]', 'batch_normalization/beta:0[6]', 'batch_normalization/moving_mean:0[6]', 'batch_normalization/moving_variance:0[6]',
      ]);
      expect(m.losses.length).toBe(1); // conv1d's L2 kernel regularizer
      const y = await predict(m, [[1, 2, 3, 4]]);
      expect(y.length).toBe(6);
      expect(y.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5);
    });
  });

  it('nested layers (TimeDistributed, Bidirectional over an LSTM) round-trip through their configs', async () => {
    const g = new tf.Graph();
    await g.asDefault(async () => {
      const m = new keras.Sequential([
        new keras.layers.TimeDistributed(new keras.layers.Dense(3), { inputShape: [5, 2] }),
        new keras.layers.Bidirectional(new keras.layers.LSTM(4)),
      ]);
      const c = m.getConfig() as { layers: { className: string; config: { layer: { className: string; config: Record<string, unknown> } } }[] };
      expect(c.layers[0]!.config.layer).toMatchObject({ className: 'Dense', config: { units: 3 } });
      expect(c.layers[1]!.config.layer).toMatchObject({ className: 'LSTM', config: { units: 4 } });
      const m2 = keras.models.modelFromJson(m.toJson());
      expect(m2.layers.map((l) => l.kerasClass)).toEqual(['TimeDistributed', 'Bidirectional']);
      expect(m2.weights.map((w) => w.shape)).toEqual(m.weights.map((w) => w.shape));
      m2.setWeights(await m.getWeights());
      const x = new tf.NDArray(Float32Array.from({ length: 20 }, (_, i) => Math.sin(i)), [2, 5, 2], 'float32');
      expect([...((await m2.predict(x)) as NDArray).data]).toEqual([...((await m.predict(x)) as NDArray).data]);
    });
  });

  it('cloneModel: the same architecture with new weights; the given input tensors are used', async () => {
    const g = new tf.Graph();
    await g.asDefault(async () => {
      const inp = keras.Input({ shape: [3] });
      const out = new keras.layers.Dense(2, { activation: 'sigmoid' }).apply(new keras.layers.Dense(4).apply(inp) as tf.Tensor) as tf.Tensor;
      const m = new keras.Model({ inputs: inp, outputs: out });
      const c = keras.models.cloneModel(m);
      expect(c.layers.map((l) => l.kerasClass)).toEqual(['InputLayer', 'Dense', 'Dense']);
      expect(c.weights.map((w) => w.shape)).toEqual(m.weights.map((w) => w.shape));
      expect(c.weights.some((w) => m.weights.includes(w))).toBe(false);
      c.setWeights(await m.getWeights());
      expect(await predict(c, [[1, 2, 3]])).toEqual(await predict(m, [[1, 2, 3]]));
      const s = new keras.Sequential([new keras.layers.Dense(2, { inputShape: [3] })]);
      const x = tf.placeholder('float32', [null, 3], 'given');
      const sc = keras.models.cloneModel(s, x);
      expect(sc.inputs[0]).toBe(x);
      expect(sc.outputs[0]!.shape).toEqual([null, 2]);
    });
  });

  it("errors: a list, a config without a class, an unknown layer class, a layer with no recorded arguments", () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      expect(() => keras.models.modelFromConfig([])).toThrow('`model_from_config` expects a dictionary, not a list. Maybe you meant to use `Sequential.from_config(config)`?');
      expect(() => keras.models.modelFromConfig({ config: {} })).toThrow(/Improper config format/);
      expect(() => keras.models.modelFromJson('{"class_name": "Sequential", "config": {"layers": [{"class_name": "NoSuchLayer", "config": {}}]}}')).toThrow('Unknown layer: NoSuchLayer');
      expect(() => keras.models.modelFromJson('not json')).toThrow(/not JSON/);
      const custom = class Scale extends keras.layers.Layer {};
      expect(() => keras.models.modelFromJson('{"class_name": "Sequential", "config": {"layers": [{"class_name": "Scale", "config": {"name": "s", "batch_input_shape": [null, 2]}}]}}', { Scale: custom })).not.toThrow();
    });
  });
});
