/**
 * tf.train.NewCheckpointReader on TF-written checkpoints, tf.train.initFromCheckpoint (TF 1.15's
 * name, scope and root mappings, its errors), tf.contrib.framework.initFromCheckpoint,
 * checkpointExists and getCheckpointMtimes.
 */
import { afterAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from 'tsflow';
import type { NDArray } from 'tsflow';

const FIXTURES = fileURLToPath(new URL('./fixtures/tf-checkpoints', import.meta.url));
// A linear regression TF trained and saved (W, b scalars), with its `checkpoint` state file.
const ONNX_DIR = path.join(FIXTURES, 'onnx_regression', 'checkpoint');
// The stored float32 values (CONTENTS.md lists them rounded to 7 digits).
const stored = tf.train.NewCheckpointReader(path.join(ONNX_DIR, 'model'));
const W = stored.getTensor('W').data[0] as number;
const B = stored.getTensor('b').data[0] as number;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-init-ckpt-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('tf.train.NewCheckpointReader', () => {
  it('reads a TF-written checkpoint: hasTensor, getTensor, the shape and dtype maps, debugString', () => {
    const r = tf.train.NewCheckpointReader(path.join(ONNX_DIR, 'model'));
    expect(r.hasTensor('W')).toBe(true);
    expect(r.hasTensor('w')).toBe(false);
    expect(r.getTensor('W').data[0]).toBeCloseTo(0.2139618, 7);
    expect(r.getTensor('b').data[0]).toBeCloseTo(1.0495254, 7);
    expect([...r.getVariableToShapeMap()]).toEqual([['W', []], ['b', []]]);
    expect([...r.getVariableToDtypeMap()]).toEqual([['W', 'float32'], ['b', 'float32']]);
    expect(r.debugString()).toContain('W');
    expect(() => r.getTensor('nope')).toThrow(tf.errors.NotFoundError);
    expect(tf.train.checkpointExists(path.join(ONNX_DIR, 'model'))).toBe(true);
    expect(tf.train.checkpointExists(path.join(ONNX_DIR, 'nope'))).toBe(false);
    const [mt] = tf.train.getCheckpointMtimes([path.join(ONNX_DIR, 'model'), path.join(ONNX_DIR, 'nope')]);
    expect(tf.train.getCheckpointMtimes([path.join(ONNX_DIR, 'model'), path.join(ONNX_DIR, 'nope')])).toHaveLength(1);
    expect(mt).toBeCloseTo(fs.statSync(path.join(ONNX_DIR, 'model.index')).mtimeMs / 1e3, 3);
  });
});

describe('tf.train.initFromCheckpoint', () => {
  it("initializes variables from a TF checkpoint (directory resolved through its state file), by variable and by name", async () => {
    const g = new tf.Graph();
    await g.asDefault(async () => {
      const w = tf.getVariable('W', [], { initializer: tf.zerosInitializer() });
      const b = new tf.Variable(0, { name: 'bias' });
      const untouched = new tf.Variable(7, { name: 'other' });
      tf.train.initFromCheckpoint(ONNX_DIR, { W: 'W', b });
      expect(w.initializer.type).toBe('Assign');
      expect(w.initialValue.op.type).toBe('RestoreV2');
      expect(w.initialValue.op.name).toBe('checkpoint_initializer');
      expect(b.initialValue.op.name).toBe('checkpoint_initializer_1');
      expect(w.initialValue.shape).toEqual([]);
      const sess = new tf.Session({ graph: g });
      await sess.run(tf.globalVariablesInitializer());
      const [wv, bv, ov] = (await sess.run([w.value(), b.value(), untouched.value()])) as NDArray[];
      expect(wv!.data[0]).toBe(W);
      expect(bv!.data[0]).toBe(B);
      expect(ov!.data[0]).toBe(7);
      await sess.close();
    });
  });

  it("maps scopes: 'old/': 'new/', a sub-scope, and '/': '/'", async () => {
    // A checkpoint with scoped names, written by a Saver.
    const src = new tf.Graph();
    const prefix = path.join(tmp, 'pre', 'model.ckpt');
    fs.mkdirSync(path.dirname(prefix), { recursive: true });
    await src.asDefault(async () => {
      tf.variableScope('old', () => {
        tf.getVariable('w', [2], { initializer: tf.constantInitializer([1, 2]) });
        tf.variableScope('inner', () => tf.getVariable('v', [], { initializer: tf.constantInitializer(5) }));
      });
      tf.getVariable('top', [], { initializer: tf.constantInitializer(9) });
      const sess = new tf.Session({ graph: src });
      await sess.run(tf.globalVariablesInitializer());
      await new tf.train.Saver().save(sess, prefix);
      await sess.close();
    });
    const run = async (map: Record<string, string>, build: () => tf.Variable[]): Promise<number[][]> => {
      const g = new tf.Graph();
      return g.asDefault(async () => {
        const vs = build();
        tf.train.initFromCheckpoint(prefix, map);
        const sess = new tf.Session({ graph: g });
        await sess.run(tf.globalVariablesInitializer());
        const out = ((await sess.run(vs.map((v) => v.value()))) as NDArray[]).map((a) => Array.from(a.data as Float32Array));
        await sess.close();
        return out;
      });
    };
    const zeros = (name: string, shape: number[]) => tf.getVariable(name, shape, { initializer: tf.zerosInitializer() });
    expect(await run({ 'old/': 'new/' }, () => tf.variableScope('new', () => [zeros('w', [2]), tf.variableScope('inner', () => zeros('v', []))]))).toEqual([[1, 2], [5]]);
    expect(await run({ 'old/inner/': 'x/' }, () => tf.variableScope('x', () => [zeros('v', [])]))).toEqual([[5]]);
    expect(await run({ '/': '/' }, () => [tf.variableScope('old', () => zeros('w', [2])), zeros('top', [])])).toEqual([[1, 2], [9]]);
    // A contrib spelling of the same function.
    expect(tf.contrib.framework.initFromCheckpoint).toBe(tf.train.initFromCheckpoint);
  });

  it("raises TF's errors: tensor missing, shape mismatch, scope mapped to a name, no checkpoint in a directory", () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const w = tf.getVariable('W', [3], { initializer: tf.zerosInitializer() });
      tf.getVariable('s/x', [], { initializer: tf.zerosInitializer() });
      expect(() => tf.train.initFromCheckpoint(ONNX_DIR, { missing: w })).toThrow(
        new tf.errors.ValueError(`Tensor missing is not found in ${ONNX_DIR} checkpoint {'W': [], 'b': []}`),
      );
      expect(() => tf.train.initFromCheckpoint(ONNX_DIR, { W: 'W' })).toThrow(
        new tf.errors.ValueError("Shape of variable W:0 ((3,)) doesn't match with shape of tensor W ([]) from checkpoint reader."),
      );
      expect(() => tf.train.initFromCheckpoint(ONNX_DIR, { W: 's/' })).toThrow(
        new tf.errors.ValueError("Assignment map with scope only name s should map to scope only W. Should be 'scope/': 'other_scope/'."),
      );
      expect(() => tf.train.initFromCheckpoint(ONNX_DIR, { 'q/': 's/' })).toThrow(
        new tf.errors.ValueError(`Tensor q/x (x in q/) is not found in ${ONNX_DIR} checkpoint`),
      );
      fs.mkdirSync(path.join(tmp, 'empty'), { recursive: true });
      expect(() => tf.train.initFromCheckpoint(path.join(tmp, 'empty'), { W: 'W' })).toThrow(
        `Couldn't find 'checkpoint' file or checkpoints in given directory ${path.join(tmp, 'empty')}`,
      );
    });
  });
});
