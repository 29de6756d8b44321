// Functions and classes related to optimization (weight updates).
//
// Port of google-research/bert's optimization.py (Copyright 2018 The Google AI Language Team
// Authors, Apache License 2.0) line by line in tsflow's conventions (no TPU:
// tf.contrib.tpu.CrossShardOptimizer is not part of tsflow, so `useTpu` must be false).
import * as tf from 'tsflow';

/** Creates an optimizer training op. */
export function createOptimizer(loss: tf.Tensor, initLr: number, numTrainSteps: number, numWarmupSteps: number, useTpu: boolean): tf.Operation {
  const globalStep = tf.train.getOrCreateGlobalStep();

  let learningRate = tf.constant(initLr, { shape: [], dtype: tf.float32 });

  // Implements linear decay of the learning rate.
  learningRate = tf.train.polynomialDecay(learningRate, globalStep, numTrainSteps, { endLearningRate: 0.0, power: 1.0, cycle: false });

  // Implements linear warmup. I.e., if global_step < num_warmup_steps, the learning rate will
  // be `global_step/num_warmup_steps * init_lr`.
  if (numWarmupSteps) {
    const globalStepsInt = tf.cast(globalStep, tf.int32);
    const warmupStepsInt = tf.constant(numWarmupSteps, { dtype: tf.int32 });

    const globalStepsFloat = tf.cast(globalStepsInt, tf.float32);
    const warmupStepsFloat = tf.cast(warmupStepsInt, tf.float32);

    const warmupPercentDone = tf.divide(globalStepsFloat, warmupStepsFloat);
    const warmupLearningRate = tf.multiply(initLr, warmupPercentDone);

    const isWarmup = tf.cast(tf.less(globalStepsInt, warmupStepsInt), tf.float32);
    learningRate = tf.add(tf.multiply(tf.subtract(1.0, isWarmup), learningRate), tf.multiply(isWarmup, warmupLearningRate));
  }

  // It is recommended that you use this optimizer for fine tuning, since this is how the model
  // was trained (note that the Adam m/v variables are NOT loaded from init_checkpoint.)
  const optimizer = new AdamWeightDecayOptimizer({
    learningRate,
    weightDecayRate: 0.01,
    beta1: 0.9,
    beta2: 0.999,
    epsilon: 1e-6,
    excludeFromWeightDecay: ['LayerNorm', 'layer_norm', 'bias'],
  });

  if (useTpu) throw new tf.errors.ValueError('use_tpu: tf.contrib.tpu.CrossShardOptimizer is not available in tsflow');

  const tvars = tf.trainableVariables();
  let grads = tf.gradients(loss, tvars);

  // This is how the model was pre-trained.
  [grads] = tf.clipByGlobalNorm(grads, { clipNorm: 1.0 });

  let trainOp = optimizer.applyGradients(grads.map((g, i) => [g, tvars[i]!] as const), { globalStep });

  // Normally the global step update is done inside of `apply_gradients`. However,
  // `AdamWeightDecayOptimizer` doesn't do this. But if you use a different optimizer, you
  // should probably take this line out.
  const newGlobalStep = tf.add(globalStep, 1);
  trainOp = tf.group(trainOp, [globalStep.assign(newGlobalStep)]);
  return trainOp;
}

export interface AdamWeightDecayOptions {
  learningRate: tf.Tensor | number;
  weightDecayRate?: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  excludeFromWeightDecay?: string[] | null;
  name?: string;
}

// A gradient is a tensor or IndexedSlices (the word embeddings'), made dense by the math below as in TF.
type GradsAndVars = readonly (readonly [tf.TensorLike | null, tf.Variable])[];

/** Python's `apply_gradients(grads_and_vars, global_step=None, name=None)` arguments, given positionally or by keyword as tsflow calls take them. */
function applyGradientsArgs(args: readonly unknown[]): { gradsAndVars: GradsAndVars; globalStep?: tf.Variable | null; name?: string } {
  const last = args.at(-1);
  const keywords = last !== null && typeof last === 'object' && !Array.isArray(last) && !(last instanceof tf.Variable) ? (last as Record<string, unknown>) : {};
  const positional = keywords === last ? args.slice(0, -1) : args;
  const [gradsAndVars = keywords.gradsAndVars, globalStep = keywords.globalStep, name = keywords.name] = positional;
  return { gradsAndVars: gradsAndVars as GradsAndVars, globalStep: globalStep as tf.Variable | null | undefined, name: name as string | undefined };
}

/** A basic Adam optimizer that includes "correct" L2 weight decay. */
export class AdamWeightDecayOptimizer extends tf.train.Optimizer {
  learningRate: tf.Tensor | number;
  weightDecayRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  excludeFromWeightDecay: string[] | null;

  /** Constructs a AdamWeightDecayOptimizer. */
  constructor({
    learningRate, weightDecayRate = 0.0, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-6, excludeFromWeightDecay = null, name = 'AdamWeightDecayOptimizer',
  }: AdamWeightDecayOptions) {
    super(false, name);

    this.learningRate = learningRate;
    this.weightDecayRate = weightDecayRate;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
    this.excludeFromWeightDecay = excludeFromWeightDecay;
  }

  /** See base class. */
  override applyGradients(...args: Parameters<tf.train.Optimizer['applyGradients']>): tf.Operation {
    const { gradsAndVars, name } = applyGradientsArgs(args);
    const assignments: tf.Tensor[] = [];
    for (const [grad, param] of gradsAndVars) {
      if (grad === null || param === null) continue;

      const paramName = this.getVariableName(param.name);

      const m = tf.getVariable({
        name: `${paramName}/adam_m`,
        shape: param.getShape().asList() as number[],
        dtype: tf.float32,
        trainable: false,
        initializer: tf.zerosInitializer(),
      });
      const v = tf.getVariable({
        name: `${paramName}/adam_v`,
        shape: param.getShape().asList() as number[],
        dtype: tf.float32,
        trainable: false,
        initializer: tf.zerosInitializer(),
      });

      // Standard Adam update.
      const nextM = tf.add(tf.multiply(this.beta1, m), tf.multiply(1.0 - this.beta1, grad));
      const nextV = tf.add(tf.multiply(this.beta2, v), tf.multiply(1.0 - this.beta2, tf.square(grad)));

      let update = tf.divide(nextM, tf.add(tf.sqrt(nextV), this.epsilon));

      // Just adding the square of the weights to the loss function is *not* the correct way of
      // using L2 regularization/weight decay with Adam, since that will interact with the m
      // and v parameters in strange ways.
      //
      // Instead we want ot decay the weights in a manner that doesn't interact with the m/v
      // parameters. This is equivalent to adding the square of the weights to the loss with
      // plain (non-momentum) SGD.
      if (this.doUseWeightDecay(paramName)) update = tf.add(update, tf.multiply(this.weightDecayRate, param));

      const updateWithLr = tf.multiply(this.learningRate, update);

      const nextParam = tf.subtract(param, updateWithLr);

      assignments.push(param.assign(nextParam), m.assign(nextM), v.assign(nextV));
    }
    return tf.group(...assignments, { name });
  }

  /** Whether to use L2 weight decay for `paramName`. */
  private doUseWeightDecay(paramName: string): boolean {
    if (!this.weightDecayRate) return false;
    if (this.excludeFromWeightDecay) {
      for (const r of this.excludeFromWeightDecay) {
        if (new RegExp(r).test(paramName)) return false;
      }
    }
    return true;
  }

  /** Get the variable name from the tensor name. */
  private getVariableName(paramName: string): string {
    const m = /^(.*):\d+$/.exec(paramName);
    if (m !== null) paramName = m[1]!;
    return paramName;
  }
}
