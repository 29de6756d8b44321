/** `tf.summary`: summary ops and the event-file writer. */
export { scalar, histogram, image, audio, text, tensorSummary, merge, mergeAll, cleanTag, type SummaryOptions, type MergeOptions, type TensorSummaryOptions } from './summary.js';
export { FileWriter, SessionLog, type FileWriterOptions } from './file-writer.js';
export { SummaryWriterCache as FileWriterCache } from '../train/hooks/summary-writer-cache.js';
export { Event, Summary, SummaryDescription, TaggedRunMetadata, getSummaryDescription } from '../proto/classes.js';
