/**
 * `tf.contrib.layers.instance_norm` and `group_norm` (TF 1.15 contrib/layers/python/layers/
 * normalization.py): per-example moments (instance: over the spatial axes per channel; group:
 * over the reduction axes and the channels of each group), model variables `InstanceNorm/beta`,
 * `gamma` (or `GroupNorm/…`) of shape [channels], epsilon 1e-6.
 */
import { ValueError } from '../errors.js';
import { getDefaultGraph } from '../graph/context.js';
import { Tensor } from '../graph/tensor.js';
import { reshape, shape as shapeOf, stack, unstack } from '../ops/array.js';
import { type TensorLike, toTensor } from '../ops/convert.js';
import { add, multiply, negative, reduceMean, rsqrt, square, subtract } from '../ops/math.js';
import { batchNormalization, moments } from '../ops/normalization.js';
import type { Variable } from '../ops/variables.js';
import { onesInitializer, zerosInitializer } from '../scope/initializers.js';
import { variableScope } from '../scope/variable-scope.js';
import type { Activation } from './base.js';
import { collect } from './contrib.js';
import { modelVariable } from './contrib-norm.js';
import { bindArgs } from './kwargs.js';

const graphOf = (x: unknown) => (x instanceof Tensor ? x.graph : getDefaultGraph());
const fmtShape = (s: readonly (number | null)[]): string => `(${s.map((d) => d ?? '?').join(', ')}${s.length === 1 ? ',' : ''})`;

/** beta / gamma model variables of shape [channels], or null where center / scale is off. */
function params(a: Record<string, unknown>, channels: number, dtype: string): [Variable | null, Variable | null] {
  const inits = (a.paramInitializers as Record<string, unknown> | null | undefined) ?? {};
  const trainable = (a.trainable as boolean | undefined) ?? true;
  const vc = a.variablesCollections;
  const mk = (name: string, init: unknown): Variable => modelVariable(name, { shape: [channels], dtype, initializer: init, trainable }, vc, name);
  const beta = ((a.center as boolean | undefined) ?? true) ? mk('beta', inits.beta ?? zerosInitializer()) : null;
  const gamma = ((a.scale as boolean | undefined) ?? true) ? mk('gamma', inits.gamma ?? onesInitializer()) : null;
  return [beta, gamma];
}

export const IN_NAMES = [
  'inputs', 'center', 'scale', 'epsilon', 'activationFn', 'paramInitializers', 'reuse', 'variablesCollections', 'outputsCollections',
  'trainable', 'dataFormat', 'scope',
];

/**
 * `tf.contrib.layers.instance_norm(inputs, center=True, scale=True, epsilon=1e-06,
 * activation_fn=None, param_initializers=None, reuse=None, variables_collections=None,
 * outputs_collections=None, trainable=True, data_format='NHWC', scope=None)`.
 */
export function instanceNorm(...args: unknown[]): Tensor {
  const a = bindArgs('instance_norm', IN_NAMES, args, 1);
  const g = graphOf(a.inputs);
  return g.asDefault(() => {
    const x = toTensor(a.inputs as TensorLike);
    if (x.shape === null) throw new ValueError(`Inputs ${x.name} has undefined rank.`);
    const df = a.dataFormat ?? 'NHWC';
    if (df !== 'NCHW' && df !== 'NHWC') throw new ValueError('data_format has to be either NCHW or NHWC.');
    return variableScope((a.scope as string | undefined) ?? null, { defaultName: 'InstanceNorm', values: [x], reuse: (a.reuse ?? null) as boolean | null }, () => {
      const rank = x.shape!.length;
      const axis = df === 'NCHW' ? 1 : rank - 1;
      const c = x.shape![axis];
      if (c === null || c === undefined) throw new ValueError(`Inputs ${x.name} has undefined channels dimension ${fmtShape(x.shape!.slice(axis, axis + 1))}.`);
      const momentsAxes = [...Array(rank).keys()].filter((i) => i !== 0 && i !== axis);
      const bshape = df === 'NCHW' ? [1, c, ...Array(rank - 2).fill(1)] : null;
      const [beta, gamma] = params(a, c, x.dtype);
      const p = (v: Variable | null): Tensor | null => (v === null ? null : bshape ? reshape(v.value(), bshape) : v.value());
      const [mean, variance] = moments(x, momentsAxes, { keepDims: true });
      let y = batchNormalization(x, mean, variance, p(beta), p(gamma), (a.epsilon as number | undefined) ?? 1e-6, 'instancenorm');
      const activation = (a.activationFn as Activation | undefined) ?? null;
      if (activation) y = activation(y);
      return collect(a.outputsCollections, y);
    });
  });
}

export const GN_NAMES = [
  'inputs', 'groups', 'channelsAxis', 'reductionAxes', 'center', 'scale', 'epsilon', 'activationFn', 'paramInitializers', 'reuse',
  'variablesCollections', 'outputsCollections', 'trainable', 'scope', 'meanCloseToZero',
];

/**
 * `tf.contrib.layers.group_norm(inputs, groups=32, channels_axis=-1, reduction_axes=(-3, -2),
 * center=True, scale=True, epsilon=1e-06, activation_fn=None, param_initializers=None,
 * reuse=None, variables_collections=None, outputs_collections=None, trainable=True, scope=None,
 * mean_close_to_zero=False)`: the channels split into `groups` of channels/groups each.
 */
export function groupNorm(...args: unknown[]): Tensor {
  const a = bindArgs('group_norm', GN_NAMES, args, 1);
  const g = graphOf(a.inputs);
  return g.asDefault(() => {
    const x = toTensor(a.inputs as TensorLike);
    if (x.shape === null) throw new ValueError(`Inputs ${x.name} has undefined rank.`);
    const rank = x.shape.length;
    const groups = (a.groups as number | undefined) ?? 32;
    let ch = (a.channelsAxis as number | undefined) ?? -1;
    if (ch > rank - 1) throw new ValueError('Axis is out of bounds.');
    if (ch < 0) ch += rank;
    const channels = x.shape[ch];
    if (channels === null || channels === undefined) throw new ValueError(`Inputs ${x.name} has undefined channel dimension: ${ch}.`);
    const red = [...((a.reductionAxes as number[] | undefined) ?? [-3, -2])].map((r) => (r < 0 ? r + rank : r));
    for (const r of red) {
      if (r > rank) throw new ValueError('Axis is out of bounds.');
      if (x.shape[r] === null || x.shape[r] === undefined) throw new ValueError(`Inputs ${x.name} has undefined dimensions ${r}.`);
      if (r === ch) throw new ValueError('reduction_axis must be mutually exclusive with channels_axis');
    }
    if (groups > channels) throw new ValueError(`Invalid groups ${groups} for ${channels} channels.`);
    if (channels % groups !== 0) throw new ValueError(`${channels} channels is not commensurate with ${groups} groups.`);
    // dims as TF lists them: static where known, else read from the run-time shape
    const dyn = x.shape.some((d) => d === null) ? unstack(shapeOf(x), { num: rank }) : null;
    const dims: (number | Tensor)[] = x.shape.map((d, i) => d ?? dyn![i]!);
    const asShape = (ds: (number | Tensor)[]): number[] | Tensor => (ds.every((d) => typeof d === 'number') ? (ds as number[]) : stack(ds.map((d) => toTensor(d as TensorLike, 'int32'))));
    const per = channels / groups;
    const bshape = [...Array(ch).fill(1), groups, per, ...Array(rank - ch - 1).fill(1)];
    const grouped = reshape(x, asShape([...dims.slice(0, ch), groups, per, ...dims.slice(ch + 1)]));
    const momentsAxes = [ch + 1, ...red.map((r) => (r > ch ? r + 1 : r))];
    return variableScope((a.scope as string | undefined) ?? null, { defaultName: 'GroupNorm', values: [x], reuse: (a.reuse ?? null) as boolean | null }, () => {
      const [beta, gamma] = params(a, channels, x.dtype);
      let mean: Tensor;
      let variance: Tensor;
      if (a.meanCloseToZero) {
        // the one-pass statistics (nn.sufficient_statistics + normalize_moments, no shift)
        mean = reduceMean(grouped, momentsAxes, true);
        variance = subtract(reduceMean(square(grouped), momentsAxes, true), square(mean));
      } else {
        [mean, variance] = moments(grouped, momentsAxes, { keepDims: true });
      }
      let gain = rsqrt(add(variance, (a.epsilon as number | undefined) ?? 1e-6));
      let offset = multiply(negative(mean), gain);
      if (gamma) {
        const gm = reshape(gamma.value(), bshape);
        gain = multiply(gain, gm);
        offset = multiply(offset, gm);
      }
      if (beta) offset = add(offset, reshape(beta.value(), bshape));
      let y = reshape(add(multiply(grouped, gain), offset), asShape(dims));
      const activation = (a.activationFn as Activation | undefined) ?? null;
      if (activation) y = activation(y);
      return collect(a.outputsCollections, y);
    });
  });
}
