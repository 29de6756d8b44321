/** `tf.python_io` (TF1's older home of the TFRecord API). */
export { TFRecordWriter, TFRecordOptions, TFRecordCompressionType, tfRecordIterator } from './tfrecord.js';
