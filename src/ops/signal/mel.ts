/**
 * `tf.signal.linear_to_mel_weight_matrix`: triangular mel bands over the linear spectrogram bins
 * (HTK's mel scale, 1127·ln(1 + f/700); the DC bin is left out), built with TF 1.15's ops in the
 * matrix's dtype so float32 weights hold TF's values.
 */
import { tf1Function } from '../../args.js';
import { type DType, isFloat, parseDType } from '../../dtype.js';
import { ValueError } from '../../errors.js';
import type { Tensor } from '../../graph/tensor.js';
import { getDefaultGraph } from '../../graph/context.js';
import { expandDims, reshape, slice } from '../array.js';
import { constant } from '../core.js';
import { linspace } from '../array-extra.js';
import { add, divide, log, maximum, minimum, multiply, subtract } from '../math.js';
import { pad } from '../pad.js';
import { split } from '../split.js';
import { frame } from './frame.js';
import { staticInt } from './static-args.js';
import type { TensorLike } from '../convert.js';

const MEL_BREAK_FREQUENCY_HERTZ = 700.0;
const MEL_HIGH_FREQUENCY_Q = 1127.0;

const hertzToMel = (f: Tensor): Tensor => multiply(MEL_HIGH_FREQUENCY_Q, log(add(1.0, divide(f, MEL_BREAK_FREQUENCY_HERTZ))));

function linearToMelImpl(numMelBins?: number | null, numSpectrogramBins?: TensorLike | null, sampleRate?: TensorLike | null, lowerEdgeHertz?: number | null, upperEdgeHertz?: number | null, dtype?: DType | string | null, name?: string | null): Tensor {
  const nmb = numMelBins ?? 20;
  const nsb = staticInt(numSpectrogramBins ?? 129, 'num_spectrogram_bins', 'linear_to_mel_weight_matrix');
  const sr = typeof sampleRate === 'number' || sampleRate === null || sampleRate === undefined ? sampleRate ?? 8000 : constantOf(sampleRate);
  const lo = lowerEdgeHertz ?? 125.0;
  const hi = upperEdgeHertz ?? 3800.0;
  const dt = parseDType(dtype ?? 'float32');
  if (nmb <= 0) throw new ValueError(`num_mel_bins must be positive. Got: ${nmb}`);
  if (sr <= 0.0) throw new ValueError(`sample_rate must be positive. Got: ${sr}`);
  if (lo < 0.0) throw new ValueError(`lower_edge_hertz must be non-negative. Got: ${lo}`);
  if (lo >= hi) throw new ValueError(`lower_edge_hertz ${lo.toFixed(1)} >= upper_edge_hertz ${hi.toFixed(1)}`);
  if (hi > sr / 2) throw new ValueError(`upper_edge_hertz must not be larger than the Nyquist frequency (sample_rate / 2). Got: ${hi} for sample_rate: ${sr}`);
  if (!isFloat(dt)) throw new ValueError(`dtype must be a floating point type. Got: <dtype: '${dt}'>`);
  if (nsb <= 0) throw new ValueError(`Requires num > 0: ${nsb}`);
  return getDefaultGraph().nameScope(name ?? 'linear_to_mel_weight_matrix', (scope) => {
    const zero = constant(0.0, dt);
    const nyquist = divide(constant(sr, dt, { name: 'sample_rate' }), 2.0);
    // HTK leaves out the spectrogram's DC bin.
    const linearFrequencies = slice(linspace(zero, nyquist, nsb), [1], [-1]);
    const binsMel = expandDims(hertzToMel(linearFrequencies), 1);
    // num_mel_bins triples (lower edge, center, upper edge), adjacent bands sharing edges.
    const edges = frame(linspace(hertzToMel(constant(lo, dt, { name: 'lower_edge_hertz' })), hertzToMel(constant(hi, dt, { name: 'upper_edge_hertz' })), nmb + 2), 3, 1);
    const [lower, center, upper] = split(edges, 3, 1).map((t) => reshape(t, [1, nmb])) as [Tensor, Tensor, Tensor];
    const lowerSlopes = divide(subtract(binsMel, lower), subtract(center, lower));
    const upperSlopes = divide(subtract(upper, binsMel), subtract(upper, center));
    const weights = maximum(zero, minimum(lowerSlopes, upperSlopes));
    return pad(weights, [[1, 0], [0, 0]], 'CONSTANT', scope);
  });
}

function constantOf(t: TensorLike): number {
  const v = (t as Tensor).op?.type === 'Const' ? Number(((t as Tensor).op.attrs.value as { data: ArrayLike<number> }).data[0]) : NaN;
  if (Number.isNaN(v)) throw new ValueError('`sample_rate` was a non-constant Tensor. Must be a Python float or a constant Tensor.');
  return v;
}

/**
 * `tf.signal.linear_to_mel_weight_matrix(num_mel_bins=20, num_spectrogram_bins=129,
 * sample_rate=8000, lower_edge_hertz=125.0, upper_edge_hertz=3800.0, dtype=tf.float32, name=None)`:
 * `[num_spectrogram_bins, num_mel_bins]`.
 */
export const linearToMelWeightMatrix = tf1Function('linearToMelWeightMatrix', ['numMelBins', 'numSpectrogramBins', 'sampleRate', 'lowerEdgeHertz', 'upperEdgeHertz', 'dtype', 'name'], linearToMelImpl, 0);
