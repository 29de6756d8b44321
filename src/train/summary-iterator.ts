/**
 * `tf.train.summary_iterator(path)`: the Event records of an events file, decoded (`wallTime`,
 * `step`, `fileVersion`, `graphDef`, `summary.value[].tag / simpleValue / histo …`,
 * `sessionLog`, `taggedRunMetadata`, `metaGraphDef`), lazily and in file order.
 */
import { decode } from '../proto/codec.js';
import { type Event, EventT } from '../proto/summary.js';
import { tfRecordIterator } from '../io/tfrecord.js';

export function* summaryIterator(path: string): Generator<Event, void, undefined> {
  if (typeof path !== 'string') throw new TypeError(`summary_iterator(): path must be a string, got ${String(path)}`);
  for (const r of tfRecordIterator(path)) yield decode<Event>(EventT, r);
}
