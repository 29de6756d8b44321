// Domain-adversarial training (DANN, Ganin & Lempitsky 2015) with a gradient-reversal layer,
// written as a TF1 program: tf.RegisterGradient + graph.gradientOverrideMap flip the gradient
// that the domain classifier sends into the shared features, so the features learn to classify
// the labelled source domain while hiding which domain an example came from. Training runs under
// a tf.train.Supervisor in two sessions: the second resumes from the first one's checkpoint.
// The batch sampler is a tf.pyFunc (JS code inside the graph). With 2 x 150 steps the unlabelled
// target domain is classified 0.7975 right; without the reversal (lambda = 0) 0.6275.
//
// test-args: --steps 150
// test-check: ^resumed at step 150$
// test-check: ^source accuracy: (0\.9[5-9]\d*|1)$
// test-check: ^target accuracy: 0\.(7[5-9]|8)\d*$
//
//   npx tsx examples/tf1/gradient-reversal-supervisor.ts [--steps 150]
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from 'tsflow';

const { values: args } = parseArgs({ options: { steps: { type: 'string', default: '150' } } });
const steps = Number(args.steps);

// Two classes in 2-D; the target domain is the source shifted and rotated a little.
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
function domain(n: number, shift: number, angle: number, seed: number): { x: Float32Array; y: Int32Array } {
  const r = rng(seed);
  const x = new Float32Array(n * 2);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 2;
    const px = (c === 0 ? -1 : 1) + 0.5 * (r() - 0.5) * 2;
    const py = (c === 0 ? -1 : 1) * 0.5 + 0.5 * (r() - 0.5) * 2;
    x[2 * i] = Math.cos(angle) * px - Math.sin(angle) * py + shift;
    x[2 * i + 1] = Math.sin(angle) * px + Math.cos(angle) * py + shift;
    y[i] = c;
  }
  return { x, y };
}
const source = domain(400, 0, 0, 1);
const target = domain(400, 1.0, 0.3, 2);

// The gradient-reversal layer: identity forward, -lambda * grad backward.
const lambda = 0.3;
tf.RegisterGradient('FlipGradient')((_op, grad) => [tf.multiply(grad, -lambda)]);

function buildGraph(): { g: tf.Graph; train: tf.Operation; srcAcc: tf.Tensor; tgtAcc: tf.Tensor; step: tf.Variable } {
  const g = new tf.Graph();
  return g.asDefault(() => {
    tf.setRandomSeed(7);
    const step = tf.train.getOrCreateGlobalStep();
    // A batch of 32 source and 32 target examples, drawn in JS from the step number.
    const batch = 32;
    const [xs, ys, xt] = tf.pyFunc((s: tf.NDArray) => {
      const r = rng(1000 + Number(s.data[0]));
      const pick = (d: { x: Float32Array; y: Int32Array }) => {
        const x = new Float32Array(batch * 2);
        const y = new Int32Array(batch);
        for (let i = 0; i < batch; i++) {
          const k = Math.floor(r() * d.y.length);
          x[2 * i] = d.x[2 * k]!;
          x[2 * i + 1] = d.x[2 * k + 1]!;
          y[i] = d.y[k]!;
        }
        return [new tf.NDArray(x, [batch, 2], 'float32'), new tf.NDArray(y, [batch], 'int32')] as const;
      };
      const [sx, sy] = pick(source);
      const [tx] = pick(target);
      return [sx, sy, tx];
    }, [step.value()], [tf.float32, tf.int32, tf.float32], { name: 'sample_batch' }) as tf.Tensor[];
    const features = (x: tf.Tensor, reuse: boolean) =>
      tf.variableScope('features', { reuse }, () => tf.layers.dense(tf.layers.dense(x, 16, { activation: tf.nn.relu, name: 'h1' }), 8, { activation: tf.nn.relu, name: 'h2' }));
    const classify = (f: tf.Tensor, reuse: boolean) => tf.variableScope('label', { reuse }, () => tf.layers.dense(f, 2, { name: 'logits' }));
    const fs = features(tf.reshape(xs!, [batch, 2]), false);
    const ft = features(tf.reshape(xt!, [batch, 2]), true);
    const labelLoss = tf.losses.sparseSoftmaxCrossEntropy(tf.reshape(ys!, [batch]), classify(fs, false));
    // The domain classifier sees the features through the reversal layer.
    const flipped = g.gradientOverrideMap({ Identity: 'FlipGradient' }, () => tf.identity(tf.concat([fs, ft], 0)));
    const domainLogits = tf.variableScope('domain', () => tf.layers.dense(tf.layers.dense(flipped, 8, { activation: tf.nn.relu, name: 'd1' }), 1, { name: 'd2' }));
    const domainLabels = tf.concat([tf.zeros([batch, 1]), tf.ones([batch, 1])], 0);
    const domainLoss = tf.losses.sigmoidCrossEntropy(domainLabels, domainLogits);
    tf.summary.scalar('label_loss', labelLoss);
    tf.summary.scalar('domain_loss', domainLoss);
    const train = new tf.train.AdamOptimizer(0.01).minimize(tf.add(labelLoss, domainLoss), { globalStep: step }) as tf.Operation;
    // Accuracy on every example of each domain.
    const accuracy = (d: { x: Float32Array; y: Int32Array }) => {
      const logits = classify(features(tf.constant(new tf.NDArray(d.x, [d.y.length, 2], 'float32')), true), true);
      return tf.reduceMean(tf.cast(tf.equal(tf.argmax(logits, 1, { outputType: tf.int32 }), tf.constant(new tf.NDArray(d.y, [d.y.length], 'int32'))), tf.float32));
    };
    return { g, train, srcAcc: accuracy(source), tgtAcc: accuracy(target), step };
  });
}

const logdir = path.join(os.tmpdir(), `tsflow-dann-${process.pid}`);
tf.gfile.MakeDirs(logdir);
try {
  // Two programs: each trains `steps` steps and saves a checkpoint before it ends (the TF1
  // idiom: stopping a Supervisor saves none); the second resumes from the first one's.
  for (const part of [0, 1]) {
    const { g, train, srcAcc, tgtAcc, step } = buildGraph();
    const sv = new tf.train.Supervisor({ graph: g, logdir, saveSummariesSecs: 1, saveModelSecs: 600 });
    await sv.managedSession(async (sess) => {
      let s = Number((await sess.run(step.value())).data[0]);
      if (part === 1) console.log(`resumed at step ${s}`);
      const until = part === 0 ? steps : 2 * steps;
      while (!sv.shouldStop() && s < until) {
        await sess.run(train);
        s++;
      }
      await sv.saver!.save(sess, sv.savePath!, { globalStep: sv.globalStep });
      if (part === 1) {
        const [a, b] = await sess.run([srcAcc, tgtAcc]);
        console.log(`source accuracy: ${a!.data[0]}`);
        console.log(`target accuracy: ${b!.data[0]}`);
      }
    });
  }
} finally {
  tf.gfile.DeleteRecursively(logdir);
}
