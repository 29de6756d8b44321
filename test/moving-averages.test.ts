/**
 * tf.train.ExponentialMovingAverage and tf.train.assignMovingAverage (TF's
 * moving_averages.py) on every device: the shadows' values over several steps against a float64
 * re-implementation of TF's updates (decay as a float32 tensor, `shadow -= (shadow - value) ·
 * (1 - decay)`, `min(decay, (1 + n) / (10 + n))` with numUpdates, the zero-debiased
 * `biased / (1 - decay^t)` for tensors), TF's names and collections, restoring averages into
 * the model's variables through variablesToRestore, and the batch-norm pattern under tf.cond.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray } from 'tsflow';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';

const devices = await resolvedDevices();
registerSkipSummary();

const f32 = Math.fround;
/** TF's decay tensor: a float32 constant, then `1 - decay` in float32, cast to the variable's dtype. */
const oneMinus = (decay: number): number => f32(1 - f32(decay));
/** The decay with numUpdates = n, in float32 as TF's graph computes it. */
const decayWith = (decay: number, n: number): number => Math.min(f32(decay), f32(f32(1 + n) / f32(10 + n)));

/** The values a variable is assigned before each update, per element of a [3] variable. */
const VALUES = [
  [1.5, -2, 0.25],
  [3, 1, -1],
  [-0.5, 4, 2],
  [2, 2, 2],
  [0, -3, 5],
];
const INIT = [1, 2, 3];

function close(got: ArrayLike<number>, want: number[], tol: number, what: string): void {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    expect(Math.abs(got[i]! - want[i]!), `${what}[${i}]: got ${got[i]}, want ${want[i]}`).toBeLessThanOrEqual(tol * (1 + Math.abs(want[i]!)));
  }
}

const tmp = mkdtempSync(path.join(tmpdir(), 'tsflow-ema-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

for (const dev of devices) {
  const dtypes = dev.caps.float64 ? (['float32', 'float64'] as const) : (['float32'] as const);
  describe(`ExponentialMovingAverage (${dev.name})`, () => {
    for (const dtype of dtypes) {
      const tol = dtype === 'float64' ? 1e-12 : 2e-6 * dev.caps.tolScale;
      it(`variables and tensors over ${VALUES.length} steps, with and without numUpdates and zeroDebias (${dtype})`, async (ctx) => {
        if (dev.skipReason) skipTest(ctx, dev.skipReason);
        const g = new tf.Graph();
        const b = g.asDefault(() => {
          const v = new tf.Variable(tf.constant(INIT, dtype), { name: 'v' });
          const x = tf.placeholder(dtype, [3], 'x');
          const t = tf.multiply(x, 2, 'twice'); // a tensor: its shadow starts at zero
          const step = new tf.Variable(0, { name: 'step', trainable: false });
          const plain = new tf.train.ExponentialMovingAverage(0.9);
          const counted = new tf.train.ExponentialMovingAverage(0.99, step, { name: 'counted' });
          const debiased = new tf.train.ExponentialMovingAverage(0.8, { zeroDebias: true, name: 'debiased' });
          const ops = [plain.apply([v, t]), counted.apply([v, t]), debiased.apply([v, t])];
          const update = tf.group(...ops);
          const after = tf.controlDependencies([update], () => tf.assignAdd(step, 1));
          return { v, x, t, after, shadows: [plain, counted, debiased].flatMap((e) => [e.average(v)!, e.average(t)!]), setV: tf.assign(v, x) };
        });
        const sess = new tf.Session({ graph: g, ...dev.options });
        await sess.run(tf.variablesInitializer(g.getCollection(tf.GraphKeys.GLOBAL_VARIABLES)));
        // float64 re-implementation: [plain v, plain t, counted v, counted t, debiased v, debiased t(biased, unbiased)]
        const sh = [[...INIT], [0, 0, 0], [...INIT], [0, 0, 0], [...INIT], [0, 0, 0]];
        const biased = [0, 0, 0];
        const got0 = (await sess.run(b.shadows)) as NDArray[];
        sh.forEach((want, k) => close(got0[k]!.data, want, tol, `initial shadow ${k}`));
        for (let s = 0; s < VALUES.length; s++) {
          const val = VALUES[s]!;
          await sess.run(b.setV, [[b.x, val]]);
          await sess.run(b.after, [[b.x, val]]);
          const tval = val.map((q) => 2 * q);
          const upd = (arr: number[], src: number[], om: number): void => {
            for (let i = 0; i < 3; i++) arr[i] = arr[i]! - (arr[i]! - src[i]!) * om;
          };
          const om = oneMinus(0.9);
          const omN = f32(1 - decayWith(0.99, s));
          const om8 = oneMinus(0.8);
          upd(sh[0]!, val, om);
          upd(sh[1]!, tval, om);
          upd(sh[2]!, val, omN);
          upd(sh[3]!, tval, omN);
          upd(sh[4]!, val, om8); // a variable's shadow is never zero-debiased
          upd(biased, tval, om8);
          const factor = 1 - Math.pow(dtype === 'float32' ? f32(1 - om8) : 1 - om8, s + 1);
          for (let i = 0; i < 3; i++) sh[5]![i] = biased[i]! / factor;
          const got = (await sess.run(b.shadows)) as NDArray[];
          sh.forEach((want, k) => close(got[k]!.data, want, tol, `step ${s + 1}, shadow ${k}`));
        }
        await sess.close();
      });
    }

    it('tf.train.assignMovingAverage: zero-debiased by default, plain with zeroDebias false', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const b = g.asDefault(() => {
        const avg = new tf.Variable([0, 0], { name: 'avg', trainable: false });
        const plainAvg = new tf.Variable([0, 0], { name: 'plain', trainable: false });
        const x = tf.placeholder('float32', [2], 'x');
        const upd = tf.train.assignMovingAverage(avg, x, 0.5);
        const updPlain = tf.train.assignMovingAverage(plainAvg, x, 0.5, false);
        return { avg, plainAvg, x, upd, updPlain };
      });
      expect(b.upd.op.name).toBe('AssignMovingAvg');
      expect(b.updPlain.op.name).toBe('AssignMovingAvg_1');
      expect(g.getCollection<tf.Variable>(tf.GraphKeys.GLOBAL_VARIABLES).map((v) => v.op.name)).toEqual(['avg', 'plain', 'avg/biased', 'avg/local_step']);
      const sess = new tf.Session({ graph: g, ...dev.options });
      await sess.run(tf.variablesInitializer(g.getCollection(tf.GraphKeys.GLOBAL_VARIABLES)));
      let biased = [0, 0];
      let plain = [0, 0];
      const xs = [[4, -2], [2, 6], [-1, 1]];
      for (let s = 0; s < xs.length; s++) {
        const [a, p] = (await sess.run([b.upd, b.updPlain], [[b.x, xs[s]!]])) as NDArray[];
        biased = biased.map((q, i) => q - (q - xs[s]![i]!) * 0.5);
        plain = plain.map((q, i) => q - (q - xs[s]![i]!) * 0.5);
        close(a!.data, biased.map((q) => q / (1 - 0.5 ** (s + 1))), 2e-6 * dev.caps.tolScale, `debiased step ${s + 1}`);
        close(p!.data, plain, 2e-6 * dev.caps.tolScale, `plain step ${s + 1}`);
      }
      await sess.close();
    });

    it('restores the averages into the model\'s variables with variablesToRestore', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const prefix = path.join(tmp, `${dev.name}-model.ckpt`);
      // training graph: w moves to its targets, the average follows
      const g = new tf.Graph();
      const train = g.asDefault(() => {
        const w = tf.getVariable('w', { initializer: tf.constant([1, 1]) });
        const b = tf.variableScope('layer', () => tf.getVariable('b', { initializer: tf.constant(5) }));
        const gs = tf.train.getOrCreateGlobalStep();
        const target = tf.placeholder('float32', [2], 'target');
        const ema = new tf.train.ExponentialMovingAverage(0.75, gs);
        const maintain = ema.apply();
        const step = tf.group(tf.assign(w, target), tf.assignAdd(gs, 1));
        return { w, b, target, maintain, step, ema, saver: new tf.train.Saver() };
      });
      expect(train.ema.averageName(train.w)).toBe('w/ExponentialMovingAverage');
      expect(train.ema.average(train.b)!.op.name).toBe('layer/b/ExponentialMovingAverage');
      const sess = new tf.Session({ graph: g, ...dev.options });
      await sess.run(g.asDefault(() => tf.globalVariablesInitializer()));
      let avg = [1, 1];
      for (let s = 0; s < 4; s++) {
        const tgt = [s + 2, -s];
        await sess.run(train.step, [[train.target, tgt]]);
        await sess.run(train.maintain);
        const om = f32(1 - decayWith(0.75, s + 1));
        avg = avg.map((q, i) => q - (q - tgt[i]!) * om);
      }
      await train.saver.save(sess, prefix);
      await sess.close();
      expect(tf.train.listVariables(prefix).map(([n]) => n).sort()).toEqual(
        ['global_step', 'layer/b', 'layer/b/ExponentialMovingAverage', 'w', 'w/ExponentialMovingAverage']);

      // evaluation graph: the same model, no shadows; the Saver reads the averages into w and b
      const ge = new tf.Graph();
      const ev = ge.asDefault(() => {
        const w = tf.getVariable('w', { initializer: tf.constant([0, 0]) });
        const b = tf.variableScope('layer', () => tf.getVariable('b', { initializer: tf.constant(0) }));
        const gs = tf.train.getOrCreateGlobalStep();
        const ema = new tf.train.ExponentialMovingAverage(0.75);
        const map = ema.variablesToRestore();
        return { w, b, gs, map, saver: new tf.train.Saver(map) };
      });
      expect(Object.fromEntries(Object.entries(ev.map).map(([k, v]) => [k, v.op.name]))).toEqual({
        'w/ExponentialMovingAverage': 'w',
        'layer/b/ExponentialMovingAverage': 'layer/b',
        global_step: 'global_step',
      });
      const es = new tf.Session({ graph: ge, ...dev.options });
      await ev.saver.restore(es, prefix);
      const [w, b, gs] = (await es.run([ev.w, ev.b, ev.gs])) as NDArray[];
      close(w!.data, avg, 2e-6 * dev.caps.tolScale, 'restored w');
      close(b!.data, [5], 1e-7, 'restored b'); // a constant's average is itself
      expect(Number(gs!.data[0])).toBe(4);
      await es.close();
    });

    it('batch normalization\'s pattern: apply and average under tf.cond', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, dev.skipReason);
      const g = new tf.Graph();
      const b = g.asDefault(() => {
        const x = tf.placeholder('float32', [4, 2], 'x');
        const phaseTrain = tf.placeholder('bool', [], 'phase_train');
        const [batchMean, batchVar] = tf.nn.moments(x, [0], { name: 'moments' });
        const ema = new tf.train.ExponentialMovingAverage(0.5);
        const meanVarWithUpdate = (): tf.Tensor[] => {
          const emaApplyOp = ema.apply([batchMean!, batchVar!]);
          return tf.controlDependencies([emaApplyOp], () => [tf.identity(batchMean!), tf.identity(batchVar!)]);
        };
        const [mean, variance] = tf.cond(phaseTrain, meanVarWithUpdate, () => [ema.average(batchMean!)!, ema.average(batchVar!)!]) as tf.Tensor[];
        return { x, phaseTrain, mean: mean!, variance: variance!, ema, batchMean: batchMean!, batchVar: batchVar! };
      });
      const shadowMean = b.ema.average(b.batchMean)!;
      expect(shadowMean.op.name).toBe(`${b.batchMean.op.name}/ExponentialMovingAverage`);
      expect(shadowMean.trainable).toBe(false);
      expect(g.getCollection(tf.GraphKeys.MOVING_AVERAGE_VARIABLES)).toEqual([]);
      const sess = new tf.Session({ graph: g, ...dev.options });
      await sess.run(g.asDefault(() => tf.globalVariablesInitializer()));
      const batches = [
        [1, 2, 3, 4, 5, 6, 7, 8],
        [0, 0, 2, 2, 4, 4, 6, 6],
      ];
      let sm = [0, 0];
      let sv = [0, 0];
      for (const xb of batches) {
        const mean = [0, 1].map((c) => (xb[c]! + xb[c + 2]! + xb[c + 4]! + xb[c + 6]!) / 4);
        const vr = [0, 1].map((c) => [0, 2, 4, 6].reduce((acc, r) => acc + (xb[r + c]! - mean[c]!) ** 2, 0) / 4);
        const [m, v] = (await sess.run([b.mean, b.variance], [[b.x, new tf.NDArray(Float32Array.from(xb), [4, 2])], [b.phaseTrain, true]])) as NDArray[];
        close(m!.data, mean, 1e-6 * dev.caps.tolScale, 'training mean');
        close(v!.data, vr, 1e-6 * dev.caps.tolScale, 'training variance');
        sm = sm.map((q, i) => q - (q - mean[i]!) * 0.5);
        sv = sv.map((q, i) => q - (q - vr[i]!) * 0.5);
      }
      // inference: the averages, and no update
      for (let k = 0; k < 2; k++) {
        const [m, v] = (await sess.run([b.mean, b.variance], [[b.x, new tf.NDArray(Float32Array.from(batches[0]!), [4, 2])], [b.phaseTrain, false]])) as NDArray[];
        close(m!.data, sm, 1e-6 * dev.caps.tolScale, 'inference mean');
        close(v!.data, sv, 1e-6 * dev.caps.tolScale, 'inference variance');
      }
      await sess.close();
    });
  });
}

describe('ExponentialMovingAverage: names, collections and errors as TF', () => {
  it('shadow and op names, collections, a second average, averageName before apply', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const v = tf.variableScope('scope', () => new tf.Variable([1, 2], { name: 'v' }));
      const ema = new tf.train.ExponentialMovingAverage(0.9);
      expect(ema.name).toBe('ExponentialMovingAverage');
      expect(ema.averageName(v)).toBe('scope/v/ExponentialMovingAverage');
      expect(ema.average(v)).toBeNull();
      const op = ema.apply([v]);
      expect(op.name).toBe('ExponentialMovingAverage');
      expect(op.type).toBe('NoOp');
      const avg = ema.average(v)!;
      expect(avg.name).toBe('scope/v/ExponentialMovingAverage:0');
      expect(avg.trainable).toBe(false);
      expect(g.getOperationByName('ExponentialMovingAverage/AssignMovingAvg')!.type).toBe('AssignSub');
      expect(g.getOperationByName('ExponentialMovingAverage/decay')!.type).toBe('Const');
      expect(tf.globalVariables().map((x) => x.op.name)).toEqual(['scope/v', 'scope/v/ExponentialMovingAverage']);
      expect(tf.trainableVariables().map((x) => x.op.name)).toEqual(['scope/v']);
      expect(tf.movingAverageVariables()).toEqual([v]);
      // a second EMA of the same variable and name: the slot scope is uniquified
      const again = new tf.train.ExponentialMovingAverage(0.5);
      again.apply([v]);
      expect(again.average(v)!.op.name).toBe('scope/v/ExponentialMovingAverage_1');
      expect(g.getOperationByName('ExponentialMovingAverage_1')!.type).toBe('NoOp');
      // numUpdates: the decay is min(decay, (1 + n) / (10 + n))
      const n = new tf.Variable(0, { name: 'n', trainable: false });
      const w = new tf.Variable(1.5, { name: 'w' });
      new tf.train.ExponentialMovingAverage(0.999, n, { name: 'avg' }).apply([w]);
      expect(g.getOperationByName('avg/num_updates')!.type).toBe('Cast');
      expect(g.getOperationByName('avg/Minimum')!.type).toBe('Minimum');
      // zero debias of a tensor: <shadow>/biased and <shadow>/local_step
      const t = tf.add(w, 1, 'plus_one');
      new tf.train.ExponentialMovingAverage(0.9, { zeroDebias: true, name: 'zd' }).apply([t]);
      expect(tf.globalVariables().map((x) => x.op.name).slice(-3)).toEqual(['plus_one/zd', 'plus_one/zd/biased', 'plus_one/zd/local_step']);
      expect(g.getOperationByName('zd/AssignMovingAvg')!.type).toBe('Assign');
    });
  });

  it('errors: apply twice, integer variables', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const v = new tf.Variable([1, 2], { name: 'v' });
      const ema = new tf.train.ExponentialMovingAverage(0.9);
      ema.apply([v]);
      expect(() => ema.apply([v])).toThrow(tf.errors.ValueError);
      expect(() => ema.apply([v])).toThrow('Moving average already computed for: v:0');
      const i = new tf.Variable(tf.constant(3, 'int32'), { name: 'i' });
      expect(() => ema.apply([i])).toThrow(TypeError);
      expect(() => ema.apply([i])).toThrow('The variables must be half, float, or double: i:0');
      expect(() => new (tf.train.ExponentialMovingAverage as unknown as new () => unknown)()).toThrow("ExponentialMovingAverage() missing 1 required positional argument: 'decay'");
    });
  });
});
