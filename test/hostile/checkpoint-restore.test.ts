/**
 * Restores from hostile checkpoints: a data file corrupt in its LAST tensor fails with
 * DataLossError naming the file and leaves every variable as it was (no half restore), through
 * Saver.restore and through the graph's save/restore_all; mutants of the data and index files
 * restore exactly or fail with a TF error naming the file; the `checkpoint` state file's mutants
 * parse, are ignored (TF: a parse error is logged and None returned), or are TF's ValueError.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import { BundleReader, dataFilename, metaFilename } from '../../src/checkpoint/index.js';
import { DataLossError, FailedPreconditionError, InvalidArgumentError, NotFoundError, ValueError } from '../../src/errors.js';
import { applyMutations, mutation, outcomeAsync, scratchDir } from './support.js';

const { dir, cleanup } = scratchDir('restore');
afterAll(cleanup);

const saved = { a: [1, 2, 3], b: [[4, 5], [6, 7]], c: Array.from({ length: 64 }, (_, i) => i / 8) };
const other = { a: [-1, -1, -1], b: [[-2, -2], [-2, -2]], c: Array.from({ length: 64 }, () => -3) };

async function model(): Promise<{ sess: tf.Session; saver: tf.train.Saver; vars: Record<string, tf.Variable>; g: tf.Graph }> {
  const g = new tf.Graph();
  const { vars, saver } = g.asDefault(() => {
    const vars = {
      a: new tf.Variable(tf.constant(other.a), { name: 'a' }),
      b: new tf.Variable(tf.constant(other.b), { name: 'b' }),
      c: new tf.Variable(tf.constant(other.c), { name: 'c' }),
    };
    return { vars, saver: new tf.train.Saver() };
  });
  const sess = new tf.Session({ graph: g });
  await sess.run(g.asDefault(() => tf.globalVariablesInitializer()));
  return { sess, saver, vars, g };
}

async function values(sess: tf.Session, vars: Record<string, tf.Variable>): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(vars)) out[k] = (await sess.run(v.value())).toArray();
  return out;
}

// one valid checkpoint written by tsflow holding `saved`
const prefix = join(dir, 'good', 'model.ckpt');
mkdirSync(join(dir, 'good'));
const ready = (async () => {
  const m = await model();
  for (const [k, v] of Object.entries(m.vars)) await m.sess.run(m.g.asDefault(() => tf.assign(v, tf.constant((saved as Record<string, unknown>)[k] as number[]))));
  await m.saver.save(m.sess, prefix);
  await m.sess.close();
})();

let n = 0;
function copyWith(index: Uint8Array, data: Uint8Array): string {
  const d = join(dir, `m${n++}`);
  mkdirSync(d);
  const p = join(d, 'model.ckpt');
  writeFileSync(metaFilename(p), index);
  writeFileSync(dataFilename(p, 0, 1), data);
  return p;
}

describe('all-or-nothing restore', () => {
  it('the last tensor of the data file corrupt: DataLossError naming the data file, no variable changed (Saver.restore and save/restore_all)', async () => {
    await ready;
    const index = new Uint8Array(readFileSync(metaFilename(prefix)));
    const data = new Uint8Array(readFileSync(dataFilename(prefix, 0, 1)));
    const r = BundleReader.openSync(prefix);
    const last = [...r.entries].sort((x, y) => x.offset - y.offset).at(-1)!;
    expect(last.offset + last.size).toBe(data.length);
    for (const how of ['flip', 'cut'] as const) {
      const d = new Uint8Array(data);
      if (how === 'flip') d[data.length - 3] ^= 0x10;
      const p = copyWith(index, how === 'cut' ? d.subarray(0, d.length - 4) : d);
      const file = dataFilename(p, 0, 1);
      const m = await model();
      const before = await values(m.sess, m.vars);
      expect(before).toEqual(other);
      const err = await m.saver.restore(m.sess, p).then(() => null, (e: unknown) => e);
      expect(err, how).toBeInstanceOf(DataLossError);
      expect((err as Error).message).toContain(file);
      expect(await values(m.sess, m.vars)).toEqual(other);
      // the graph's restore op, as TF runs it from a SaverDef
      const sd = m.saver.saverDef;
      const err2 = await m.sess.run(sd.restoreOpName, { [sd.filenameTensorName]: tf.NDArray.fromStrings([p], []) } as never).then(() => null, (e: unknown) => e);
      expect(err2, how).toBeInstanceOf(DataLossError);
      expect((err2 as Error).message).toContain(file);
      expect(await values(m.sess, m.vars)).toEqual(other);
      // and the intact checkpoint restores all of them
      await m.saver.restore(m.sess, prefix);
      expect(await values(m.sess, m.vars)).toEqual(saved);
      await m.sess.close();
    }
  });

  it('property: mutants of the index and data files restore exactly or fail with a TF error naming the checkpoint, variables untouched', async () => {
    await ready;
    const index = new Uint8Array(readFileSync(metaFilename(prefix)));
    const data = new Uint8Array(readFileSync(dataFilename(prefix, 0, 1)));
    const m = await model();
    let failed = 0;
    await fc.assert(
      fc.asyncProperty(fc.boolean(), mutation, async (inIndex, ms) => {
        const p = copyWith(inIndex ? applyMutations(index, ms) : index, inIndex ? data : applyMutations(data, ms));
        // reset to `other`
        for (const [k, v] of Object.entries(m.vars)) await m.sess.run(m.g.asDefault(() => tf.assign(v, tf.constant((other as Record<string, unknown>)[k] as number[]))));
        const got = await outcomeAsync(() => m.saver.restore(m.sess, p), [DataLossError, InvalidArgumentError, NotFoundError], p, `${inIndex ? 'index' : 'data'} ${JSON.stringify(ms)}`);
        const now = await values(m.sess, m.vars);
        if (got === null) {
          failed++;
          expect(now, JSON.stringify(ms)).toEqual(other);
        } else expect(now, JSON.stringify(ms)).toEqual(saved);
      }),
      { seed: 7101, numRuns: 80 },
    );
    expect(failed).toBeGreaterThan(30);
    await m.sess.close();
  });
});

describe('the checkpoint state file and odd files', () => {
  const text = 'model_checkpoint_path: "model.ckpt-2"\nall_model_checkpoint_paths: "model.ckpt-1"\nall_model_checkpoint_paths: "model.ckpt-2"\nall_model_checkpoint_timestamps: 1700000000.5\nall_model_checkpoint_timestamps: 1700000001.25\nlast_preserved_timestamp: 1699999999.0\n';
  it('mutants of the state file parse, are ignored (null), or are ValueError "Invalid checkpoint state loaded from"', () => {
    const d = join(dir, 'state');
    mkdirSync(d);
    let parsed = 0;
    let ignored = 0;
    fc.assert(
      fc.property(mutation, (ms) => {
        writeFileSync(join(d, 'checkpoint'), applyMutations(new TextEncoder().encode(text), ms));
        const t0 = Date.now();
        try {
          const s = tf.train.getCheckpointState(d);
          if (s === null) ignored++;
          else {
            parsed++;
            expect(typeof s.modelCheckpointPath).toBe('string');
          }
          expect(tf.train.latestCheckpoint(d)).toBeNull(); // no model.ckpt-* files exist
        } catch (e) {
          expect(e, `${(e as Error).message} for ${JSON.stringify(ms)}`).toBeInstanceOf(ValueError);
          expect((e as Error).message).toBe(`Invalid checkpoint state loaded from ${d}`);
        }
        expect(Date.now() - t0).toBeLessThan(1000);
      }),
      { seed: 7102, numRuns: 300 },
    );
    expect(parsed).toBeGreaterThan(0);
    expect(ignored).toBeGreaterThan(10);
  });

  it('a directory named checkpoint is no state; a directory, an empty file or garbage as the .index is a TF error naming it', async () => {
    await ready;
    const d = join(dir, 'odd');
    mkdirSync(join(d, 'checkpoint'), { recursive: true });
    expect(tf.train.getCheckpointState(d)).toBeNull();
    expect(tf.train.latestCheckpoint(d)).toBeNull();
    const data = new Uint8Array(readFileSync(dataFilename(prefix, 0, 1)));
    const m = await model();
    for (const kind of ['dir', 'empty', 'garbage', 'short'] as const) {
      const sub = join(d, kind);
      mkdirSync(sub);
      const p = join(sub, 'model.ckpt');
      if (kind === 'dir') mkdirSync(metaFilename(p));
      else writeFileSync(metaFilename(p), kind === 'empty' ? new Uint8Array(0) : kind === 'short' ? new Uint8Array(47) : new Uint8Array(100).fill(0xab));
      writeFileSync(dataFilename(p, 0, 1), data);
      const got = await outcomeAsync(() => m.saver.restore(m.sess, p), kind === 'dir' ? [FailedPreconditionError] : [DataLossError], metaFilename(p), kind);
      expect(got, kind).toBeNull();
      expect(await values(m.sess, m.vars)).toEqual(other);
    }
    await m.sess.close();
  });
});
