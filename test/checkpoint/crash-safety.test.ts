/**
 * A save killed at any point leaves `latestCheckpoint` naming a complete, restorable
 * checkpoint; a failed save leaves everything as it was; the next save removes what killed
 * saves left behind. Faults are injected at every step of a save (each step frozen for good, as
 * a killed process leaves it, and each step failing with an I/O error), and child processes
 * that save in a loop are SIGKILLed at random moments.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import { setSaveStepHook } from '../../src/checkpoint/io.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-crash-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
afterEach(() => void setSaveStepHook(null));
let dirNo = 0;
function freshDir(): string {
  const d = path.join(root, `d${dirNo++}`);
  fs.mkdirSync(d);
  return d;
}

/** A model whose every value is the generation number last set with `set(g)`. */
function model(): { sess: tf.Session; saver: tf.train.Saver; set(g: number): Promise<void> } {
  const graph = new tf.Graph();
  const built = graph.asDefault(() => {
    const w = new tf.Variable(tf.zeros([64]), { name: 'w' });
    const b = new tf.Variable(tf.zeros([2], tf.int32), { name: 'b' });
    const gen = tf.placeholder(tf.float32, []);
    const op = tf.group(tf.assign(w, tf.add(tf.zeros([64]), gen)), tf.assign(b, tf.cast(tf.add(tf.zeros([2]), gen), tf.int32)));
    return { op, gen, saver: new tf.train.Saver(), init: tf.globalVariablesInitializer() };
  });
  const sess = new tf.Session({ graph });
  sess.runSync(built.init);
  return {
    sess,
    saver: built.saver,
    set: async (g) => void (await sess.run(built.op, [[built.gen, new tf.NDArray(Float32Array.of(g), [])]])),
  };
}

/** The generation the latest checkpoint in `dir` holds, read and verified synchronously (all crcs). */
function latestGeneration(dir: string): { prefix: string; gen: number } {
  const prefix = tf.train.latestCheckpoint(dir);
  expect(prefix, `latestCheckpoint(${dir})`).not.toBeNull();
  const reader = tf.train.loadCheckpoint(prefix!);
  const w = [...reader.getTensor('w').data];
  const b = [...reader.getTensor('b').data];
  const gen = w[0]!;
  expect(w.every((v) => v === gen) && b.every((v) => v === gen), `one generation in ${prefix}`).toBe(true);
  return { prefix: prefix!, gen };
}

const TEMP = /\.tempstate\d+|^checkpoint\.tmp[0-9a-f]{32}$/;
const leftovers = (dir: string): string[] => fs.readdirSync(dir).filter((n) => TEMP.test(n));

type Scenario = { name: string; path: (dir: string) => string; step?: (g: number) => number };
const scenarios: Scenario[] = [
  { name: 're-save under the prefix the state file names', path: (d) => `${d}/model.ckpt` },
  { name: 'save under a new prefix (globalStep)', path: (d) => `${d}/model.ckpt`, step: (g) => g },
];

/** Record the steps of a save of generation 2 over one of generation 1. */
async function stepsOf(s: Scenario): Promise<string[]> {
  const dir = freshDir();
  const m = model();
  await m.set(1);
  await m.saver.save(m.sess, s.path(dir), { globalStep: s.step?.(1) });
  const steps: string[] = [];
  setSaveStepHook((name) => void steps.push(name));
  await m.set(2);
  await m.saver.save(m.sess, s.path(dir), { globalStep: s.step?.(2) });
  setSaveStepHook(null);
  return steps;
}

describe.each(scenarios)('fault injection at every step: $name', (s) => {
  it('steps cover staging, backup, redirect, renames and the state file', async () => {
    const steps = await stepsOf(s);
    expect(steps).toContain('bundle:data-written');
    expect(steps).toContain('bundle:index-renamed');
    expect(steps).toContain('state:temp-written');
    if (s.step === undefined) expect(steps).toContain('save:state-redirected');
  });

  it('a save frozen for good at any step leaves latestCheckpoint complete (old or new)', async () => {
    const steps = await stepsOf(s);
    for (let k = 0; k < steps.length; k++) {
      const dir = freshDir();
      const m = model();
      await m.set(1);
      await m.saver.save(m.sess, s.path(dir), { globalStep: s.step?.(1) });
      await m.set(2);
      let seen = 0;
      let reached!: () => void;
      const frozen = new Promise<void>((r) => (reached = r));
      setSaveStepHook(() => {
        if (seen++ !== k) return;
        reached();
        return new Promise<void>(() => undefined); // never resumes, like a killed process
      });
      void m.saver.save(m.sess, s.path(dir), { globalStep: s.step?.(2) });
      await frozen;
      setSaveStepHook(null);
      const { gen } = latestGeneration(dir);
      expect([1, 2], `frozen at step ${k} (${steps[k]})`).toContain(gen);
      // A later save (another saver, as after a restart) succeeds and becomes the latest.
      const again = model();
      await again.set(3);
      await again.saver.save(again.sess, s.path(dir), { globalStep: s.step?.(3) });
      expect(latestGeneration(dir).gen, `save after a freeze at step ${k} (${steps[k]})`).toBe(3);
    }
  });

  it('a save failing at any step rejects with a TF error and changes nothing', async () => {
    const steps = await stepsOf(s);
    for (let k = 0; k < steps.length; k++) {
      const dir = freshDir();
      const m = model();
      await m.set(1);
      const first = await m.saver.save(m.sess, s.path(dir), { globalStep: s.step?.(1) });
      const before = new Map(fs.readdirSync(dir).map((n) => [n, fs.readFileSync(path.join(dir, n))]));
      await m.set(2);
      let seen = 0;
      setSaveStepHook(() => {
        if (seen++ === k) throw Object.assign(new Error(`injected failure at ${steps[k]}`), { code: 'EIO' });
      });
      const err = await m.saver.save(m.sess, s.path(dir), { globalStep: s.step?.(2) }).then(
        () => null,
        (e: unknown) => e,
      );
      setSaveStepHook(null);
      const at = `failure at step ${k} (${steps[k]})`;
      expect(err, at).not.toBeNull();
      // Failures inside file operations come back as TF's class for EIO, naming the file.
      if (/^(bundle|state):/.test(steps[k]!)) {
        expect(err, at).toBeInstanceOf(tf.errors.UnknownError);
        expect((err as Error).message, at).toMatch(/^\/.*; injected failure at /);
      } else {
        expect((err as Error).message, at).toMatch(/injected failure at /);
      }
      expect(latestGeneration(dir), at).toEqual({ prefix: first, gen: 1 });
      const after = new Map(fs.readdirSync(dir).map((n) => [n, fs.readFileSync(path.join(dir, n))]));
      expect([...after.keys()].sort(), at).toEqual([...before.keys()].sort());
      for (const [n, bytes] of before) expect(after.get(n)!.equals(bytes), `${at}: ${n}`).toBe(true);
    }
  });
});

describe('save errors as TF reports them', () => {
  async function failing(code: string, at: string): Promise<{ dir: string; err: Error; before: string | null }> {
    const dir = freshDir();
    const m = model();
    await m.set(1);
    await m.saver.save(m.sess, `${dir}/model.ckpt`);
    await m.set(2);
    const before = fs.readFileSync(`${dir}/checkpoint`, 'utf8');
    let states = 0;
    setSaveStepHook((name) => {
      // the state file is written twice in a re-save: redirected, then final
      if (name === at && (at !== 'state:temp-written' || ++states === 2)) {
        throw Object.assign(new Error(`${code}: simulated, write`), { code });
      }
    });
    const err = await m.saver.save(m.sess, `${dir}/model.ckpt`).then(
      () => {
        throw new Error('save should have failed');
      },
      (e: Error) => e,
    );
    setSaveStepHook(null);
    return { dir, err, before };
  }

  it('ENOSPC on the state file: ResourceExhaustedError naming it; the old checkpoint stays listed and whole', async () => {
    const { dir, err, before } = await failing('ENOSPC', 'state:temp-written');
    expect(err).toBeInstanceOf(tf.errors.ResourceExhaustedError);
    expect(err.message).toMatch(new RegExp(`^${dir}/checkpoint\\.tmp[0-9a-f]{32}; Simulated$`));
    expect(fs.readFileSync(`${dir}/checkpoint`, 'utf8')).toBe(before);
    expect(latestGeneration(dir).gen).toBe(1);
    expect(leftovers(dir)).toEqual([]);
  });

  it('ENOSPC on the state file of a new prefix: the new checkpoint is removed, not left unlisted', async () => {
    const dir = freshDir();
    const m = model();
    await m.set(1);
    await m.saver.save(m.sess, `${dir}/model.ckpt`, { globalStep: 1 });
    await m.set(2);
    setSaveStepHook((name) => {
      if (name === 'state:temp-written') throw Object.assign(new Error('ENOSPC: simulated'), { code: 'ENOSPC' });
    });
    await expect(m.saver.save(m.sess, `${dir}/model.ckpt`, { globalStep: 2 })).rejects.toThrow(tf.errors.ResourceExhaustedError);
    setSaveStepHook(null);
    expect(fs.readdirSync(dir).sort()).toEqual(['checkpoint', 'model.ckpt-1.data-00000-of-00001', 'model.ckpt-1.index', 'model.ckpt-1.meta']);
    expect(latestGeneration(dir).gen).toBe(1);
  });

  it('EROFS and EACCES are PermissionDeniedError, ENOSPC on the data ResourceExhaustedError, each naming the file', async () => {
    for (const [code, Ctor] of [
      ['EROFS', tf.errors.PermissionDeniedError],
      ['EACCES', tf.errors.PermissionDeniedError],
      ['ENOSPC', tf.errors.ResourceExhaustedError],
    ] as const) {
      const { dir, err } = await failing(code, 'bundle:data-written');
      expect(err, code).toBeInstanceOf(Ctor);
      expect(err.message).toMatch(new RegExp(`^${dir}/model\\.ckpt\\.data-00000-of-00001\\.tempstate\\d+; Simulated$`));
      expect(latestGeneration(dir).gen).toBe(1);
      expect(leftovers(dir)).toEqual([]);
    }
  });

  it('real file system errors map as TF maps errno', async () => {
    const { ioError } = await import('../../src/checkpoint/io.js');
    const grab = (f: () => void): unknown => {
      try {
        f();
      } catch (e) {
        return e;
      }
      throw new Error('no error');
    };
    const mapped = (e: unknown, p: string): [string, string] => {
      const m = ioError(e, p);
      return [m.constructor.name, m.message];
    };
    const dir = freshDir();
    expect(mapped(grab(() => fs.writeFileSync('/dev/full', 'x')), '/dev/full')).toEqual([
      'ResourceExhaustedError',
      '/dev/full; No space left on device',
    ]);
    expect(mapped(grab(() => fs.openSync(path.join(dir, 'nope', 'x'), 'r')), 'p')).toEqual([
      'NotFoundError',
      'p; No such file or directory',
    ]);
    expect(mapped(grab(() => fs.writeFileSync(dir, 'x')), dir)).toEqual([
      'FailedPreconditionError',
      `${dir}; Is a directory`,
    ]);
    expect(mapped(grab(() => fs.mkdirSync(dir)), dir)).toEqual(['AlreadyExistsError', `${dir}; File already exists`]);
  });
});

describe('stale temporary files', () => {
  it('the next save removes temp files killed saves of the same path left, and keeps other files', async () => {
    const dir = freshDir();
    const m = model();
    await m.set(1);
    await m.saver.save(m.sess, `${dir}/model.ckpt`);
    const stale = [
      'model.ckpt.data-00000-of-00001.tempstate123',
      'model.ckpt.index.tempstate9',
      'model.ckpt.tempstate77.index',
      'model.ckpt.tempstate77.data-00000-of-00001',
      'model.ckpt-500.index.tempstate4',
      `checkpoint.tmp${'ab'.repeat(16)}`,
    ];
    const unrelated = ['other.ckpt.index.tempstate5', 'model.ckptx.index.tempstate5', 'notes.txt'];
    for (const n of [...stale, ...unrelated]) fs.writeFileSync(path.join(dir, n), 'x'.repeat(1000));
    await m.set(2);
    await m.saver.save(m.sess, `${dir}/model.ckpt`);
    expect(fs.readdirSync(dir).sort()).toEqual(
      ['checkpoint', 'model.ckpt.data-00000-of-00001', 'model.ckpt.index', 'model.ckpt.meta', ...unrelated].sort(),
    );
  });

  it('a backup checkpoint the state file still names is kept until a new state file replaces it', async () => {
    const dir = freshDir();
    const m = model();
    await m.set(1);
    await m.saver.save(m.sess, `${dir}/model.ckpt`);
    // As a save killed right after redirecting the state file leaves it.
    const backup = `${dir}/model.ckpt.tempstate42`;
    fs.linkSync(`${dir}/model.ckpt.index`, `${backup}.index`);
    fs.linkSync(`${dir}/model.ckpt.data-00000-of-00001`, `${backup}.data-00000-of-00001`);
    fs.writeFileSync(`${dir}/checkpoint`, `model_checkpoint_path: "${backup}"\nall_model_checkpoint_paths: "${backup}"\n`);
    expect(latestGeneration(dir)).toEqual({ prefix: backup, gen: 1 });
    const stages: string[][] = [];
    setSaveStepHook((name) => {
      if (name === 'bundle:data-written') stages.push(leftovers(dir));
    });
    await m.set(2);
    await m.saver.save(m.sess, `${dir}/model.ckpt`);
    setSaveStepHook(null);
    // the backup survived the cleanup at the start of the save (the state file named it) …
    expect(stages[0]).toEqual(expect.arrayContaining(['model.ckpt.tempstate42.index', 'model.ckpt.tempstate42.data-00000-of-00001']));
    expect(latestGeneration(dir)).toEqual({ prefix: `${dir}/model.ckpt`, gen: 2 });
    // … and the next save removes it, now that no state file names it.
    await m.saver.save(m.sess, `${dir}/model.ckpt`);
    expect(leftovers(dir)).toEqual([]);
  });
});

const CHILD = fileURLToPath(new URL('./save-child.ts', import.meta.url));
const REPO = fileURLToPath(new URL('../..', import.meta.url));

/** Run the saving child; kill it `killAfterMs` after its first save (never, when undefined). */
function runChild(dir: string, first: number, opts: { killAfterMs?: number; maxSaves?: number }): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const args = ['--import', 'tsx', CHILD, dir, String(first)];
    if (opts.maxSaves !== undefined) args.push(String(opts.maxSaves));
    const child = spawn(process.execPath, args, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    const saved: number[] = [];
    let out = '';
    let err = '';
    let timer: NodeJS.Timeout | undefined;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const lines = out.split('\n');
      out = lines.pop()!;
      for (const l of lines) saved.push(Number(l.replace('saved ', '')));
      if (saved.length > 0 && timer === undefined && opts.killAfterMs !== undefined) {
        timer = setTimeout(() => child.kill('SIGKILL'), opts.killAfterMs);
      }
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (opts.killAfterMs !== undefined ? signal === 'SIGKILL' : code === 0) resolve(saved);
      else reject(new Error(`child exited with ${code ?? signal}: ${err}`));
    });
  });
}

describe('SIGKILL at random moments of a save loop', () => {
  it('latestCheckpoint always names a complete checkpoint of the last or the next generation; stale files do not pile up', async () => {
    const dir = freshDir();
    const delays = fc.sample(fc.integer({ min: 0, max: 60 }), { numRuns: 6, seed: 20261202 });
    let next = 1;
    let kills = 0;
    for (const delay of delays) {
      const saved = await runChild(dir, next, { killAfterMs: delay });
      kills++;
      const last = saved[saved.length - 1]!;
      const { gen } = latestGeneration(dir);
      expect([last, last + 1], `after kill ${kills} (${delay} ms, last saved ${last})`).toContain(gen);
      // Only the killed save's own temporary files are left (each save first removes older
      // ones): at most its data and index, their backups, the backup prefix's two files and
      // the state file's temporary.
      expect(leftovers(dir).length, leftovers(dir).join(' ')).toBeLessThanOrEqual(7);
      next = Math.max(last, gen) + 1;
    }
    const saved = await runChild(dir, next, { maxSaves: 1 });
    expect(saved).toEqual([next]);
    expect(latestGeneration(dir).gen).toBe(next);
    expect(leftovers(dir)).toEqual([]);
  }, 120_000);
});
