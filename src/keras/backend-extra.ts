/**
 * `tf.keras.backend`'s unshared convolutions, its RNN loop and its CTC helpers, as TF 1.15's
 * keras/backend.py builds them: `local_conv1d` / `local_conv2d` (one patch per output position,
 * a batch_dot against the per-position kernel), `rnn` (a step function over the time axis with
 * masks, constants and go_backwards; unrolled when the steps are known, a while loop otherwise)
 * and `ctc_batch_cost` / `ctc_decode` / `ctc_label_dense_to_sparse` over tf.nn's CTC ops
 * (probabilities turned into log(transpose(y_pred) + ε)).
 */
import { ValueError } from '../errors.js';
import { Tensor } from '../graph/tensor.js';
import * as tf from '../index.js';
import { denseLabelsToSparse } from '../ops/ctc.js';
import { type TensorLike, toTensor } from '../ops/convert.js';
import { Variable } from '../ops/variables.js';
import { epsilon, imageDataFormat } from './backend.js';

type X = Tensor | Variable;
const T = (x: TensorLike | Variable): Tensor => (x instanceof Tensor ? x : toTensor(x as TensorLike));
const fmt = (d: string | null | undefined): string => {
  const f = d ?? imageDataFormat();
  if (f !== 'channels_last' && f !== 'channels_first') throw new ValueError(`Unknown data_format: ${String(f)}`);
  return f;
};
const tup = (v: number | readonly number[], n: number, what: string): number[] => {
  const t = typeof v === 'number' ? Array<number>(n).fill(v) : [...v];
  if (t.length !== n || !t.every((d) => Number.isInteger(d) && d > 0)) throw new ValueError(`The \`${what}\` argument must be a tuple of ${n} positive integers. Received: ${JSON.stringify(v)}`);
  return t;
};

/**
 * `K.local_conv(inputs, kernel, kernel_size, strides, output_shape, data_format=None)`: for each
 * output position (row-major) the input patch flattened to [batch, feature_dim] — spatial then
 * channels for channels_last, channels then spatial for channels_first, as the patch's own
 * layout — times that position's kernel [feature_dim, filters].
 */
export function localConv(inputs: X, kernel: X, kernelSize: readonly number[], strides: readonly number[], outputShape: readonly number[], dataFormat: string | null = null): Tensor {
  const f = fmt(dataFormat);
  const x = T(inputs);
  const k = T(kernel);
  const ks = k.shape;
  const nd = outputShape.length;
  if (!ks || ks.length !== 3 || ks.some((d) => d === null)) throw new ValueError(`local_conv: the kernel must have a static shape (output positions, feature_dim, filters), got ${JSON.stringify(ks)}`);
  if (!x.shape || x.shape.length !== nd + 2) throw new ValueError(`local_conv: expected inputs of rank ${nd + 2}, got shape ${JSON.stringify(x.shape)}`);
  const [positions, featureDim, channelsOut] = ks as number[];
  const total = outputShape.reduce((a, d) => a * d, 1);
  if (positions !== total) throw new ValueError(`local_conv: the kernel has ${positions} output positions but output_shape ${JSON.stringify(outputShape)} has ${total}`);
  const xs: Tensor[] = [];
  const pos = Array<number>(nd).fill(0);
  for (let p = 0; p < total; p++) {
    let r = p;
    for (let d = nd - 1; d >= 0; d--) {
      pos[d] = r % outputShape[d]!;
      r = Math.floor(r / outputShape[d]!);
    }
    const begin = [0, ...(f === 'channels_first' ? [0] : []), ...pos.map((q, d) => q * strides[d]!), ...(f === 'channels_last' ? [0] : [])];
    const size = [-1, ...(f === 'channels_first' ? [-1] : []), ...kernelSize.slice(0, nd), ...(f === 'channels_last' ? [-1] : [])];
    xs.push(tf.reshape(tf.slice(x, begin, size), [1, -1, featureDim]));
  }
  const agg = tf.concat(xs, 0);
  let out = tf.matmul(agg, k);
  out = tf.reshape(out, [...outputShape, -1, channelsOut]);
  const spatial = Array.from({ length: nd }, (_, i) => i);
  const perm = f === 'channels_first' ? [nd, nd + 1, ...spatial] : [nd, ...spatial, nd + 1];
  return tf.transpose(out, perm);
}

/** `K.local_conv1d(inputs, kernel, kernel_size, strides, data_format=None)`: kernel [output_length, kernel_size·input_dim, filters]. */
export function localConv1d(inputs: X, kernel: X, kernelSize: number | readonly number[], strides: number | readonly number[], dataFormat: string | null = null): Tensor {
  const ol = T(kernel).shape?.[0];
  if (ol === null || ol === undefined) throw new ValueError('local_conv1d: the kernel needs a static output length');
  return localConv(inputs, kernel, tup(kernelSize, 1, 'kernel_size'), tup(strides, 1, 'strides'), [ol], dataFormat);
}

/** `K.local_conv2d(inputs, kernel, kernel_size, strides, output_shape, data_format=None)`: kernel [rows·cols, kh·kw·input_filters, filters]. */
export function localConv2d(inputs: X, kernel: X, kernelSize: number | readonly number[], strides: number | readonly number[], outputShape: readonly number[], dataFormat: string | null = null): Tensor {
  return localConv(inputs, kernel, tup(kernelSize, 2, 'kernel_size'), tup(strides, 2, 'strides'), tup(outputShape, 2, 'output_shape'), dataFormat);
}

// ----- rnn -------------------------------------------------------------------------------------------------------

export type StepFunction = (inputs: Tensor, states: Tensor[]) => [Tensor, Tensor[]] | Tensor[];

/** Broadcast a [batch] bool mask to `like`'s rank (K.rnn's _expand_mask). */
function expandMask(m: Tensor, like: Tensor): Tensor {
  const r = like.shape?.length;
  if (r === undefined) throw new ValueError('rnn: a masked state needs a known rank');
  let e = m;
  for (let i = 1; i < r; i++) e = tf.expandDims(e, -1);
  const mult = tf.concat([tf.constant([1], 'int32'), tf.slice(tf.shape(like), [1], [-1])], 0);
  return tf.tile(e, mult);
}

/**
 * `K.rnn(step_function, inputs, initial_states, go_backwards=False, mask=None, constants=None,
 * unroll=False, input_length=None)`: `step_function(x_t, states + constants)` gives `[output,
 * new_states]`; inputs [batch, time, ...]; a mask [batch, time] keeps the previous output (zeros
 * before the first) and states at masked steps. Returns `[last_output, outputs [batch, time,
 * ...], new_states]`, the outputs in the order the steps ran (reversed with go_backwards).
 * Steps of known number are unrolled (the numbers of TF's while loop); others run in a while
 * loop.
 */
export function rnn(
  stepFunction: StepFunction, inputs: X, initialStates: X[], goBackwards = false, mask: X | null = null, constants: X[] | null = null,
  unroll = false, inputLength: number | null = null,
): [Tensor, Tensor, Tensor[]] {
  const o = (typeof goBackwards === 'object' && goBackwards !== null ? goBackwards : null) as Record<string, unknown> | null;
  if (o) {
    goBackwards = (o.goBackwards as boolean | undefined) ?? false;
    mask = (o.mask as X | undefined) ?? null;
    constants = (o.constants as X[] | undefined) ?? null;
    unroll = (o.unroll as boolean | undefined) ?? false;
    inputLength = (o.inputLength as number | undefined) ?? null;
  }
  if (typeof stepFunction !== 'function') throw new TypeError('rnn: step_function must be a function');
  const x0 = T(inputs);
  const rankIn = x0.shape?.length;
  if (rankIn === undefined || rankIn < 3) throw new ValueError('Input should be at least 3D.');
  const perm = [1, 0, ...Array.from({ length: rankIn - 2 }, (_, i) => i + 2)];
  const x = tf.transpose(x0, perm); // time major
  const consts = (constants ?? []).map(T);
  let states = initialStates.map(T);
  let m: Tensor | null = null;
  if (mask !== null && mask !== undefined) {
    m = T(mask);
    if (m.dtype !== 'bool') m = tf.cast(m, 'bool');
    if (m.shape?.length === 2) m = tf.expandDims(m, -1);
    if (m.shape?.length !== 3) throw new ValueError(`rnn: the mask must be [batch, time], got shape ${JSON.stringify(T(mask).shape)}`);
    m = tf.transpose(m, [1, 0, 2]);
  }
  const call = (xt: Tensor, st: Tensor[]): [Tensor, Tensor[]] => {
    const r = stepFunction(xt, [...st, ...consts]);
    if (!Array.isArray(r) || r.length !== 2) throw new ValueError('rnn: step_function must return [output, new_states]');
    const [out, ns] = r as [Tensor, Tensor[] | Tensor];
    return [T(out), (Array.isArray(ns) ? ns : [ns]).map(T)];
  };
  const t = x.shape![0] ?? inputLength ?? null;
  if (unroll && t === null) throw new ValueError('Unrolling requires a fixed number of timesteps.');
  if (t !== null) {
    const steps = tf.unstack(x, t, 0);
    const masks = m ? tf.unstack(m, t, 0).map((v) => tf.squeeze(v, [1])) : null;
    if (goBackwards) {
      steps.reverse();
      masks?.reverse();
    }
    const outs: Tensor[] = [];
    for (let i = 0; i < t; i++) {
      let [out, ns] = call(steps[i]!, states);
      if (masks) {
        const mi = masks[i]!;
        const prev = outs.length > 0 ? outs[outs.length - 1]! : tf.zerosLike(out);
        out = tf.where(expandMask(mi, out), out, prev);
        ns = ns.map((s, k) => tf.where(expandMask(mi, s), s, states[k]!));
      }
      outs.push(out);
      states = ns;
    }
    const outputs = tf.stack(outs, 0);
    return [outs[outs.length - 1]!, tf.transpose(outputs, perm), states];
  }
  // A while loop over the unknown number of steps.
  const xin = goBackwards ? tf.reverse(x, [0]) : x;
  const min = m ? (goBackwards ? tf.reverse(m, [0]) : m) : null;
  const n = tf.gather(tf.shape(xin), 0);
  const inTa = new tf.TensorArray(xin.dtype, n).unstack(xin);
  const maskTa = min ? new tf.TensorArray('bool', n).unstack(tf.squeeze(min, [2])) : null;
  // The first step outside the loop gives the output's shape and dtype (TF's K.rnn does the same).
  const [probe] = call(inTa.read(0), states);
  const outTa = new tf.TensorArray(probe.dtype, n);
  const i0 = tf.constant(0, 'int32');
  const res = tf.whileLoop(
    (i: Tensor) => tf.less(i, n),
    (i: Tensor, ta: TensorArrayLike, prev: Tensor, ...st: Tensor[]) => {
      const xt = inTa.read(i);
      let [out, ns] = call(xt, st);
      if (maskTa) {
        const mi = maskTa.read(i);
        out = tf.where(expandMask(mi, out), out, prev);
        ns = ns.map((s, k) => tf.where(expandMask(mi, s), s, st[k]!));
      }
      return [tf.add(i, 1), ta.write(i, out), out, ...ns];
    },
    [i0, outTa, tf.zerosLike(probe), ...states] as never,
  ) as unknown as [Tensor, TensorArrayLike, Tensor, ...Tensor[]];
  const outputs = res[1].stack();
  const last = res[2];
  return [last, tf.transpose(outputs, perm), res.slice(3) as Tensor[]];
}
type TensorArrayLike = InstanceType<typeof tf.TensorArray>;

// ----- CTC -------------------------------------------------------------------------------------------------------

type Sparse = InstanceType<typeof tf.SparseTensor>;

/**
 * `K.ctc_label_dense_to_sparse(labels, label_lengths)`: the first `label_lengths[b]` entries of
 * each row of `labels` [batch, max_len] as a SparseTensor of the labels' dense shape.
 */
export function ctcLabelDenseToSparse(labels: X | TensorLike, labelLengths: X | TensorLike): Sparse {
  const l = T(labels as TensorLike);
  const len = tf.cast(T(labelLengths as TensorLike), 'int32');
  if (l.shape && l.shape.length !== 2) throw new ValueError(`ctc_label_dense_to_sparse: labels must be [batch, max_label_len], got shape ${JSON.stringify(l.shape)}`);
  if (l.shape?.[1] !== null && l.shape?.[1] !== undefined) return denseLabelsToSparse(l, len);
  const mask = tf.sequenceMask(len, tf.gather(tf.shape(l), 1));
  const idx = tf.where(mask);
  return new tf.SparseTensor(idx, tf.gatherNd(l, idx), tf.cast(tf.shape(l), 'int64'));
}

const squeezeLast = (x: Tensor, what: string): Tensor => {
  const s = x.shape;
  if (s && (s.length !== 2 || (s[1] !== null && s[1] !== 1))) throw new ValueError(`ctc_batch_cost: ${what} must be [samples, 1], got shape ${JSON.stringify(s)}`);
  return tf.squeeze(x, [-1]);
};

/**
 * `K.ctc_batch_cost(y_true, y_pred, input_length, label_length)`: labels [samples, max_string_length]
 * (the first label_length[b] of each row), y_pred softmax outputs [samples, time, classes] (the
 * last class the blank), input_length / label_length [samples, 1] → the CTC loss [samples, 1].
 */
export function ctcBatchCost(yTrue: X | TensorLike, yPred: X | TensorLike, inputLength: X | TensorLike, labelLength: X | TensorLike): Tensor {
  const ll = tf.cast(squeezeLast(T(labelLength as TensorLike), 'label_length'), 'int32');
  const il = tf.cast(squeezeLast(T(inputLength as TensorLike), 'input_length'), 'int32');
  const sp = ctcLabelDenseToSparse(yTrue, ll);
  const labels = sp.values.dtype === 'int32' ? sp : new tf.SparseTensor(sp.indices, tf.cast(sp.values, 'int32'), sp.denseShape);
  const logp = tf.log(tf.add(tf.transpose(T(yPred as TensorLike), [1, 0, 2]), epsilon()));
  return tf.expandDims(tf.nn.ctcLoss(labels, { inputs: logp, sequenceLength: il }), 1);
}

/**
 * `K.ctc_decode(y_pred, input_length, greedy=True, beam_width=100, top_paths=1)`: softmax outputs
 * [samples, time, classes] decoded (greedy, or a beam search) → `[[decoded dense [samples,
 * max_decoded_len] padded with -1, …], log_probabilities]`.
 */
export function ctcDecode(yPred: X | TensorLike, inputLength: X | TensorLike, greedy: boolean | Record<string, unknown> = true, beamWidth = 100, topPaths = 1): [Tensor[], Tensor] {
  if (typeof greedy === 'object' && greedy !== null) {
    const o = greedy;
    greedy = (o.greedy as boolean | undefined) ?? true;
    beamWidth = (o.beamWidth as number | undefined) ?? 100;
    topPaths = (o.topPaths as number | undefined) ?? 1;
  }
  const logp = tf.log(tf.add(tf.transpose(T(yPred as TensorLike), [1, 0, 2]), epsilon()));
  let il = tf.cast(T(inputLength as TensorLike), 'int32');
  if (il.shape?.length === 2) il = tf.reshape(il, [-1]);
  const [decoded, logProb] = greedy
    ? tf.nn.ctcGreedyDecoder(logp, il)
    : tf.nn.ctcBeamSearchDecoder(logp, il, beamWidth, topPaths);
  const dense = decoded.map((st) => tf.sparseTensorToDense(st, -1));
  return [dense, logProb];
}
