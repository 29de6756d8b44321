/** tf.gfile / tf.io.gfile on the local file system (TF's errors), and tf.compat.v1 as the tf namespace. */
import { afterAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from 'tsflow';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-gfile-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('tf.gfile', () => {
  it('makes directories, writes and reads files, lists, globs, copies, renames and deletes', () => {
    const d = path.join(root, 'a', 'b');
    expect(tf.gfile.Exists(d)).toBe(false);
    tf.gfile.MakeDirs(d);
    tf.gfile.MakeDirs(d); // an existing directory is fine
    expect(tf.gfile.IsDirectory(d)).toBe(true);
    const f = new tf.gfile.GFile(path.join(d, 'labels.txt'), 'w');
    f.write('cat\ndog\n');
    f.write('bird');
    f.close();
    const r = new tf.gfile.GFile(path.join(d, 'labels.txt'));
    expect(r.size()).toBe(12);
    expect(r.readline()).toBe('cat\n');
    expect([...r]).toEqual(['dog\n', 'bird']);
    r.seek(0);
    expect(r.read(3)).toBe('cat');
    expect(r.tell()).toBe(3);
    expect(() => r.write('x')).toThrow(new tf.errors.PermissionDeniedError("File isn't open for writing"));
    r.close();
    const a = new tf.io.gfile.GFile(path.join(d, 'labels.txt'), 'ab');
    a.write(Uint8Array.of(10, 102, 105, 115, 104));
    a.close();
    expect(new tf.gfile.GFile(path.join(d, 'labels.txt'), 'rb').read()).toEqual(new TextEncoder().encode('cat\ndog\nbird\nfish'));
    expect(new tf.gfile.Open(path.join(d, 'labels.txt')).readlines()).toEqual(['cat\n', 'dog\n', 'bird\n', 'fish']);

    tf.gfile.Copy(path.join(d, 'labels.txt'), path.join(d, 'copy.txt'));
    expect(() => tf.gfile.Copy(path.join(d, 'labels.txt'), path.join(d, 'copy.txt'))).toThrow(new tf.errors.AlreadyExistsError('file already exists'));
    tf.gfile.Copy(path.join(d, 'labels.txt'), path.join(d, 'copy.txt'), true);
    tf.io.gfile.rename(path.join(d, 'copy.txt'), path.join(d, 'moved.txt'));
    expect(() => tf.gfile.Rename(path.join(d, 'labels.txt'), path.join(d, 'moved.txt'))).toThrow(tf.errors.AlreadyExistsError);
    tf.gfile.MkDir(path.join(d, 'sub'));
    expect(tf.gfile.ListDirectory(d).sort()).toEqual(['labels.txt', 'moved.txt', 'sub']);
    expect(tf.io.gfile.listdir(d).sort()).toEqual(['labels.txt', 'moved.txt', 'sub']);
    expect(tf.gfile.Glob(path.join(d, '*.txt'))).toEqual([path.join(d, 'labels.txt'), path.join(d, 'moved.txt')]);
    expect(tf.io.gfile.glob(path.join(root, 'a', '*', 'm?ved.txt'))).toEqual([path.join(d, 'moved.txt')]);
    expect(tf.gfile.Stat(path.join(d, 'moved.txt')).length).toBe(17);
    expect(tf.gfile.Walk(path.join(root, 'a'))).toEqual([
      [path.join(root, 'a'), ['b'], []],
      [d, ['sub'], ['labels.txt', 'moved.txt']],
      [path.join(d, 'sub'), [], []],
    ]);

    tf.gfile.Remove(path.join(d, 'moved.txt'));
    expect(() => tf.gfile.Remove(path.join(d, 'moved.txt'))).toThrow(new tf.errors.NotFoundError(`${path.join(d, 'moved.txt')}; No such file or directory`));
    expect(() => tf.gfile.ListDirectory(path.join(root, 'nope'))).toThrow(new tf.errors.NotFoundError('Could not find directory'));
    expect(() => new tf.gfile.GFile(path.join(root, 'nope.txt')).read()).toThrow(tf.errors.NotFoundError);
    tf.gfile.DeleteRecursively(path.join(root, 'a'));
    expect(tf.io.gfile.exists(path.join(root, 'a'))).toBe(false);
    expect(tf.io.gfile.isdir(path.join(root, 'a'))).toBe(false);
  });

  it('checkpoints written with a Saver are visible to gfile', async () => {
    const g = new tf.Graph();
    const dir = path.join(root, 'ckpt');
    tf.io.gfile.makedirs(dir);
    await g.asDefault(async () => {
      const v = new tf.Variable(3, { name: 'v' });
      const saver = new tf.train.Saver();
      const sess = new tf.Session({ graph: g });
      await sess.run(v.initializer);
      await saver.save(sess, path.join(dir, 'model.ckpt'));
      await sess.close();
    });
    expect(tf.gfile.Glob(path.join(dir, 'model.ckpt*')).map((p) => path.basename(p))).toEqual(['model.ckpt.data-00000-of-00001', 'model.ckpt.index', 'model.ckpt.meta']);
  });
});

describe('tf.compat', () => {
  it('tf.compat.v1 is the tf namespace: a TF 1.15 program runs through it', async () => {
    const v1 = tf.compat.v1;
    expect(v1).toBe(tf);
    expect(v1.compat.v1).toBe(tf);
    const g = new v1.Graph();
    const y = g.asDefault(() => {
      const x = v1.placeholder(v1.float32, [null, 2], 'x');
      return v1.reduceSum(v1.layers.dense(x, 1, { kernelInitializer: v1.onesInitializer(), useBias: false }));
    });
    const sess = new v1.Session({ graph: g });
    await sess.run(g.asDefault(() => v1.globalVariablesInitializer()));
    const out = (await sess.run(y, new Map([[g.getTensorByName('x:0'), new tf.NDArray(Float32Array.of(1, 2, 3, 4), [2, 2], 'float32')]]))) as tf.NDArray;
    expect(out.data[0]).toBe(10);
    await sess.close();
  });

  it('asBytes / asText', () => {
    expect(tf.compat.asBytes('hé')).toEqual(Uint8Array.of(104, 195, 169));
    expect(tf.compat.asText(Uint8Array.of(104, 195, 169))).toBe('hé');
    expect(tf.compat.asStr('x')).toBe('x');
    expect(() => tf.compat.asBytes(3 as never)).toThrow(new TypeError('Expected binary or unicode string, got 3'));
  });
});
