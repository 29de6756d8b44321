/**
 * `tf.contrib.layers.batch_norm` and `layer_norm` (TF1 contrib/layers/python/layers/layers.py).
 *
 * batch_norm takes TF 1.15's three routes: with fused (default None = True) on a rank-2 or
 * rank-4 input and a rank 2 input or non-default `updates_collections`, the fused kernel
 * (FusedBatchNormV3; rank 2 reshaped to [N, 1, 1, C]) whose moving variance follows the
 * Bessel-corrected batch variance; with the default UPDATE_OPS, the core BatchNormalization
 * layer; otherwise nn.moments + nn.batch_normalization. Variables `BatchNorm/beta` (center,
 * default on), `gamma` (scale, default off), `moving_mean`, `moving_variance` are model
 * variables; the moving averages `moving -= (moving - batch)·(1 - decay)` go to
 * `updates_collections`, or with `updatesCollections: null` run before the output is returned;
 * zero_debias_moving_mean keeps the mean's in `moving_mean/biased` and `moving_mean/local_step`.
 */
import { ValueError } from '../errors.js';
import { getDefaultGraph } from '../graph/context.js';
import { GraphKeys } from '../graph/graph.js';
import { Tensor } from '../graph/tensor.js';
import { reshape, shape as shapeOf } from '../ops/array.js';
import { type TensorLike, toTensor } from '../ops/convert.js';
import { constant, identity } from '../ops/core.js';
import { fusedBatchNorm } from '../ops/moments.js';
import { where } from '../ops/math.js';
import { batchNormalization, moments } from '../ops/normalization.js';
import type { Variable } from '../ops/variables.js';
import { assignMovingAverage } from '../train/moving-averages.js';
import { getVariable } from '../scope/get-variable.js';
import { onesInitializer, zerosInitializer } from '../scope/initializers.js';
import { type Regularizer, type VariableScope, variableScope } from '../scope/variable-scope.js';
import type { Activation } from './base.js';
import { addVariable, collect, layerVariableGetter } from './contrib.js';
import { bindArgs } from './kwargs.js';
import { BatchNormalization } from './normalization.js';
import { constantBool, smartCond } from './smart-cond.js';

const graphOf = (x: unknown) => (x instanceof Tensor ? x.graph : getDefaultGraph());

/** `variables.model_variable`: get_variable, also listed in MODEL_VARIABLES and in `collections`. */
export function modelVariable(name: string, opts: Record<string, unknown>, collections: unknown, key: string): Variable {
  const v = getVariable(name, opts);
  const models = v.graph.getCollectionRef<Variable>(GraphKeys.MODEL_VARIABLES);
  if (!models.includes(v)) models.push(v);
  addVariable(v, collections, key);
  return v;
}

function addToCollections(collections: unknown, t: Tensor): void {
  const list = typeof collections === 'string' ? [collections] : (collections as string[]);
  for (const c of list) t.graph.addToCollection(c, t);
}

export const BN_NAMES = [
  'inputs', 'decay', 'center', 'scale', 'epsilon', 'activationFn', 'paramInitializers', 'paramRegularizers', 'updatesCollections',
  'isTraining', 'reuse', 'variablesCollections', 'outputsCollections', 'trainable', 'batchWeights', 'fused', 'dataFormat',
  'zeroDebiasMovingMean', 'scope', 'renorm', 'renormClipping', 'renormDecay', 'adjustment',
];

/**
 * `tf.contrib.layers.batch_norm(inputs, decay=0.999, center=True, scale=False, epsilon=0.001,
 * activation_fn=None, param_initializers=None, param_regularizers=None,
 * updates_collections=tf.GraphKeys.UPDATE_OPS, is_training=True, reuse=None,
 * variables_collections=None, outputs_collections=None, trainable=True, batch_weights=None,
 * fused=None, data_format='NHWC', zero_debias_moving_mean=False, scope=None, renorm=False, …)`.
 */
export function batchNorm(...args: unknown[]): Tensor {
  const a = bindArgs('batch_norm', BN_NAMES, args, 1);
  for (const [k, bad, text] of [
    ['batchWeights', a.batchWeights !== undefined && a.batchWeights !== null, 'batch_weights'],
    ['renorm', !!a.renorm, 'renorm=True'],
    ['adjustment', a.adjustment !== undefined && a.adjustment !== null, 'adjustment'],
  ] as const) {
    if (bad) throw new ValueError(`batch_norm: ${text} is not supported (${k})`);
  }
  const df = a.dataFormat ?? 'NHWC';
  const updates = a.updatesCollections === undefined ? GraphKeys.UPDATE_OPS : a.updatesCollections;
  const isTraining = a.isTraining ?? true;
  const decay = (a.decay as number | undefined) ?? 0.999;
  const epsilon = (a.epsilon as number | undefined) ?? 0.001;
  const center = (a.center as boolean | undefined) ?? true;
  const scale = (a.scale as boolean | undefined) ?? false;
  const trainable = (a.trainable as boolean | undefined) ?? true;
  const reuse = (a.reuse ?? null) as boolean | null;
  const inits = (a.paramInitializers as Record<string, unknown> | null | undefined) ?? {};
  const regs = (a.paramRegularizers as Record<string, Regularizer> | null | undefined) ?? {};
  const activation = (a.activationFn as Activation | undefined) ?? null;
  const vc = a.variablesCollections;
  const g = graphOf(a.inputs);
  return g.asDefault(() => {
    const x0 = toTensor(a.inputs as TensorLike);
    const rank = x0.shape?.length ?? null;
    const fused = (a.fused as boolean | null | undefined) ?? true;
    const possibleToFuse = rank === 2 || rank === 4;
    const zeroDebias = !!a.zeroDebiasMovingMean;
    const useFused = fused && possibleToFuse && (zeroDebias || rank === 2 || updates !== GraphKeys.UPDATE_OPS);
    if (!useFused && df !== 'NHWC' && df !== 'NCHW') throw new ValueError('data_format has to be either NCHW or NHWC.');
    const useLayer = !useFused && updates === GraphKeys.UPDATE_OPS && !zeroDebias;
    const getter = useLayer ? layerVariableGetter() : undefined;
    return variableScope((a.scope as string | undefined) ?? null, { defaultName: 'BatchNorm', values: [a.inputs], reuse, customGetter: getter ?? null }, (sc: VariableScope) => {
      const x = toTensor(a.inputs as TensorLike);
      if (x.shape === null) throw new ValueError(`Inputs ${x.name} has undefined rank.`);
      if (useLayer) {
        const layer = new BatchNormalization({
          axis: df === 'NCHW' ? 1 : -1, momentum: decay, epsilon, center, scale,
          betaInitializer: inits.beta ?? zerosInitializer(), gammaInitializer: inits.gamma ?? onesInitializer(),
          movingMeanInitializer: inits.moving_mean ?? zerosInitializer(), movingVarianceInitializer: inits.moving_variance ?? onesInitializer(),
          betaRegularizer: regs.beta ?? null, gammaRegularizer: regs.gamma ?? null,
          trainable, name: sc.name, _scope: sc, _reuse: reuse, fused: a.fused ?? null,
        });
        let y = layer.apply(x, { training: isTraining });
        addVariable(layer.movingMean!, vc, 'moving_mean');
        addVariable(layer.movingVariance!, vc, 'moving_variance');
        if (layer.beta) addVariable(layer.beta, vc, 'beta');
        if (layer.gamma) addVariable(layer.gamma, vc, 'gamma');
        if (activation) y = activation(y);
        return collect(a.outputsCollections, y);
      }
      const rankX = x.shape.length;
      const axis = df === 'NCHW' && !(useFused && rankX === 2) ? 1 : rankX - 1;
      const c = x.shape[axis];
      if (c === null || c === undefined) throw new ValueError(`Inputs ${x.name} has undefined channels dimension ${JSON.stringify(x.shape)}.`);
      const dtype = x.dtype;
      const mk = (name: string, init: unknown, train: boolean, key: string, reg?: Regularizer): Variable =>
        modelVariable(name, { shape: [c], dtype, initializer: init, trainable: train, ...(reg ? { regularizer: reg } : {}) }, vc, key);
      const beta = center ? mk('beta', inits.beta ?? zerosInitializer(), trainable, 'beta', regs.beta) : null;
      const gamma = scale ? mk('gamma', inits.gamma ?? onesInitializer(), trainable, 'gamma', regs.gamma) : null;
      const movingMean = mk('moving_mean', inits.moving_mean ?? zerosInitializer(), false, 'moving_mean');
      const movingVariance = mk('moving_variance', inits.moving_variance ?? onesInitializer(), false, 'moving_variance');
      const training = constantBool(isTraining);
      let y: Tensor;
      let batchMean: Tensor | null = null;
      let batchVariance: Tensor | null = null;
      if (useFused) {
        const x4 = rankX === 2 ? reshape(x, [-1, 1, 1, c]) : x;
        const betaT = beta ? beta.value() : constant(0, dtype, [c]);
        const gammaT = gamma ? gamma.value() : constant(1, dtype, [c]);
        const dfFused = rankX === 2 ? 'NHWC' : (df as string);
        const train = (): Tensor => {
          const [yt, m, v] = fusedBatchNorm(x4, gammaT, betaT, null, null, epsilon, dfFused, true);
          batchMean = m;
          batchVariance = v;
          return yt;
        };
        const infer = (): Tensor => fusedBatchNorm(x4, gammaT, betaT, movingMean.value(), movingVariance.value(), epsilon, dfFused, false)[0];
        y = smartCond(isTraining, train, infer);
        if (rankX === 2) y = reshape(y, shapeOf(x));
      } else {
        const axes = [...Array(rankX).keys()].filter((i) => i !== axis);
        const bshape = rankX === 4 && axis === 1 ? [1, c, 1, 1] : null;
        const bc = (t: Tensor | null): Tensor | null => (t && bshape ? reshape(t, bshape) : t);
        let mean: Tensor = movingMean.value();
        let variance: Tensor = movingVariance.value();
        if (training !== false) {
          const [m, v] = moments(x, axes);
          batchMean = m;
          batchVariance = v;
          mean = smartCond(isTraining, () => m, () => movingMean.value());
          variance = smartCond(isTraining, () => v, () => movingVariance.value());
        }
        y = batchNormalization(x, bc(mean)!, bc(variance)!, bc(beta?.value() ?? null), bc(gamma?.value() ?? null), epsilon);
      }
      if (training !== false) {
        // moving -= (moving - batch)·(1 - decay) (assign_moving_average); with is_training a tensor,
        // decay is 1 when it is false, so nothing moves
        if (zeroDebias && training !== true) throw new ValueError('batch_norm: zero_debias_moving_mean=True needs a constant is_training here');
        const d = training === true ? decay : where(toTensor(isTraining as Tensor), toTensor(decay, dtype), toTensor(1, dtype));
        const um = assignMovingAverage(movingMean, batchMean!, d, zeroDebias);
        const uv = assignMovingAverage(movingVariance, batchVariance!, d, false);
        if (updates === null) y = g.controlDependencies([um, uv], () => identity(y));
        else {
          addToCollections(updates, um);
          addToCollections(updates, uv);
        }
      }
      if (activation) y = activation(y);
      return collect(a.outputsCollections, y);
    });
  });
}

export const LN_NAMES = [
  'inputs', 'center', 'scale', 'activationFn', 'reuse', 'variablesCollections', 'outputsCollections', 'trainable', 'beginNormAxis',
  'beginParamsAxis', 'scope',
];

/**
 * `tf.contrib.layers.layer_norm(inputs, center=True, scale=True, activation_fn=None, reuse=None,
 * variables_collections=None, outputs_collections=None, trainable=True, begin_norm_axis=1,
 * begin_params_axis=-1, scope=None)`: moments over axes begin_norm_axis…, `LayerNorm/beta` and
 * `gamma` of shape inputs.shape[begin_params_axis:], variance epsilon 1e-12 (1e-3 for float16).
 */
export function layerNorm(...args: unknown[]): Tensor {
  const a = bindArgs('layer_norm', LN_NAMES, args, 1);
  const reuse = (a.reuse ?? null) as boolean | null;
  const g = graphOf(a.inputs);
  return g.asDefault(() =>
    variableScope((a.scope as string | undefined) ?? null, { defaultName: 'LayerNorm', values: [a.inputs], reuse }, () => {
      const x = toTensor(a.inputs as TensorLike);
      if (x.shape === null) throw new ValueError(`Inputs ${x.name} has undefined rank.`);
      const rank = x.shape.length;
      let beginNorm = (a.beginNormAxis as number | undefined) ?? 1;
      const beginParams = (a.beginParamsAxis as number | undefined) ?? -1;
      if (beginNorm < 0) beginNorm = rank + beginNorm;
      if (beginParams >= rank || beginNorm >= rank) {
        throw new ValueError(`begin_params_axis (${beginParams}) and begin_norm_axis (${beginNorm}) must be < rank(inputs) (${rank})`);
      }
      const paramsShape = x.shape.slice(beginParams < 0 ? rank + beginParams : beginParams);
      if (paramsShape.some((d) => d === null)) {
        throw new ValueError(`Inputs ${x.name}: shape(inputs)[${beginParams}:] is not fully defined: (${x.shape.map((d) => d ?? 'None').join(', ')})`);
      }
      const trainable = (a.trainable as boolean | undefined) ?? true;
      const vc = a.variablesCollections;
      const mk = (name: string, init: unknown): Variable => modelVariable(name, { shape: paramsShape as number[], dtype: x.dtype, initializer: init, trainable }, vc, name);
      const beta = ((a.center as boolean | undefined) ?? true) ? mk('beta', zerosInitializer()) : null;
      const gamma = ((a.scale as boolean | undefined) ?? true) ? mk('gamma', onesInitializer()) : null;
      const normAxes = [...Array(rank).keys()].slice(beginNorm);
      const [mean, variance] = moments(x, normAxes, { keepDims: true });
      let y = batchNormalization(x, mean, variance, beta?.value() ?? null, gamma?.value() ?? null, x.dtype === 'float16' ? 1e-3 : 1e-12);
      const activation = (a.activationFn as Activation | undefined) ?? null;
      if (activation) y = activation(y);
      return collect(a.outputsCollections, y);
    }),
  );
}
