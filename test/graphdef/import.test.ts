import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import { decode, encode } from '../../src/proto/codec.js';
import { type GraphDef, GraphDefT } from '../../src/proto/framework.js';

const GRAPHS = fileURLToPath(new URL('../fixtures/tf-graphs/', import.meta.url));
const MNIST = fileURLToPath(new URL('../fixtures/datasets/mnist', import.meta.url));
const read = (f: string): Uint8Array => new Uint8Array(readFileSync(GRAPHS + f));

function load(file: string, ret: string[], opts: tf.ImportGraphDefOptions = {}) {
  const g = new tf.Graph();
  const out = g.asDefault(() => tf.importGraphDef(read(file), { returnElements: ret, ...opts }))!;
  return { g, out, sess: new tf.Session({ graph: g }) };
}

describe('GraphDef wire format', () => {
  it.each(['onnx_fc-layers_frozen.pb', 'onnx_regression_frozen.pb', 'rust_addition.pb', 'rust_multiplication.pb', 'rust_regression_train_graph.pb', 'onnx_lstm_frozen.pb'])(
    'decodes %s and re-encodes it to the same message and size (attr maps sorted by key)',
    (f) => {
      const bytes = read(f);
      const gd = decode<GraphDef>(GraphDefT, bytes);
      expect(gd.node.length).toBeGreaterThan(2);
      const again = encode(GraphDefT, gd as never);
      expect(again.length).toBe(bytes.length);
      expect(decode(GraphDefT, again)).toEqual(gd);
    },
  );
});

describe('importGraphDef on TF-written frozen graphs', () => {
  it('onnx_fc-layers_frozen.pb: 95.48 % on MNIST t10k, image 0 logits as TF', async () => {
    const { out: [x, y], sess } = load('onnx_fc-layers_frozen.pb', ['X:0', 'output:0']);
    expect((x as tf.Tensor).name).toBe('import/X:0');
    expect((y as tf.Tensor).shape).toEqual([null, 10]);
    const test = tf.data.mnist.load(MNIST).test!;
    const logits = (await sess.run(y as tf.Tensor, new Map([[x as tf.Tensor, test.images]]))) as tf.NDArray;
    expect(logits.shape).toEqual([10000, 10]);
    const want = [-4.831468, -3.741372, -2.026358, -4.203526, -1.797879, -15.365705, -22.206482, 12.884429, -10.964689, -2.882381];
    want.forEach((v, i) => expect(logits.data[i]).toBeCloseTo(v, 4));
    let correct = 0;
    for (let i = 0; i < 10000; i++) {
      let best = 0;
      for (let j = 1; j < 10; j++) if (logits.data[i * 10 + j]! > logits.data[i * 10 + best]!) best = j;
      if (best === test.labels.data[i]) correct++;
    }
    expect(correct / 100).toBeCloseTo(95.48, 2);
    await sess.close();
  });

  it('onnx_regression_frozen.pb: pred(X=1) = 1.2634871', async () => {
    const { out: [x, pred], sess, g } = load('onnx_regression_frozen.pb', ['X:0', 'pred:0']);
    const r = (await sess.run(pred as tf.Tensor, new Map([[x as tf.Tensor, 1]]))) as tf.NDArray;
    expect(r.data[0]).toBeCloseTo(1.2634871, 6);
    expect(g.getOperationByName('import/W/read').type).toBe('Identity');
    await sess.close();
  });

  it('onnx_ae0_frozen.pb: the sigmoid autoencoder reconstructs 784 pixels in (0, 1)', async () => {
    const { out: [x, y], sess } = load('onnx_ae0_frozen.pb', ['X:0', 'output:0']);
    const img = tf.data.mnist.load(MNIST).test!.images;
    const first = new tf.NDArray(img.data.slice(0, 784 * 4) as Float32Array, [4, 784]);
    const r = (await sess.run(y as tf.Tensor, new Map([[x as tf.Tensor, first]]))) as tf.NDArray;
    expect(r.shape).toEqual([4, 784]);
    expect(Array.from(r.data).every((v) => v > 0 && v < 1)).toBe(true);
    await sess.close();
  });

  // Static 28-step BasicLSTMCell / GRUCell MNIST row classifiers whose zero state and dropout
  // take their shapes from tf.shape of the input (Fill and RandomUniform of computed shapes).
  it.each([['onnx_lstm_frozen.pb'], ['onnx_gru_frozen.pb']])('%s classifies MNIST t10k rows; dropout applies under keep_prob', async (f) => {
    const { out: [x, kp, y], sess } = load(f, ['X:0', 'keep_prob:0', 'output:0']);
    const test = tf.data.mnist.load(MNIST).test!;
    const n = 500;
    const imgs = new tf.NDArray(test.images.data.slice(0, n * 784) as Float32Array, [n, 784]);
    const argmax = (r: tf.NDArray, i: number): number => {
      let b = 0;
      for (let j = 1; j < 10; j++) if (r.data[i * 10 + j]! > r.data[i * 10 + b]!) b = j;
      return b;
    };
    const run = async (keep: number) => (await sess.run(y as tf.Tensor, new Map<tf.Tensor, tf.NDArray | number>([[x as tf.Tensor, imgs], [kp as tf.Tensor, keep]]))) as tf.NDArray;
    const full = await run(1);
    expect(full.shape).toEqual([n, 10]);
    let correct = 0;
    for (let i = 0; i < n; i++) if (argmax(full, i) === test.labels.data[i]) correct++;
    expect(correct / n).toBeGreaterThan(0.95);
    // keep_prob 0.5 zeroes half the last output's units: the logits change, some predictions too
    const dropped = await run(0.5);
    expect(Array.from(dropped.data).some((v, i) => Math.abs(v - full.data[i]!) > 1e-3)).toBe(true);
    await sess.close();
  });

  it('rust_addition.pb (int32 AddV2) and rust_multiplication.pb (float Mul)', async () => {
    const a = load('rust_addition.pb', ['x:0', 'y:0', 'z:0']);
    const [x, y, z] = a.out as tf.Tensor[];
    expect(z!.dtype).toBe('int32');
    const r = (await a.sess.run(z!, new Map([[x!, tf.NDArray.zeros([], 'int32')], [y!, new tf.NDArray(Int32Array.of(42), [], 'int32')]]))) as tf.NDArray;
    expect(r.data[0]).toBe(42);
    const m = load('rust_multiplication.pb', ['a:0', 'b:0', 'c:0']);
    const [p, q, c] = m.out as tf.Tensor[];
    const s = (await m.sess.run(c!, new Map([[p!, 3], [q!, 2.5]]))) as tf.NDArray;
    expect(s.data[0]).toBe(7.5);
    await a.sess.close();
    await m.sess.close();
  });

  it('the half_plus_two SavedModel graph computes 0.5·x + 2', async () => {
    const sm = read('serving_matrix_half_plus_two_saved_model.pb');
    // SavedModel { meta_graphs = 2 } → MetaGraphDef { graph_def = 2 }: decoded through the meta-graph schema.
    const { SavedModelT } = await import('../../src/proto/meta-graph.js');
    const gd = decode<{ metaGraphs: { graphDef: GraphDef }[] }>(SavedModelT, sm).metaGraphs[0]!.graphDef;
    const g = new tf.Graph();
    const [x, y] = g.asDefault(() => tf.importGraphDef(gd, { returnElements: ['x:0', 'y:0'], name: '' }))! as tf.Tensor[];
    expect(y!.name).toBe('y:0');
    const sess = new tf.Session({ graph: g });
    const xs = new tf.NDArray(Float32Array.from({ length: 18 }, (_, i) => i - 4), [2, 3, 3]);
    const r = (await sess.run(y!, new Map([[x!, xs]]))) as tf.NDArray;
    expect(Array.from(r.data)).toEqual(Array.from(xs.data, (v) => 0.5 * v + 2));
    await sess.close();
  });
});

describe('importGraphDef options and errors', () => {
  it('inputMap replaces a placeholder; names are uniquified per import', async () => {
    const g = new tf.Graph();
    await g.asDefault(async () => {
      const feed = tf.placeholder(tf.float32, [], 'my_x');
      const [p1] = tf.importGraphDef(read('onnx_regression_frozen.pb'), { inputMap: { 'X:0': tf.multiply(feed, 2) }, returnElements: ['pred:0'] })! as tf.Tensor[];
      const [p2] = tf.importGraphDef(read('onnx_regression_frozen.pb'), { inputMap: { X: feed }, returnElements: ['pred:0'] })! as tf.Tensor[];
      expect(p1!.name).toBe('import/pred:0');
      expect(p2!.name).toBe('import_1/pred:0');
      const sess = new tf.Session({ graph: g });
      const [a, b] = (await sess.run([p1!, p2!], new Map([[feed, 0.5]]))) as tf.NDArray[];
      expect(a!.data[0]).toBeCloseTo(1.2634871, 6);
      expect(b!.data[0]).toBeCloseTo(0.21396178 * 0.5 + 1.0495254, 6);
      await sess.close();
    });
  });

  it('raises TF1 errors for unknown ops, unknown inputs, bad return elements and unused input maps', () => {
    const node = (name: string, op: string, input: string[] = []) => ({ name, op, input, device: '', attr: {} });
    const g = new tf.Graph();
    g.asDefault(() => {
      expect(() => tf.importGraphDef({ node: [node('a', 'FancyOp')] })).toThrow(/^Op type not registered 'FancyOp' in binary running on /);
      try {
        tf.importGraphDef({ node: [node('a', 'FancyOp')] });
      } catch (e) {
        expect(e).toBeInstanceOf(tf.errors.NotFoundError);
      }
      expect(() => tf.importGraphDef({ node: [node('s', 'Abort', [])] })).toThrow(tf.errors.UnimplementedError);
      expect(() => tf.importGraphDef({ node: [node('s', 'Merge', [])] })).toThrow(/Merge node 's' has 0 input/);
      // a node missing the inputs its op reads is a ValueError naming it, not a crash
      expect(() => tf.importGraphDef({ node: [node('r', 'Relu', [])] })).toThrow(tf.errors.ValueError);
      expect(() => tf.importGraphDef({ node: [node('m', 'MatMul', [])] })).toThrow(/^Node 'm' \(op MatMul, 0 input\(s\)\) cannot be imported/);
      expect(() => tf.importGraphDef({ node: [node('b', 'Identity', ['nope'])] })).toThrow("Node 'b': Unknown input node 'nope'");
      expect(() => tf.importGraphDef(read('rust_multiplication.pb'), { returnElements: ['zz:0'] })).toThrow("Requested return_element 'zz:0' not found in graph_def.");
      const t = tf.constant(1);
      expect(() => tf.importGraphDef(read('rust_multiplication.pb'), { inputMap: { 'q:0': t } })).toThrow('Attempted to map inputs that were not found in graph_def: [q:0]');
    });
  });

  it('control inputs (^name) become control dependencies', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const f = { type: 1 };
      tf.importGraphDef({
        node: [
          { name: 'a', op: 'NoOp', input: [], device: '', attr: {} },
          { name: 'b', op: 'Placeholder', input: ['^a'], device: '/device:CPU:0', attr: { dtype: f } },
        ],
      });
      const b = g.getOperationByName('import/b');
      expect(b.controlInputs.map((o) => o.name)).toEqual(['import/a']);
      expect(b.device).toBe('/device:CPU:0');
    });
  });
});
