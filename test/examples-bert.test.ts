/**
 * google-research/bert's modeling.py, optimization.py and run_classifier's create_model ported
 * line by line (examples/tf1/bert/modeling.ts, examples/tf1/bert/optimization.ts,
 * examples/tf1/bert/train.ts, a dedicated test in test/support/examples.ts): the pieces against
 * independent computations (gelu, the masked multi-head attention, the attention mask, one
 * AdamWeightDecayOptimizer step with its weight-decay exclusions, one-hot vs gather embeddings,
 * BertConfig's JSON), and the tiny run_classifier: the loss falls, the eval accuracy is far above
 * chance, the checkpoint holds BERT's variable names, and init_from_checkpoint with
 * get_assignment_map_from_checkpoint gives the evaluated logits exactly.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import * as modeling from '../examples/tf1/bert/modeling.js';
import { AdamWeightDecayOptimizer, createOptimizer } from '../examples/tf1/bert/optimization.js';
import { root } from './support/examples.js';

const run = promisify(execFile);
const work = mkdtempSync(path.join(tmpdir(), 'tsflow-bert-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const TRAIN = 'examples/tf1/bert/train.ts';

async function inGraph<T>(fn: (sess: tf.Session) => Promise<T>): Promise<T> {
  const g = new tf.Graph();
  return g.asDefault(async () => {
    const sess = new tf.Session({ graph: g });
    try {
      return await fn(sess);
    } finally {
      await sess.close();
    }
  });
}

const flat = (a: tf.NDArray): number[] => Array.from(a.data as Float32Array);

describe('examples/tf1/bert/modeling.ts', () => {
  it('gelu is BERT\'s tanh approximation', async () => {
    const xs = [-3, -1, -0.5, 0, 0.25, 1, 2.5];
    const [y] = await inGraph((sess) => sess.run([modeling.gelu(tf.constant(xs))]));
    const ref = xs.map((x) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3))));
    flat(y!).forEach((v, i) => expect(v).toBeCloseTo(ref[i]!, 6));
    // close to the exact x * Phi(x): gelu(1) = 0.8413
    expect(flat(y!)[5]).toBeCloseTo(0.8412, 3);
  });

  it('getActivation, assertRank and getShapeList behave as BERT\'s', async () => {
    expect(modeling.getActivation('gelu')).toBe(modeling.gelu);
    expect(modeling.getActivation('linear')).toBeNull();
    expect(modeling.getActivation('')).toBeNull();
    expect(() => modeling.getActivation('swish')).toThrow(/^Unsupported activation: swish$/);
    await inGraph(async () => {
      const x = tf.placeholder(tf.float32, [null, 5, 3], 'x');
      const shape = modeling.getShapeList(x, 3);
      expect(shape[0]).toBeInstanceOf(tf.Tensor);
      expect(shape.slice(1)).toEqual([5, 3]);
      tf.variableScope('enc', () => {
        expect(() => modeling.assertRank(x, [2, 4])).toThrow(
          'For the tensor `x:0` in scope `enc`, the actual rank `3` (shape = (?, 5, 3)) is not equal to the expected rank `[2, 4]`');
      });
      expect(() => modeling.reshapeToMatrix(tf.placeholder(tf.float32, [4]))).toThrow(/^Input tensor must have at least rank 2/);
      expect(modeling.reshapeToMatrix(x).shape).toEqual([null, 3]);
    });
  });

  it('createAttentionMaskFromInputMask broadcasts the to-mask over the from positions', async () => {
    const [m] = await inGraph((sess) => {
      const from = tf.zeros([2, 3], { dtype: tf.int32 });
      return sess.run([modeling.createAttentionMaskFromInputMask(from, tf.constant([[1, 1, 0], [1, 0, 0]]))]);
    });
    expect(m!.toArray()).toEqual([[[1, 1, 0], [1, 1, 0], [1, 1, 0]], [[1, 0, 0], [1, 0, 0], [1, 0, 0]]]);
  });

  it('attentionLayer is masked multi-head scaled dot-product attention (against a reference in the test)', async () => {
    const B = 2, S = 3, W = 4, N = 2, H = 3;
    const input = Array.from({ length: B * S * W }, (_, i) => Math.sin(i * 1.7) * 0.8);
    const maskRows = [[1, 1, 1], [1, 1, 0]];
    const { out, q, k, v, names } = await inGraph(async (sess) => {
      tf.setRandomSeed(3);
      const x = tf.constant(input, { shape: [B, S, W] });
      const mask = modeling.createAttentionMaskFromInputMask(x, tf.constant(maskRows));
      const ctx = tf.variableScope('self', () =>
        modeling.attentionLayer({ fromTensor: x, toTensor: x, attentionMask: mask, numAttentionHeads: N, sizePerHead: H, initializerRange: 0.5 }));
      expect(ctx.shape).toEqual([B, S, N * H]);
      // random biases, so that they count in the check
      const vars = tf.globalVariables();
      await sess.run(tf.globalVariablesInitializer());
      await sess.run(vars.filter((u) => u.name.endsWith('bias:0')).map((u) => u.assign(tf.randomNormal([N * H], { seed: 1 }))));
      const get = async (n: string): Promise<[number[], number[]]> => {
        const [kk, bb] = await sess.run([`self/${n}/kernel:0`, `self/${n}/bias:0`]);
        return [flat(kk as tf.NDArray), flat(bb as tf.NDArray)];
      };
      const [o] = await sess.run([ctx]);
      return { out: flat(o!), q: await get('query'), k: await get('key'), v: await get('value'), names: vars.map((u) => u.name) };
    });
    expect(names).toEqual(['self/query/kernel:0', 'self/query/bias:0', 'self/key/kernel:0', 'self/key/bias:0', 'self/value/kernel:0', 'self/value/bias:0']);
    const dense = ([kern, bias]: [number[], number[]], b: number, s: number): number[] =>
      Array.from({ length: N * H }, (_, j) => bias[j]! + Array.from({ length: W }, (_, i) => input[(b * S + s) * W + i]! * kern[i * N * H + j]!).reduce((a, c) => a + c));
    for (let b = 0; b < B; b++) {
      const Q = [...Array(S).keys()].map((s) => dense(q, b, s));
      const K = [...Array(S).keys()].map((s) => dense(k, b, s));
      const V = [...Array(S).keys()].map((s) => dense(v, b, s));
      for (let h = 0; h < N; h++) {
        for (let f = 0; f < S; f++) {
          const scores = [...Array(S).keys()].map((t) =>
            [...Array(H).keys()].reduce((a, c) => a + Q[f]![h * H + c]! * K[t]![h * H + c]!, 0) / Math.sqrt(H) + (1 - maskRows[b]![t]!) * -10000);
          const mx = Math.max(...scores);
          const e = scores.map((s) => Math.exp(s - mx));
          const z = e.reduce((a, c) => a + c);
          for (let c = 0; c < H; c++) {
            const ref = e.reduce((a, w, t) => a + (w / z) * V[t]![h * H + c]!, 0);
            expect(out[(b * S + f) * N * H + h * H + c]).toBeCloseTo(ref, 5);
          }
        }
      }
    }
  });

  it('BertModel: BERT\'s shapes; one-hot embeddings give the gather\'s outputs; the dynamic batch dimension works', async () => {
    await inGraph(async (sess) => {
      const config = new modeling.BertConfig(20, { hiddenSize: 8, numHiddenLayers: 2, numAttentionHeads: 2, intermediateSize: 12, maxPositionEmbeddings: 8, typeVocabSize: 2 });
      const ids = tf.placeholder(tf.int32, [null, 5], 'ids');
      const model = new modeling.BertModel({ config, isTraining: false, inputIds: ids, scope: 'bert' });
      const oneHot = tf.variableScope(tf.getVariableScope(), { reuse: true }, () =>
        new modeling.BertModel({ config, isTraining: false, inputIds: ids, useOneHotEmbeddings: true, scope: 'bert' }));
      expect(model.getSequenceOutput().shape).toEqual([null, 5, 8]);
      expect(model.getPooledOutput().shape).toEqual([null, 8]);
      expect(model.getAllEncoderLayers().length).toBe(2);
      expect(model.getEmbeddingTable().name).toBe('bert/embeddings/word_embeddings:0');
      expect(tf.trainableVariables().length).toBe(5 + 2 * 16 + 2);
      await sess.run(tf.globalVariablesInitializer());
      const feed = { 'ids:0': [[1, 2, 3, 4, 0], [5, 6, 7, 19, 0], [3, 3, 3, 3, 3]] };
      const [a, b] = await sess.run([model.getSequenceOutput(), oneHot.getSequenceOutput()], feed);
      expect(a!.shape).toEqual([3, 5, 8]);
      flat(a!).forEach((x, i) => expect(x).toBeCloseTo(flat(b!)[i]!, 5));
      // LayerNorm output: each position's hidden vector has mean 0 and variance 1 (gamma 1, beta 0)
      const [emb] = await sess.run([model.getEmbeddingOutput()], feed);
      const row = flat(emb!).slice(0, 8);
      expect(row.reduce((s, x) => s + x, 0) / 8).toBeCloseTo(0, 5);
      expect(row.reduce((s, x) => s + x * x, 0) / 8).toBeCloseTo(1, 3);
      // max_position_embeddings 8 < a sequence of 9: BERT's assert_less_equal fails (statically known here)
      expect(() => new modeling.BertModel({ config, isTraining: false, inputIds: tf.zeros([1, 9], { dtype: tf.int32 }), scope: 'other' })).toThrow(/^Condition x <= y did not hold element-wise:/);
    });
  });

  it('BertConfig: fromDict / toJsonString / fromJsonFile round trip with bert_config.json\'s keys', () => {
    const json = { attention_probs_dropout_prob: 0.1, hidden_act: 'gelu', hidden_dropout_prob: 0.1, hidden_size: 768, initializer_range: 0.02,
      intermediate_size: 3072, max_position_embeddings: 512, num_attention_heads: 12, num_hidden_layers: 12, type_vocab_size: 2, vocab_size: 30522 };
    const c = modeling.BertConfig.fromDict(json);
    expect(c.vocabSize).toBe(30522);
    expect(c.typeVocabSize).toBe(2);
    expect(JSON.parse(c.toJsonString())).toEqual(json);
    expect(c.toJsonString()).toBe(`${JSON.stringify(json, null, 2)}\n`);
    const file = path.join(work, 'bert_config.json');
    writeFileSync(file, JSON.stringify(json));
    expect(modeling.BertConfig.fromJsonFile(file).toDict()).toEqual(json);
  });
});

describe('examples/tf1/bert/optimization.ts', () => {
  it('AdamWeightDecayOptimizer: one step is Adam without bias correction plus decoupled weight decay; LayerNorm and bias are excluded', async () => {
    const w0 = [0.5, -1.0, 2.0], b0 = [0.3, -0.2, 0.1];
    const { w, b, m, v, names } = await inGraph(async (sess) => {
      const wv = tf.getVariable('dense/kernel', { initializer: tf.constant(w0) });
      const bv = tf.getVariable('dense/bias', { initializer: tf.constant(b0) });
      const loss = tf.add(tf.reduceSum(tf.square(wv)), tf.reduceSum(tf.multiply(3.0, bv)));
      const opt = new AdamWeightDecayOptimizer({ learningRate: 0.1, weightDecayRate: 0.01, excludeFromWeightDecay: ['LayerNorm', 'layer_norm', 'bias'] });
      const vars = [wv, bv];
      const grads = tf.gradients(loss, vars);
      const step = opt.applyGradients(grads.map((g, i) => [g, vars[i]!] as const));
      await sess.run(tf.globalVariablesInitializer());
      await sess.run(step);
      const [ww, bb, mm, vv] = await sess.run([wv, bv, 'dense/kernel/adam_m:0', 'dense/kernel/adam_v:0']);
      return { w: flat(ww as tf.NDArray), b: flat(bb as tf.NDArray), m: flat(mm as tf.NDArray), v: flat(vv as tf.NDArray), names: tf.globalVariables().map((u) => u.name) };
    });
    expect(names).toEqual(['dense/kernel:0', 'dense/bias:0', 'dense/kernel/adam_m:0', 'dense/kernel/adam_v:0', 'dense/bias/adam_m:0', 'dense/bias/adam_v:0']);
    const step = (p: number, g: number, decay: boolean): [number, number, number] => {
      const mm = 0.1 * g, vv = 0.001 * g * g;
      const u = mm / (Math.sqrt(vv) + 1e-6) + (decay ? 0.01 * p : 0);
      return [p - 0.1 * u, mm, vv];
    };
    w0.forEach((p, i) => {
      const [np, nm, nv] = step(p, 2 * p, true);
      expect(w[i]).toBeCloseTo(np, 6);
      expect(m[i]).toBeCloseTo(nm, 6);
      expect(v[i]).toBeCloseTo(nv, 6);
    });
    b0.forEach((p, i) => expect(b[i]).toBeCloseTo(step(p, 3, false)[0], 6));
  });
});

describe('examples/tf1/bert/optimization.ts createOptimizer', () => {
  it('linear warmup then linear decay to 0, gradients clipped to global norm 1, weight decay but for bias, global_step + 1 a step', async () => {
    const initLr = 0.1, numTrainSteps = 10, numWarmupSteps = 4, steps = 7;
    const w0 = [3.0, 4.0], b0 = [0.5];
    const { trace, globalStep } = await inGraph(async (sess) => {
      const w = tf.getVariable('dense/kernel', { initializer: tf.constant(w0) });
      const b = tf.getVariable('dense/bias', { initializer: tf.constant(b0) });
      // d loss / d w = [3, 4], d loss / d b = [12]: global norm 13, so the clip scales by 1/13
      const loss = tf.add(tf.reduceSum(tf.multiply(tf.constant([3.0, 4.0]), w)), tf.reduceSum(tf.multiply(12.0, b)));
      const trainOp = createOptimizer(loss, initLr, numTrainSteps, numWarmupSteps, false);
      await sess.run(tf.globalVariablesInitializer());
      const out: number[][] = [];
      for (let i = 0; i < steps; i++) {
        await sess.run(trainOp);
        const [ww, bb] = await sess.run([w, b]);
        out.push([...flat(ww!), ...flat(bb!)]);
      }
      const [gs] = await sess.run([tf.train.getOrCreateGlobalStep()]);
      return { trace: out, globalStep: gs!.toArray() };
    });
    expect(globalStep).toBe(steps);
    // the reference: BERT's schedule and update in float64
    const p = [...w0, ...b0];
    const g = [3 / 13, 4 / 13, 12 / 13];
    const m = [0, 0, 0], v = [0, 0, 0];
    for (let t = 0; t < steps; t++) {
      const lr = t < numWarmupSteps ? (initLr * t) / numWarmupSteps : initLr * (1 - Math.min(t, numTrainSteps) / numTrainSteps);
      for (let i = 0; i < 3; i++) {
        m[i] = 0.9 * m[i]! + 0.1 * g[i]!;
        v[i] = 0.999 * v[i]! + 0.001 * g[i]! ** 2;
        const u = m[i]! / (Math.sqrt(v[i]!) + 1e-6) + (i < 2 ? 0.01 * p[i]! : 0);
        p[i] = p[i]! - lr * u;
      }
      trace[t]!.forEach((x, i) => expect(x).toBeCloseTo(p[i]!, 5));
    }
    // step 0 is inside the warmup at learning rate 0: nothing moved
    expect(trace[0]).toEqual([...w0, ...b0]);
  });
});

describe('examples/tf1/bert/train.ts (a tiny run_classifier)', () => {
  it(`${TRAIN} fine-tunes: the loss falls, eval accuracy far above chance, BERT's names in the checkpoint, init_from_checkpoint restores the logits`, async () => {
    const out = path.join(work, 'run');
    const { stdout } = await run(process.execPath, ['--import', 'tsx', TRAIN, '--output_dir', out, '--num_train_steps', '300'], { cwd: root, timeout: 120_000, maxBuffer: 1 << 24 });
    const losses = [...stdout.matchAll(/^step (\d+), loss ([\d.]+)$/gm)].map((x) => Number(x[2]));
    expect(losses.length).toBe(13);
    expect(losses[0]).toBeGreaterThan(0.65); // ln 2 at the start
    expect(Math.max(...losses.slice(-3))).toBeLessThan(0.3);
    expect(stdout).toMatch(/^global_step 300$/m);
    const acc = Number(/^eval_accuracy = ([\d.]+)$/m.exec(stdout)![1]);
    expect(acc).toBeGreaterThan(0.9);
    expect(stdout).toMatch(/^init_from_checkpoint eval_accuracy = ([\d.]+), max \|logits - evaluated logits\| = 0$/m);

    const ckpt = tf.train.latestCheckpoint(out);
    expect(ckpt).toBe(path.join(out, 'model.ckpt-300'));
    const layer = (n: number): string[] => [
      'attention/self/query/kernel', 'attention/self/query/bias', 'attention/self/key/kernel', 'attention/self/key/bias',
      'attention/self/value/kernel', 'attention/self/value/bias', 'attention/output/dense/kernel', 'attention/output/dense/bias',
      'attention/output/LayerNorm/beta', 'attention/output/LayerNorm/gamma', 'intermediate/dense/kernel', 'intermediate/dense/bias',
      'output/dense/kernel', 'output/dense/bias', 'output/LayerNorm/beta', 'output/LayerNorm/gamma',
    ].map((s) => `bert/encoder/layer_${n}/${s}`);
    const trainable = [
      'bert/embeddings/word_embeddings', 'bert/embeddings/token_type_embeddings', 'bert/embeddings/position_embeddings',
      'bert/embeddings/LayerNorm/beta', 'bert/embeddings/LayerNorm/gamma', ...layer(0), ...layer(1),
      'bert/pooler/dense/kernel', 'bert/pooler/dense/bias', 'output_weights', 'output_bias',
    ];
    const expected = [...trainable, ...trainable.flatMap((n) => [`${n}/adam_m`, `${n}/adam_v`]), 'global_step'].sort();
    const inCkpt = tf.train.listVariables(ckpt!);
    expect(inCkpt.map(([n]) => n)).toEqual(expected);
    expect(Object.fromEntries(inCkpt)['bert/embeddings/word_embeddings']).toEqual([30, 32]);
    expect(Object.fromEntries(inCkpt)['bert/encoder/layer_1/intermediate/dense/kernel/adam_v']).toEqual([32, 64]);
    // every trainable variable was initialized from the checkpoint
    expect(stdout.match(/^ {2}name = .*, \*INIT_FROM_CKPT\*$/gm)!.length).toBe(trainable.length);
  }, 180_000);
});
