/**
 * tf.contrib.slim (TF 1.15 contrib/slim) on every device: TF-Slim's variable names (conv1/weights,
 * conv1/BatchNorm/moving_mean, repeat's and stack's scopes), argScope over the slim functions
 * and slim.modelVariable, getVariablesToRestore, assignFromCheckpoint(Fn), the contrib argument
 * orders of slim.losses and slim.metrics against plain-JS references, createTrainOp's one step
 * against a hand-computed (and finite-difference checked) gradient with clipping, update ops and
 * the inf/NaN check, and learning.train + evaluation.evaluateOnce end to end on a small model.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray } from 'tsflow';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';
import { rng } from './support/random.js';

const devices = await resolvedDevices();
registerSkipSummary();
const slim = tf.contrib.slim;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-slim-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const rand = (n: number, seed: number): number[] => {
  const r = rng(seed);
  return Array.from({ length: n }, () => Math.fround(r() * 2 - 1));
};
const f32 = (xs: number[], shape: number[]) => tf.constant(Float32Array.from(xs), 'float32', shape);
const arr = (v: unknown): number[] => Array.from((v as NDArray).data as Float32Array, Number);
const num = (v: unknown): number => Number((v as NDArray).data[0]);
/** |got - want| <= tol, elementwise for arrays. */
function expectNear(got: number | number[], want: number | number[], tol: number): void {
  const g = Array.isArray(got) ? got : [got], w = Array.isArray(want) ? want : [want];
  expect(g.length).toBe(w.length);
  g.forEach((v, i) => expect(Math.abs(v - w[i]!), `element ${i}: ${v} vs ${w[i]}`).toBeLessThanOrEqual(tol));
}
const names = (g: tf.Graph, key = 'variables') => g.getCollection<tf.Variable>(key).map((v) => v.name);

describe('tf.contrib.slim (graph construction)', () => {
  it('is tf.contrib.layers\' argScope-decorated functions, and tf.contrib.framework\'s helpers', () => {
    expect(slim.conv2d).toBe(tf.contrib.layers.conv2d);
    expect(slim.fullyConnected).toBe(tf.contrib.layers.fullyConnected);
    expect(slim.batchNorm).toBe(tf.contrib.layers.batchNorm);
    expect(slim.argScope).toBe(tf.contrib.framework.argScope);
    expect(slim.modelVariable).toBe(tf.contrib.framework.modelVariable);
    for (const f of [slim.conv2d, slim.convolution2d, slim.fullyConnected, slim.maxPool2d, slim.avgPool2d, slim.flatten, slim.dropout,
      slim.batchNorm, slim.conv2dTranspose, slim.separableConv2d, slim.oneHotEncoding, slim.variable, slim.modelVariable]) {
      expect(slim.hasArgScope(f)).toBe(true);
    }
  });

  it('names variables as TF-Slim: conv1/weights, conv1/biases, conv1/BatchNorm/*, repeat and stack scopes, fc weights', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const x = tf.placeholder('float32', [2, 28, 28, 1]);
      let net = slim.conv2d(x, 4, [5, 5], { scope: 'conv1', normalizerFn: slim.batchNorm, normalizerParams: { isTraining: true } });
      net = slim.maxPool2d(net, [2, 2], { scope: 'pool1' });
      net = slim.repeat(net, 2, slim.conv2d, 3, [3, 3], { scope: 'conv3' });
      net = slim.flatten(net);
      net = slim.stack(net, slim.fullyConnected, [8, 6], { scope: 'fc' });
      net = slim.fullyConnected(net, 10, { activationFn: null, scope: 'logits' });
      expect(net.shape).toEqual([2, 10]);
      expect(net.op.name).toBe('logits/BiasAdd');
    });
    expect(names(g)).toEqual([
      'conv1/weights:0', 'conv1/BatchNorm/beta:0', 'conv1/BatchNorm/moving_mean:0', 'conv1/BatchNorm/moving_variance:0',
      'conv3/conv3_1/weights:0', 'conv3/conv3_1/biases:0', 'conv3/conv3_2/weights:0', 'conv3/conv3_2/biases:0',
      'fc/fc_1/weights:0', 'fc/fc_1/biases:0', 'fc/fc_2/weights:0', 'fc/fc_2/biases:0', 'logits/weights:0', 'logits/biases:0',
    ]);
    // every slim variable is a model variable; the moving statistics are not trainable
    expect(names(g, 'model_variables')).toEqual(names(g));
    expect(names(g, 'trainable_variables')).not.toContain('conv1/BatchNorm/moving_mean:0');
    expect(g.getCollection('update_ops').length).toBe(2);
    g.asDefault(() => {
      expect(slim.getVariablesByName('weights').map((v) => v.op.name)).toEqual(['conv1/weights', 'conv3/conv3_1/weights', 'conv3/conv3_2/weights', 'fc/fc_1/weights', 'fc/fc_2/weights', 'logits/weights']);
      expect(slim.getModelVariables('fc').length).toBe(4);
      expect(slim.getVariablesToRestore({ exclude: ['logits', 'fc'] }).map((v) => v.op.name)).toEqual([
        'conv1/weights', 'conv1/BatchNorm/beta', 'conv1/BatchNorm/moving_mean', 'conv1/BatchNorm/moving_variance',
        'conv3/conv3_1/weights', 'conv3/conv3_1/biases', 'conv3/conv3_2/weights', 'conv3/conv3_2/biases',
      ]);
      expect(slim.getVariablesToRestore(['logits']).map((v) => v.op.name)).toEqual(['logits/weights', 'logits/biases']);
      expect(() => slim.getVariablesToRestore('logits' as never)).toThrow('include is provided but is not a list or a tuple.');
      expect(() => slim.getVariablesToRestore(null, 'fc' as never)).toThrow('exclude is provided but is not a list or a tuple.');
    });
  });

  it('argScope sets the slim functions\' defaults (nested scopes override, the call\'s own keywords win); modelVariable takes argScope too', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const x = tf.placeholder('float32', [1, 8, 8, 2]);
      slim.argScope([slim.conv2d, slim.fullyConnected], { activationFn: null, weightsRegularizer: slim.l2Regularizer(0.5) }, () => {
        slim.argScope([slim.conv2d], { padding: 'VALID', stride: 2 }, () => {
          const a = slim.conv2d(x, 3, [3, 3], { scope: 'a' });
          expect(a.shape).toEqual([1, 3, 3, 3]);
          expect(a.op.type).toBe('BiasAdd'); // no relu: activationFn null from the outer scope
          const b = slim.conv2d(x, 3, [3, 3], { scope: 'b', padding: 'SAME', activationFn: tf.nn.relu });
          expect(b.shape).toEqual([1, 4, 4, 3]);
          expect(b.op.type).toBe('Relu');
        });
        const c = slim.conv2d(x, 3, [3, 3], { scope: 'c' });
        expect(c.shape).toEqual([1, 8, 8, 3]);
      });
      expect(g.getCollection('regularization_losses').length).toBe(3);
      slim.argScope([slim.modelVariable], { initializer: tf.constantInitializer(2), regularizer: slim.l1Regularizer(0.25) }, () => {
        const v = slim.modelVariable('mv', [2, 2], { device: '/cpu:0' });
        expect(v.name).toBe('mv:0');
        expect(v.op.device).toBe('/device:CPU:0');
        const w = slim.variable('plain', { shape: [3], collections: ['mine'] });
        expect(g.getCollection('mine')).toEqual([w]);
      });
      expect(names(g, 'model_variables')).toContain('mv:0');
      expect(names(g, 'model_variables')).not.toContain('plain:0');
      expect(names(g, 'trainable_variables')).toContain('plain:0');
      expect(() => slim.modelVariable()).toThrow("model_variable() missing 1 required positional argument: 'name'");
    });
  });
});

for (const dev of devices) {
  describe(`tf.contrib.slim [${dev.name}]`, () => {
    it('slim.losses take contrib\'s order (logits / predictions first) and match float64 references', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const logits = rand(12, 3), labels = [0, 1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0];
      const w = [1, 0, 2];
      const pred = rand(6, 5).map((v) => (v + 1) / 2.2 + 0.02), targ = [1, 0, 1, 1, 0, 0];
      const outs = g.asDefault(() => {
        const lg = f32(logits, [3, 4]);
        return {
          sce: slim.losses.softmaxCrossEntropy(lg, f32(labels, [3, 4])),
          sceW: slim.losses.softmaxCrossEntropy(lg, f32(labels, [3, 4]), f32(w, [3])),
          sig: slim.losses.sigmoidCrossEntropy(lg, f32(labels, [3, 4])),
          mse: slim.losses.meanSquaredError(f32(pred, [6]), f32(targ, [6])),
          abs: slim.losses.absoluteDifference({ predictions: f32(pred, [6]), labels: f32(targ, [6]) }),
          log: slim.losses.logLoss(f32(pred, [6]), f32(targ, [6])),
          hinge: slim.losses.hingeLoss(f32(logits.slice(0, 6), [6]), f32(targ, [6])),
        };
      });
      const sess = new tf.Session({ graph: g, ...dev.options });
      const r = (await sess.run(outs)) as Record<string, NDArray>;
      const xent = [0, 1, 2].map((i) => {
        const row = logits.slice(i * 4, i * 4 + 4), m = Math.max(...row);
        const lse = m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
        return row.reduce((s, v, j) => s + labels[i * 4 + j]! * (lse - v), 0);
      });
      expectNear(num(r.sce), xent.reduce((a, b) => a + b) / 3, 1e-5);
      expectNear(num(r.sceW), (xent[0]! * 1 + xent[2]! * 2) / 2, 1e-5); // mean over the non-zero weights
      const sig = logits.map((z, i) => Math.max(z, 0) - z * labels[i]! + Math.log1p(Math.exp(-Math.abs(z))));
      expectNear(num(r.sig), sig.reduce((a, b) => a + b) / 12, 1e-5);
      expectNear(num(r.mse), pred.reduce((s, p, i) => s + (p - targ[i]!) ** 2, 0) / 6, 1e-5);
      expectNear(num(r.abs), pred.reduce((s, p, i) => s + Math.abs(p - targ[i]!), 0) / 6, 1e-5);
      const eps = 1e-7;
      expectNear(num(r.log), pred.reduce((s, p, i) => s - targ[i]! * Math.log(p + eps) - (1 - targ[i]!) * Math.log(1 - p + eps), 0) / 6, 1e-5);
      expectNear(arr(r.hinge), logits.slice(0, 6).map((z, i) => Math.max(0, 1 - (2 * targ[i]! - 1) * z)), 1e-6);
      // the reduced losses land in LOSSES (contrib's hinge_loss does not); total = their sum
      g.asDefault(() => {
        expect(slim.losses.getLosses().length).toBe(6);
        const total = slim.losses.getTotalLoss();
        expect(total.op.name).toBe('total_loss');
      });
      const total = num(await sess.run(g.getTensorByName('total_loss:0')));
      expectNear(total, ['sce', 'sceW', 'sig', 'mse', 'abs', 'log'].reduce((s, k) => s + num(r[k]), 0), 1e-5);
      await sess.close();
    });

    it('slim.metrics: streaming accuracy / mean / recall@k over two batches, aggregateMetricMap', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const { values, updates, p, l, s } = g.asDefault(() => {
        const p = tf.placeholder('int32', [4]);
        const l = tf.placeholder('int32', [4]);
        const s = tf.placeholder('float32', [4, 3]);
        const m = slim.metrics.aggregateMetricMap({
          acc: slim.metrics.streamingAccuracy(p, l),
          mean: slim.metrics.streamingMean(tf.cast(p, 'float32')),
          r1: slim.metrics.streamingRecallAtK(s, l, 1),
        });
        return { values: m[0], updates: m[1], p, l, s };
      });
      expect(g.getCollection<tf.Variable>('local_variables').map((v) => v.op.name)).toEqual([
        'accuracy/total', 'accuracy/count', 'mean/total', 'mean/count', 'recall_at_1/total', 'recall_at_1/count',
      ]);
      const sess = new tf.Session({ graph: g, ...dev.options });
      await sess.run(g.asDefault(() => tf.localVariablesInitializer()));
      const batches = [
        { p: [0, 1, 2, 1], l: [0, 2, 2, 1], s: [0.9, 0.05, 0.05, 0.1, 0.2, 0.7, 0.1, 0.1, 0.8, 0.3, 0.6, 0.1] },
        { p: [2, 2, 0, 1], l: [1, 2, 0, 0], s: [0.2, 0.5, 0.3, 0.1, 0.1, 0.8, 0.6, 0.3, 0.1, 0.2, 0.7, 0.1] },
      ];
      for (const b of batches) {
        const rows = [0, 1, 2, 3].map((i) => b.s.slice(i * 3, i * 3 + 3));
        await sess.run(updates, new Map<tf.Tensor, unknown>([[p, b.p], [l, b.l], [s, rows]]) as never);
      }
      const v = (await sess.run(values)) as Record<string, NDArray>;
      const allP = batches.flatMap((b) => b.p), allL = batches.flatMap((b) => b.l);
      expectNear(num(v.acc), allP.filter((x, i) => x === allL[i]).length / 8, 1e-6);
      expectNear(num(v.mean), allP.reduce((a, b) => a + b) / 8, 1e-6);
      const top1 = batches.flatMap((b) => [0, 1, 2, 3].map((i) => { const row = b.s.slice(i * 3, i * 3 + 3); return row.indexOf(Math.max(...row)); }));
      expectNear(num(v.r1), top1.filter((x, i) => x === allL[i]).length / 8, 1e-6);
      await sess.close();
    });

    it('createTrainOp: one step applies the (clipped) gradient, runs the update ops first, bumps the global step, returns the loss', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const xs = [0.5, -1, 2, 1.5], ys = [1, -2, 3, 0.5];
      const w0 = 0.3, b0 = -0.2, lr = 0.1;
      const lossAt = (w: number, b: number) => xs.reduce((s, x, i) => s + (w * x + b - ys[i]!) ** 2, 0) / 4;
      // analytic gradient of the mean squared error, checked against central differences
      const gw = xs.reduce((s, x, i) => s + 2 * (w0 * x + b0 - ys[i]!) * x, 0) / 4;
      const gb = xs.reduce((s, x, i) => s + 2 * (w0 * x + b0 - ys[i]!), 0) / 4;
      const h = 1e-6;
      expectNear((lossAt(w0 + h, b0) - lossAt(w0 - h, b0)) / (2 * h), gw, 1e-5);
      expectNear((lossAt(w0, b0 + h) - lossAt(w0, b0 - h)) / (2 * h), gb, 1e-5);
      for (const clip of [0, 0.5]) {
        const g = new tf.Graph();
        const { trainOp, w, b, counter, step } = g.asDefault(() => {
          const w = slim.variable('w', { shape: [], initializer: tf.constantInitializer(w0) });
          const b = slim.variable('b', { shape: [], initializer: tf.constantInitializer(b0) });
          const counter = new tf.Variable(0, { name: 'counter', trainable: false });
          tf.addToCollection(tf.GraphKeys.UPDATE_OPS, counter.assignAdd(1));
          const pred = tf.add(tf.multiply(w, f32(xs, [4])), b);
          const loss = slim.losses.meanSquaredError(pred, f32(ys, [4]));
          const trainOp = slim.learning.createTrainOp(loss, new tf.train.GradientDescentOptimizer(lr), { clipGradientNorm: clip });
          return { trainOp, w, b, counter, step: tf.train.getGlobalStep()! };
        });
        expect(g.getCollection('train_op').includes(trainOp)).toBe(true);
        expect(trainOp.op.name).toBe('train_op/control_dependency');
        const sess = new tf.Session({ graph: g, ...dev.options });
        await sess.run(g.asDefault(() => tf.globalVariablesInitializer()));
        const loss = (await sess.run(trainOp)) as NDArray;
        expectNear(num(loss), lossAt(w0, b0), 1e-5);
        const got = [loss, ...((await sess.run([w, b, counter, step])) as NDArray[])];
        const scale = (n: number) => (clip > 0 && Math.abs(n) > clip ? clip / Math.abs(n) : 1);
        expectNear(num(got[1]), w0 - lr * gw * scale(gw), 1e-5);
        expectNear(num(got[2]), b0 - lr * gb * scale(gb), 1e-5);
        expect(num(got[3])).toBe(1);
        expect(num(got[4])).toBe(1);
        await sess.close();
      }
    });

    it('createTrainOp checks the loss for inf / NaN ("LossTensor is inf or nan")', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const trainOp = g.asDefault(() => {
        const w = slim.variable('w', { shape: [], initializer: tf.constantInitializer(-1) });
        return slim.learning.createTrainOp(tf.log(w), new tf.train.GradientDescentOptimizer(0.1));
      });
      const sess = new tf.Session({ graph: g, ...dev.options });
      await sess.run(g.asDefault(() => tf.globalVariablesInitializer()));
      await expect(sess.run(trainOp)).rejects.toThrow('LossTensor is inf or nan');
      await sess.close();
    });

    it('learning.train runs numberOfSteps steps, saves model.ckpt-N; evaluateOnce restores it; assignFromCheckpoint(Fn) read it back', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const logdir = path.join(tmp, `train-${dev.name.replace(/\W+/g, '_')}`);
      const xs = rand(32, 11), ys = xs.map((x) => 3 * x - 1);
      const build = () => {
        const x = f32(xs, [32, 1]);
        const pred = slim.fullyConnected(x, 1, { activationFn: null, scope: 'lin' });
        return slim.losses.meanSquaredError(pred, f32(ys, [32, 1]));
      };
      const g = new tf.Graph();
      const logged: string[] = [];
      const { trainOp, initialLoss } = g.asDefault(() => {
        const loss = build();
        tf.summary.scalar('loss', loss);
        return { trainOp: slim.learning.createTrainOp(loss, new tf.train.GradientDescentOptimizer(0.3)), initialLoss: loss };
      });
      void initialLoss;
      const spy = (m: string) => logged.push(m);
      const saved = tf.logging.getVerbosity();
      tf.logging.setVerbosity(tf.logging.INFO);
      const origErr = console.error;
      console.error = (...a: unknown[]) => spy(a.map(String).join(' '));
      let final: number | undefined;
      try {
        final = await slim.learning.train(trainOp, logdir, { numberOfSteps: 25, logEveryNSteps: 10, sessionConfig: dev.options, saveSummariesSecs: 3600, saveIntervalSecs: 3600 });
      } finally {
        console.error = origErr;
        tf.logging.setVerbosity(saved);
      }
      expect(fs.existsSync(path.join(logdir, 'model.ckpt-25.index'))).toBe(true);
      expect(fs.readdirSync(logdir).some((f) => f.startsWith('events.out.tfevents.'))).toBe(true);
      const steps = logged.join('\n').match(/global step (\d+): loss = [\d.]+/g) ?? [];
      expect(steps.map((s) => Number(/step (\d+)/.exec(s)![1]))).toEqual([10, 20]);
      // the loss of a zero model, mean(y²), against the trained fit of y = 3x - 1
      const start = ys.reduce((s, y) => s + y ** 2, 0) / 32;
      expect(final).toBeLessThan(0.05 * start);

      // evaluation: a fresh graph restores the checkpoint, streams the loss over 3 evals
      const ckpt = tf.train.latestCheckpoint(logdir)!;
      expect(path.resolve(ckpt)).toBe(path.resolve(logdir, 'model.ckpt-25'));
      const g2 = new tf.Graph();
      const { meanLoss, update, gs } = g2.asDefault(() => {
        const loss = build();
        const gs = tf.train.getOrCreateGlobalStep();
        const [meanLoss, update] = slim.metrics.streamingMean(loss);
        tf.summary.scalar('eval_loss', meanLoss);
        return { meanLoss, update, gs };
      });
      const evalDir = path.join(logdir, 'eval');
      const vals = (await g2.asDefault(() => slim.evaluation.evaluateOnce('', ckpt, evalDir, {
        numEvals: 3, evalOp: update, finalOp: { loss: meanLoss, step: gs }, sessionConfig: dev.options,
      }))) as Record<string, NDArray>;
      expectNear(num(vals.loss), final!, 1e-4);
      expect(num(vals.step)).toBe(25);
      expect(fs.readdirSync(evalDir).some((f) => f.startsWith('events.out.tfevents.'))).toBe(true);

      // fine-tuning: a new logdir, initFn restores the model variables (not the global step) from the checkpoint
      const g4 = new tf.Graph();
      const { tuneOp, initFn } = g4.asDefault(() => {
        const loss = build();
        const tuneOp = slim.learning.createTrainOp(loss, new tf.train.GradientDescentOptimizer(0.3));
        const toRestore = slim.getVariablesToRestore({ exclude: ['global_step'] });
        expect(toRestore.map((v) => v.op.name)).toEqual(['lin/weights', 'lin/biases']);
        return { tuneOp, initFn: slim.assignFromCheckpointFn(ckpt, toRestore)! };
      });
      const tuned = await slim.learning.train(tuneOp, path.join(logdir, 'tune'), { numberOfSteps: 1, initFn, sessionConfig: dev.options, logEveryNSteps: 100 });
      // the first step's loss is the restored model's, not a fresh one's
      expectNear(tuned!, num(vals.loss), 1e-4);
      expect(fs.existsSync(path.join(logdir, 'tune', 'model.ckpt-1.index'))).toBe(true);

      // assignFromCheckpoint / assignFromCheckpointFn on a third graph
      const reader = tf.contrib.framework.loadCheckpoint(ckpt);
      const wSaved = Array.from(reader.getTensor('lin/weights').data as Float32Array);
      const g3 = new tf.Graph();
      const { wv, extra, op, feed, fn, missingFn } = g3.asDefault(() => {
        const wv = slim.modelVariable('lin/weights', [1, 1]);
        const extra = slim.variable('not_in_ckpt', [2]);
        const [op, feed] = slim.assignFromCheckpoint(ckpt, [wv]);
        // a dict var list goes by keyword (a trailing plain object is the options) or as a Map
        const fn = slim.assignFromCheckpointFn(ckpt, { varList: { 'lin/weights': wv } });
        expect(slim.assignFromCheckpointFn(ckpt, new Map([['lin/weights', wv]]))).toBeTypeOf('function');
        const missingFn = slim.assignFromCheckpointFn(ckpt, [extra], { ignoreMissingVars: true });
        expect(() => slim.assignFromCheckpoint(ckpt, [extra])).toThrow('Checkpoint is missing variable [not_in_ckpt]');
        expect(() => slim.assignFromCheckpointFn(ckpt, [])).toThrow('var_list cannot be empty');
        return { wv, extra, op, feed, fn, missingFn };
      });
      void extra;
      expect(missingFn).toBeNull();
      const sess = new tf.Session({ graph: g3, ...dev.options });
      await sess.run(op, feed as never);
      expectNear(arr(await sess.run(wv)), wSaved, 0);
      await sess.run(g3.asDefault(() => wv.assign(f32([0], [1, 1]))));
      await fn!(sess);
      expectNear(arr(await sess.run(wv)), wSaved, 0);
      await sess.close();
    }, 120_000);
  });
}
