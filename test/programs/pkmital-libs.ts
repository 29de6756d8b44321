/**
 * Port of python/libs/{activations,batch_norm,connections,utils}.py from
 * github.com/pkmital/tensorflow_tutorials (Parag K. Mital, Apache License 2.0), line by line in
 * tsflow's conventions, shared by the pkmital-* program tests. `montage` / `montage_batch` (numpy
 * plotting helpers) are not ported.
 */
import * as tf from 'tsflow';

type Activation = (x: tf.Tensor) => tf.Tensor;

/** libs/activations.py `lrelu(x, leak=0.2, name="lrelu")` (Python's `abs(x)` is tf.abs). */
export function lrelu(x: tf.Tensor, leak = 0.2, name = 'lrelu'): tf.Tensor {
  return tf.variableScope(name, () => {
    const f1 = 0.5 * (1 + leak);
    const f2 = 0.5 * (1 - leak);
    return tf.add(tf.multiply(f1, x), tf.multiply(f2, tf.abs(x)));
  });
}

/**
 * libs/batch_norm.py `batch_norm(x, phase_train, scope='bn', affine=True)`: batch statistics and
 * their moving averages (ema.apply inside the training branch of a tf.cond);
 * `{flatten2d: true}` gives libs/connections.py's variant, which also takes [N, C] inputs and
 * creates `ema.apply` outside the cond.
 */
export function batch_norm(x: tf.Tensor, phase_train: tf.Tensor, scope = 'bn', affine = true, opts: { flatten2d?: boolean } = {}): tf.Tensor {
  return tf.variableScope(scope, () => {
    const og_shape = x.getShape().asList();
    if (opts.flatten2d && og_shape.length === 2) x = tf.reshape(x, [-1, 1, 1, og_shape[1]!]);
    const shape = x.getShape().asList();
    const beta = new tf.Variable(tf.constant(0.0, { shape: [shape.at(-1)!] }), { name: 'beta', trainable: true });
    const gamma = new tf.Variable(tf.constant(1.0, { shape: [shape.at(-1)!] }), { name: 'gamma', trainable: affine });

    const [batch_mean, batch_var] = tf.nn.moments(x, [0, 1, 2], { name: 'moments' });
    const ema = new tf.train.ExponentialMovingAverage({ decay: 0.9 });
    const ema_apply_outside = opts.flatten2d ? ema.apply([batch_mean, batch_var]) : null;
    const [ema_mean, ema_var] = [ema.average(batch_mean), ema.average(batch_var)];

    const mean_var_with_update = (): tf.Tensor[] => {
      const ema_apply_op = ema_apply_outside ?? ema.apply([batch_mean, batch_var]);
      return tf.controlDependencies([ema_apply_op], () => [tf.identity(batch_mean), tf.identity(batch_var)]);
    };
    const [mean, var_] = tf.cond(phase_train, mean_var_with_update, () => [ema_mean!, ema_var!]) as tf.Tensor[];

    let normed = tf.nn.batchNormWithGlobalNormalization(x, mean!, var_!, beta, gamma, 1e-3, affine);
    if (opts.flatten2d && og_shape.length === 2) normed = tf.reshape(normed, [-1, og_shape.at(-1)!]);
    return normed;
  });
}

/** libs/connections.py `linear(x, n_units, scope=None, stddev=0.02, activation=lambda x: x)`. */
export function linear(x: tf.Tensor, n_units: number, scope: string | null = null, stddev = 0.02, activation: Activation = (x) => x): tf.Tensor {
  const shape = x.getShape().asList();
  return tf.variableScope(scope ?? 'Linear', () => {
    const matrix = tf.getVariable('Matrix', [shape[1]!, n_units], tf.float32, tf.randomNormalInitializer({ stddev }));
    return activation(tf.matmul(x, matrix));
  });
}

export interface Conv2dOptions {
  k_h?: number; k_w?: number; stride_h?: number; stride_w?: number; stddev?: number;
  activation?: Activation | null; bias?: boolean; padding?: 'SAME' | 'VALID'; name?: string;
}

/** libs/connections.py `conv2d(x, n_filters, k_h=5, k_w=5, stride_h=2, stride_w=2, stddev=0.02, activation=None, bias=True, padding='SAME', name="Conv2D")`. */
export function conv2d(x: tf.Tensor, n_filters: number, o: Conv2dOptions = {}): tf.Tensor {
  const { k_h = 5, k_w = 5, stride_h = 2, stride_w = 2, stddev = 0.02, activation = null, bias = true, padding = 'SAME', name = 'Conv2D' } = o;
  return tf.variableScope(name, () => {
    // x.get_shape()[-1] is a Dimension inside the shape list, as in the original
    const w = tf.getVariable('w', [k_h, k_w, x.getShape().get(-1), n_filters], {
      initializer: tf.truncatedNormalInitializer({ stddev }),
    });
    let conv = tf.nn.conv2d(x, w, { strides: [1, stride_h, stride_w, 1], padding });
    if (bias) {
      const b = tf.getVariable('b', [n_filters], { initializer: tf.truncatedNormalInitializer({ stddev }) });
      conv = tf.nn.biasAdd(conv, b);
    }
    if (activation) conv = activation(conv);
    return conv;
  });
}

/** libs/utils.py `corrupt(x)`: multiplies each value by a uniform random 0 or 1. */
export function corrupt(x: tf.Tensor): tf.Tensor {
  return tf.multiply(x, tf.cast(tf.randomUniform({ shape: tf.shape(x), minval: 0, maxval: 2, dtype: tf.int32 }), tf.float32));
}

/** libs/utils.py `weight_variable(shape)`. */
export function weight_variable(shape: number[]): tf.Variable {
  const initial = tf.randomNormal(shape, { mean: 0.0, stddev: 0.01 });
  return new tf.Variable(initial);
}

/** libs/utils.py `bias_variable(shape)` (also N(0, 0.01) in the original). */
export function bias_variable(shape: number[]): tf.Variable {
  const initial = tf.randomNormal(shape, { mean: 0.0, stddev: 0.01 });
  return new tf.Variable(initial);
}

/** A seeded uniform generator in [0, 1) (Park–Miller), for data the originals draw from numpy. */
export function seeded(seed: number): () => number {
  let s = seed % 2147483647 || 1;
  return () => (s = (s * 16807) % 2147483647) / 2147483647;
}

/** Rows of `a` minus `mean` (numpy's `np.array([img - mean_img for img in batch_xs])`). */
export function minusMean(a: tf.NDArray, mean: Float32Array): tf.NDArray {
  const d = Float32Array.from(a.data as Float32Array, (v, i) => v - mean[i % mean.length]!);
  return new tf.NDArray(d, a.shape, 'float32');
}
/** `np.mean(images, axis=0)`. */
export function meanImage(a: tf.NDArray): Float32Array {
  const n = a.shape[0]!, f = a.shape[1]!;
  const m = new Float64Array(f);
  for (let i = 0; i < a.size; i++) m[i % f] += a.data[i] as number;
  return Float32Array.from(m, (v) => v / n);
}
export const sumSq = (a: tf.NDArray): number => (a.data as Float32Array).reduce((s, v) => s + v * v, 0);
