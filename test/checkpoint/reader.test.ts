import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError, NotFoundError, ValueError } from '../../src/errors.js';
import { NDArray } from '../../src/ndarray.js';
import {
  CheckpointReader,
  StringTensor,
  listVariables,
  loadCheckpoint,
  loadVariable,
  newCheckpointReader,
  updateCheckpointState,
  writeBundle,
} from '../../src/checkpoint/index.js';
import { CHECKPOINTS_DIR } from './fixtures.js';

const fx = (rel: string): string => join(CHECKPOINTS_DIR, rel);
const root = mkdtempSync(join(tmpdir(), 'tsflow-reader-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('CheckpointReader on TF fixtures', () => {
  it('reads a TF1 Saver checkpoint', async () => {
    const r = newCheckpointReader(fx('onnx_regression/checkpoint/model'));
    expect(r.hasTensor('W')).toBe(true);
    expect(r.hasTensor('W:0')).toBe(false);
    const w = r.getTensor('W');
    expect(w).toBeInstanceOf(NDArray);
    expect(w.dtype).toBe('float32');
    expect(w.shape).toEqual([]);
    expect(w.toArray()).toBeCloseTo(0.21396178, 7);
    expect(r.getVariableToShapeMap()).toEqual(new Map([['W', []], ['b', []]]));
    expect(r.getVariableToDtypeMap()).toEqual(new Map([['W', 'float32'], ['b', 'float32']]));
    expect(r.debugString()).toBe('W (DT_FLOAT) []\nb (DT_FLOAT) []\n');
  });

  it('maps, debug string and values of a mixed TF2 checkpoint', async () => {
    const r = loadCheckpoint(fx('tfjs_node_model_multi_output/variables/variables'));
    expect(r.debugString()).toBe(
      '_CHECKPOINTABLE_OBJECT_GRAPH (DT_STRING) []\n' +
        'two/.ATTRIBUTES/VARIABLE_VALUE (DT_INT32) []\n' +
        'v/.ATTRIBUTES/VARIABLE_VALUE (DT_FLOAT) []\n',
    );
    expect([...r.getVariableToDtypeMap().values()]).toEqual(['string', 'int32', 'float32']);
    expect(r.getTensor('two/.ATTRIBUTES/VARIABLE_VALUE').toArray()).toBe(2);
    expect(r.getTensor('v/.ATTRIBUTES/VARIABLE_VALUE').toArray()).toBe(3);
    const g = r.getStringTensor('_CHECKPOINTABLE_OBJECT_GRAPH');
    expect(g.shape).toEqual([]);
    expect(g.bytes[0]!.length).toBe(158);
    expect(g.bytes[0]![0]).toBe(0x0a);
    expect(() => r.getTensor('_CHECKPOINTABLE_OBJECT_GRAPH')).toThrow(InvalidArgumentError);
    expect(() => r.getStringTensor('v/.ATTRIBUTES/VARIABLE_VALUE')).toThrow(InvalidArgumentError);
    expect(await r.readTensor('v/.ATTRIBUTES/VARIABLE_VALUE')).toEqual(r.getValue('v/.ATTRIBUTES/VARIABLE_VALUE'));
  });

  it('lists index-only checkpoints (no data file) and fails only when reading values', async () => {
    const r = loadCheckpoint(fx('swift_models_index_only/minigo'));
    const shapes = r.getVariableToShapeMap();
    expect(shapes.size).toBe(333);
    expect(shapes.get('global_step')).toEqual([]);
    expect(r.getVariableToDtypeMap().get('global_step')).toBe('int64');
    expect(shapes.get('batch_normalization/beta')).toEqual([256]);
    expect(() => r.getTensor('global_step')).toThrow(NotFoundError);
    expect(r.debugString().split('\n')[0]).toBe('batch_normalization/beta (DT_FLOAT) [256]');
    const t = listVariables(fx('swift_models_index_only/transformer'));
    expect(t.length).toBe(148);
    expect(t.find(([k]) => k === 'model/wte')).toEqual(['model/wte', [50257, 768]]);
  });

  it('missing keys and checkpoints have TF’s messages', async () => {
    const r = loadCheckpoint(fx('serving_counter/variables/variables'));
    expect(() => r.getTensor('nope')).toThrow(NotFoundError);
    expect(() => r.getTensor('nope')).toThrow('Key nope not found in checkpoint');
    await expect(r.readTensor('nope')).rejects.toThrow('Key nope not found in checkpoint');
    const missing = join(root, 'no', 'such', 'model.ckpt');
    expect(() => newCheckpointReader(missing)).toThrow(
      `Unsuccessful TensorSliceReader constructor: Failed to find any matching files for ${missing}`,
    );
    expect(() => loadCheckpoint(missing)).toThrow(NotFoundError);
    expect(() => CheckpointReader.openSync(missing)).toThrow(NotFoundError);
  });
});

describe('directories, listVariables and loadVariable', () => {
  it('resolve a directory through its checkpoint file', async () => {
    const dir = fx('onnx_regression/checkpoint');
    expect(listVariables(dir)).toEqual([
      ['W', []],
      ['b', []],
    ]);
    expect(loadCheckpoint(dir).prefix).toBe(`${dir}/model`);
    const b = loadVariable(dir, 'b:0') as NDArray;
    expect(b.toArray()).toBeCloseTo(1.0495254, 6);
  });

  it('a directory without a state file is a ValueError', async () => {
    const dir = fx('serving_counter/variables');
    expect(() => listVariables(dir)).toThrow(ValueError);
    expect(() => listVariables(dir)).toThrow(
      `Couldn't find 'checkpoint' file or checkpoints in given directory ${dir}`,
    );
  });

  it('lists variables sorted by key, from a prefix', async () => {
    expect(listVariables(fx('serving_half_plus_two_mkl/variables/variables'))).toEqual([
      ['a', []],
      ['b', []],
      ['c', []],
      ['conv2d/bias', [1]],
      ['conv2d/kernel', [1, 1, 1, 1]],
      ['conv2d_1/bias', [1]],
      ['conv2d_1/kernel', [1, 1, 1, 1]],
      ['conv2d_2/bias', [1]],
      ['conv2d_2/kernel', [1, 1, 1, 1]],
    ]);
  });

  it('reads what writeBundle wrote, through the state file', async () => {
    const dir = join(root, 'saved');
    mkdirSync(dir);
    const prefix = join(dir, 'model.ckpt-7');
    await writeBundle(prefix, [
      { name: 'Variable', array: new NDArray(Float32Array.of(1, 2, 3, 4, 5, 6), [2, 3]) },
      { name: 'global_step', array: new NDArray(Float64Array.of(7), [], 'int64') },
      { name: 'names', array: StringTensor.from(['a', 'b']) },
    ]);
    await updateCheckpointState(dir, prefix);
    const r = loadCheckpoint(dir);
    expect(r.prefix).toBe(prefix);
    expect(r.getTensor('Variable').toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(r.getTensor('global_step').toArray()).toBe(7);
    expect(r.getStringTensor('names').values).toEqual(['a', 'b']);
    expect(r.debugString()).toBe('Variable (DT_FLOAT) [2,3]\nglobal_step (DT_INT64) []\nnames (DT_STRING) [2]\n');
    expect(listVariables(dir)).toEqual([
      ['Variable', [2, 3]],
      ['global_step', []],
      ['names', [2]],
    ]);
  });
});
