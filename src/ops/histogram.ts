/**
 * `tf.histogramFixedWidth` (TF's HistogramFixedWidth: counts of `nbins` equal bins over
 * `valueRange`, outliers in the edge bins, the bin found in double precision as TF's kernel —
 * a host-stage op), `tf.histogramFixedWidthBins` (TF 1.15's composition: each value's bin index)
 * and `tf.confusionMatrix` / `tf.math.confusionMatrix` (TF 1.15's confusion_matrix.py: the
 * non-negative and in-bound assertions, then the (label, prediction) pairs summed into a
 * num_classes × num_classes matrix).
 */
import { kwargs } from '../args.js';
import { type DType, parseDType } from '../dtype.js';
import { InvalidArgumentError, ValueError } from '../errors.js';
import { controlDependencies } from '../graph/context.js';
import type { Tensor } from '../graph/tensor.js';
import { NDArray } from '../ndarray.js';
import { onesLike, reshape, shape as shapeOf, shapeFnError } from './array.js';
import { assertLess, assertNonNegative } from './check-ops.js';
import { identity } from './core.js';
import { type TensorLike, toTensor } from './convert.js';
import { arrayOf, defineHostOp, valuesOf } from './host-values.js';
import { unsortedSegmentSum } from './indexed-slices.js';
import { add, cast, clipByValue, divide, floor, maximum, multiply, reduceMax, subtract } from './math.js';
import { makeOp, registerGradient } from './registry.js';
import { index } from './strided-slice.js';

const VALUE_T: readonly DType[] = ['int32', 'int64', 'float32', 'float64', 'float16'];

defineHostOp<{ dtype: DType }>({
  type: 'HistogramFixedWidth',
  infer: ([v, range, nbins], a, name) => {
    if (!VALUE_T.includes(v!.dtype)) throw new TypeError(`Value passed to parameter 'values' has DataType ${v!.dtype} not in list of allowed values: int32, int64, float32, float64, float16`);
    const shapes = [v!.shape, range!.shape, nbins!.shape];
    if (range!.shape !== null && range!.shape.length !== 1) throw shapeFnError(`Shape must be rank 1 but is rank ${range!.shape.length}`, name, 'HistogramFixedWidth', shapes);
    if (nbins!.shape !== null && nbins!.shape.length !== 0) throw shapeFnError(`Shape must be rank 0 but is rank ${nbins!.shape.length}`, name, 'HistogramFixedWidth', shapes);
    const n = nbins!.op.type === 'Const' ? Number((nbins!.op.attrs.value as NDArray).data[0]) : null;
    return [{ dtype: a.dtype, shape: [n] }];
  },
  run: ([v, range, nbins], a, op) => {
    const [lo, hi] = valuesOf(range!);
    const n = Number(nbins!.data[0]);
    if (!(lo! < hi!)) throw new InvalidArgumentError(`value_range should satisfy value_range[0] < value_range[1], but got [${lo}, ${hi}]`, op.name);
    if (!(n > 0)) throw new InvalidArgumentError(`nbins should be a positive number, but got '${n}'`, op.name);
    const step = (hi! - lo!) / n;
    const out = new Float64Array(n);
    for (const x of valuesOf(v!)) {
      const d = (Math.max(x, lo!) - lo!) / step;
      out[Math.trunc(Math.min(d, n - 1))]! += 1;
    }
    return [arrayOf(out, [n], a.dtype)];
  },
});

function histArgs(where: string, args: unknown[]) {
  const o = kwargs(args, ['values', 'valueRange', 'nbins', 'dtype', 'name'], where, 2);
  const values = toTensor(o.values as TensorLike, undefined, 'values');
  const range = toTensor(o.valueRange as TensorLike, values.dtype, 'value_range');
  const nbins = toTensor((o.nbins as TensorLike | undefined) ?? 100, 'int32', 'nbins');
  const dtype = o.dtype === undefined || o.dtype === null ? 'int32' : parseDType(o.dtype);
  if (dtype !== 'int32' && dtype !== 'int64') throw new TypeError(`Value for attr 'dtype' of ${dtype} is not in the list of allowed values: int32, int64`);
  return { values, range, nbins, dtype, name: o.name as string | undefined };
}

/** `tf.histogramFixedWidth(values, valueRange, nbins = 100, dtype = tf.int32, name?)`: counts per bin; values outside the range go to the edge bins. */
export function histogramFixedWidth(...args: [TensorLike, TensorLike, ...unknown[]]): Tensor {
  const a = histArgs('histogramFixedWidth', args);
  return a.values.graph.nameScope(a.name ?? 'histogram_fixed_width', () =>
    makeOp(a.values.graph, 'HistogramFixedWidth', [a.values, a.range, a.nbins], { dtype: a.dtype }, undefined, 'HistogramFixedWidth').outputs[0]!);
}

/** `tf.histogramFixedWidthBins(values, valueRange, nbins = 100, dtype = tf.int32, name?)`: each value's bin index (int32), in `values`' shape. */
export function histogramFixedWidthBins(...args: [TensorLike, TensorLike, ...unknown[]]): Tensor {
  const a = histArgs('histogramFixedWidthBins', args);
  return a.values.graph.nameScope(a.name ?? 'histogram_fixed_width_bins', () => {
    const shape = shapeOf(a.values);
    const flat = reshape(a.values, [-1]);
    const nb = cast(a.nbins, a.values.dtype);
    const scaled = divide(subtract(flat, index(a.range, 0)), subtract(index(a.range, 1), index(a.range, 0)), 'scaled_values');
    const indices = floor(multiply(nb, scaled), 'indices');
    return reshape(cast(clipByValue(indices, 0, subtract(nb, 1)), 'int32'), shape);
  });
}

/**
 * `tf.confusionMatrix(labels, predictions, numClasses?, weights?, dtype = tf.int32, name?)`
 * (also `tf.math.confusionMatrix`): `out[i][j]` counts (or sums the weights of) the pairs with
 * label i and prediction j; negative or (with numClasses) out-of-bound values fail TF's assertions.
 */
export function confusionMatrix(labels: TensorLike, predictions: TensorLike, ...rest: unknown[]): Tensor {
  const o = kwargs([labels, predictions, ...rest], ['labels', 'predictions', 'numClasses', 'weights', 'dtype', 'name'], 'confusionMatrix', 2);
  const l0 = toTensor(o.labels as TensorLike, undefined, 'labels');
  return l0.graph.nameScope((o.name as string | undefined) ?? 'confusion_matrix', () => {
    let lab = l0;
    let pred = toTensor(o.predictions as TensorLike, undefined, 'predictions');
    // remove_squeezable_dimensions: a trailing dim of 1 on one side only
    const lr = lab.shape?.length;
    const pr = pred.shape?.length;
    if (lr !== undefined && pr !== undefined) {
      if (lr === pr + 1 && lab.shape![lr - 1] === 1) lab = reshape(lab, pred.shape!.map((d) => d ?? -1) as never);
      else if (pr === lr + 1 && pred.shape![pr - 1] === 1) pred = reshape(pred, lab.shape!.map((d) => d ?? -1) as never);
    }
    const dtype = o.dtype === undefined || o.dtype === null ? 'int32' : parseDType(o.dtype);
    pred = cast(pred, 'int64');
    lab = cast(lab, 'int64');
    lab = controlDependencies([assertNonNegative(lab, { message: '`labels` contains negative values' })], () => identity(lab));
    pred = controlDependencies([assertNonNegative(pred, { message: '`predictions` contains negative values' })], () => identity(pred));
    let num: Tensor;
    if (o.numClasses === undefined || o.numClasses === null) {
      num = add(maximum(reduceMax(pred), reduceMax(lab)), 1);
    } else {
      num = cast(toTensor(o.numClasses as TensorLike, typeof o.numClasses === 'number' ? 'int64' : undefined, 'num_classes'), 'int64');
      const n = num;
      lab = controlDependencies([assertLess(lab, n, { message: '`labels` out of bound' })], () => identity(lab));
      pred = controlDependencies([assertLess(pred, n, { message: '`predictions` out of bound' })], () => identity(pred));
    }
    let values: Tensor;
    if (o.weights !== undefined && o.weights !== null) {
      const w = toTensor(o.weights as TensorLike, undefined, 'weights');
      const ps = pred.shape;
      const ws = w.shape;
      if (ps && ws && (ps.length !== ws.length || ps.some((d, i) => d !== null && ws[i] !== null && d !== ws[i]))) {
        throw new ValueError(`Shapes (${ps.map((d) => d ?? '?').join(', ')}) and (${ws.map((d) => d ?? '?').join(', ')}) are incompatible`);
      }
      values = cast(w, dtype);
    } else {
      values = onesLike(pred, dtype);
    }
    // the pairs (label, prediction) as flat positions of the num × num matrix
    const flatIds = reshape(add(multiply(lab, num), pred), [-1]);
    if (typeof o.numClasses === 'number') {
      return reshape(unsortedSegmentSum(reshape(values, [-1]), flatIds, o.numClasses * o.numClasses), [o.numClasses, o.numClasses]);
    }
    const num32 = cast(num, 'int32');
    const summed = unsortedSegmentSum(reshape(values, [-1]), flatIds, multiply(num32, num32));
    // the matrix's side as a plan-time value: the length of a num-segment result
    const side = index(shapeOf(unsortedSegmentSum(onesLike(reshape(lab, [-1]), 'int32'), reshape(lab, [-1]), num32)), 0);
    return reshape(summed, [-1, side] as never);
  });
}

// Not differentiable, as TF declares it
registerGradient('HistogramFixedWidth', null);
