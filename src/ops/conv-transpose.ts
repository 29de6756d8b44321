/** `tf.nn.conv2dTranspose` and `tf.nn.depthwiseConv2d`, composed from the conv2d kernels as TF1's Python does. */
import { kwargs } from '../args.js';
import { ValueError } from '../errors.js';
import { Tensor } from '../graph/tensor.js';
import { constant } from './core.js';
import { type Padding, checkFormat, checkPadding, conv2d, nhwc } from './conv.js';
import { makeOp } from './registry.js';
import { type TensorLike, toTensor } from './convert.js';
import { multiply } from './math.js';
import { reshape } from './array.js';

/**
 * `tf.nn.conv2dTranspose(value, filter, outputShape, strides, padding = 'SAME', dataFormat =
 * 'NHWC', name?)`: the gradient of conv2d w.r.t. its input. `value` is [N,H,W,O], `filter`
 * [kh,kw,C,O], `outputShape` the [N,H',W',C] result (numbers, or a tensor known when the plan is
 * built, e.g. built from `tf.shape`).
 */
export function conv2dTranspose(
  value: TensorLike,
  filter: TensorLike,
  outputShape: readonly number[] | Tensor | Record<string, unknown>,
  strides?: number | readonly number[] | Record<string, unknown>,
  padding?: Padding | string | Record<string, unknown>,
  dataFormat?: string | Record<string, unknown>,
  name?: string | Record<string, unknown>,
): Tensor {
  const o = kwargs([value, filter, outputShape, strides, padding, dataFormat, name], ['value', 'filter', 'outputShape', 'strides', 'padding', 'dataFormat', 'name'], 'nn.conv2dTranspose');
  checkFormat(o.dataFormat as string | undefined, 'conv2d_transpose');
  const v = toTensor(o.value as TensorLike);
  const f = toTensor(o.filter as TensorLike, v.dtype);
  const os = o.outputShape;
  if (o.strides === undefined) throw new TypeError("nn.conv2dTranspose() missing required argument 'strides'");
  const vc = v.shape?.[3];
  const fo = f.shape?.[3];
  if (vc !== undefined && vc !== null && fo !== undefined && fo !== null && vc !== fo) {
    throw new ValueError(`input channels does not match filter's input channels, ${vc} != ${fo}`);
  }
  if (Array.isArray(os)) {
    if (os.length !== 4) throw new ValueError(`output_shape must have shape (4,), got (${os.length},)`);
    const fc = f.shape?.[2];
    if (fc !== undefined && fc !== null && os[3] !== fc) throw new ValueError(`output_shape does not match filter's output channels, ${os[3]} != ${fc}`);
  } else if (!(os instanceof Tensor)) {
    throw new TypeError(`nn.conv2dTranspose: outputShape must be an array of 4 integers or a Tensor, got ${String(os)}`);
  }
  const attrs = { strides: nhwc(o.strides as number | number[], 'strides'), padding: checkPadding(o.padding ?? 'SAME', 'Conv2DBackpropInput'), dilations: [1, 1, 1, 1] };
  const sizes = os instanceof Tensor ? os : constant(os as number[], 'int32');
  return makeOp(v.graph, 'Conv2DBackpropInput', [sizes, f, v], attrs, o.name as string | undefined, 'conv2d_transpose').outputs[0]!;
}

/**
 * `tf.nn.depthwiseConv2d(input, filter, strides, padding, rate?, name?, dataFormat?)`: input
 * [N,H,W,C], filter [kh,kw,C,M]; output channel c·M + m filters input channel c with filter[..., c, m].
 * Computed as one conv2d with a block-diagonal [kh,kw,C,C·M] filter.
 */
export function depthwiseConv2d(
  input: TensorLike,
  filter: TensorLike,
  strides: number | readonly number[] | Record<string, unknown>,
  padding?: Padding | string | Record<string, unknown>,
  rate?: number | readonly number[] | null | Record<string, unknown>,
  name?: string | Record<string, unknown>,
  dataFormat?: string | Record<string, unknown>,
): Tensor {
  const o = kwargs([input, filter, strides, padding, rate, name, dataFormat], ['input', 'filter', 'strides', 'padding', 'rate', 'name', 'dataFormat'], 'nn.depthwiseConv2d');
  checkFormat(o.dataFormat as string | undefined, 'depthwise_conv2d');
  const x = toTensor(o.input as TensorLike);
  const f = toTensor(o.filter as TensorLike, x.dtype);
  const fs = f.shape;
  if (fs === null || fs.length !== 4 || fs.some((d) => d === null)) throw new ValueError('depthwise_conv2d needs a filter of static shape [filter_height, filter_width, in_channels, channel_multiplier]');
  const [kh, kw, c, m] = fs as number[];
  const xc = x.shape?.[3];
  if (xc !== undefined && xc !== null && xc !== c) throw new ValueError(`Dimensions must be equal, but are ${xc} and ${c} for 'depthwise' (op: 'DepthwiseConv2dNative') with input shapes: [${x.shape!.map((d) => d ?? '?').join(',')}], [${fs.join(',')}].`);
  const r = o.rate === undefined || o.rate === null ? [1, 1] : typeof o.rate === 'number' ? [o.rate, o.rate] : [...(o.rate as number[])];
  const st = nhwc(o.strides as number | number[], 'strides');
  if ((r[0] !== 1 || r[1] !== 1) && (st[1] !== 1 || st[2] !== 1)) throw new ValueError('strides > 1 not supported in conjunction with dilation_rate > 1');
  return x.graph.nameScope((o.name as string | undefined) ?? 'depthwise', (scope) => {
    const eye = new Float32Array(c * c);
    for (let i = 0; i < c; i++) eye[i * c + i] = 1;
    const mask = constant(Array.from(eye), x.dtype, [1, 1, c, c, 1]);
    const blocks = reshape(multiply(reshape(f, [kh, kw, c, 1, m]), mask), [kh, kw, c, c * m]);
    return conv2d(x, blocks, st, checkPadding(o.padding, 'DepthwiseConv2dNative'), { dilations: r, name: scope });
  });
}
