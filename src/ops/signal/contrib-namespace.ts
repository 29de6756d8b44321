/** `tf.contrib.signal` in TF 1.15: the framing, window, STFT, mel and MFCC functions. */
export { frame, overlapAndAdd } from './frame.js';
export { hannWindow, hammingWindow } from './windows.js';
export { stft, inverseStft, inverseStftWindowFn } from './spectral.js';
export { linearToMelWeightMatrix } from './mel.js';
export { mfccsFromLogMelSpectrograms } from './dct.js';
