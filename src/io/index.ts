/** `tf.io`: TFRecord files, example parsing and raw decoding. */
export { TFRecordWriter, TFRecordOptions, TFRecordCompressionType, tfRecordIterator, type CompressionType } from './tfrecord.js';
export { FixedLenFeature, FixedLenSequenceFeature, VarLenFeature, SparseFeature, parseSingleExample, parseExample, decodeRaw } from '../ops/parsing.js';
export { parseSingleSequenceExample, parseSequenceExample } from '../ops/parse-sequence-example.js';
export { decodeCompressed } from '../ops/decode-compressed.js';
export { decodeJsonExample } from '../ops/decode-json-example.js';
export { decodeCsv, type DecodeCsvOptions } from '../ops/decode-csv.js';
export { readFile, writeFile, matchingFiles } from './readers.js';
export { decodePng, encodePng, decodeGif, decodeBmp, decodeImage, isJpeg } from '../ops/image/codec-ops.js';
export * as gfile from '../platform/gfile.js';
export { decodeJpeg, decodeAndCropJpeg, extractJpegShape, encodeJpeg } from '../ops/image/jpeg.js';
export { serializeTensor, parseTensor, serializeSparse, serializeManySparse, deserializeManySparse } from '../ops/sparse-serialize.js';
export { PaddingFIFOQueue, RandomShuffleQueue, PriorityQueue, QueueBase } from '../data/queue.js';
export { encodeBase64, decodeBase64 } from '../ops/strings/ops.js';
export { matchFilenamesOnce } from './readers.js';
export { writeGraph } from '../graphdef/write-graph.js';
