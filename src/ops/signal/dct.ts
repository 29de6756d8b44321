/**
 * `tf.signal.dct` / `idct` (types I–IV, optional 'ortho' norm, length `n` by truncating or
 * zero-padding) through 2N-point real FFTs as TF computes them, and
 * `mfccs_from_log_mel_spectrograms` (HTK's scaling of the DCT-II).
 */
import { tf1Function } from '../../args.js';
import { NotImplementedError, ValueError } from '../../errors.js';
import type { Tensor } from '../../graph/tensor.js';
import { concat, gather, ones, range, reshape, slice } from '../array.js';
import { reverseV2 } from '../array-extra.js';
import { constant } from '../core.js';
import { complex, real } from '../complex.js';
import { type TensorLike, toTensor } from '../convert.js';
import { irfft, rfft } from '../fft.js';
import { cast, divide, exp, multiply, negative, rsqrt, sqrt } from '../math.js';
import { pad } from '../pad.js';

type Norm = 'ortho' | null | undefined;

function validate(x: Tensor, type: number, n: number | null | undefined, axis: number | null | undefined, norm: Norm): void {
  if ((axis ?? -1) !== -1) throw new NotImplementedError(`axis must be -1. Got: ${axis}`);
  if (n !== null && n !== undefined && (!Number.isInteger(n) || n < 1)) throw new ValueError('n should be a positive integer or None');
  if (![1, 2, 3, 4].includes(type)) throw new ValueError('Types I, II, III and IV (I)DCT are supported.');
  if (type === 1) {
    if (norm === 'ortho') throw new ValueError('Normalization is not supported for the Type-I DCT.');
    const last = x.shape?.[x.shape.length - 1];
    if (last !== undefined && last !== null && last < 2) throw new ValueError('Type-I DCT requires the dimension to be greater than one.');
  }
  if (norm !== null && norm !== undefined && norm !== 'ortho') throw new ValueError(`Unknown normalization. Expected None or 'ortho', got: ${String(norm)}`);
}

/** x[..., begin:begin+size] along the last axis. */
function lastAxis(x: Tensor, begin: number, size: number): Tensor {
  const r = x.shape!.length;
  return slice(x, [...new Array<number>(r - 1).fill(0), begin], [...new Array<number>(r - 1).fill(-1), size]);
}

/** [n1, n2, n2, …] of length N (TF pads n1 with n2). */
const weights = (n1: Tensor, n2: Tensor, N: number): Tensor => concat([reshape(n1, [1]), multiply(ones([N - 1], n1.dtype), n2)], 0);

function dctInternal(x: Tensor, type: number, n: number | null | undefined, norm: Norm): Tensor {
  if (x.shape === null) throw new ValueError('dct: the rank of the input must be known');
  const r = x.shape.length;
  if (r < 1) throw new ValueError('dct: the input must be at least rank 1');
  let seq = x.shape[r - 1];
  if (seq === null || seq === undefined) throw new ValueError('dct: the innermost dimension of the input must be known when the graph is built');
  if (n !== null && n !== undefined) {
    x = n <= seq ? lastAxis(x, 0, n) : pad(x, [...new Array<number[]>(r - 1).fill([0, 0]), [0, n - seq]]);
    seq = n;
  }
  const N = seq;
  const dt = x.dtype;
  const zero = constant(0.0, dt);
  const nf = cast(constant(N, 'int32'), dt);
  if (type === 1) {
    const mirrored = N > 2 ? reverseV2(lastAxis(x, 1, N - 2), [-1]) : null;
    return real(rfft(mirrored ? concat([x, mirrored], -1) : x));
  }
  if (type === 2) {
    const phase = divide(multiply(multiply(negative(range(nf)), Math.PI), 0.5), nf);
    const scale = multiply(2.0, exp(complex(zero, phase)));
    let out = real(multiply(lastAxis(rfft(x, [2 * N]), 0, N), scale));
    if (norm === 'ortho') {
      const n1 = multiply(0.5, rsqrt(nf));
      const n2 = multiply(n1, Math.sqrt(2.0));
      out = multiply(out, weights(n1, n2, N));
    }
    return out;
  }
  if (type === 3) {
    if (norm === 'ortho') {
      const n1 = sqrt(nf);
      x = multiply(x, weights(n1, multiply(n1, Math.sqrt(0.5)), N));
    } else {
      x = multiply(x, nf);
    }
    const phase = divide(multiply(multiply(range(nf), Math.PI), 0.5), nf);
    const scale = multiply(2.0, exp(complex(zero, phase)));
    return lastAxis(irfft(multiply(scale, complex(x, zero)), [2 * N]), 0, N);
  }
  // Type IV: the odd bins of the unnormalized DCT-II of the signal zero-padded to 2N.
  const dct2 = dctInternal(x, 2, 2 * N, null);
  let dct4 = gather(dct2, range(1, 2 * N, 2), { axis: r - 1 });
  if (norm === 'ortho') dct4 = multiply(dct4, multiply(Math.sqrt(0.5), rsqrt(nf)));
  return dct4;
}

function dctImpl(input: TensorLike, type?: number | null, n?: number | null, axis?: number | null, norm?: Norm, name?: string | null): Tensor {
  const x = toTensor(input, 'float32');
  const t = type ?? 2;
  validate(x, t, n, axis, norm);
  return x.graph.nameScope(name ?? 'dct', () => dctInternal(x, t, n, norm));
}

function idctImpl(input: TensorLike, type?: number | null, n?: number | null, axis?: number | null, norm?: Norm, name?: string | null): Tensor {
  const x = toTensor(input, 'float32');
  const t = type ?? 2;
  validate(x, t, n, axis, norm);
  const inverse = ({ 1: 1, 2: 3, 3: 2, 4: 4 } as Record<number, number>)[t]!;
  return x.graph.nameScope(name ?? 'idct', () => dctInternal(x, inverse, n, norm));
}

const DCT_PARAMS = ['input', 'type', 'n', 'axis', 'norm', 'name'] as const;
/** `tf.signal.dct(input, type=2, n=None, axis=-1, norm=None, name=None)` (also `tf.spectral.dct`). */
export const dct = tf1Function('dct', DCT_PARAMS, dctImpl, 1);
/** `tf.signal.idct(input, type=2, n=None, axis=-1, norm=None, name=None)`: `idct(dct(x)) · 0.5/N = x` unnormalized. */
export const idct = tf1Function('idct', DCT_PARAMS, idctImpl, 1);

function mfccsImpl(logMelSpectrograms: TensorLike, name?: string | null): Tensor {
  const x = toTensor(logMelSpectrograms, 'float32');
  return x.graph.nameScope(name ?? 'mfccs_from_log_mel_spectrograms', () => {
    const nmb = x.shape?.[x.shape.length - 1];
    if (nmb === 0) throw new ValueError(`num_mel_bins must be positive. Got: ${x.name}`);
    if (nmb === null || nmb === undefined) throw new ValueError('mfccs_from_log_mel_spectrograms: the number of mel bins (innermost dimension) must be known when the graph is built');
    // HTK scales every DCT-II basis vector by sqrt(2/N), the 0th too: 0.5·sqrt(2/N) on TF's DCT.
    return multiply(dctInternal(x, 2, null, null), rsqrt(multiply(cast(constant(nmb, 'int32'), 'float32'), 2.0)));
  });
}

/** `tf.signal.mfccs_from_log_mel_spectrograms(log_mel_spectrograms, name=None)`. */
export const mfccsFromLogMelSpectrograms = tf1Function('mfccsFromLogMelSpectrograms', ['logMelSpectrograms', 'name'], mfccsImpl, 1);
