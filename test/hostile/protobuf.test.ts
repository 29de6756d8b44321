/**
 * GraphDef / MetaGraphDef / SavedModel protobufs under hostile bytes: a file that does not parse
 * is a DataLossError "Cannot parse file <path>: …" (TF's parse_saved_model / read_meta_graph_file
 * text); one that parses but describes a broken graph fails as TF's importer does (ValueError,
 * InvalidArgumentError, NotFoundError); nesting past protobuf's recursion limit, lengths past the
 * end and shapes claiming terabytes fail at once, never with a RangeError or a huge allocation.
 */
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import { DataLossError, FailedPreconditionError, InvalidArgumentError, IOError, NotFoundError, RuntimeError, UnimplementedError, ValueError } from '../../src/errors.js';
import { parseSavedModel } from '../../src/metagraph/saved-model.js';
import { applyMutations, checkError, mutation, scratchDir, varint } from './support.js';

const { dir, cleanup } = scratchDir('proto');
afterAll(cleanup);
let n = 0;

const FIX = 'test/fixtures/tf-checkpoints/serving_half_plus_two_cpu';
const savedModelPb = new Uint8Array(readFileSync(join(FIX, 'saved_model.pb')));
const graphPb = new Uint8Array(readFileSync('test/fixtures/tf-graphs/rust_regression_train_graph.pb'));

/** Semantic failures of a graph that parsed (TF's importer's and loader's classes); none name a file. */
const SEMANTIC = [ValueError, InvalidArgumentError, NotFoundError, RuntimeError];

function classify(e: unknown, file: string | null, what: string): void {
  if (e instanceof DataLossError && file !== null) {
    expect(e.message.startsWith(`Cannot parse file ${file}: `), `${e.message} (${what})`).toBe(true);
    return;
  }
  if (e instanceof DataLossError) return;
  const ok = SEMANTIC.some((C) => e instanceof C);
  expect(ok, `${(e as Error)?.constructor?.name}: ${(e as Error)?.message?.slice(0, 200)} (${what})`).toBe(true);
}

describe('SavedModel and MetaGraph files', () => {
  it('mutants of saved_model.pb load or fail with "Cannot parse file" naming it, or a graph error', async () => {
    let parseFailures = 0;
    await fc.assert(
      fc.asyncProperty(mutation, async (ms) => {
        const d = join(dir, `sm${n++}`);
        mkdirSync(d);
        writeFileSync(join(d, 'saved_model.pb'), applyMutations(savedModelPb, ms));
        cpSync(join(FIX, 'variables'), join(d, 'variables'), { recursive: true });
        const g = new tf.Graph();
        const sess = new tf.Session({ graph: g });
        try {
          await g.asDefault(() => tf.savedModel.loader.load(sess, ['serve'], d));
        } catch (e) {
          if (e instanceof DataLossError && e.message.startsWith('Cannot parse file')) parseFailures++;
          // restore errors name the variables files; parse errors the .pb
          if (e instanceof DataLossError && !e.message.startsWith('Cannot parse file')) expect(e.message).toContain(d);
          else classify(e, e instanceof DataLossError ? join(d, 'saved_model.pb') : null, JSON.stringify(ms));
        } finally {
          await sess.close();
        }
      }),
      { seed: 7201, numRuns: 120 },
    );
    expect(parseFailures).toBeGreaterThan(40);
  });

  it('a .meta file: mutants import or fail cleanly; missing is IOError "File … does not exist.", a directory FailedPrecondition', () => {
    const meta = join(dir, 'good.meta');
    const g0 = new tf.Graph();
    g0.asDefault(() => {
      const v = new tf.Variable(tf.constant([1, 2, 3], tf.float32), { name: 'v' });
      tf.add(v, tf.constant(1, tf.float32), 'out');
      tf.train.exportMetaGraph(meta);
    });
    const bytes = new Uint8Array(readFileSync(meta));
    fc.assert(
      fc.property(mutation, (ms) => {
        const f = join(dir, `m${n++}.meta`);
        writeFileSync(f, applyMutations(bytes, ms));
        const g = new tf.Graph();
        try {
          g.asDefault(() => tf.train.importMetaGraph(f));
        } catch (e) {
          classify(e, f, JSON.stringify(ms));
        }
      }),
      { seed: 7202, numRuns: 200 },
    );
    const missing = join(dir, 'none.meta');
    expect(() => tf.train.importMetaGraph(missing)).toThrow(new IOError(`File ${missing} does not exist.`));
    const d = join(dir, 'adir.meta');
    mkdirSync(d);
    try {
      tf.train.importMetaGraph(d);
      expect.unreachable();
    } catch (e) {
      checkError(e, [FailedPreconditionError], d, 'directory');
    }
    const empty = join(dir, 'empty.meta');
    writeFileSync(empty, new Uint8Array(0));
    // an empty file is an empty MetaGraphDef, as protobuf parses it: an empty graph, no saver
    expect(new tf.Graph().asDefault(() => tf.train.importMetaGraph(empty))).toBeNull();
  });
});

describe('GraphDef bytes', () => {
  it('mutants of a TF-written GraphDef import or fail with DataLossError or an importer error', () => {
    let decodeFailures = 0;
    fc.assert(
      fc.property(mutation, (ms) => {
        const g = new tf.Graph();
        try {
          g.asDefault(() => tf.importGraphDef(applyMutations(graphPb, ms), { name: '' }));
        } catch (e) {
          if (e instanceof DataLossError) decodeFailures++;
          classify(e, null, JSON.stringify(ms));
        }
      }),
      { seed: 7203, numRuns: 300 },
    );
    expect(decodeFailures).toBeGreaterThan(50);
  });

  // GraphDef.node (1) → NodeDef.attr (5, map entry) → value (2) AttrValue.func (10) NameAttrList.attr (2) → …
  function nestedAttr(levels: number): Uint8Array {
    let attrValue: number[] = [0x18, 1]; // AttrValue.i = 1
    for (let i = 0; i < levels; i++) {
      const entry = [0x0a, 1, 0x61, 0x12, ...varint(attrValue.length), ...attrValue]; // key "a", value
      const nameAttrList = [0x12, ...varint(entry.length), ...entry];
      attrValue = [0x52, ...varint(nameAttrList.length), ...nameAttrList]; // AttrValue.func
    }
    const attrEntry = [0x0a, 1, 0x66, 0x12, ...varint(attrValue.length), ...attrValue];
    const node = [0x0a, 1, 0x6e, 0x12, 4, ...new TextEncoder().encode('NoOp'), 0x2a, ...varint(attrEntry.length), ...attrEntry];
    return Uint8Array.from([0x0a, ...varint(node.length), ...node]);
  }

  it('nesting past the recursion limit is DataLossError, binary and text; 20 levels decode', () => {
    for (const levels of [101, 300]) {
      expect(() => tf.importGraphDef(nestedAttr(levels))).toThrow(DataLossError);
      expect(() => tf.importGraphDef(nestedAttr(levels))).toThrow(/recursion limit of 100/);
    }
    const d = join(dir, 'sm-deep');
    mkdirSync(d);
    const levels = 5000;
    writeFileSync(join(d, 'saved_model.pbtxt'), `meta_graphs { graph_def { node { name: "n" op: "NoOp" attr { key: "f" value { ${'func { name: "x" attr { key: "a" value { '.repeat(levels)}i: 1${' } } }'.repeat(levels)} } } } } }`);
    expect(() => parseSavedModel(d)).toThrow(DataLossError);
    expect(() => parseSavedModel(d)).toThrow(`Cannot parse file ${join(d, 'saved_model.pbtxt')}: `);
    // shallow nesting is a graph the importer sees (NoOp with a func attr)
    expect(() => new tf.Graph().asDefault(() => tf.importGraphDef(nestedAttr(20), { name: '' }))).not.toThrow(DataLossError);
  });

  it('a bytes field claiming 2^40 bytes, and a Const whose shape claims terabytes or has dtype 9999, fail at once', () => {
    // NodeDef.name (1) claiming 2^40 bytes
    const node = [0x0a, ...varint(1n << 40n), 0x61];
    const t0 = Date.now();
    expect(() => tf.importGraphDef(Uint8Array.from([0x0a, ...varint(node.length), ...node]))).toThrow(DataLossError);
    // a Const with shape [1e6, 1e6, 1e6] float and 4 bytes of tensor_content
    const constNode = (dtype: number, dims: number[], content: number[]): Uint8Array => {
      const shape = dims.flatMap((d) => {
        const dim = [0x08, ...varint(d < 0 ? BigInt.asUintN(64, BigInt(d)) : d)];
        return [0x12, ...varint(dim.length), ...dim];
      });
      const tensor = [0x08, ...varint(dtype), 0x12, ...varint(shape.length), ...shape, 0x22, ...varint(content.length), ...content];
      const valueAttr = [0x42, ...varint(tensor.length), ...tensor]; // AttrValue.tensor (8)
      const dtypeAttr = [0x30, ...varint(dtype)]; // AttrValue.type (6)
      const e1 = [0x0a, 5, ...new TextEncoder().encode('value'), 0x12, ...varint(valueAttr.length), ...valueAttr];
      const e2 = [0x0a, 5, ...new TextEncoder().encode('dtype'), 0x12, ...varint(dtypeAttr.length), ...dtypeAttr];
      const nd = [0x0a, 1, 0x63, 0x12, 5, ...new TextEncoder().encode('Const'), 0x2a, ...varint(e1.length), ...e1, 0x2a, ...varint(e2.length), ...e2];
      return Uint8Array.from([0x0a, ...varint(nd.length), ...nd]);
    };
    const attempt = (b: Uint8Array): unknown => {
      try {
        const g = new tf.Graph();
        g.asDefault(() => tf.importGraphDef(b, { name: '' }));
        return null;
      } catch (e) {
        return e;
      }
    };
    // sanity: a well-formed one imports
    expect(attempt(constNode(1, [1], [0, 0, 0x80, 0x3f]))).toBeNull();
    for (const [dtype, dims] of [[1, [1e6, 1e6, 1e6]], [1, [2 ** 62]], [1, [-5]], [1, [3, -1]], [9999, [1]]] as [number, number[]][]) {
      const e = attempt(constNode(dtype, dims, [0, 0, 0x80, 0x3f]));
      const shown = `${(e as Error)?.constructor?.name}: ${(e as Error)?.message} for dtype ${dtype} dims ${dims}`;
      expect([InvalidArgumentError, ValueError, DataLossError, UnimplementedError].some((C) => e instanceof C), shown).toBe(true);
    }
    expect(Date.now() - t0).toBeLessThan(5000);
  });
});
