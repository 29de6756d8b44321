/**
 * tf.savedModel.builder.SavedModelBuilder, simpleSave and the signature helpers (TF 1.15's
 * builder_impl.py, signature_def_utils_impl.py, utils_impl.py): a model saved and loaded back in
 * a fresh graph on every device gives the saved numbers; saved_model.pb decodes with an
 * independent protobuf library (protobufjs, from TF's .proto field numbers written out below)
 * and holds what TF writes; the main op runs with the copied assets fed; TF's error texts.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import { registerSkipSummary, resolvedDevices, skipTest } from '../conformance/harness.js';
import { decode, encode } from '../../src/proto/codec.js';
import { type SavedModel as SmProto, SavedModelT } from '../../src/proto/meta-graph.js';

const devices = await resolvedDevices();
registerSkipSummary();

const ROOT = mkdtempSync(join(tmpdir(), 'tsflow-saved-model-'));
afterAll(() => rmSync(ROOT, { recursive: true, force: true }));
let n = 0;
const freshDir = () => join(ROOT, `m${n++}`);
const CKPTS = fileURLToPath(new URL('../fixtures/tf-checkpoints/', import.meta.url));

// tensorflow/core/protobuf/{saved_model,meta_graph,saver}.proto and framework/{graph,node_def,
// tensor_shape,types}.proto: the fields read here.
const PROTO = `
syntax = "proto3";
package tensorflow;
message Any { string type_url = 1; bytes value = 2; }
message TensorShapeProto { message Dim { int64 size = 1; string name = 2; } repeated Dim dim = 2; bool unknown_rank = 3; }
message NodeDef { string name = 1; string op = 2; repeated string input = 3; string device = 4; }
message GraphDef { repeated NodeDef node = 1; }
message SaverDef {
  string filename_tensor_name = 1; string save_tensor_name = 2; string restore_op_name = 3;
  int32 max_to_keep = 4; bool sharded = 5; float keep_checkpoint_every_n_hours = 6; int32 version = 7;
}
message CollectionDef {
  message NodeList { repeated string value = 1; }
  message BytesList { repeated bytes value = 1; }
  message AnyList { repeated Any value = 1; }
  oneof kind { NodeList node_list = 1; BytesList bytes_list = 2; AnyList any_list = 5; }
}
message TensorInfo { oneof encoding { string name = 1; } int32 dtype = 2; TensorShapeProto tensor_shape = 3; }
message SignatureDef { map<string, TensorInfo> inputs = 1; map<string, TensorInfo> outputs = 2; string method_name = 3; }
message AssetFileDef { TensorInfo tensor_info = 1; string filename = 2; }
message MetaGraphDef {
  message MetaInfoDef {
    string meta_graph_version = 1; repeated string tags = 4; string tensorflow_version = 5;
    string tensorflow_git_version = 6; bool stripped_default_attrs = 7;
  }
  MetaInfoDef meta_info_def = 1; GraphDef graph_def = 2; SaverDef saver_def = 3;
  map<string, CollectionDef> collection_def = 4; map<string, SignatureDef> signature_def = 5;
}
message SavedModel { int64 saved_model_schema_version = 1; repeated MetaGraphDef meta_graphs = 2; }
`;
const types = protobuf.parse(PROTO).root;
const SavedModel = types.lookupType('tensorflow.SavedModel');
const AssetFileDef = types.lookupType('tensorflow.AssetFileDef');
type Info = { name: string; dtype: number; tensorShape?: { dim: { size: number }[] } };
interface Decoded {
  savedModelSchemaVersion: number;
  metaGraphs: {
    metaInfoDef: { tags: string[]; tensorflowVersion: string; strippedDefaultAttrs: boolean };
    graphDef: { node: { name: string; op: string; device: string }[] };
    saverDef?: { filenameTensorName: string; saveTensorName: string; restoreOpName: string; sharded: boolean; version: number };
    collectionDef: Record<string, { nodeList?: { value: string[] }; anyList?: { value: { typeUrl: string; value: Uint8Array }[] } }>;
    signatureDef: Record<string, { inputs: Record<string, Info>; outputs: Record<string, Info>; methodName: string }>;
  }[];
}
const readPb = (dir: string): Decoded =>
  SavedModel.toObject(SavedModel.decode(readFileSync(join(dir, 'saved_model.pb'))), { longs: Number, defaults: true }) as unknown as Decoded;

const W = [[1, 2, -1], [0.5, -3, 2]];
const B = [0.25, -1, 4];
const XS = [[1, -2], [3, 0.5]];
/** y = x·W + b in float64. */
const expected = XS.map((r) => B.map((b, j) => r[0]! * W[0]![j]! + r[1]! * W[1]![j]! + b));

/** A graph x → y = x·W + b with W, b set, a local counter the main op sets to 7, in a session. */
async function trainedModel(opts: tf.SessionOptions = {}) {
  const g = new tf.Graph();
  const m = g.asDefault(() => {
    const x = tf.placeholder(tf.float32, [null, 2], { name: 'x' });
    const w = new tf.Variable(tf.zeros([2, 3]), { name: 'weights' });
    const b = new tf.Variable(tf.zeros([3]), { name: 'bias' });
    const y = tf.add(tf.matmul(x, w), b, { name: 'y' });
    const counter = new tf.Variable(0, { name: 'counter', trainable: false, collections: [tf.GraphKeys.LOCAL_VARIABLES] });
    const setW = [tf.assign(w, W), tf.assign(b, B)];
    const mainOp = tf.group(tf.assign(counter, 7), { name: 'main_op' });
    return { x, y, w, b, counter, setW, mainOp };
  });
  const sess = new tf.Session({ graph: g, ...opts });
  await sess.run(g.asDefault(() => tf.globalVariablesInitializer()));
  await sess.run(m.setW);
  return { g, sess, ...m };
}

const feed = (sess: tf.Session, info: tf.savedModel.TensorInfo, v: number[][]) =>
  [sess.graph.getTensorByName(info.name!), new tf.NDArray(Float32Array.from(v.flat()), [v.length, v[0]!.length])] as const;

for (const dev of devices) {
  describe(`SavedModel save and load (${dev.name})`, () => {
    it('a builder-written model loads in a fresh graph and predicts through its signature; the main op runs', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const m = await trainedModel(dev.options);
      const dir = freshDir();
      const builder = new tf.savedModel.builder.SavedModelBuilder(dir);
      const sig = tf.savedModel.signatureDefUtils.predictSignatureDef({ images: m.x }, { scores: m.y });
      await builder.addMetaGraphAndVariables(m.sess, [tf.savedModel.tagConstants.SERVING], {
        signatureDefMap: { [tf.savedModel.signatureConstants.DEFAULT_SERVING_SIGNATURE_DEF_KEY]: sig },
        mainOp: m.mainOp,
      });
      expect(builder.save()).toBe(join(dir, 'saved_model.pb'));
      await m.sess.close();
      expect(readdirSync(join(dir, 'variables')).sort()).toEqual(['variables.data-00000-of-00001', 'variables.index']);
      expect(tf.savedModel.loader.maybeSavedModelDirectory(dir)).toBe(true);

      const g2 = new tf.Graph();
      const s2 = new tf.Session({ graph: g2, ...dev.options });
      const mg = await tf.savedModel.loader.load(s2, [tf.savedModel.SERVING], dir);
      const loaded = mg.signatureDef.serving_default!;
      expect(loaded.methodName).toBe('tensorflow/serving/predict');
      const y = tf.savedModel.utils.getTensorFromTensorInfo(loaded.outputs.scores!, g2) as tf.Tensor;
      const got = (await s2.run(y, new Map([feed(s2, loaded.inputs.images!, XS)]))) as tf.NDArray;
      const flat = expected.flat();
      Array.from(got.data).forEach((v, i) => expect(v).toBeCloseTo(flat[i]!, 5));
      // The local counter is not in the checkpoint: only the main op set it.
      expect(((await s2.run(g2.getTensorByName('counter:0'))) as tf.NDArray).data[0]).toBe(7);
      // The collections come back with the graph.
      expect(g2.getCollection(tf.GraphKeys.TRAINABLE_VARIABLES).map((v) => (v as tf.Variable).name)).toEqual(['weights:0', 'bias:0']);
      await s2.close();
    });
  });
}

describe('the init op signature (TF 2\'s builders write __saved_model_init_op)', () => {
  it('is run on load in place of the main op collection', async () => {
    const m = await trainedModel();
    const dir = freshDir();
    const b = new tf.savedModel.builder.SavedModelBuilder(dir);
    await b.addMetaGraphAndVariables(m.sess, ['serve']);
    b.save();
    await m.sess.close();
    // add the signature TF 2's SavedModel writer uses, naming the main op's output tensor
    const sm = decode<SmProto>(SavedModelT, new Uint8Array(readFileSync(join(dir, 'saved_model.pb'))));
    sm.metaGraphs[0]!.signatureDef.__saved_model_init_op = { inputs: {}, outputs: { __saved_model_init_op: { name: 'main_op', dtype: 0 } }, methodName: '' };
    writeFileSync(join(dir, 'saved_model.pb'), encode(SavedModelT, sm as never));
    const s2 = new tf.Session({ graph: new tf.Graph() });
    await tf.savedModel.loader.load(s2, ['serve'], dir);
    expect(((await s2.run(s2.graph.getTensorByName('counter:0'))) as tf.NDArray).data[0]).toBe(7);
    await s2.close();
  });
});

describe('loader.load with an import scope', () => {
  it('prefixes every imported name, restores the variables under it and runs the scoped main op', async () => {
    const m = await trainedModel();
    const dir = freshDir();
    const b = new tf.savedModel.builder.SavedModelBuilder(dir);
    await b.addMetaGraphAndVariables(m.sess, ['serve'], { signatureDefMap: { s: tf.savedModel.predictSignatureDef({ x: m.x }, { y: m.y }) }, mainOp: m.mainOp });
    b.save();
    await m.sess.close();
    const g = new tf.Graph();
    const s2 = new tf.Session({ graph: g });
    const mg = await tf.savedModel.loader.load(s2, ['serve'], dir, { importScope: 'served' });
    const sig = mg.signatureDef.s!;
    const y = tf.savedModel.getTensorFromTensorInfo(sig.outputs.y!, { graph: g, importScope: 'served' }) as tf.Tensor;
    expect(y.name).toBe('served/y:0');
    const x = g.getTensorByName('served/x:0');
    const got = (await s2.run(y, new Map([[x, new tf.NDArray(Float32Array.from(XS.flat()), [2, 2])]]))) as tf.NDArray;
    Array.from(got.data).forEach((v, i) => expect(v).toBeCloseTo(expected.flat()[i]!, 5));
    expect(((await s2.run(g.getTensorByName('served/counter:0'))) as tf.NDArray).data[0]).toBe(7);
    await s2.close();
  });
});

describe('saved_model.pb as TF writes it (decoded with protobufjs)', () => {
  it('schema version 1, tags, TF version, SaverDef V2, signatures with dtypes and shapes, main op collection', async () => {
    const m = await trainedModel();
    const dir = freshDir();
    const b = new tf.savedModel.Builder(dir);
    const info = tf.savedModel.buildTensorInfo(m.x);
    expect(info).toEqual(tf.savedModel.utils.buildTensorInfo(m.x));
    await b.addMetaGraphAndVariables(m.sess, ['serve'], {
      signatureDefMap: {
        predict: tf.savedModel.signatureDefUtils.buildSignatureDef({ inputs: { x: info }, outputs: { y: tf.savedModel.buildTensorInfo(m.y) }, methodName: tf.savedModel.PREDICT_METHOD_NAME }),
      },
      mainOp: m.mainOp,
      stripDefaultAttrs: true,
      clearDevices: true,
    });
    m.g.asDefault(() => b.addMetaGraph(['train'], { saver: null }));
    b.save();
    await m.sess.close();
    const sm = readPb(dir);
    expect(sm.savedModelSchemaVersion).toBe(1);
    expect(sm.metaGraphs.map((g) => g.metaInfoDef.tags)).toEqual([['serve'], ['train']]);
    const mg = sm.metaGraphs[0]!;
    expect(mg.metaInfoDef.tensorflowVersion).toBe('1.15.0');
    expect(mg.metaInfoDef.strippedDefaultAttrs).toBe(true);
    expect(sm.metaGraphs[1]!.metaInfoDef.strippedDefaultAttrs).toBe(false);
    expect(mg.saverDef!.version).toBe(2);
    // the builder's default Saver is sharded, as TF's (one shard in one process)
    expect(mg.saverDef!.sharded).toBe(true);
    const names = new Set(mg.graphDef.node.map((nd) => nd.name));
    expect(names.has(mg.saverDef!.filenameTensorName.replace(/:0$/, ''))).toBe(true);
    expect(names.has(mg.saverDef!.restoreOpName)).toBe(true);
    expect(names.has('weights') && names.has('bias') && names.has('y')).toBe(true);
    expect(mg.collectionDef.saved_model_main_op!.nodeList!.value).toEqual(['main_op']);
    const sig = mg.signatureDef.predict!;
    expect(sig.methodName).toBe('tensorflow/serving/predict');
    expect(sig.inputs.x).toMatchObject({ name: 'x:0', dtype: 1 });
    expect(sig.inputs.x!.tensorShape!.dim.map((d) => d.size)).toEqual([-1, 2]);
    expect(sig.outputs.y).toMatchObject({ name: 'y:0', dtype: 1 });
    // The second meta graph loads over the same variables.
    const s2 = new tf.Session({ graph: new tf.Graph() });
    await tf.savedModel.loader.load(s2, ['train'], dir);
    const w = (await s2.run(s2.graph.getTensorByName('weights:0'))) as tf.NDArray;
    expect(Array.from(w.data)).toEqual(W.flat());
    await s2.close();
  });

  it('save(asText=true) writes saved_model.pbtxt, which loads', async () => {
    const m = await trainedModel();
    const dir = freshDir();
    const b = new tf.savedModel.builder.SavedModelBuilder(dir);
    await b.addMetaGraphAndVariables(m.sess, ['serve'], { signatureDefMap: { s: tf.savedModel.predictSignatureDef({ x: m.x }, { y: m.y }) } });
    expect(b.save(true)).toBe(join(dir, 'saved_model.pbtxt'));
    await m.sess.close();
    const text = readFileSync(join(dir, 'saved_model.pbtxt'), 'utf8');
    expect(text).toMatch(/^saved_model_schema_version: 1$/m);
    expect(text).toContain('method_name: "tensorflow/serving/predict"');
    const s2 = new tf.Session({ graph: new tf.Graph() });
    const mg = await tf.savedModel.loader.load(s2, ['serve'], dir);
    const y = (await s2.run(s2.graph.getTensorByName(mg.signatureDef.s!.outputs.y!.name!), new Map([feed(s2, mg.signatureDef.s!.inputs.x!, XS)]))) as tf.NDArray;
    expect(y.data[0]).toBeCloseTo(expected[0]![0]!, 5);
    await s2.close();
  });
});

describe('assets', () => {
  it('are copied into assets/, listed as AssetFileDefs, and fed to the main op by their new path', async () => {
    const src = join(ROOT, 'vocab-src');
    mkdirSync(src);
    writeFileSync(join(src, 'scale.txt'), '2.5');
    const g = new tf.Graph();
    const m = g.asDefault(() => {
      const asset = tf.constant(join(src, 'scale.txt'), tf.string, { name: 'asset_path' });
      tf.addToCollection(tf.GraphKeys.ASSET_FILEPATHS, asset);
      const scale = new tf.Variable(0, { name: 'scale', trainable: false, collections: [tf.GraphKeys.LOCAL_VARIABLES] });
      const x = tf.placeholder(tf.float32, [null], { name: 'x' });
      const y = tf.multiply(x, scale, { name: 'y' });
      const init = tf.group(tf.assign(scale, tf.stringToNumber(tf.readFile(asset))), { name: 'init_scale' });
      return { x, y, init };
    });
    const sess = new tf.Session({ graph: g });
    const dir = freshDir();
    await tf.savedModel.simpleSave(sess, dir, { x: m.x }, { y: m.y }, { legacyInitOp: m.init });
    await sess.close();
    expect(readFileSync(join(dir, 'assets', 'scale.txt'), 'utf8')).toBe('2.5');
    const sm = readPb(dir);
    const mg = sm.metaGraphs[0]!;
    expect(mg.metaInfoDef.tags).toEqual(['serve']);
    expect(mg.signatureDef.serving_default!.methodName).toBe('tensorflow/serving/predict');
    expect(mg.graphDef.node.every((nd) => nd.device === '')).toBe(true);
    const any = mg.collectionDef.saved_model_assets!.anyList!.value;
    expect(any.map((a) => a.typeUrl)).toEqual(['type.googleapis.com/tensorflow.AssetFileDef']);
    expect(AssetFileDef.toObject(AssetFileDef.decode(any[0]!.value))).toMatchObject({ filename: 'scale.txt', tensorInfo: { name: 'asset_path:0' } });
    // The original file is gone: the loader feeds the copy.
    rmSync(src, { recursive: true });
    const s2 = new tf.Session({ graph: new tf.Graph() });
    const loaded = await tf.savedModel.loader.load(s2, ['serve'], dir);
    const sig = loaded.signatureDef.serving_default!;
    const y = (await s2.run(s2.graph.getTensorByName(sig.outputs.y!.name!), new Map([[s2.graph.getTensorByName(sig.inputs.x!.name!), new tf.NDArray(Float32Array.of(1, -4), [2])]]))) as tf.NDArray;
    expect(Array.from(y.data)).toEqual([2.5, -10]);
    await s2.close();
  });
});

describe('TF-written SavedModels through their tf.Example signatures', () => {
  it.each([['serving_half_plus_two_cpu'], ['serving_half_plus_two_mkl']])('%s regresses y = 0.5·x + 2 from serialized tf.Examples', async (name) => {
    const sess = new tf.Session({ graph: new tf.Graph() });
    const mg = await tf.savedModel.loader.load(sess, ['serve'], CKPTS + name);
    const sig = mg.signatureDef.regress_x_to_y!;
    expect(tf.savedModel.isValidSignature(sig)).toBe(true);
    const examples = [3, -1, 0.5].map((v) => new tf.train.Example({ features: { feature: { x: { floatList: { value: [v] } } } } }).serializeToString());
    const y = (await sess.run(sess.graph.getTensorByName(sig.outputs.outputs!.name!), new Map([[sess.graph.getTensorByName(sig.inputs.inputs!.name!), tf.NDArray.fromStrings(examples)]]))) as tf.NDArray;
    expect(Array.from(y.data)).toEqual([3.5, 1.5, 2.25]);
    await sess.close();
  });
});

describe('builder and signature errors with TF\'s texts', () => {
  it('the export directory must be new or empty; an empty one is used', async () => {
    const dir = freshDir();
    mkdirSync(dir);
    writeFileSync(join(dir, 'x'), '');
    expect(() => new tf.savedModel.builder.SavedModelBuilder(dir)).toThrow(
      `Export directory already exists, and isn't empty. Please choose a different export directory, or delete all the contents of the specified directory: ${dir}`,
    );
    const empty = freshDir();
    mkdirSync(empty);
    expect(() => new tf.savedModel.builder.SavedModelBuilder(empty)).not.toThrow();
  });

  it('the order of add calls, reserved keys, TensorInfo fields, main ops', async () => {
    const m = await trainedModel();
    const b = new tf.savedModel.builder.SavedModelBuilder(freshDir());
    expect(() => b.addMetaGraph(['serve'])).toThrow('Graph state including variables and assets has not been saved yet. Please invoke `add_meta_graph_and_variables()` first.');
    await expect(b.addMetaGraphAndVariables(m.sess, ['serve'], { signatureDefMap: { __saved_model_init_op: tf.savedModel.predictSignatureDef({ x: m.x }, { y: m.y }) } })).rejects.toThrow(
      'SignatureDef map key "__saved_model_init_op" is reserved for initialization. Please use a different key.',
    );
    await expect(b.addMetaGraphAndVariables(m.sess, ['serve'], { signatureDefMap: { s: tf.savedModel.buildSignatureDef({ x: { dtype: 1 } }, {}, 'm') } })).rejects.toThrow(
      "All TensorInfo protos used in the SignatureDefs must have one of the 'encoding' fields (e.g., name or coo_sparse) set",
    );
    await expect(b.addMetaGraphAndVariables(m.sess, ['serve'], { signatureDefMap: { s: tf.savedModel.buildSignatureDef({ x: { name: 'x:0', dtype: 0 } }, {}, 'm') } })).rejects.toThrow(
      'All TensorInfo protos used in the SignatureDefs must have the dtype field set',
    );
    await expect(b.addMetaGraphAndVariables(m.sess, ['serve'], { mainOp: m.y as never })).rejects.toThrow('main_op needs to be an Operation');
    await b.addMetaGraphAndVariables(m.sess, ['serve'], { mainOp: m.mainOp });
    await expect(b.addMetaGraphAndVariables(m.sess, ['serve'])).rejects.toThrow('Graph state including variables and assets has already been saved. Please invoke `add_meta_graph()` instead.');
    expect(() => m.g.asDefault(() => b.addMetaGraph(['train'], { mainOp: m.mainOp }))).toThrow('Graph already contains one or more main ops under the collection saved_model_main_op.');
    await m.sess.close();
  });

  it('signature helpers check their tensors', async () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const ex = tf.placeholder(tf.string, [null], { name: 'tf_example' });
      const f = tf.placeholder(tf.float32, [null, 3]);
      const i = tf.placeholder(tf.int32, [null]);
      const cls = tf.placeholder(tf.string, [null, 3]);
      const U = tf.savedModel.signatureDefUtils;
      expect(() => U.regressionSignatureDef(null, f)).toThrow('Regression examples cannot be None.');
      expect(() => U.regressionSignatureDef(f, f)).toThrow('Regression examples must be a string Tensor.');
      expect(() => U.regressionSignatureDef(ex, null)).toThrow('Regression predictions cannot be None.');
      expect(() => U.regressionSignatureDef(ex, i)).toThrow('Regression output must be a float Tensor.');
      expect(() => U.classificationSignatureDef(ex, null, null)).toThrow('Classification classes and scores cannot both be None.');
      expect(() => U.classificationSignatureDef(ex, f, null)).toThrow('Classification classes must be a string Tensor.');
      expect(() => U.classificationSignatureDef(ex, cls, i)).toThrow('Classification scores must be a float Tensor.');
      expect(() => U.predictSignatureDef({}, { y: f })).toThrow('Prediction inputs cannot be None or empty.');
      expect(() => U.predictSignatureDef({ x: f }, {})).toThrow('Prediction outputs cannot be None or empty.');
      const c = U.classificationSignatureDef(ex, cls, f);
      expect(c.methodName).toBe(tf.savedModel.CLASSIFY_METHOD_NAME);
      expect(Object.keys(c.inputs)).toEqual(['inputs']);
      expect(Object.keys(c.outputs).sort()).toEqual(['classes', 'scores']);
      expect(U.isValidSignature(c)).toBe(true);
      const r = U.regressionSignatureDef(ex, f);
      expect([r.methodName, Object.keys(r.inputs), Object.keys(r.outputs)]).toEqual(['tensorflow/serving/regress', ['inputs'], ['outputs']]);
      expect(U.isValidSignature(r)).toBe(true);
      expect(U.isValidSignature(U.predictSignatureDef({ x: f }, { y: i }))).toBe(true);
      // A classify signature with an int score, a predict one with no outputs: not valid.
      expect(U.isValidSignature(U.buildSignatureDef({ inputs: tf.savedModel.buildTensorInfo(ex) }, { scores: tf.savedModel.buildTensorInfo(i) }, 'tensorflow/serving/classify'))).toBe(false);
      expect(U.isValidSignature(U.buildSignatureDef({ x: tf.savedModel.buildTensorInfo(f) }, {}, 'tensorflow/serving/predict'))).toBe(false);
      expect(U.isValidSignature(null)).toBe(false);
      // A SparseTensor's TensorInfo names its three tensors.
      const sp = tf.sparsePlaceholder(tf.float32, [4, 5]);
      const si = tf.savedModel.buildTensorInfo(sp);
      expect(si.cooSparse).toEqual({ valuesTensorName: sp.values.name, indicesTensorName: sp.indices.name, denseShapeTensorName: sp.denseShape.name });
      const back = tf.savedModel.getTensorFromTensorInfo(si) as tf.SparseTensor;
      expect(back.values).toBe(sp.values);
      expect(() => tf.savedModel.getTensorFromTensorInfo({ dtype: 1 })).toThrow('Invalid TensorInfo.encoding: None');
    });
  });

  it('the loader names a missing SavedModel file', async () => {
    const dir = freshDir();
    mkdirSync(dir);
    expect(tf.savedModel.loader.maybeSavedModelDirectory(dir)).toBe(false);
    const s = new tf.Session({ graph: new tf.Graph() });
    await expect(tf.savedModel.loader.load(s, ['serve'], dir)).rejects.toThrow(`SavedModel file does not exist at: ${dir}/{saved_model.pbtxt|saved_model.pb}`);
    await s.close();
    expect(existsSync(join(dir, 'saved_model.pb'))).toBe(false);
  });
});
