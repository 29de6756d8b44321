/** `tf.queue` (TF 1.15): the queue classes, as under `tf.*`. */
export { FIFOQueue, PaddingFIFOQueue, RandomShuffleQueue, PriorityQueue, QueueBase } from '../data/queue.js';
