/**
 * `tf.contrib.framework.audioOps` (TF's `tensorflow.contrib.framework.python.ops.audio_ops`, the
 * `contrib_audio` of TF's speech_commands example): WAV codecs, spectrograms and MFCCs.
 */
export { decodeWav, encodeWav, audioSpectrogram, mfcc, DecodeWavResult } from './audio.js';
