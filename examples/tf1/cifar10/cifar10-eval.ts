// Evaluation for CIFAR-10.
//
// Port of tensorflow/models tutorials/image/cifar10/cifar10_eval.py (TF 1.x; Apache License 2.0)
// line by line in tsflow's conventions: the moving averages of the trained variables restored
// under the variables' names (ExponentialMovingAverage.variablesToRestore), the queue runners
// started by hand from the QUEUE_RUNNERS collection, precision @ 1 through tf.nn.inTopK, written
// with the merged summaries to --eval_dir. Python's `summary.ParseFromString(...)` +
// `summary.value.add(...)` is two addSummary calls here (the summary op's bytes, then a Summary
// object with the precision). maybeDownloadAndExtract is left out (no network).
// Run by test/examples-cifar10.test.ts after examples/tf1/cifar10/cifar10-train.ts.
//
//   npx tsx examples/tf1/cifar10/cifar10-eval.ts --data_dir DIR --checkpoint_dir DIR --run_once [--num_examples N]
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import * as tf from 'tsflow';
import * as cifar10 from './cifar10.js';

const { values: FLAGS } = parseArgs({
  options: {
    ...cifar10.options,
    // Directory where to write event logs.
    eval_dir: { type: 'string', default: '/tmp/cifar10_eval' },
    // Either `test` or `train_eval`.
    eval_data: { type: 'string', default: 'test' },
    // Directory where to read model checkpoints.
    checkpoint_dir: { type: 'string', default: '/tmp/cifar10_train' },
    // How often to run the eval.
    eval_interval_secs: { type: 'string', default: String(60 * 5) },
    // Number of examples to run.
    num_examples: { type: 'string', default: '10000' },
    // Whether to run eval only once.
    run_once: { type: 'boolean', default: false },
  },
});
cifar10.setFlags(FLAGS);

/** Run Eval once. */
async function evalOnce(saver: tf.train.Saver, summaryWriter: tf.summary.FileWriter, topKOp: tf.Tensor, summaryOp: tf.Tensor): Promise<void> {
  const sess = new tf.Session();
  try {
    const ckpt = tf.train.getCheckpointState(FLAGS.checkpoint_dir);
    let globalStep: string;
    if (ckpt && ckpt.modelCheckpointPath) {
      // Restores from checkpoint
      await saver.restore(sess, ckpt.modelCheckpointPath);
      // Assuming modelCheckpointPath looks something like:
      //   /my-favorite-path/cifar10_train/model.ckpt-0,
      // extract globalStep from it.
      globalStep = ckpt.modelCheckpointPath.split('/').at(-1)!.split('-').at(-1)!;
    } else {
      console.log('No checkpoint file found');
      return;
    }

    // Start the queue runners.
    const coord = new tf.train.Coordinator();
    const threads: tf.train.Thread[] = [];
    try {
      for (const qr of tf.getCollection(tf.GraphKeys.QUEUE_RUNNERS) as tf.train.QueueRunner[]) {
        threads.push(...qr.createThreads(sess, { coord, daemon: true, start: true }));
      }

      const batchSize = Number(FLAGS.batch_size);
      const numIter = Math.ceil(Number(FLAGS.num_examples) / batchSize);
      let trueCount = 0; // Counts the number of correct predictions.
      const totalSampleCount = numIter * batchSize;
      let step = 0;
      while (step < numIter && !coord.shouldStop()) {
        const [predictions] = await sess.run([topKOp]);
        trueCount += (predictions!.data as Uint8Array).reduce((s, v) => s + Number(v), 0);
        step += 1;
      }

      // Compute precision @ 1.
      const precision = trueCount / totalSampleCount;
      console.log(`${new Date().toISOString()}: precision @ 1 = ${precision.toFixed(3)}`);

      summaryWriter.addSummary(await sess.run(summaryOp), Number(globalStep));
      summaryWriter.addSummary({ value: [{ tag: 'Precision @ 1', simpleValue: precision }] }, Number(globalStep));
    } catch (e) {
      coord.requestStop(e as Error);
    }

    coord.requestStop();
    await coord.join(threads, { stopGracePeriodSecs: 10 });
  } finally {
    await sess.close();
  }
}

/** Eval CIFAR-10 for a number of steps. */
async function evaluate(): Promise<void> {
  const g = new tf.Graph();
  await g.asDefault(async () => {
    if (FLAGS.seed !== undefined) tf.setRandomSeed(Number(FLAGS.seed)); // (not in the original)
    // Get images and labels for CIFAR-10.
    const evalData = FLAGS.eval_data === 'test';
    const [images, labels] = cifar10.inputs(evalData);

    // Build a Graph that computes the logits predictions from the
    // inference model.
    const logits = cifar10.inference(images);

    // Calculate predictions.
    const topKOp = tf.nn.inTopK(logits, labels, 1);

    // Restore the moving average version of the learned variables for eval.
    const variableAverages = new tf.train.ExponentialMovingAverage(cifar10.MOVING_AVERAGE_DECAY);
    const variablesToRestore = variableAverages.variablesToRestore();
    const saver = new tf.train.Saver(variablesToRestore);

    // Build the summary operation based on the TF collection of Summaries.
    const summaryOp = tf.summary.mergeAll()!;

    const summaryWriter = new tf.summary.FileWriter(FLAGS.eval_dir, g);

    for (;;) {
      await evalOnce(saver, summaryWriter, topKOp, summaryOp);
      if (FLAGS.run_once) break;
      await sleep(Number(FLAGS.eval_interval_secs) * 1000);
    }
    summaryWriter.close(); // (not in the original: Python's writer flushes at exit)
  });
}

// (cifar10.maybeDownloadAndExtract() is left out: no network)
if (tf.gfile.Exists(FLAGS.eval_dir)) tf.gfile.DeleteRecursively(FLAGS.eval_dir);
tf.gfile.MakeDirs(FLAGS.eval_dir);
await evaluate();
