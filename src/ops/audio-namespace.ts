/** `tf.audio` (TF 1.15): WAV decoding and encoding. */
export { decodeWav, encodeWav, DecodeWavResult } from './audio.js';
