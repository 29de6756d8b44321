/**
 * The transposed convolutions beyond conv2dTranspose, composed as TF1's Python does:
 * tf.nn.conv1dTranspose (Conv2DBackpropInput over [N,1,W,C]), tf.nn.convTranspose (by rank),
 * tf.nn.atrousConv2dTranspose (the adjoint of atrousConv2d: Conv2DBackpropInput with
 * dilations = rate).
 */
import { ValueError } from '../errors.js';
import { Tensor } from '../graph/tensor.js';
import { tf1Function } from '../args.js';
import { concat, expandDims, squeeze } from './array.js';
import { constant } from './core.js';
import { type TensorLike, toTensor } from './convert.js';
import { type Padding, checkPadding } from './conv.js';
import { conv2dTranspose } from './conv-transpose.js';
import { makeOp } from './registry.js';
import { conv3dTranspose } from './window3d.js';
import { stridedSlice } from './strided-slice.js';

type Sizes = number | readonly number[];
type ShapeLike = readonly number[] | Tensor;

function oneSpatial(v: Sizes | null | undefined, what: string): number {
  if (v === undefined || v === null) return 1;
  const a = typeof v === 'number' ? [v] : [...v];
  if (a.length === 1) return a[0]!;
  if (a.length === 3) return a[1]!;
  throw new ValueError(`${what} should be of length 1 or 3 but was ${a.length}`);
}

/**
 * `tf.nn.conv1dTranspose(input, filters, outputShape, strides, padding = 'SAME', dataFormat =
 * 'NWC', dilations?, name?)`: input [N,W,O], filters [k,C,O], outputShape [N,W',C].
 */
export const conv1dTranspose = tf1Function(
  'nn.conv1dTranspose', ['input', 'filters', 'outputShape', 'strides', 'padding', 'dataFormat', 'dilations', 'name'],
  (input: TensorLike, filters: TensorLike, outputShape: ShapeLike, strides: Sizes, padding?: Padding | string, dataFormat?: string, dilations?: Sizes | null, name?: string): Tensor => {
    if (dataFormat !== undefined && dataFormat !== null && dataFormat !== 'NWC') {
      if (dataFormat === 'NCW') throw new ValueError("conv1d_transpose: data_format 'NCW' is not supported; tsflow runs convolutions in NWC only");
      throw new ValueError('data_format must be "NWC" or "NCW".');
    }
    if (strides === undefined) throw new TypeError("nn.conv1dTranspose() missing required argument 'strides'");
    const s = oneSpatial(strides, 'strides');
    const d = oneSpatial(dilations, 'dilations');
    const x = toTensor(input);
    return x.graph.nameScope(name ?? 'conv1d_transpose', (scope) => {
      const f = toTensor(filters, x.dtype);
      let os: Tensor | number[];
      if (outputShape instanceof Tensor) {
        const b = stridedSlice(outputShape, [0], [1], [1]);
        os = concat([b, constant([1], outputShape.dtype), stridedSlice(outputShape, [1], [3], [1])], 0);
      } else {
        if (!Array.isArray(outputShape) || outputShape.length !== 3) throw new ValueError(`output_shape must have shape (3,), got (${Array.isArray(outputShape) ? outputShape.length : '?'},)`);
        os = [outputShape[0]!, 1, outputShape[1]!, outputShape[2]!];
      }
      const v = expandDims(x, 1);
      const ff = expandDims(f, 0);
      const sizes = os instanceof Tensor ? os : constant(os, 'int32');
      const attrs = { strides: [1, 1, s, 1], padding: checkPadding(padding ?? 'SAME', 'Conv2DBackpropInput'), dilations: [1, 1, d, 1] };
      const y = makeOp(x.graph, 'Conv2DBackpropInput', [sizes, ff, v], attrs, undefined, 'conv1d_transpose').outputs[0]!;
      return squeeze(y, [1], scope);
    });
  }, 4);

/**
 * `tf.nn.convTranspose(input, filters, outputShape, strides, padding = 'SAME', dataFormat?,
 * dilations?, name?)`: conv1d/2d/3dTranspose by the length of `outputShape` (3, 4 or 5).
 */
export const convTranspose = tf1Function(
  'nn.convTranspose', ['input', 'filters', 'outputShape', 'strides', 'padding', 'dataFormat', 'dilations', 'name'],
  (input: TensorLike, filters: TensorLike, outputShape: ShapeLike, strides: Sizes, padding?: Padding | string, dataFormat?: string, dilations?: Sizes | null, name?: string): Tensor => {
    const len = outputShape instanceof Tensor ? outputShape.shape?.[0] ?? null : Array.isArray(outputShape) ? outputShape.length : null;
    if (len === null) throw new ValueError('output_shape must be a tensor or sized collection.');
    const n = len - 2;
    const nm = name ?? 'conv_transpose';
    if (n === 1) return conv1dTranspose(input, filters, outputShape, strides, padding ?? 'SAME', { dataFormat: dataFormat ?? 'NWC', dilations, name: nm });
    if (n === 2) {
      if (dilations !== undefined && dilations !== null && [dilations].flat().some((v) => v !== 1)) throw new ValueError('conv_transpose: dilations > 1 for 2-D need atrousConv2dTranspose or conv2dBackpropInput in tsflow');
      return conv2dTranspose(input, filters, outputShape as number[], strides, padding ?? 'SAME', dataFormat ?? 'NHWC', nm);
    }
    if (n === 3) return conv3dTranspose(input, filters, outputShape, strides, padding ?? 'SAME', { dataFormat: dataFormat ?? 'NDHWC', dilations, name: nm });
    throw new ValueError(`output_shape must be of length 3, 4 or 5 but was ${len}.`);
  }, 4);

/**
 * `tf.nn.atrousConv2dTranspose(value, filters, outputShape, rate, padding, name?)`: the adjoint
 * of `atrousConv2d(·, filters, rate, padding)`; value [N,H,W,O], filters [kh,kw,C,O].
 */
export const atrousConv2dTranspose = tf1Function(
  'nn.atrousConv2dTranspose', ['value', 'filters', 'outputShape', 'rate', 'padding', 'name'],
  (value: TensorLike, filters: TensorLike, outputShape: ShapeLike, rate: number, padding: Padding | string, name?: string): Tensor => {
    const v = toTensor(value);
    return v.graph.nameScope(name ?? 'atrous_conv2d_transpose', (scope) => {
      const f = toTensor(filters, v.dtype);
      const vc = v.shape?.[3];
      const fo = f.shape?.[3];
      if (vc != null && fo != null && vc !== fo) throw new ValueError(`value's input channels does not match filters' input channels, ${vc} != ${fo}`);
      if (!Number.isInteger(rate) || rate < 1) throw new ValueError(`rate ${rate} cannot be less than one`);
      if (padding !== 'SAME' && padding !== 'VALID') throw new ValueError('padding must be either VALID or SAME:' + String(padding));
      if (Array.isArray(outputShape)) {
        if (outputShape.length !== 4) throw new ValueError(`output_shape must have shape (4,), got (${outputShape.length},)`);
        const fc = f.shape?.[2];
        if (fc != null && outputShape[3] !== fc) throw new ValueError(`output_shape does not match filter's output channels, ${outputShape[3]} != ${fc}`);
      } else if (!(outputShape instanceof Tensor)) {
        throw new TypeError(`nn.atrousConv2dTranspose: outputShape must be an array of 4 integers or a Tensor, got ${String(outputShape)}`);
      }
      const sizes = outputShape instanceof Tensor ? outputShape : constant(outputShape as number[], 'int32');
      const attrs = { strides: [1, 1, 1, 1], padding: padding as Padding, dilations: [1, rate, rate, 1] };
      return makeOp(v.graph, 'Conv2DBackpropInput', [sizes, f, v], attrs, scope, 'Conv2DBackpropInput').outputs[0]!;
    });
  }, 5);
