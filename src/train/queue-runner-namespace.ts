/** `tf.train.queue_runner` (TF1's module of the queue-runner API). */
export { QueueRunner, addQueueRunner, startQueueRunners } from './queue-runner.js';
