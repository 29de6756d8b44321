/**
 * `tf.contrib.layers` convolutions and pooling (TF1 contrib/layers/python/layers/layers.py):
 * `convolution` (1-3-D, `convolution1d/2d/3d`, `conv1d/2d/3d`), `convolution2d_transpose`
 * (`conv2d_transpose`), `separable_convolution2d` (`separable_conv2d`), `max_pool2d`,
 * `avg_pool2d`. The convolutions are the core layers in a variable scope (`Conv`,
 * `Conv2d_transpose`, `SeparableConv2d`) whose model variables are renamed `weights` /
 * `biases` (`depthwise_weights` / `pointwise_weights`), with ReLU, Xavier initialization,
 * padding SAME and stride 1 by default, then normalizer_fn and activation_fn; the pools default
 * to stride 2 and padding VALID in a `MaxPool2D` / `AvgPool2D` name scope.
 */
import { ValueError } from '../errors.js';
import { getDefaultGraph } from '../graph/context.js';
import { Tensor } from '../graph/tensor.js';
import { type TensorLike, toTensor } from '../ops/convert.js';
import { avgPool, maxPool } from '../ops/conv.js';
import { depthwiseConv2d } from '../ops/conv-transpose.js';
import { biasAdd, relu } from '../ops/nn.js';
import { xavierInitializer } from '../contrib/initializers.js';
import type { Variable } from '../ops/variables.js';
import { getVariable } from '../scope/get-variable.js';
import { zerosInitializer } from '../scope/initializers.js';
import { type Regularizer, type VariableScope, variableScope } from '../scope/variable-scope.js';
import type { Activation, Layer } from './base.js';
import { Conv2D, Conv2DTranspose, checkRank4 } from './conv.js';
import { Conv1D, Conv3D, SeparableConv2D } from './conv-nd.js';
import { addVariable, collect, layerVariableGetter } from './contrib.js';
import { bindArgs } from './kwargs.js';
import { normalizePadding, normalizeTuple, viaNhwc } from './utils.js';

type Normalizer = (x: Tensor, p: Record<string, unknown>) => Tensor;
const graphOf = (x: unknown) => (x instanceof Tensor ? x.graph : getDefaultGraph());
const channelsOf = (df: unknown): 'channels_first' | 'channels_last' => (typeof df === 'string' && df.startsWith('NC') ? 'channels_first' : 'channels_last');

function checkNhwcOrNchw(df: unknown): void {
  if (df !== undefined && df !== null && df !== 'NHWC' && df !== 'NCHW') throw new ValueError('data_format has to be either NCHW or NHWC.');
}

/** The tail every contrib convolution shares: normalizer, activation, outputs collections. */
function finish(a: Record<string, unknown>, y: Tensor): Tensor {
  const normalizer = (a.normalizerFn as Normalizer | null | undefined) ?? null;
  if (normalizer) y = normalizer(y, (a.normalizerParams as Record<string, unknown> | null | undefined) ?? {});
  const activation: Activation = a.activationFn === undefined ? relu : (a.activationFn as Activation);
  if (activation) y = activation(y);
  return collect(a.outputsCollections, y);
}

/** The core layer's common arguments from contrib's (use_bias = not normalizer_fn and biases_initializer). */
function coreArgs(a: Record<string, unknown>, sc: VariableScope, x: Tensor): Record<string, unknown> {
  const biasesInit = a.biasesInitializer === undefined ? zerosInitializer() : a.biasesInitializer;
  return {
    filters: a.numOutputs,
    kernelSize: a.kernelSize,
    strides: a.stride ?? 1,
    padding: a.padding ?? 'SAME',
    dataFormat: channelsOf(a.dataFormat),
    activation: null,
    useBias: !a.normalizerFn && biasesInit !== null,
    biasInitializer: biasesInit,
    biasRegularizer: (a.biasesRegularizer as Regularizer | undefined) ?? null,
    trainable: (a.trainable as boolean | undefined) ?? true,
    name: sc.name,
    dtype: x.dtype,
    _scope: sc,
    _reuse: (a.reuse ?? null) as boolean | null,
  };
}
const weightsInit = (a: Record<string, unknown>): unknown => (a.weightsInitializer === undefined ? xavierInitializer() : a.weightsInitializer);

export const CONV_NAMES = [
  'inputs', 'numOutputs', 'kernelSize', 'stride', 'padding', 'dataFormat', 'rate', 'activationFn', 'normalizerFn', 'normalizerParams',
  'weightsInitializer', 'weightsRegularizer', 'biasesInitializer', 'biasesRegularizer', 'reuse', 'variablesCollections',
  'outputsCollections', 'trainable', 'scope',
];

function convolutionN(where: string, args: unknown[], convDims: number | null): Tensor {
  const a = bindArgs(where, convDims === null ? CONV_NAMES : [...CONV_NAMES, 'convDims'], args, 3);
  const dims = convDims ?? ((a.convDims as number | null | undefined) ?? null);
  const df = a.dataFormat;
  if (df !== undefined && df !== null && !['NWC', 'NCW', 'NHWC', 'NCHW', 'NDHWC', 'NCDHW'].includes(df as string)) {
    throw new ValueError(`Invalid data_format: '${String(df)}'`);
  }
  const reuse = (a.reuse ?? null) as boolean | null;
  return graphOf(a.inputs).asDefault(() =>
    variableScope((a.scope as string | undefined) ?? null, { defaultName: 'Conv', values: [a.inputs], reuse, customGetter: layerVariableGetter({ kernel: 'weights', bias: 'biases' }) }, (sc: VariableScope) => {
      const x = toTensor(a.inputs as TensorLike);
      const rank = x.shape?.length ?? null;
      if (dims !== null && dims + 2 !== rank) throw new ValueError(`Convolution expects input with rank ${dims + 2}, got ${rank}`);
      const Cls = rank === 3 ? Conv1D : rank === 4 ? Conv2D : rank === 5 ? Conv3D : null;
      if (!Cls) throw new ValueError(`('Convolution not supported for input with rank', ${rank})`);
      const layer = new Cls({
        ...coreArgs(a, sc, x),
        dilationRate: a.rate ?? 1,
        kernelInitializer: weightsInit(a),
        kernelRegularizer: (a.weightsRegularizer as Regularizer | undefined) ?? null,
      }) as Layer & { kernel: Variable | null; bias: Variable | null };
      const y = layer.apply(x);
      addVariable(layer.kernel!, a.variablesCollections, 'weights');
      if (layer.bias) addVariable(layer.bias, a.variablesCollections, 'biases');
      return finish(a, y);
    }),
  );
}

/**
 * `tf.contrib.layers.convolution(inputs, num_outputs, kernel_size, stride=1, padding='SAME',
 * data_format=None, rate=1, activation_fn=tf.nn.relu, normalizer_fn=None, normalizer_params=None,
 * weights_initializer=xavier_initializer(), weights_regularizer=None,
 * biases_initializer=zeros_initializer(), biases_regularizer=None, reuse=None,
 * variables_collections=None, outputs_collections=None, trainable=True, scope=None, conv_dims=None)`:
 * Conv1D/2D/3D by the input's rank.
 */
export function convolution(...args: unknown[]): Tensor {
  return convolutionN('convolution', args, null);
}
/** `tf.contrib.layers.convolution1d` (= `conv1d`): `convolution` of a rank-3 input. */
export function convolution1d(...args: unknown[]): Tensor {
  return convolutionN('convolution1d', args, 1);
}
/** `tf.contrib.layers.convolution2d` (= `conv2d`): `convolution` of a rank-4 input; variables `Conv/weights`, `Conv/biases`. */
export function convolution2d(...args: unknown[]): Tensor {
  return convolutionN('convolution2d', args, 2);
}
/** `tf.contrib.layers.convolution3d` (= `conv3d`): `convolution` of a rank-5 input. */
export function convolution3d(...args: unknown[]): Tensor {
  return convolutionN('convolution3d', args, 3);
}

/**
 * `tf.contrib.layers.convolution2d_transpose(inputs, num_outputs, kernel_size, stride=1,
 * padding='SAME', data_format='NHWC', activation_fn=tf.nn.relu, normalizer_fn=None, …, scope=None)`
 * (= `conv2d_transpose`): variables `Conv2d_transpose/weights` [kh, kw, num_outputs, in] and `biases`.
 */
export function convolution2dTranspose(...args: unknown[]): Tensor {
  const a = bindArgs('convolution2d_transpose', CONV_NAMES.filter((n) => n !== 'rate'), args, 3);
  const reuse = (a.reuse ?? null) as boolean | null;
  return graphOf(a.inputs).asDefault(() =>
    variableScope((a.scope as string | undefined) ?? null, { defaultName: 'Conv2d_transpose', values: [a.inputs], reuse, customGetter: layerVariableGetter({ kernel: 'weights', bias: 'biases' }) }, (sc: VariableScope) => {
      checkNhwcOrNchw(a.dataFormat);
      const x = toTensor(a.inputs as TensorLike);
      const layer = new Conv2DTranspose({
        ...coreArgs(a, sc, x),
        kernelInitializer: weightsInit(a),
        kernelRegularizer: (a.weightsRegularizer as Regularizer | undefined) ?? null,
      });
      const y = layer.apply(x);
      addVariable(layer.kernel!, a.variablesCollections, 'weights');
      if (layer.bias) addVariable(layer.bias, a.variablesCollections, 'biases');
      return finish(a, y);
    }),
  );
}

export const SEPARABLE_NAMES = [
  'inputs', 'numOutputs', 'kernelSize', 'depthMultiplier', 'stride', 'padding', 'dataFormat', 'rate', 'activationFn', 'normalizerFn',
  'normalizerParams', 'weightsInitializer', 'pointwiseInitializer', 'weightsRegularizer', 'biasesInitializer', 'biasesRegularizer',
  'reuse', 'variablesCollections', 'outputsCollections', 'trainable', 'scope',
];

/**
 * `tf.contrib.layers.separable_convolution2d(inputs, num_outputs, kernel_size, depth_multiplier=1,
 * stride=1, padding='SAME', data_format='NHWC', rate=1, activation_fn=tf.nn.relu, …,
 * weights_initializer=xavier_initializer(), pointwise_initializer=None, …)` (= `separable_conv2d`):
 * a SeparableConv2D (`SeparableConv2d/depthwise_weights`, `pointwise_weights`, `biases`), or with
 * num_outputs null a depthwise convolution only (biases of depth_multiplier × in channels).
 */
export function separableConvolution2d(...args: unknown[]): Tensor {
  const a = bindArgs('separable_convolution2d', SEPARABLE_NAMES, args, 3);
  checkNhwcOrNchw(a.dataFormat);
  const reuse = (a.reuse ?? null) as boolean | null;
  const getter = layerVariableGetter({ bias: 'biases', depthwise_kernel: 'depthwise_weights', pointwise_kernel: 'pointwise_weights' });
  return graphOf(a.inputs).asDefault(() =>
    variableScope((a.scope as string | undefined) ?? null, { defaultName: 'SeparableConv2d', values: [a.inputs], reuse, customGetter: getter }, (sc: VariableScope) => {
      const x = toTensor(a.inputs as TensorLike);
      const wInit = weightsInit(a);
      const pInit = a.pointwiseInitializer ?? wInit;
      const wReg = (a.weightsRegularizer as Regularizer | undefined) ?? null;
      const dm = (a.depthMultiplier as number | undefined) ?? 1;
      const rate = normalizeTuple(a.rate ?? 1, 2, 'rate');
      if (a.numOutputs !== null && a.numOutputs !== undefined) {
        const layer = new SeparableConv2D({
          ...coreArgs(a, sc, x),
          dilationRate: rate,
          depthMultiplier: dm,
          depthwiseInitializer: wInit,
          pointwiseInitializer: pInit,
          depthwiseRegularizer: wReg,
          pointwiseRegularizer: wReg,
        });
        const y = layer.apply(x);
        addVariable(layer.depthwiseKernel!, a.variablesCollections, 'weights');
        addVariable(layer.pointwiseKernel!, a.variablesCollections, 'weights');
        if (layer.bias) addVariable(layer.bias, a.variablesCollections, 'biases');
        return finish(a, y);
      }
      // Depthwise only: TF makes the model variables itself.
      const nchw = a.dataFormat === 'NCHW';
      const [kh, kw] = normalizeTuple(a.kernelSize, 2, 'kernel_size');
      const [sh, sw] = normalizeTuple(a.stride ?? 1, 2, 'stride');
      const cin = x.shape?.[nchw ? 1 : 3];
      if (x.shape === null || x.shape.length < 4 || cin === null || cin === undefined) {
        throw new ValueError(`Number of in_channels of inputs must be known: ${x.name}`);
      }
      const trainable = (a.trainable as boolean | undefined) ?? true;
      const dw = getVariable('depthwise_weights', { shape: [kh!, kw!, cin, dm], dtype: x.dtype, initializer: wInit, regularizer: wReg, trainable });
      addVariable(dw, a.variablesCollections, 'weights');
      let y = depthwiseConv2d(x, dw, nchw ? [1, 1, sh!, sw!] : [1, sh!, sw!, 1], String(a.padding ?? 'SAME'), rate, undefined, nchw ? 'NCHW' : 'NHWC');
      const biasesInit = a.biasesInitializer === undefined ? zerosInitializer() : a.biasesInitializer;
      if (!a.normalizerFn && biasesInit !== null) {
        const b = getVariable('biases', { shape: [dm * cin], dtype: x.dtype, initializer: biasesInit, regularizer: (a.biasesRegularizer as Regularizer | undefined) ?? null, trainable });
        addVariable(b, a.variablesCollections, 'biases');
        y = biasAdd(y, b, { dataFormat: nchw ? 'NCHW' : 'NHWC' });
      }
      return finish(a, y);
    }),
  );
}

export const POOL_NAMES = ['inputs', 'kernelSize', 'stride', 'padding', 'dataFormat', 'outputsCollections', 'scope'];

function pool2d(where: string, scopeName: string, op: typeof maxPool, opName: string, args: unknown[]): Tensor {
  const a = bindArgs(where, POOL_NAMES, args, 2);
  checkNhwcOrNchw(a.dataFormat);
  const g = graphOf(a.inputs);
  return g.asDefault(() =>
    g.nameScope((a.scope as string | undefined) ?? scopeName, () => {
      const x = toTensor(a.inputs as TensorLike);
      // The pooling layer's checks and op, named as TF's layer names it inside this scope (`MaxPool2D/MaxPool`).
      checkRank4(where, x);
      const size = normalizeTuple(a.kernelSize, 2, 'pool_size');
      const strides = normalizeTuple(a.stride ?? 2, 2, 'strides');
      const padding = normalizePadding(a.padding ?? 'VALID').toUpperCase();
      const y = viaNhwc(x, channelsOf(a.dataFormat), (t) => op(t, size, strides, padding, { name: opName }));
      return collect(a.outputsCollections, y);
    }),
  );
}

/** `tf.contrib.layers.max_pool2d(inputs, kernel_size, stride=2, padding='VALID', data_format='NHWC', outputs_collections=None, scope=None)`. */
export function maxPool2d(...args: unknown[]): Tensor {
  return pool2d('max_pool2d', 'MaxPool2D', maxPool, 'MaxPool', args);
}
/** `tf.contrib.layers.avg_pool2d(inputs, kernel_size, stride=2, padding='VALID', data_format='NHWC', outputs_collections=None, scope=None)`. */
export function avgPool2d(...args: unknown[]): Tensor {
  return pool2d('avg_pool2d', 'AvgPool2D', avgPool, 'AvgPool', args);
}
