/**
 * Boundary validation: each public options object and the positional arguments easy to get
 * wrong fail with a TypeError naming the option (or argument), what was expected and what
 * arrived.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a throw');
}

/** Run `fn` in a fresh graph and return the message of the TypeError it throws. */
function typeError(fn: () => unknown): string {
  const e = new tf.Graph().asDefault(() => thrown(fn));
  expect(e).toBeInstanceOf(TypeError);
  return e.message;
}

const x = (): tf.Tensor => tf.zeros([1, 4, 4, 1]);

describe('ops options', () => {
  it('matmul', () => {
    expect(typeError(() => tf.matmul([[1]], [[1]], { transposeA: 'yes' as never }))).toBe(
      "Invalid matmul option transposeA: expected a boolean, got 'yes'",
    );
    expect(typeError(() => tf.matmul([[1]], [[1]], { adjoint_a: true } as never))).toBe(
      "matmul() got an unexpected keyword argument 'adjoint_a'",
    );
    // TF1's third positional parameter is transpose_a
    expect(typeError(() => tf.matmul([[1]], [[1]], 5 as never))).toBe('Invalid matmul option transposeA: expected a boolean, got 5');
  });

  it('random ops', () => {
    expect(typeError(() => tf.randomNormal([2], { stddev: '1' as never }))).toBe(
      "Invalid randomNormal option stddev: expected a number or a Tensor, got '1'",
    );
    expect(typeError(() => tf.randomUniform([2], { minval: NaN }))).toBe('Invalid randomUniform option minval: expected a number or a Tensor, got NaN');
    expect(typeError(() => tf.truncatedNormal([2], { seed: 1.5 }))).toBe(
      'Invalid truncatedNormal option seed: expected an integer seed, got 1.5',
    );
    expect(typeError(() => tf.randomUniform([2], { dtype: 'float8' }))).toBe(
      "Invalid randomUniform option dtype: expected a dtype (one of float32, int32, bool, float64, int64, int8, uint8, int16, uint16, float16, string, complex64, complex128, float, double, half), got 'float8'",
    );
    expect(typeError(() => tf.randomNormal([2], { mu: 0 } as never))).toBe(
      "randomNormal() got an unexpected keyword argument 'mu'",
    );
    expect(typeError(() => tf.randomNormal([2, -1]))).toBe('Invalid randomNormal argument shape[1]: expected a non-negative integer, got -1');
    new tf.Graph().asDefault(() => {
      expect(tf.randomUniform([2], { dtype: 'double' }).dtype).toBe('float64');
      expect(tf.randomNormal(tf.shape(tf.zeros([2, 3]))).dtype).toBe('float32');
    });
  });

  it('nn.dropout', () => {
    expect(typeError(() => tf.nn.dropout(tf.zeros([2]), 0.5, { noiseShape: [1, 'a'] as never }))).toBe(
      "Invalid nn.dropout option noiseShape[1]: expected a non-negative integer, got 'a'",
    );
    expect(typeError(() => tf.nn.dropout(tf.zeros([2]), null, { rate: 'x' as never }))).toBe(
      "Invalid nn.dropout option rate: expected a number or a Tensor, got 'x'",
    );
    expect(typeError(() => tf.nn.dropout(tf.zeros([2]), 0.5, { seed: '1' as never }))).toBe(
      "Invalid nn.dropout option seed: expected an integer seed, got '1'",
    );
    expect(typeError(() => tf.nn.dropout(tf.zeros([2]), '0.5' as never))).toBe(
      "Invalid nn.dropout argument keepProb: expected a number or a Tensor, got '0.5'",
    );
    expect(typeError(() => tf.nn.dropout(tf.zeros([2]), 0.5, { keepProb: 0.5 } as never))).toBe(
      "nn.dropout() got multiple values for argument 'keepProb'",
    );
  });

  it('conv2d and pools', () => {
    const f = (): tf.Tensor => tf.zeros([2, 2, 1, 1]);
    expect(typeError(() => tf.nn.conv2d(x(), f(), 1, 'SAME', { dilations: [1, 1.5] }))).toBe(
      'Invalid nn.conv2d option dilations[1]: expected an integer, got 1.5',
    );
    expect(typeError(() => tf.nn.conv2d(x(), f(), 1, 'SAME', { dilations: 'x' as never }))).toBe(
      "Invalid nn.conv2d option dilations: expected an integer or an array of integers, got 'x'",
    );
    expect(typeError(() => tf.nn.conv2d(x(), f(), 1, 'SAME', { padding: 'SAME' } as never))).toBe(
      "nn.conv2d() got multiple values for argument 'padding'",
    );
    expect(typeError(() => tf.nn.maxPool(x(), 2, 2, 'SAME', { strides: 2 } as never))).toBe(
      "nn.maxPool() got multiple values for argument 'strides'",
    );
    expect(typeError(() => tf.nn.avgPool(x(), 2, 2, 'SAME', { name: 3 } as never))).toBe(
      'Invalid nn.avgPool option name: expected a string, got 3',
    );
  });

  it('oneHot, unstack and gradients', () => {
    expect(typeError(() => tf.oneHot([1], 3, { axis: 'x' as never }))).toBe("Invalid oneHot option axis: expected an integer, got 'x'");
    expect(typeError(() => tf.unstack(tf.zeros([2]), { count: 2 } as never))).toBe(
      "unstack() got an unexpected keyword argument 'count'",
    );
    expect(typeError(() => tf.gradients(tf.zeros([1]), [tf.zeros([1])], null, { stopGradients: 'x' as never }))).toBe(
      "Invalid gradients option stopGradients[0]: expected a number, boolean, nested array, typed array, NDArray, Tensor or Variable, got 'x'",
    );
  });
});

describe('Variable options', () => {
  it('names the option, what was expected and what arrived', () => {
    expect(typeError(() => new tf.Variable(1, { trainable: 'no' as never }))).toBe(
      "Invalid Variable option trainable: expected a boolean, got 'no'",
    );
    expect(typeError(() => new tf.Variable(1, { dtype: 'f32' }))).toBe(
      "Invalid Variable option dtype: expected a dtype (one of float32, int32, bool, float64, int64, int8, uint8, int16, uint16, float16, string, complex64, complex128, float, double, half), got 'f32'",
    );
    expect(typeError(() => new tf.Variable(1, { collections: ['a', 3 as never] }))).toBe(
      'Invalid Variable option collections[1]: expected a string, got 3',
    );
    expect(typeError(() => new tf.Variable(1, { validate_shape: false } as never))).toBe(
      "Variable() got an unexpected keyword argument 'validate_shape'",
    );
    new tf.Graph().asDefault(() => expect(new tf.Variable(1, { dtype: 'double' }).dtype).toBe('float64'));
  });
});

describe('optimizer options', () => {
  it('constructors', () => {
    const { train } = tf;
    expect(typeError(() => new train.GradientDescentOptimizer('0.1' as never))).toBe(
      "Invalid GradientDescentOptimizer argument learningRate: expected a number or a Tensor, got '0.1'",
    );
    expect(typeError(() => new train.MomentumOptimizer(0.1, 0.9, { useNesterov: 1 as never }))).toBe(
      'Invalid MomentumOptimizer option useNesterov: expected a boolean, got 1',
    );
    expect(typeError(() => new train.MomentumOptimizer(0.1, [0.9] as never))).toBe(
      'Invalid MomentumOptimizer argument momentum: expected a number or a Tensor, got [0.9]',
    );
    expect(typeError(() => new train.AdagradOptimizer(0.1, { initialAccumulatorValue: '1' as never }))).toBe(
      "Invalid AdagradOptimizer option initialAccumulatorValue: expected a number, got '1'",
    );
    // Positivity keeps TF's ValueError text.
    const e = thrown(() => new train.AdagradOptimizer(0.1, { initialAccumulatorValue: -0.5 }));
    expect(e).toBeInstanceOf(tf.errors.ValueError);
    expect(e.message).toBe('initial_accumulator_value must be positive: -0.5');
    expect(typeError(() => new train.AdamOptimizer(0.001, { beta1: '0.9' as never }))).toBe(
      "Invalid AdamOptimizer option beta1: expected a number or a Tensor, got '0.9'",
    );
    expect(typeError(() => new train.AdamOptimizer(0.001, { beta_2: 0.99 } as never))).toBe(
      "AdamOptimizer() got an unexpected keyword argument 'beta_2'",
    );
    expect(typeError(() => new train.RMSPropOptimizer(0.1, { centered: 'yes' as never }))).toBe(
      "Invalid RMSPropOptimizer option centered: expected a boolean, got 'yes'",
    );
    expect(typeError(() => new train.RMSPropOptimizer(0.1, { decay: [0.9] as never }))).toBe(
      'Invalid RMSPropOptimizer option decay: expected a number or a Tensor, got [0.9]',
    );
  });

  it('minimize, computeGradients and applyGradients', () => {
    new tf.Graph().asDefault(() => {
      const v = new tf.Variable(1, { name: 'v' });
      const loss = tf.square(v);
      const opt = new tf.train.GradientDescentOptimizer(0.1);
      expect(typeError(() => opt.minimize(loss, { globalStep: 3 as never }))).toBe(
        'Invalid minimize option globalStep: expected a tf.Variable, got 3',
      );
      expect(typeError(() => opt.minimize(loss, { varList: [v, 'w' as never] }))).toBe(
        "Invalid minimize option varList[1]: expected a tf.Variable, got 'w'",
      );
      expect(typeError(() => opt.minimize(loss, { global_step: v } as never))).toBe(
        "minimize() got an unexpected keyword argument 'global_step'",
      );
      expect(typeError(() => opt.computeGradients(loss, [loss as never]))).toBe(
        'Invalid computeGradients argument varList[0]: expected a tf.Variable, got Tensor("Square:0", shape=(), dtype=float32)',
      );
      expect(typeError(() => opt.applyGradients([[1, v]], { varList: [v] } as never))).toBe(
        "applyGradients() got an unexpected keyword argument 'varList'",
      );
      // Good options still build the training op.
      const step = tf.train.getOrCreateGlobalStep();
      expect(opt.minimize(loss, { globalStep: step, varList: [v], name: 'train' }).name).toBe('train');
    });
  });
});

describe('learning-rate schedules', () => {
  it('name the bad argument', () => {
    const { train } = tf;
    expect(typeError(() => train.exponentialDecay(0.1, 5, '100' as never, 0.9))).toBe(
      "Invalid exponentialDecay argument decaySteps: expected a number or a Tensor, got '100'",
    );
    expect(typeError(() => train.inverseTimeDecay(0.1, 5, 100, 0.9, 'true' as never))).toBe(
      "Invalid inverseTimeDecay argument staircase: expected a boolean, got 'true'",
    );
    expect(typeError(() => train.polynomialDecay(0.1, 5, 100, { cycles: true } as never))).toBe(
      "polynomialDecay() got an unexpected keyword argument 'cycles'",
    );
    expect(typeError(() => train.polynomialDecay(0.1, 5, 100, { power: '2' } as never))).toBe(
      "Invalid polynomialDecay argument power: expected a number, got '2'",
    );
    expect(typeError(() => train.cosineDecay(0.1, 5, 100, '0' as never))).toBe(
      "Invalid cosineDecay argument alpha: expected a number, got '0'",
    );
    expect(typeError(() => train.piecewiseConstant(5, [1, 'x'] as never, [1, 2, 3]))).toBe(
      "Invalid piecewiseConstant argument boundaries[1]: expected a number, got 'x'",
    );
    // A missing global step keeps TF's ValueError.
    expect(thrown(() => train.exponentialDecay(0.1, null as never, 100, 0.9))).toBeInstanceOf(tf.errors.ValueError);
  });
});

describe('Saver options', () => {
  it('constructor and save', async () => {
    const g = new tf.Graph();
    const v = g.asDefault(() => new tf.Variable(1, { name: 'v' }));
    const saverError = (opts: unknown): string => typeError(() => g.asDefault(() => new tf.train.Saver([v], opts as never)));
    expect(saverError({ maxToKeep: -1 })).toBe('Invalid Saver option maxToKeep: expected a non-negative integer, got -1');
    expect(saverError({ keepCheckpointEveryNHours: 0 })).toBe(
      'Invalid Saver option keepCheckpointEveryNHours: expected a positive number of hours, got 0',
    );
    expect(saverError({ max_to_keep: 3 })).toBe("Saver() got an unexpected keyword argument 'max_to_keep'");
    g.asDefault(() => new tf.train.Saver([v], { maxToKeep: null, keepCheckpointEveryNHours: Infinity }));

    const saver = g.asDefault(() => new tf.train.Saver([v]));
    const sess = new tf.Session({ graph: g });
    const save = (opts: unknown): Promise<unknown> => saver.save(sess, '/nonexistent/model.ckpt', opts as never);
    await expect(save({ globalStep: 1.5 })).rejects.toThrow(
      new TypeError('Invalid Saver.save option globalStep: expected an integer, a Tensor or a Variable, got 1.5'),
    );
    await expect(save({ writeState: 'no' })).rejects.toThrow(
      new TypeError("Invalid Saver.save option writeState: expected a boolean, got 'no'"),
    );
    await sess.close();
  });
});

describe('Session options and feeds', () => {
  it('keeps the Session option messages', () => {
    expect(thrown(() => new tf.Session({ threads: 0 })).message).toBe(
      'Invalid Session option threads: expected an integer from 1 to 256, got 0',
    );
    expect(thrown(() => new tf.Session({ device: 'tpu' as never })).message).toBe(
      "Invalid Session option device: expected one of 'cpu', 'webgpu', got 'tpu'",
    );
    expect(thrown(() => new tf.Session({ graph: 5 as never })).message).toBe('Invalid Session option graph: graph must be a tf.Graph, got 5');
    expect(thrown(() => new tf.Session({ bogus: true } as never)).message).toBe(
      'Invalid Session option bogus: expected one of target, graph, config, device, threads, parallelThreshold, allowSoftPlacement, logDevicePlacement, intraOpParallelismThreads, interOpParallelismThreads, gpuOptions, deviceCount, operationTimeoutInMs, graphOptions, got an unknown option',
    );
  });

  it('feed dicts', async () => {
    const g = new tf.Graph();
    const [p, y] = g.asDefault(() => {
      const p = tf.placeholder('float32', []);
      return [p, tf.add(p, 1)] as const;
    });
    const sess = new tf.Session({ graph: g });
    await expect(sess.run(y, 5 as never)).rejects.toThrow(
      new TypeError(
        'Invalid Session.run argument feedDict: expected a Map, an array of [key, value] pairs, or an object keyed by tensor names, got 5',
      ),
    );
    await expect(sess.run(y, [[p]] as never)).rejects.toThrow(
      new TypeError('Invalid Session.run argument feedDict[0]: expected a [key, value] pair, got [Tensor("Placeholder:0", shape=(), dtype=float32)]'),
    );
    await expect(sess.run(y, [[p, 'a']] as never)).rejects.toThrow(
      new TypeError("Feed value for Placeholder:0 must be a number, boolean, nested array, typed array or NDArray; got 'a'"),
    );
    await sess.close();
  });
});

describe('dtypes and shapes', () => {
  it("accept TF's dtype names and name a bad one", () => {
    new tf.Graph().asDefault(() => {
      expect(tf.placeholder('float', [2]).dtype).toBe('float32');
      expect(tf.zeros([2], 'double').dtype).toBe('float64');
      expect(tf.cast(tf.zeros([2]), 'double').dtype).toBe('float64');
      expect(tf.constant(1, 'float').dtype).toBe('float32');
      expect(new tf.NDArray(new Float64Array(2), [2], 'double' as never).dtype).toBe('float64');
    });
    expect(typeError(() => tf.placeholder('float8', [1]))).toBe(
      "Expected a dtype (one of float32, int32, bool, float64, int64, int8, uint8, int16, uint16, float16, string, complex64, complex128, or TF's float, double, half), got 'float8'",
    );
    expect(tf.ones([1], 'half').dtype).toBe('float16');
  });

  it('name the bad element of a shape', () => {
    expect(typeError(() => tf.zeros([2, -2]))).toBe('Invalid zeros argument shape[1]: expected a non-negative integer, got -2');
    expect(typeError(() => tf.ones([2, 'a' as never]))).toBe("Invalid ones argument shape[1]: expected a non-negative integer, got 'a'");
    expect(typeError(() => tf.fill([1.5], 1))).toBe('Invalid fill argument dims[0]: expected a non-negative integer, got 1.5');
    expect(typeError(() => tf.reshape([1, 2], [-2]))).toBe(
      'Invalid reshape argument shape[0]: expected an integer >= -1 (-1 for one unknown dim), got -2',
    );
    expect(typeError(() => tf.placeholder('float32', [null, -1]))).toBe(
      'Invalid placeholder argument shape[1]: expected a non-negative integer or null, got -1',
    );
    expect(typeError(() => tf.placeholderWithDefault(1, 'x' as never))).toBe(
      "Invalid placeholderWithDefault argument shape: expected an array of non-negative integers and nulls, got 'x'",
    );
    expect(typeError(() => tf.constant(1, 'float32', [2, 0.5]))).toBe(
      'Invalid constant argument shape[1]: expected a non-negative integer, got 0.5',
    );
    new tf.Graph().asDefault(() => {
      expect(tf.zeros(3).shape).toEqual([3]);
      expect(tf.placeholder('float32', [null, 4]).shape).toEqual([null, 4]);
      expect(tf.reshape(tf.zeros([2, 3]), [-1]).shape).toEqual([6]);
    });
  });
});
