import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import { Saver } from '../src/train/saver.js';
import { latestCheckpoint, listVariables, loadCheckpoint, getCheckpointState } from '../src/train/checkpoint-api.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/tf-checkpoints', import.meta.url));

let root: string;
let dirCount = 0;
beforeAll(async () => {
  root = await fsp.mkdtemp(path.join(os.tmpdir(), 'tsflow-saver-'));
});
afterAll(async () => {
  await fsp.rm(root, { recursive: true, force: true });
});
async function freshDir(): Promise<string> {
  const d = path.join(root, `d${dirCount++}`);
  await fsp.mkdir(d);
  return d;
}

/** Build `fn` in a new graph and open a session on it. */
function inGraph<T>(fn: () => T): { g: tf.Graph; sess: tf.Session; out: T } {
  const g = new tf.Graph();
  const out = g.asDefault(fn);
  return { g, sess: new tf.Session({ graph: g }), out };
}

const values = (a: tf.NDArray): unknown => a.toArray();

describe('Saver construction', () => {
  it('needs variables', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      expect(() => new Saver()).toThrow('No variables to save');
      expect(() => new Saver([])).toThrow('No variables to save');
      expect(new Saver([], { allowEmpty: true }).varList.size).toBe(0);
    });
  });

  it('rejects duplicates and non-variables as TF does', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const a = new tf.Variable(1, { name: 'a' });
      expect(() => new Saver([a, a])).toThrow(new tf.errors.ValueError('At least two variables have the same name: a'));
      expect(() => new Saver({ x: a, y: a })).toThrow(
        new tf.errors.ValueError('The same saveable will be restored with two names: y'),
      );
      expect(() => new Saver([tf.constant(1) as never])).toThrow(/Variable to save is not a Variable/);
      expect(() => new Saver({ x: 3 as never })).toThrow(TypeError);
    });
  });

  it('takes the global variables that exist when it is created, keyed by op name', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const v1 = new tf.Variable([1, 2], { name: 'layer1/weights' });
      const v2 = new tf.Variable(0, { name: 'step', trainable: false });
      const saver = new Saver();
      new tf.Variable(5, { name: 'later' });
      expect([...saver.varList.keys()]).toEqual(['layer1/weights', 'step']);
      expect([...saver.varList.values()]).toEqual([v1, v2]);
    });
  });

  it('validates options and the session', async () => {
    const { sess, out: saver } = inGraph(() => new Saver([new tf.Variable(1)]));
    expect(() => new tf.Graph().asDefault(() => new Saver([new tf.Variable(1)], { maxToKeep: -1 }))).toThrow(/maxToKeep/);
    await expect(saver.save({} as never, path.join(root, 'x'))).rejects.toThrow("'sess' must be a Session; ");
    await expect(saver.save(sess, path.join(root, 'x'), { latestFilename: 'a/b' })).rejects.toThrow(
      "'latest_filename' must not contain path components",
    );
    const other = new tf.Session({ graph: new tf.Graph() });
    await expect(saver.save(other, path.join(root, 'x'))).rejects.toThrow(/not elements of the session's graph/);
    await other.close();
    await sess.close();
  });
});

describe('save and restore', () => {
  it('round-trips every dtype through a fresh graph and session, and through loadCheckpoint', async () => {
    const dir = await freshDir();
    const init = {
      f32: [[1.5, -2.25, 3.1415927], [0, 1e-8, -7]],
      i32: [1, -2, 2147483647, -2147483648],
      b: [true, false, true],
      f64: [Math.PI, -1e300, 5e-324],
      i64: [0, -1, 2 ** 53 - 1, -(2 ** 53 - 1)],
      scalar: 42.5,
    };
    const build = (): Record<string, tf.Variable> => ({
      f32: new tf.Variable(tf.constant(init.f32, tf.float32), { name: 'f32' }),
      i32: new tf.Variable(tf.constant(init.i32, tf.int32), { name: 'i32' }),
      b: new tf.Variable(tf.constant(init.b, tf.bool), { name: 'flags' }),
      f64: new tf.Variable(tf.constant(init.f64, tf.float64), { name: 'scope/f64' }),
      i64: new tf.Variable(tf.constant(init.i64, tf.int64), { name: 'global_step', trainable: false }),
      scalar: new tf.Variable(init.scalar, { name: 'scalar' }),
    });
    const a = inGraph(() => ({ vars: build(), saver: new Saver() }));
    await a.sess.run(a.g.asDefault(() => tf.globalVariablesInitializer()));
    const saved = await Promise.all(Object.values(a.out.vars).map((v) => a.sess.readVariable(v)));
    const prefix = await a.out.saver.save(a.sess, path.join(dir, 'model.ckpt'));
    expect(prefix).toBe(path.join(dir, 'model.ckpt'));
    expect(fs.existsSync(`${prefix}.index`)).toBe(true);
    expect(fs.existsSync(`${prefix}.data-00000-of-00001`)).toBe(true);
    await a.sess.close();

    // A fresh graph (same names) and session: restore needs no initializer.
    const b = inGraph(() => ({ vars: build(), saver: new Saver() }));
    for (const v of Object.values(b.out.vars)) expect(b.sess.isInitialized(v)).toBe(false);
    await b.out.saver.restore(b.sess, prefix!);
    const restored = await Promise.all(Object.values(b.out.vars).map((v) => b.sess.readVariable(v)));
    restored.forEach((r, i) => {
      expect(r.dtype).toBe(saved[i]!.dtype);
      expect(r.shape).toEqual(saved[i]!.shape);
      expect(Array.from(r.data)).toEqual(Array.from(saved[i]!.data));
    });
    expect(values(restored[4]!)).toEqual(init.i64);
    expect(values(restored[2]!)).toEqual(init.b);
    await b.sess.close();

    const reader = loadCheckpoint(prefix!);
    expect(values(reader.getTensor('i32'))).toEqual(init.i32);
    expect(values(reader.getTensor('scope/f64'))).toEqual(init.f64);
    expect(values(reader.getTensor('global_step'))).toEqual(init.i64);
    expect(reader.getTensor('global_step').dtype).toBe('int64');
    expect(values(reader.getTensor('flags'))).toEqual(init.b);
    expect(Array.from(reader.getTensor('f32').data)).toEqual(Array.from(Float32Array.from(init.f32.flat())));
    expect(reader.getTensor('scalar').shape).toEqual([]);
    expect(listVariables(prefix!)).toEqual([
      ['f32', [2, 3]],
      ['flags', [3]],
      ['global_step', [4]],
      ['i32', [4]],
      ['scalar', []],
      ['scope/f64', [3]],
    ]);
    // The directory resolves through the state file.
    expect(listVariables(dir)).toEqual(listVariables(prefix!));
    expect(latestCheckpoint(dir)).toBe(prefix);
  });

  it('names checkpoints by global step: a number, a Variable or a Tensor', async () => {
    const dir = await freshDir();
    const { g, sess, out } = inGraph(() => {
      const step = new tf.Variable(tf.constant(1000, tf.int64), { name: 'global_step', trainable: false });
      return { step, w: new tf.Variable([1, 2], { name: 'w' }), saver: new Saver(), padded: new Saver(null, { padStepNumber: true }) };
    });
    await sess.run(g.asDefault(() => tf.globalVariablesInitializer()));
    const base = path.join(dir, 'model.ckpt');
    expect(await out.saver.save(sess, base, { globalStep: 7 })).toBe(`${base}-7`);
    expect(await out.saver.save(sess, base, { globalStep: out.step })).toBe(`${base}-1000`);
    const t = g.asDefault(() => tf.add(out.step.value(), tf.constant(5, tf.int64)));
    expect(await out.saver.save(sess, base, { globalStep: t })).toBe(`${base}-1005`);
    expect(await out.padded.save(sess, base, { globalStep: 12 })).toBe(`${base}-00000012`);
    await expect(out.saver.save(sess, base, { globalStep: 1.5 })).rejects.toThrow(TypeError);
    const state = (await fsp.readFile(path.join(dir, 'checkpoint'), 'utf8')).split('\n');
    expect(state[0]).toBe(`model_checkpoint_path: "${base}-00000012"`);
    await sess.close();
  });

  it('keeps the newest maxToKeep checkpoints and writes the state file with relative paths for a relative dir', async () => {
    const dir = await freshDir();
    const rel = path.relative(process.cwd(), dir);
    expect(path.isAbsolute(rel)).toBe(false);
    const { g, sess, out: saver } = inGraph(() => new Saver([new tf.Variable([1, 2, 3], { name: 'w' })], { maxToKeep: 3 }));
    await sess.run(g.asDefault(() => tf.globalVariablesInitializer()));
    for (let step = 100; step <= 700; step += 100) {
      expect(await saver.save(sess, path.join(rel, 'model.ckpt'), { globalStep: step })).toBe(`${rel}/model.ckpt-${step}`);
    }
    // Saving the same prefix again moves it to the end and deletes nothing.
    await saver.save(sess, path.join(rel, 'model.ckpt'), { globalStep: 600 });
    const files = (await fsp.readdir(dir)).sort();
    expect(files).toEqual([
      'checkpoint',
      'model.ckpt-500.data-00000-of-00001',
      'model.ckpt-500.index',
      'model.ckpt-500.meta',
      'model.ckpt-600.data-00000-of-00001',
      'model.ckpt-600.index',
      'model.ckpt-600.meta',
      'model.ckpt-700.data-00000-of-00001',
      'model.ckpt-700.index',
      'model.ckpt-700.meta',
    ]);
    expect(await fsp.readFile(path.join(dir, 'checkpoint'), 'utf8')).toBe(
      'model_checkpoint_path: "model.ckpt-600"\n' +
        'all_model_checkpoint_paths: "model.ckpt-500"\n' +
        'all_model_checkpoint_paths: "model.ckpt-700"\n' +
        'all_model_checkpoint_paths: "model.ckpt-600"\n',
    );
    expect(saver.lastCheckpoints).toEqual([500, 700, 600].map((s) => `${rel}/model.ckpt-${s}`));
    expect(latestCheckpoint(rel)).toBe(`${rel}/model.ckpt-600`);
    await sess.close();
  });

  it('keeps absolute paths for an absolute dir; maxToKeep 0 keeps everything and lists only the latest', async () => {
    const dir = await freshDir();
    const { g, sess, out: saver } = inGraph(() => new Saver([new tf.Variable(1, { name: 'w' })], { maxToKeep: 0 }));
    await sess.run(g.asDefault(() => tf.globalVariablesInitializer()));
    for (let step = 1; step <= 7; step++) await saver.save(sess, path.join(dir, 'm'), { globalStep: step });
    expect((await fsp.readdir(dir)).filter((f) => f.endsWith('.index'))).toHaveLength(7);
    expect(await fsp.readFile(path.join(dir, 'checkpoint'), 'utf8')).toBe(
      `model_checkpoint_path: "${dir}/m-7"\nall_model_checkpoint_paths: "${dir}/m-7"\n`,
    );
    expect(saver.lastCheckpoints).toEqual([]);
    const state = getCheckpointState(dir);
    expect(state?.modelCheckpointPath).toBe(`${dir}/m-7`);
    await sess.close();
  });

  it('recovers the kept list after a restart so old checkpoints are still deleted', async () => {
    const dir = await freshDir();
    const build = (): Saver => new Saver([new tf.Variable(1, { name: 'w' })], { maxToKeep: 2 });
    const a = inGraph(build);
    await a.sess.run(a.g.asDefault(() => tf.globalVariablesInitializer()));
    await a.out.save(a.sess, path.join(dir, 'm'), { globalStep: 1 });
    await a.out.save(a.sess, path.join(dir, 'm'), { globalStep: 2 });
    await a.sess.close();
    const b = inGraph(build);
    const state = getCheckpointState(dir)!;
    await b.out.restore(b.sess, state.modelCheckpointPath);
    await b.out.recoverLastCheckpoints(state.allModelCheckpointPaths);
    await b.out.save(b.sess, path.join(dir, 'm'), { globalStep: 3 });
    expect((await fsp.readdir(dir)).filter((f) => f.endsWith('.index')).sort()).toEqual(['m-2.index', 'm-3.index']);
    await b.sess.close();
  });

  it('refuses to save uninitialized variables, a missing directory, or over the state file', async () => {
    const dir = await freshDir();
    const { g, sess, out } = inGraph(() => {
      const a = new tf.Variable(1, { name: 'a' });
      const b = new tf.Variable(2, { name: 'b' });
      return { a, b, saver: new Saver() };
    });
    await sess.run(out.a.initializer);
    const err = await out.saver.save(sess, path.join(dir, 'm')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(tf.errors.FailedPreconditionError);
    expect((err as Error).message).toBe('Attempting to use uninitialized value b');
    expect(await fsp.readdir(dir)).toEqual([]);
    await sess.run(g.asDefault(() => tf.globalVariablesInitializer()));
    const missing = path.join(dir, 'nope', 'model.ckpt');
    await expect(out.saver.save(sess, missing)).rejects.toThrow(
      new tf.errors.ValueError(`Parent directory of ${missing} doesn't exist, can't save.`),
    );
    await expect(out.saver.save(sess, path.join(dir, 'checkpoint'))).rejects.toThrow(
      `'latest_filename' collides with 'save_path': 'checkpoint' and '${dir}/checkpoint'`,
    );
    await sess.close();
  });

  it('a failed save leaves the previous checkpoint and the state file as they were', async () => {
    const dir = await freshDir();
    const { g, sess, out } = inGraph(() => {
      const w = new tf.Variable([1, 2, 3], { name: 'w' });
      return { w, saver: new Saver([w], { maxToKeep: 1 }), bump: w.assignAdd([10, 10, 10]) };
    });
    await sess.run(g.asDefault(() => tf.globalVariablesInitializer()));
    const first = await out.saver.save(sess, path.join(dir, 'm'), { globalStep: 1 });
    const stateBefore = await fsp.readFile(path.join(dir, 'checkpoint'), 'utf8');
    // Make the next checkpoint's index impossible to put in place.
    await fsp.mkdir(path.join(dir, 'm-2.index'));
    await fsp.writeFile(path.join(dir, 'm-2.index', 'x'), '');
    await sess.run(out.bump);
    await expect(out.saver.save(sess, path.join(dir, 'm'), { globalStep: 2 })).rejects.toThrow();
    expect(await fsp.readFile(path.join(dir, 'checkpoint'), 'utf8')).toBe(stateBefore);
    expect((await fsp.readdir(dir)).sort()).toEqual(['checkpoint', 'm-1.data-00000-of-00001', 'm-1.index', 'm-1.meta', 'm-2.index']);
    expect(latestCheckpoint(dir)).toBe(first);
    expect(values(loadCheckpoint(dir).getTensor('w'))).toEqual([1, 2, 3]);
    expect(out.saver.lastCheckpoints).toEqual([first]);
    await sess.close();
  });
});

describe('restore errors', () => {
  const RESTORE_MISSING =
    'Restoring from checkpoint failed. This is most likely due to a Variable name or other graph key that is missing from the checkpoint. Please ensure that you have not altered the graph expected based on the checkpoint. Original error:\n\n';
  const RESTORE_MISMATCH =
    'Restoring from checkpoint failed. This is most likely due to a mismatch between the current graph and the graph from the checkpoint. Please ensure that you have not altered the graph expected based on the checkpoint. Original error:\n\n';
  let prefix: string;

  beforeAll(async () => {
    const dir = await freshDir();
    const { g, sess, out: saver } = inGraph(() => {
      new tf.Variable([1, 2], { name: 'Variable' });
      new tf.Variable([3, 4], { name: 'Variable_1' });
      new tf.Variable(tf.constant(9, tf.int32), { name: 'count' });
      return new Saver();
    });
    await sess.run(g.asDefault(() => tf.globalVariablesInitializer()));
    prefix = (await saver.save(sess, path.join(dir, 'model.ckpt')))!;
    await sess.close();
  });

  it('wraps a missing key as TF 1.15 does', async () => {
    const { g, sess, out } = inGraph(() => ({
      a: new tf.Variable([0, 0], { name: 'Variable' }),
      b: new tf.Variable([0, 0], { name: 'Variable_1' }),
      c: new tf.Variable([0, 0, 0], { name: 'Variable_2' }),
    }));
    void g;
    const err = await new Saver(Object.values(out)).restore(sess, prefix).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(tf.errors.NotFoundError);
    expect((err as Error).message).toBe(`${RESTORE_MISSING}Key Variable_2 not found in checkpoint`);
    for (const v of Object.values(out)) expect(sess.isInitialized(v)).toBe(false);
    await sess.close();
  });

  it('wraps a shape mismatch and changes no variable', async () => {
    const { g, sess, out } = inGraph(() => ({
      a: new tf.Variable([7, 7], { name: 'Variable' }),
      b: new tf.Variable([7, 7, 7], { name: 'Variable_1' }),
    }));
    await sess.run(g.asDefault(() => tf.globalVariablesInitializer()));
    const err = await g.asDefault(() => new Saver()).restore(sess, prefix).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(tf.errors.InvalidArgumentError);
    expect((err as Error).message).toBe(
      `${RESTORE_MISMATCH}Assign requires shapes of both tensors to match. lhs shape= [3] rhs shape= [2]`,
    );
    expect((err as tf.errors.OpError).op).toBe('save/Assign_1');
    expect(values(await sess.readVariable(out.a))).toEqual([7, 7]);
    expect(values(await sess.readVariable(out.b))).toEqual([7, 7, 7]);
    // reshape: the same element count in another shape is accepted.
    const c = g.asDefault(() => new tf.Variable([[0], [0]], { name: 'c' }));
    await new Saver({ Variable: c }, { reshape: true }).restore(sess, prefix);
    expect(values(await sess.readVariable(c))).toEqual([[1], [2]]);
    await sess.close();
  });

  it('reports dtype mismatches', async () => {
    const { g, sess, out } = inGraph(() => ({
      count: new tf.Variable(tf.constant(0, tf.float32), { name: 'count' }),
      v: new tf.Variable(tf.constant([0, 0], tf.float64), { name: 'Variable' }),
    }));
    const err = await g.asDefault(() => new Saver()).restore(sess, prefix).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(tf.errors.InvalidArgumentError);
    expect((err as Error).message).toBe(
      `${RESTORE_MISMATCH}tensor_name = Variable; expected dtype double does not equal original dtype float\n` +
        'tensor_name = count; expected dtype float does not equal original dtype int32',
    );
    expect(sess.isInitialized(out.count)).toBe(false);
    await sess.close();
  });

  it('needs an existing checkpoint prefix', async () => {
    const { sess, out: saver } = inGraph(() => new Saver([new tf.Variable(1)]));
    const bad = path.join(root, 'no-such-model.ckpt');
    await expect(saver.restore(sess, bad)).rejects.toThrow(
      new tf.errors.ValueError(`The passed save_path is not a valid checkpoint: ${bad}`),
    );
    await expect(saver.restore(sess, null)).rejects.toThrow("Can't load save_path when it is None.");
    await sess.close();
  });

  it('restores a subset or renamed keys, ignoring extra checkpoint keys', async () => {
    const { sess, out } = inGraph(() => ({
      renamed: new tf.Variable([0, 0], { name: 'new/name' }),
      fresh: new tf.Variable([5, 5, 5], { name: 'Variable_1' }),
    }));
    await new Saver({ Variable_1: out.renamed }).restore(sess, prefix);
    expect(values(await sess.readVariable(out.renamed))).toEqual([3, 4]);
    await new Saver(new Map([['Variable', out.renamed]])).restore(sess, prefix);
    expect(values(await sess.readVariable(out.renamed))).toEqual([1, 2]);
    expect(sess.isInitialized(out.fresh)).toBe(false);
    await sess.close();
  });
});

it('is exported as tf.train', () => {
  expect(tf.train.Saver).toBe(Saver);
  expect(tf.train.latestCheckpoint).toBe(latestCheckpoint);
  expect(tf.train.listVariables).toBe(listVariables);
  expect(tf.train.loadCheckpoint).toBe(loadCheckpoint);
  expect(tf.train.getCheckpointState).toBe(getCheckpointState);
});

describe('TensorFlow-written checkpoints', () => {
  it('reads fixtures through loadCheckpoint and listVariables', async () => {
    const reader = loadCheckpoint(`${FIXTURES}/onnx_regression/checkpoint`);
    expect(reader.getTensor('W').toArray()).toBeCloseTo(0.21396178, 7);
    expect(listVariables(`${FIXTURES}/serving_half_plus_two_mkl/variables/variables`)).toContainEqual([
      'conv2d/kernel',
      [1, 1, 1, 1],
    ]);
    const i64 = loadCheckpoint(`${FIXTURES}/tfjs_node_int64_multiply/variables/variables`);
    expect(i64.getTensor('v1/.ATTRIBUTES/VARIABLE_VALUE').dtype).toBe('int64');
    expect(i64.getTensor('v1/.ATTRIBUTES/VARIABLE_VALUE').toArray()).toBe(3);
  });

  it('restores the onnx_regression checkpoint into a tsflow linear model', async () => {
    const { sess, out } = inGraph(() => {
      const X = tf.placeholder(tf.float32, [], 'X');
      const W = new tf.Variable(tf.constant(0, tf.float32), { name: 'W' });
      const b = new tf.Variable(tf.constant(0, tf.float32), { name: 'b' });
      return { X, pred: tf.add(tf.multiply(X, W), b), saver: new Saver() };
    });
    const ckpt = latestCheckpoint(`${FIXTURES}/onnx_regression/checkpoint`);
    expect(ckpt).toBe(`${FIXTURES}/onnx_regression/checkpoint/model`);
    await out.saver.restore(sess, ckpt!);
    const pred = (await sess.run(out.pred, new Map([[out.X, 1]]))) as tf.NDArray;
    expect(pred.toArray()).toBeCloseTo(1.2634871, 6);
    await sess.close();
  });
});
