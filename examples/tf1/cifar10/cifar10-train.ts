// A binary to train CIFAR-10 using a single GPU.
//
// Port of tensorflow/models tutorials/image/cifar10/cifar10_train.py (TF 1.x; Apache License 2.0)
// line by line in tsflow's conventions: a _LoggerHook (a tf.train.SessionRunHook asking for the
// loss in beforeRun and printing it in afterRun), tf.train.MonitoredTrainingSession with
// StopAtStepHook and NanTensorHook writing checkpoints and summaries to --train_dir.
// maybeDownloadAndExtract is left out (no network): --data_dir must hold cifar-10-batches-bin/.
// Run by test/examples-cifar10.test.ts on a small synthetic data set in CIFAR-10's format.
//
//   npx tsx examples/tf1/cifar10/cifar10-train.ts --data_dir DIR [--train_dir DIR] [--max_steps N] [--batch_size N]
import { parseArgs } from 'node:util';
import * as tf from 'tsflow';
import * as cifar10 from './cifar10.js';

const { values: FLAGS } = parseArgs({
  options: {
    ...cifar10.options,
    // Directory where to write event logs and checkpoint.
    train_dir: { type: 'string', default: '/tmp/cifar10_train' },
    // Number of batches to run.
    max_steps: { type: 'string', default: '1000000' },
    // Whether to log device placement.
    log_device_placement: { type: 'boolean', default: false },
    // How often to log results to the console.
    log_frequency: { type: 'string', default: '10' },
  },
});
cifar10.setFlags(FLAGS);

/** Train CIFAR-10 for a number of steps. */
async function train(): Promise<void> {
  await new tf.Graph().asDefault(async () => {
    if (FLAGS.seed !== undefined) tf.setRandomSeed(Number(FLAGS.seed)); // (not in the original)
    const globalStep = tf.contrib.framework.getOrCreateGlobalStep();

    // Get images and labels for CIFAR-10.
    // Force input pipeline to CPU:0 to avoid operations sometimes ending up on
    // GPU and resulting in a slow down.
    const [images, labels] = tf.device('/cpu:0', () => cifar10.distortedInputs());

    // Build a Graph that computes the logits predictions from the
    // inference model.
    const logits = cifar10.inference(images);

    // Calculate loss.
    const loss = cifar10.loss(logits, labels);

    // Build a Graph that trains the model with one batch of examples and
    // updates the model parameters.
    const trainOp = cifar10.train(loss, globalStep);

    const logFrequency = Number(FLAGS.log_frequency);
    const batchSize = Number(FLAGS.batch_size);

    /** Logs loss and runtime. */
    class LoggerHook extends tf.train.SessionRunHook {
      private step = -1;
      private startTime = 0;

      override begin(): void {
        this.step = -1;
        this.startTime = performance.now();
      }

      override beforeRun(): tf.train.SessionRunArgs {
        this.step += 1;
        return new tf.train.SessionRunArgs(loss); // Asks for loss value.
      }

      override afterRun(runContext: tf.train.SessionRunContext, runValues: tf.train.SessionRunValues): void {
        if (this.step % logFrequency === 0) {
          const currentTime = performance.now();
          const duration = (currentTime - this.startTime) / 1000;
          this.startTime = currentTime;

          const lossValue = Number((runValues.results as tf.NDArray).data[0]);
          const examplesPerSec = (logFrequency * batchSize) / duration;
          const secPerBatch = duration / logFrequency;

          console.log(`${new Date().toISOString()}: step ${this.step}, loss = ${lossValue.toFixed(2)} (${examplesPerSec.toFixed(1)} examples/sec; ${secPerBatch.toFixed(3)} sec/batch)`);
        }
      }
    }

    const monSess = tf.train.MonitoredTrainingSession({
      checkpointDir: FLAGS.train_dir,
      hooks: [new tf.train.StopAtStepHook({ lastStep: Number(FLAGS.max_steps) }), new tf.train.NanTensorHook(loss), new LoggerHook()],
      config: new tf.ConfigProto({ logDevicePlacement: FLAGS.log_device_placement }),
    });
    await monSess.withSession(async (monSess) => {
      while (!monSess.shouldStop()) await monSess.run(trainOp);
    });
  });
}

// (cifar10.maybeDownloadAndExtract() is left out: no network)
if (tf.gfile.Exists(FLAGS.train_dir)) tf.gfile.DeleteRecursively(FLAGS.train_dir);
tf.gfile.MakeDirs(FLAGS.train_dir);
await train();
