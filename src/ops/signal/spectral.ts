/**
 * `tf.signal.stft`, `inverse_stft` and `inverse_stft_window_fn`: framing, windowing and the real
 * FFT, as TF 1.15 composes them (so gradients flow through every step).
 */
import { tf1Function } from '../../args.js';
import { ValueError } from '../../errors.js';
import type { Tensor } from '../../graph/tensor.js';
import { getDefaultGraph } from '../../graph/context.js';
import { pad } from '../pad.js';
import { reshape, slice, tile } from '../array.js';
import { type DType, parseDType, realDType } from '../../dtype.js';
import { type TensorLike, toTensor } from '../convert.js';
import { irfft, rfft } from '../fft.js';
import { divide, multiply, reduceSum, square } from '../math.js';
import { frame, overlapAndAdd } from './frame.js';
import { staticInt } from './static-args.js';
import { type WindowFn, callWindow, hannWindow } from './windows.js';

/** TF's `_enclosing_power_of_two`: 2^⌈log2 v⌉, computed as TF does in float64. */
const enclosingPowerOfTwo = (v: number): number => 2 ** Math.ceil(Math.log(v) / Math.log(2.0));

function fftLengthOf(fftLength: TensorLike | null | undefined, frameLength: number, fn: string): number {
  if (fftLength === null || fftLength === undefined) return enclosingPowerOfTwo(frameLength);
  const n = staticInt(fftLength, 'fft_length', fn);
  if (n <= 0) throw new ValueError(`${fn}: fft_length must be positive, got ${n}`);
  return n;
}

function stftImpl(signals: TensorLike, frameLength: TensorLike, frameStep: TensorLike, fftLength?: TensorLike | null, windowFn?: WindowFn | null, padEnd?: boolean | null, name?: string | null): Tensor {
  const x = toTensor(signals, 'float32');
  return x.graph.nameScope(name ?? 'stft', () => {
    if (x.shape !== null && x.shape.length < 1) throw new ValueError(`Shape must be at least rank 1 but is rank 0 for 'stft' (signals)`);
    const fl = staticInt(frameLength, 'frame_length', 'stft');
    const n = fftLengthOf(fftLength, fl, 'stft');
    let framed = frame(x, fl, frameStep, { padEnd: !!padEnd });
    const wf = windowFn === undefined ? hannWindow : windowFn;
    if (wf !== null) framed = multiply(framed, callWindow(wf, fl, framed.dtype));
    return rfft(framed, [n]);
  });
}

/**
 * `tf.signal.stft(signals, frame_length, frame_step, fft_length=None, window_fn=hann_window,
 * pad_end=False, name=None)`: `[..., samples]` float32 → `[..., frames, fft_length/2 + 1]`
 * complex64. `window_fn(frameLength, {dtype})` returns the window; null applies none.
 */
export const stft = tf1Function('stft', ['signals', 'frameLength', 'frameStep', 'fftLength', 'windowFn', 'padEnd', 'name'], stftImpl, 3);

function inverseStftWindowFnImpl(frameStep: TensorLike, forwardWindowFn?: WindowFn | null, name?: string | null): WindowFn {
  const step = staticInt(frameStep, 'frame_step', 'inverse_stft_window_fn');
  if (step <= 0) throw new ValueError(`inverse_stft_window_fn: frame_step must be positive, got ${step}`);
  const forward = forwardWindowFn ?? hannWindow;
  const inner = (frameLength: TensorLike, opts?: { dtype?: DType | string }): Tensor => getDefaultGraph().nameScope(name ?? 'inverse_stft_window_fn', () => {
    const fl = staticInt(frameLength, 'frame_length', 'inverse_stft_window_fn');
    // Griffin & Lim's equation 7: the forward window over the sum of its squares at each hop.
    const w = callWindow(forward, fl, parseDType(opts?.dtype ?? 'float32'));
    const overlaps = Math.ceil(fl / step);
    let denom = pad(square(w), [[0, overlaps * step - fl]]);
    denom = reshape(denom, [overlaps, step]);
    denom = reduceSum(denom, 0, { keepdims: true });
    denom = tile(denom, [overlaps, 1]);
    denom = reshape(denom, [overlaps * step]);
    return divide(w, slice(denom, [0], [fl]));
  });
  return inner as unknown as WindowFn;
}

/** `tf.signal.inverse_stft_window_fn(frame_step, forward_window_fn=hann_window, name=None)`. */
export const inverseStftWindowFn = tf1Function('inverseStftWindowFn', ['frameStep', 'forwardWindowFn', 'name'], inverseStftWindowFnImpl, 1);

function inverseStftImpl(stfts: TensorLike, frameLength: TensorLike, frameStep: TensorLike, fftLength?: TensorLike | null, windowFn?: WindowFn | null, name?: string | null): Tensor {
  const y = toTensor(stfts, 'complex64');
  return y.graph.nameScope(name ?? 'inverse_stft', () => {
    if (y.shape === null || y.shape.length < 2) throw new ValueError(`Shape must be at least rank 2 but is rank ${y.shape?.length ?? 'unknown'} for 'inverse_stft' (stfts)`);
    const fl = staticInt(frameLength, 'frame_length', 'inverse_stft');
    const n = fftLengthOf(fftLength, fl, 'inverse_stft');
    let frames = irfft(y, [n]);
    const r = y.shape.length;
    // Pad or truncate the inverse FFTs to frame_length samples.
    if (n > fl) frames = slice(frames, new Array<number>(r).fill(0), [...new Array<number>(r - 1).fill(-1), fl]);
    else if (n < fl) frames = pad(frames, [...new Array<number[]>(r - 1).fill([0, 0]), [0, fl - n]]);
    const wf = windowFn === undefined ? hannWindow : windowFn;
    if (wf !== null) frames = multiply(frames, callWindow(wf, fl, realDType(y.dtype)));
    return overlapAndAdd(frames, frameStep);
  });
}

/** `tf.signal.inverse_stft(stfts, frame_length, frame_step, fft_length=None, window_fn=hann_window, name=None)`. */
export const inverseStft = tf1Function('inverseStft', ['stfts', 'frameLength', 'frameStep', 'fftLength', 'windowFn', 'name'], inverseStftImpl, 3);
