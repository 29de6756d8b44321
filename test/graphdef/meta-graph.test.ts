/**
 * MetaGraphs: Saver.save writes `<prefix>.meta`, tf.train.importMetaGraph rebuilds the graph
 * and its collections (in a fresh process, from the file alone) and returns a Saver that
 * restores it; TF-written `.meta` files and training graphs import, restore and train further
 * by names, checked against float64 references of their updates.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import { decode } from '../../src/proto/codec.js';
import { type MetaGraphDef, MetaGraphDefT, type VariableDef, VariableDefT } from '../../src/proto/meta-graph.js';
import { GraphDefT, type GraphDef } from '../../src/proto/framework.js';

const FIX = fileURLToPath(new URL('../fixtures/', import.meta.url));
const CHILD = fileURLToPath(new URL('./meta-child.ts', import.meta.url));
const REPO = fileURLToPath(new URL('../..', import.meta.url));
const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'tsflow-meta-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function buildMlp() {
  const x = tf.placeholder(tf.float32, [null, 4], 'x');
  const labels = tf.placeholder(tf.int32, [null], 'labels');
  const w1 = new tf.Variable(tf.randomNormal([4, 8], { stddev: 0.5, seed: 1 }), { name: 'w1' });
  const b1 = new tf.Variable(tf.zeros([8]), { name: 'b1' });
  const w2 = new tf.Variable(tf.randomNormal([8, 3], { stddev: 0.5, seed: 2 }), { name: 'w2' });
  const b2 = new tf.Variable(tf.zeros([3]), { name: 'b2' });
  const h = tf.nn.relu(tf.add(tf.matmul(x, w1), b1));
  const logits = tf.add(tf.matmul(h, w2), b2, 'logits');
  const loss = tf.identity(tf.reduceMean(tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels, logits })), 'loss');
  const correct = tf.equal(tf.cast(tf.argmax(logits, 1), tf.int32), labels);
  const accuracy = tf.identity(tf.reduceMean(tf.cast(correct, tf.float32)), 'accuracy');
  const train = new tf.train.AdamOptimizer(0.05).minimize(loss, { name: 'train' });
  tf.summary.scalar('loss', loss);
  return { x, labels, loss, accuracy, train };
}

function batch(n: number) {
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    for (let j = 0; j < 4; j++) xs.push(Math.sin(i * 7 + j * 3) * 0.5 + (j === c ? 1 : 0));
    ys.push(c);
  }
  return { x: xs, y: ys, n };
}

function runChild(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`child exited ${code}: ${err}`))));
  });
}

describe('Saver.save writes a MetaGraph that a fresh process restores by names', () => {
  it('imports, restores, evaluates loss/accuracy by name and trains further with the train op', async () => {
    const dir = tmp();
    const g = new tf.Graph();
    const m = g.asDefault(() => buildMlp());
    const saver = g.asDefault(() => new tf.train.Saver());
    const sess = new tf.Session({ graph: g });
    await sess.run(g.asDefault(() => tf.globalVariablesInitializer()));
    const b = batch(12);
    const feed = new Map<tf.Tensor, tf.NDArray>([
      [m.x, new tf.NDArray(Float32Array.from(b.x), [b.n, 4])],
      [m.labels, new tf.NDArray(Int32Array.from(b.y), [b.n], 'int32')],
    ]);
    for (let i = 0; i < 3; i++) await sess.run(m.train, feed);
    const prefix = (await saver.save(sess, join(dir, 'model.ckpt'), { globalStep: 3 }))!;
    expect(prefix).toBe(join(dir, 'model.ckpt-3'));
    expect(existsSync(`${prefix}.meta`)).toBe(true);
    const evalBoth = async () => ((await sess.run([m.loss, m.accuracy], feed)) as tf.NDArray[]).map((a) => Number(a.data[0]));
    const before = await evalBoth();
    await sess.run(m.train, feed);
    const after = await evalBoth();
    await sess.close();

    // The file itself, decoded: graph, SaverDef, collections with VariableDefs.
    const mg = decode<MetaGraphDef>(MetaGraphDefT, new Uint8Array(readFileSync(`${prefix}.meta`)));
    expect(mg.graphDef!.node.some((n) => n.name === 'train' && n.op === 'NoOp')).toBe(true);
    expect(mg.saverDef!.version).toBe(2);
    expect(mg.saverDef!.maxToKeep).toBe(5);
    expect(mg.collectionDef.train_op!.nodeList!.value).toEqual(['train']);
    expect(mg.collectionDef.summaries!.nodeList!.value).toEqual(['loss_1:0']);
    const vd = decode<VariableDef>(VariableDefT, mg.collectionDef.trainable_variables!.bytesList!.value[0]!);
    expect(vd).toMatchObject({ variableName: 'w1:0', initializerName: 'w1/Assign', snapshotName: 'w1/read:0', trainable: true });

    const batchFile = join(dir, 'batch.json');
    writeFileSync(batchFile, JSON.stringify(b));
    const r = JSON.parse(await runChild([prefix, batchFile])) as Record<string, unknown>;
    expect((r.before as number[])[0]).toBeCloseTo(before[0]!, 6);
    expect((r.before as number[])[1]).toBe(before[1]);
    // Adam's slots and beta powers were restored too: the next step is the same step.
    expect((r.after as number[])[0]).toBeCloseTo(after[0]!, 6);
    expect((r.after as number[])[0]).toBeLessThan((r.before as number[])[0]!);
    expect(r.trainOp).toEqual(['train']);
    expect(r.trainable).toEqual(['w1', 'b1', 'w2', 'b2']);
    expect((r.global as string[]).length).toBe(4 + 8 + 2);
    expect(r.summaries).toEqual(['loss_1:0']);
    expect((r.keys as string[])).toContain('beta1_power');
  }, 60_000);

  it('writeMetaGraph: false writes no .meta; importScope prefixes the ops, not the checkpoint keys', async () => {
    const dir = tmp();
    const g = new tf.Graph();
    const v = g.asDefault(() => new tf.Variable(tf.constant([1.5, -2]), { name: 'v' }));
    const saver = g.asDefault(() => new tf.train.Saver());
    const sess = new tf.Session({ graph: g });
    await sess.run(v.initializer);
    const p1 = (await saver.save(sess, join(dir, 'a'), { writeMetaGraph: false }))!;
    expect(existsSync(`${p1}.meta`)).toBe(false);
    const p2 = (await saver.save(sess, join(dir, 'b')))!;
    expect(existsSync(`${p2}.meta`)).toBe(true);
    await expect(saver.save(sess, join(dir, 'c'), { writeMetaGraph: 'yes' as never })).rejects.toThrow(TypeError);
    // A killed save's staged .meta is removed by the next save of that prefix.
    const stale = `${p2}.meta.tmp${'0'.repeat(32)}`;
    writeFileSync(stale, 'partial');
    await saver.save(sess, join(dir, 'b'));
    expect(existsSync(stale)).toBe(false);
    expect(decode<MetaGraphDef>(MetaGraphDefT, new Uint8Array(readFileSync(`${p2}.meta`))).graphDef!.node.some((n) => n.name === 'v')).toBe(true);
    await sess.close();

    const g2 = new tf.Graph();
    const s2 = g2.asDefault(() => tf.train.importMetaGraph(`${p2}.meta`, { importScope: 'restored' }))!;
    expect([...s2.varList.keys()]).toEqual(['v']);
    expect(s2.varList.get('v')!.op.name).toBe('restored/v');
    expect(tf.globalVariables(g2).map((x) => x.name)).toEqual(['restored/v:0']);
    const sess2 = new tf.Session({ graph: g2 });
    await s2.restore(sess2, p2);
    const r = (await sess2.run(g2.getTensorByName('restored/v/read:0'))) as tf.NDArray;
    expect(Array.from(r.data)).toEqual([1.5, -2]);
    await sess2.close();
  });

  it('exportMetaGraph returns the MetaGraphDef (and writes binary or text); no variables imports to a null saver', () => {
    const dir = tmp();
    const g = new tf.Graph();
    g.asDefault(() => tf.multiply(tf.placeholder(tf.float32, [], 'p'), 2, 'out'));
    const mg = tf.train.exportMetaGraph(join(dir, 'g.meta'), { graph: g });
    expect(mg.graphDef!.node.map((n) => n.name)).toContain('out');
    tf.train.exportMetaGraph(join(dir, 'g.pbtxt'), { graph: g, asText: true });
    expect(readFileSync(join(dir, 'g.pbtxt'), 'utf8')).toContain('name: "out"');
    for (const f of ['g.meta', 'g.pbtxt']) {
      const g2 = new tf.Graph();
      expect(g2.asDefault(() => tf.train.importMetaGraph(join(dir, f)))).toBeNull();
      expect(g2.getOperationByName('out').type).toBe('Mul');
    }
  });
});

describe('TF-written MetaGraphs and training graphs', () => {
  it('onnx_regression model.meta (TF 1.11): restores W and b, predicts, and trains further with GradientDescent', async () => {
    const g = new tf.Graph();
    const saver = g.asDefault(() => tf.train.importMetaGraph(`${FIX}tf-checkpoints/onnx_regression/checkpoint/model.meta`))!;
    expect([...saver.varList.keys()]).toEqual(['W', 'b']);
    expect(g.getCollection<tf.Operation>('train_op').map((o) => o.name)).toEqual(['GradientDescent']);
    expect(tf.trainableVariables(g).map((v) => v.name)).toEqual(['W:0', 'b:0']);
    const sess = new tf.Session({ graph: g });
    await saver.restore(sess, `${FIX}tf-checkpoints/onnx_regression/checkpoint/model`);
    const X = g.getTensorByName('X:0');
    const Y = g.getTensorByName('Y:0');
    const pred = (await sess.run(g.getTensorByName('pred:0'), new Map([[X, 1]]))) as tf.NDArray;
    expect(pred.data[0]).toBeCloseTo(1.2634871, 6);
    // cost = sum((X·W + b − Y)²) / d (d = truediv/y, TF's 2·n_samples): one step of GradientDescent, against float64 by hand.
    const lrNode = g.getOperationByName('GradientDescent/learning_rate');
    const lr = Number((lrNode.attrs.value as tf.NDArray).data[0]);
    const n = Number((g.getOperationByName('truediv/y').attrs.value as tf.NDArray).data[0]);
    const xs = [1, 2, 3, 4.5];
    const ys = [2, 1.5, 3.5, 2];
    const W = 0.21396178;
    const B = 1.0495254;
    let gw = 0;
    let gb = 0;
    xs.forEach((x, i) => {
      const e = x * W + B - ys[i]!;
      gw += (2 * e * x) / n;
      gb += (2 * e) / n;
    });
    const feed = new Map([[X, new tf.NDArray(Float32Array.from(xs), [4])], [Y, new tf.NDArray(Float32Array.from(ys), [4])]]);
    await sess.run(g.getOperationByName('GradientDescent'), feed);
    const [w1, b1] = (await sess.run([g.getTensorByName('W:0'), g.getTensorByName('b:0')])) as tf.NDArray[];
    expect(Number(w1!.data[0])).toBeCloseTo(W - lr * gw, 6);
    expect(Number(b1!.data[0])).toBeCloseTo(B - lr * gb, 6);
    await sess.close();
  });

  it('rust_regression_checkpoint_train_graph.pb: init, then train by names, each step as float64 gradient descent', async () => {
    const gd = decode<GraphDef>(GraphDefT, new Uint8Array(readFileSync(`${FIX}tf-graphs/rust_regression_checkpoint_train_graph.pb`)));
    const g = new tf.Graph();
    g.asDefault(() => tf.importGraphDef(gd, { name: '' }));
    const sess = new tf.Session({ graph: g });
    await sess.run(g.getOperationByName('init'));
    const rd = async (name: string) => Number(((await sess.run(g.getTensorByName(name))) as tf.NDArray).data[0]);
    const xs = [0.1, 0.4, -0.3, 0.8];
    const ys = xs.map((x) => 0.7 * x + 0.2);
    const feed = new Map([[g.getTensorByName('x:0'), new tf.NDArray(Float32Array.from(xs), [4])], [g.getTensorByName('y:0'), new tf.NDArray(Float32Array.from(ys), [4])]]);
    for (let step = 0; step < 3; step++) {
      const w = await rd('w:0');
      const b = await rd('b:0');
      let gw = 0;
      let gb = 0;
      let loss = 0;
      xs.forEach((x, i) => {
        const e = w * x + b - ys[i]!;
        loss += (e * e) / xs.length;
        gw += (2 * e * x) / xs.length;
        gb += (2 * e) / xs.length;
      });
      const l = (await sess.run(g.getTensorByName('Mean:0'), feed)) as tf.NDArray;
      expect(Number(l.data[0])).toBeCloseTo(loss, 5);
      await sess.run(g.getOperationByName('train'), feed);
      expect(await rd('w:0')).toBeCloseTo(w - 0.5 * gw, 5);
      expect(await rd('b:0')).toBeCloseTo(b - 0.5 * gb, 5);
    }
    await sess.close();
  });

  it('an imported TF graph exports back with its TF op types (BroadcastGradientArgs, Tile, Sum with tensor axes)', () => {
    const bytes = new Uint8Array(readFileSync(`${FIX}tf-graphs/rust_regression_checkpoint_train_graph.pb`));
    const gd = decode<GraphDef>(GraphDefT, bytes);
    const g = new tf.Graph();
    g.asDefault(() => tf.importGraphDef(gd, { name: '' }));
    const out = g.asGraphDef();
    // Every node comes back with its TF op type (plus Const nodes for operands tsflow folded into attrs).
    const written = new Map(out.node.map((n) => [n.name, n.op]));
    for (const n of gd.node) expect(`${n.name}:${written.get(n.name)}`).toBe(`${n.name}:${n.op}`);
    const bga = out.node.find((n) => n.op === 'BroadcastGradientArgs')!;
    expect(bga.input).toEqual(gd.node.find((n) => n.name === bga.name)!.input);
    const again = new tf.Graph();
    again.asDefault(() => tf.importGraphDef(out, { name: '' }));
    for (const n of gd.node) expect(again.getOperationByName(n.name).type).toBe(g.getOperationByName(n.name).type);
  });
});
