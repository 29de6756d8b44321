import fc from 'fast-check';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RuntimeError, ValueError } from '../../src/errors.js';
import { NDArray } from '../../src/ndarray.js';
import {
  checkpointExists,
  formatCheckpointState,
  getCheckpointState,
  latestCheckpoint,
  parseCheckpointState,
  removeCheckpoint,
  updateCheckpointState,
  writeBundle,
} from '../../src/checkpoint/index.js';
import { cEscape, cUnescape } from '../../src/checkpoint/state.js';
import { CHECKPOINTS_DIR } from './fixtures.js';

const root = mkdtempSync(join(tmpdir(), 'tsflow-state-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshDir = (): string => {
  const d = join(root, `d${n++}`);
  mkdirSync(d);
  return d;
};

describe('text format', () => {
  it('parses the state file TF wrote for a fixture', () => {
    const text = readFileSync(join(CHECKPOINTS_DIR, 'onnx_regression/checkpoint/checkpoint'), 'utf8');
    expect(parseCheckpointState(text)).toEqual({
      modelCheckpointPath: 'model',
      allModelCheckpointPaths: ['model'],
      allModelCheckpointTimestamps: [],
      lastPreservedTimestamp: 0,
    });
  });

  it('formats one field per line', () => {
    expect(
      formatCheckpointState({
        modelCheckpointPath: 'model.ckpt-1000',
        allModelCheckpointPaths: ['model.ckpt-600', 'model.ckpt-800', 'model.ckpt-1000'],
        allModelCheckpointTimestamps: [],
        lastPreservedTimestamp: 0,
      }),
    ).toBe(
      'model_checkpoint_path: "model.ckpt-1000"\n' +
        'all_model_checkpoint_paths: "model.ckpt-600"\n' +
        'all_model_checkpoint_paths: "model.ckpt-800"\n' +
        'all_model_checkpoint_paths: "model.ckpt-1000"\n',
    );
    expect(
      formatCheckpointState({
        modelCheckpointPath: 'm',
        allModelCheckpointPaths: ['m'],
        allModelCheckpointTimestamps: [1700000000.5, 1e-7],
        lastPreservedTimestamp: 1700000000,
      }),
    ).toBe(
      'model_checkpoint_path: "m"\nall_model_checkpoint_paths: "m"\n' +
        'all_model_checkpoint_timestamps: 1700000000.5\nall_model_checkpoint_timestamps: 1e-07\n' +
        'last_preserved_timestamp: 1700000000.0\n',
    );
  });

  it('C-escapes like protobuf text format', () => {
    expect(cEscape('a"b\'c\\d\ne\tf\rg')).toBe('a\\"b\\\'c\\\\d\\ne\\tf\\rg');
    expect(cEscape('café')).toBe('caf\\303\\251');
    expect(cEscape('\x01')).toBe('\\001');
    expect(cUnescape('caf\\303\\251 \\x41\\101\\?\\a')).toBe('café AA?\x07');
    expect(() => cUnescape('bad\\q')).toThrow(ValueError);
  });

  it('round trips any path', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1 }), fc.array(fc.string({ unit: 'grapheme' })), (p, all) => {
        const s = { modelCheckpointPath: p, allModelCheckpointPaths: all, allModelCheckpointTimestamps: [], lastPreservedTimestamp: 0 };
        expect(parseCheckpointState(formatCheckpointState(s))).toEqual(s);
      }),
    );
  });

  it('accepts comments, single quotes, adjacent strings and numbers', () => {
    const s = parseCheckpointState(
      "# saved by hand\nmodel_checkpoint_path: 'a' \"b\"  # trailing\n" +
        'all_model_checkpoint_paths: "ab"; all_model_checkpoint_timestamps: 12.5\n' +
        'last_preserved_timestamp: 3\n',
    );
    expect(s).toEqual({
      modelCheckpointPath: 'ab',
      allModelCheckpointPaths: ['ab'],
      allModelCheckpointTimestamps: [12.5],
      lastPreservedTimestamp: 3,
    });
  });

  it('rejects malformed text', () => {
    expect(() => parseCheckpointState('model_checkpoint_path "x"\n')).toThrow(ValueError);
    expect(() => parseCheckpointState('model_checkpoint_path: "x\n')).toThrow(/not terminated/);
    expect(() => parseCheckpointState('other_field: "x"\n')).toThrow(/has no field named "other_field"/);
    expect(() => parseCheckpointState('model_checkpoint_path: 12\n')).toThrow(/Expected string/);
    expect(() => parseCheckpointState('last_preserved_timestamp: abc\n')).toThrow(ValueError);
  });
});

describe('state file on disk', () => {
  const bundle = async (prefix: string): Promise<void> => {
    await writeBundle(prefix, [{ name: 'v', array: new NDArray(Float32Array.of(1), [1]) }]);
  };

  it('getCheckpointState joins relative paths onto the directory', async () => {
    const dir = freshDir();
    writeFileSync(join(dir, 'checkpoint'), 'model_checkpoint_path: "m-2"\nall_model_checkpoint_paths: "m-1"\nall_model_checkpoint_paths: "/abs/m-2"\n');
    const s = getCheckpointState(dir);
    expect(s!.modelCheckpointPath).toBe(`${dir}/m-2`);
    expect(s!.allModelCheckpointPaths).toEqual([`${dir}/m-1`, '/abs/m-2']);
  });

  it('missing or malformed → null; empty model path → ValueError', async () => {
    const dir = freshDir();
    expect(getCheckpointState(dir)).toBeNull();
    expect(latestCheckpoint(dir)).toBeNull();
    writeFileSync(join(dir, 'checkpoint'), 'this is not a state file');
    expect(getCheckpointState(dir)).toBeNull();
    writeFileSync(join(dir, 'checkpoint'), 'all_model_checkpoint_paths: "x"\n');
    expect(() => getCheckpointState(dir)).toThrow(`Invalid checkpoint state loaded from ${dir}`);
  });

  it('latestCheckpoint finds the TF fixture and needs the files to exist', async () => {
    const fixtureDir = join(CHECKPOINTS_DIR, 'onnx_regression/checkpoint');
    expect(latestCheckpoint(fixtureDir)).toBe(`${fixtureDir}/model`);
    const dir = freshDir();
    writeFileSync(join(dir, 'checkpoint'), 'model_checkpoint_path: "gone"\n');
    expect(latestCheckpoint(dir)).toBeNull();
    await bundle(join(dir, 'gone'));
    expect(latestCheckpoint(dir)).toBe(`${dir}/gone`);
    expect(latestCheckpoint(dir, 'other_state')).toBeNull();
  });

  it('updateCheckpointState with an absolute dir keeps paths as given', async () => {
    const dir = freshDir();
    await updateCheckpointState(dir, `${dir}/model.ckpt-2`, [`${dir}/model.ckpt-1`]);
    expect(readFileSync(join(dir, 'checkpoint'), 'utf8')).toBe(
      `model_checkpoint_path: "${dir}/model.ckpt-2"\n` +
        `all_model_checkpoint_paths: "${dir}/model.ckpt-1"\n` +
        `all_model_checkpoint_paths: "${dir}/model.ckpt-2"\n`,
    );
    // already last: not repeated; save_relative_paths makes them relative
    await updateCheckpointState(dir, `${dir}/model.ckpt-3`, [`${dir}/model.ckpt-2`, `${dir}/model.ckpt-3`], {
      saveRelativePaths: true,
    });
    expect(readFileSync(join(dir, 'checkpoint'), 'utf8')).toBe(
      'model_checkpoint_path: "model.ckpt-3"\nall_model_checkpoint_paths: "model.ckpt-2"\nall_model_checkpoint_paths: "model.ckpt-3"\n',
    );
    expect(readdirSync(dir)).toEqual(['checkpoint']); // the temp file was renamed away
  });

  it('updateCheckpointState with a relative dir writes paths relative to it', async () => {
    const dir = freshDir();
    const rel = relative(process.cwd(), dir);
    expect(rel.startsWith('/')).toBe(false);
    await bundle(join(dir, 'model.ckpt-5'));
    await updateCheckpointState(rel, `${rel}/model.ckpt-5`, [`${rel}/model.ckpt-4`]);
    expect(readFileSync(join(dir, 'checkpoint'), 'utf8')).toBe(
      'model_checkpoint_path: "model.ckpt-5"\nall_model_checkpoint_paths: "model.ckpt-4"\nall_model_checkpoint_paths: "model.ckpt-5"\n',
    );
    expect(latestCheckpoint(rel)).toBe(`${rel}/model.ckpt-5`);
    expect(latestCheckpoint(dir)).toBe(`${dir}/model.ckpt-5`);
  });

  it('conflicts and mismatched timestamps are errors', async () => {
    const dir = freshDir();
    await expect(updateCheckpointState(dir, `${dir}/checkpoint`)).rejects.toThrow(RuntimeError);
    await expect(updateCheckpointState(dir, `${dir}/checkpoint`)).rejects.toThrow(
      `Save path '${dir}/checkpoint' conflicts with path used for checkpoint state.  Please use a different save path.`,
    );
    await expect(
      updateCheckpointState(dir, `${dir}/m`, [], { allModelCheckpointTimestamps: [1, 2] }),
    ).rejects.toThrow('Checkpoint timestamps, if provided, must match checkpoint paths (2 vs 1)');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a custom state file name', async () => {
    const dir = freshDir();
    await bundle(join(dir, 'x'));
    await updateCheckpointState(dir, join(dir, 'x'), [], { latestFilename: 'my_state' });
    expect(latestCheckpoint(dir)).toBeNull();
    expect(latestCheckpoint(dir, 'my_state')).toBe(`${dir}/x`);
  });

  it('checkpointExists and removeCheckpoint', async () => {
    const dir = freshDir();
    await bundle(join(dir, 'model.ckpt-1'));
    await bundle(join(dir, 'model.ckpt-10'));
    writeFileSync(join(dir, 'model.ckpt-1.meta'), 'graph');
    expect(checkpointExists(join(dir, 'model.ckpt-1'))).toBe(true);
    const removed = await removeCheckpoint(join(dir, 'model.ckpt-1'));
    expect(removed.sort()).toEqual(
      [
        join(dir, 'model.ckpt-1.data-00000-of-00001'),
        join(dir, 'model.ckpt-1.index'),
        join(dir, 'model.ckpt-1.meta'),
      ].sort(),
    );
    expect(checkpointExists(join(dir, 'model.ckpt-1'))).toBe(false);
    // model.ckpt-10 shares the prefix text but is another checkpoint: untouched
    expect(readdirSync(dir).sort()).toEqual(['model.ckpt-10.data-00000-of-00001', 'model.ckpt-10.index']);
    expect(await removeCheckpoint(join(dir, 'model.ckpt-1'))).toEqual([]);
  });
});
