/**
 * `tf.signal` (TF 1.15; `tf.spectral` holds the FFTs and dct/idct too): framing, windows, STFT and
 * its inverse, mel matrices, DCTs and MFCCs. `tf.contrib.signal` is the subset TF 1.15 kept there.
 */
export { fft, ifft, fft2d, ifft2d, fft3d, ifft3d, rfft, irfft, rfft2d, irfft2d, rfft3d, irfft3d } from '../fft.js';
export { frame, overlapAndAdd } from './frame.js';
export { hannWindow, hammingWindow } from './windows.js';
export { stft, inverseStft, inverseStftWindowFn } from './spectral.js';
export { linearToMelWeightMatrix } from './mel.js';
export { dct, idct, mfccsFromLogMelSpectrograms } from './dct.js';
export { fftshift, ifftshift } from './fftshift.js';
