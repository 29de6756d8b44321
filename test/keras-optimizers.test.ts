/**
 * tf.keras.optimizers Adadelta, Adamax, Nadam, Ftrl against numpy runs of TF 1.15's OptimizerV2
 * formulas (three steps on loss = Σ a·(w − c)², a = [1, 2, 3], c = 0.5, w0 = [1, −2, 0.8]), and
 * get / serialize / deserialize with their configs.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';

const opt = tf.keras.optimizers;

async function run3(o: InstanceType<typeof opt.Optimizer>, steps = 3): Promise<number[]> {
  const g = new tf.Graph();
  return g.asDefault(async () => {
    const w = new tf.Variable([1, -2, 0.8], { name: 'w' });
    const loss = tf.reduceSum(tf.multiply([1, 2, 3], tf.square(tf.subtract(w, 0.5))));
    const step = o.getUpdates(loss, [w]);
    const sess = new tf.Session({ graph: g });
    await sess.run(tf.globalVariablesInitializer());
    for (let i = 0; i < steps; i++) await sess.run(step);
    return Array.from(((await sess.run(w)) as tf.NDArray).data as Float32Array);
  });
}

function close(got: number[], want: number[], tol = 2e-6): void {
  expect(got.length).toBe(want.length);
  got.forEach((v, i) => expect(Math.abs(v - want[i]!)).toBeLessThan(tol));
}

describe('keras.optimizers update formulas (numpy goldens)', () => {
  it('Adamax', async () => {
    close(await run3(new opt.Adamax(0.01)), [0.9702890770834851, -1.9700339077571436, 0.7705009527853621]);
    close(await run3(new opt.Adamax({ learningRate: 0.01, decay: 0.5 })), [0.9784815583939508, -1.978349669002905, 0.7785912097006751]);
  });
  it('Nadam (momentum cache; decay is schedule_decay and leaves the rate alone)', async () => {
    close(await run3(new opt.Nadam(0.01)), [0.9744607304040614, -1.9743127484789327, 0.7745876015826618]);
    close(await run3(new opt.Nadam({ learningRate: 0.01, scheduleDecay: 0.5 })), [0.9745844128987963, -1.974440493001186, 0.7747078307600268]);
    expect(new opt.Nadam({ decay: 0.3 }).decay).toBe(0.004);
  });
  it('Adadelta (epsilon 1e-7)', async () => {
    close(await run3(new opt.Adadelta(1.0)), [0.9957157991619836, -1.9957104686852314, 0.7957202498296375]);
  });
  it('Ftrl, with l1/l2 and l2 shrinkage', async () => {
    close(await run3(new opt.Ftrl(0.1)), [0.568345411980785, -1.7133245556122847, 0.5291707680886739], 1e-5);
    close(await run3(new opt.Ftrl({ learningRate: 0.1, l1RegularizationStrength: 0.05, l2RegularizationStrength: 0.1 })), [0.5580709902720324, -1.709428934095551, 0.5251989754981784], 1e-5);
    close(await run3(new opt.Ftrl({ learningRate: 0.1, l1_regularization_strength: 0.05, l2RegularizationStrength: 0.1, l2ShrinkageRegularizationStrength: 0.2 })), [0.4969146095593664, -1.6921245555602082, 0.4981267383791858], 1e-5);
    expect(() => new opt.Ftrl({ learningRatePower: 0.5 })).toThrow('learning_rate_power 0.5 needs to be less than or equal to 0.0');
    expect(() => new opt.Ftrl({ l1RegularizationStrength: -1 })).toThrow('l1_regularization_strength -1 needs to be positive or zero');
  });
});

describe('keras.optimizers get / serialize / deserialize', () => {
  it('get by name (any case), by config, instances as they are', () => {
    const a = opt.get('adam') as InstanceType<typeof opt.Adam>;
    expect(a).toBeInstanceOf(opt.Adam);
    expect(a.getConfig()).toEqual({ name: 'Adam', learningRate: 0.001, decay: 0, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, amsgrad: false });
    expect(opt.get('Nadam')).toBeInstanceOf(opt.Nadam);
    expect(opt.get('adamax')).toBeInstanceOf(opt.Adamax);
    expect(opt.get('ftrl')).toBeInstanceOf(opt.Ftrl);
    expect(opt.get('Adadelta')).toBeInstanceOf(opt.Adadelta);
    const s = new opt.SGD(0.1);
    expect(opt.get(s)).toBe(s);
    const t = new tf.train.GradientDescentOptimizer(0.1);
    expect(opt.get(t)).toBe(t);
    expect(() => opt.get('nope')).toThrow('Unknown optimizer: nope');
    expect(() => opt.get(3)).toThrow('Could not interpret optimizer identifier: 3');
  });
  it('serialize / deserialize round trip the configs', () => {
    const s = opt.serialize(new opt.SGD({ learningRate: 0.1, momentum: 0.9, nesterov: true, decay: 0.01 }));
    expect(s).toEqual({ className: 'SGD', config: { name: 'SGD', learningRate: 0.1, decay: 0.01, momentum: 0.9, nesterov: true } });
    const back = opt.deserialize(s) as InstanceType<typeof opt.SGD>;
    expect(back).toBeInstanceOf(opt.SGD);
    expect(back.getConfig()).toEqual(s.config);
    expect(opt.serialize(new opt.Nadam()).config).toEqual({ name: 'Nadam', learningRate: 0.001, decay: 0.004, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
    expect(opt.serialize(new opt.Ftrl()).config).toEqual({ name: 'Ftrl', learningRate: 0.001, decay: 0, initialAccumulatorValue: 0.1, learningRatePower: -0.5, l1RegularizationStrength: 0, l2RegularizationStrength: 0, l2ShrinkageRegularizationStrength: 0 });
    expect(opt.serialize(new opt.Adadelta()).config).toEqual({ name: 'Adadelta', learningRate: 0.001, decay: 0, rho: 0.95, epsilon: 1e-7 });
    expect(opt.serialize(new opt.RMSprop()).config).toEqual({ name: 'RMSprop', learningRate: 0.001, decay: 0, rho: 0.9, momentum: 0, epsilon: 1e-7, centered: false });
    const r = opt.deserialize({ className: 'RMSprop', config: { learningRate: 0.5, rho: 0.8 } }) as InstanceType<typeof opt.RMSprop>;
    expect(r.getConfig().rho).toBe(0.8);
    expect(r.learningRate).toBe(0.5);
    expect(() => opt.deserialize({ className: 'Foo', config: {} })).toThrow('Unknown optimizer: Foo');
  });
  it('a model compiles and trains with a name the optimizers module knows', async () => {
    tf.keras.backend.clearSession();
    const m = new tf.keras.Sequential([new tf.keras.layers.Dense(1, { inputShape: [2], kernelInitializer: 'ones', biasInitializer: 'zeros' })]);
    m.compile({ optimizer: 'adamax', loss: 'mse' });
    const before = await m.evaluate([[1, 2], [3, 4]], [[0], [1]], { verbose: 0 }) as number;
    await m.fit([[1, 2], [3, 4]], [[0], [1]], { epochs: 5, verbose: 0, batchSize: 2 });
    const after = await m.evaluate([[1, 2], [3, 4]], [[0], [1]], { verbose: 0 }) as number;
    expect(after).toBeLessThan(before);
  });
});
