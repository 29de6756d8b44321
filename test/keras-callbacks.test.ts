/**
 * tf.keras.callbacks BaseLogger, CSVLogger, LambdaCallback, ProgbarLogger, ReduceLROnPlateau,
 * RemoteMonitor and TerminateOnNaN, against TF 1.15's rules worked by hand and Python's output
 * formats (csv with `\r\n`, float repr `1.0` / `1e-05`, json.dumps' `{"epoch": 0, ...}`).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';

const cb = tf.keras.callbacks;
const dir = mkdtempSync(join(tmpdir(), 'kcb-'));

function model(): tf.keras.Sequential {
  tf.keras.backend.clearSession();
  const m = new tf.keras.Sequential([new tf.keras.layers.Dense(1, { inputShape: [2], kernelInitializer: 'ones', biasInitializer: 'zeros' })]);
  m.compile({ optimizer: new tf.keras.optimizers.SGD(0.01), loss: 'mse' });
  return m;
}
const X = [[1, 2], [3, 4], [0, 1], [1, 0]];
const Y = [[0], [1], [1], [0]];

describe('ReduceLROnPlateau', () => {
  it('reduces after patience, waits the cooldown, never below minLr (TF rules by hand)', async () => {
    const opt = new tf.keras.optimizers.SGD(1.0);
    const fake = { stopTraining: false, optimizer: opt, getWeights: async () => [], setWeights: async () => {}, saveWeights: async () => null };
    const r = new cb.ReduceLROnPlateau({ factor: 0.5, patience: 2, cooldown: 1, minDelta: 0.01, minLr: 0.2 });
    r.setModel(fake);
    r.onTrainBegin();
    const losses = [1.0, 0.995, 0.993, 0.95, 0.949, 0.948, 0.947, 0.946, 0.945, 0.944];
    const seen: number[] = [];
    for (let e = 0; e < losses.length; e++) {
      const logs: Record<string, number> = { val_loss: losses[e]! };
      await r.onEpochEnd(e, logs);
      seen.push(logs.lr!);
    }
    expect(seen).toEqual([1, 1, 1, 0.5, 0.5, 0.5, 0.25, 0.25, 0.2, 0.2]);
    expect(await opt.getLearningRate()).toBe(0.2);
    expect(r.wait).toBe(2);
    expect(() => new cb.ReduceLROnPlateau({ factor: 1 })).toThrow('ReduceLROnPlateau does not support a factor >= 1.0.');
  });
  it('mode auto maximizes an accuracy; in fit it sets the optimizer variable and logs lr', async () => {
    const r = new cb.ReduceLROnPlateau({ monitor: 'val_acc', patience: 0 });
    r.onTrainBegin();
    expect(r.best).toBe(-Infinity);
    const m = model();
    const red = new cb.ReduceLROnPlateau({ monitor: 'loss', patience: 0, factor: 0.5, minDelta: 1e9 });
    const h = await m.fit(X, Y, { epochs: 3, verbose: 0, batchSize: 4, shuffle: false, callbacks: [red] });
    // epoch 0 improves on +inf; epochs 1 and 2 do not (min_delta 1e9): halved after each, logged before
    expect(h.history.lr).toEqual([0.009999999776482582, 0.009999999776482582, 0.004999999888241291]);
    expect(await (m.optimizer as tf.keras.optimizers.SGD).getLearningRate()).toBeCloseTo(0.0025, 9);
  });
});

describe('CSVLogger', () => {
  it("writes TF's format: header epoch,<sorted keys>, Python floats, \\r\\n; append adds rows only", () => {
    const f = join(dir, 'log.csv');
    const c = new cb.CSVLogger(f);
    c.onTrainBegin();
    c.onEpochEnd(0, { loss: 0.5, acc: 1, val_loss: 1e-5 });
    c.onEpochEnd(1, { loss: 0.25, acc: 0.75, val_loss: 2.5e-7 });
    c.onTrainEnd();
    expect(readFileSync(f, 'utf8')).toBe('epoch,acc,loss,val_loss\r\n0,1.0,0.5,1e-05\r\n1,0.75,0.25,2.5e-07\r\n');
    const a = new cb.CSVLogger(f, { separator: ';', append: true });
    a.onTrainBegin();
    a.onEpochEnd(2, { loss: 0.125, acc: 0.5, val_loss: 3 });
    a.onTrainEnd();
    expect(readFileSync(f, 'utf8')).toBe('epoch,acc,loss,val_loss\r\n0,1.0,0.5,1e-05\r\n1,0.75,0.25,2.5e-07\r\n2;0.5;0.125;3.0\r\n');
    const e = join(dir, 'empty.csv');
    writeFileSync(e, '');
    const b = new cb.CSVLogger(e, ',', true);
    b.onTrainBegin();
    b.onEpochEnd(0, { loss: 2 });
    b.onTrainEnd();
    expect(readFileSync(e, 'utf8')).toBe('epoch,loss\r\n0,2.0\r\n');
  });
  it('logs every epoch of fit', async () => {
    const f = join(dir, 'fit.csv');
    const m = model();
    const h = await m.fit(X, Y, { epochs: 2, verbose: 0, batchSize: 2, validationData: [X, Y], callbacks: [new cb.CSVLogger(f)] });
    const lines = readFileSync(f, 'utf8').split('\r\n');
    expect(lines[0]).toBe('epoch,loss,val_loss');
    expect(lines.length).toBe(4);
    expect(Number(lines[2]!.split(',')[1])).toBe(h.history.loss![1]);
  });
});

describe('TerminateOnNaN, LambdaCallback, BaseLogger', () => {
  it('TerminateOnNaN stops at the first batch with a NaN loss', async () => {
    const m = model();
    const batches: number[] = [];
    const lam = new cb.LambdaCallback({ onBatchEnd: (b) => void batches.push(b) });
    const h = await m.fit([[1, 2], [NaN, 1], [1, 1], [2, 2]], [[0], [1], [1], [0]], { epochs: 3, verbose: 0, batchSize: 1, shuffle: false, callbacks: [lam, new cb.TerminateOnNaN()] });
    expect(batches).toEqual([0, 1]);
    expect(h.epoch).toEqual([0]);
  });
  it('LambdaCallback calls each hook with fit\'s arguments', async () => {
    const m = model();
    const calls: string[] = [];
    const lam = new cb.LambdaCallback({
      onTrainBegin: () => void calls.push('tb'), onEpochBegin: (e) => void calls.push(`eb${e}`), onBatchBegin: (b) => void calls.push(`bb${b}`),
      onBatchEnd: (b, l) => void calls.push(`be${b}:${l.size}`), onEpochEnd: (e, l) => void calls.push(`ee${e}:${'loss' in l}`), onTrainEnd: () => void calls.push('te'),
    });
    await m.fit(X, Y, { epochs: 2, verbose: 0, batchSize: 3, shuffle: false, callbacks: [lam] });
    expect(calls).toEqual(['tb', 'eb0', 'bb0', 'be0:3', 'bb1', 'be1:1', 'ee0:true', 'eb1', 'bb0', 'be0:3', 'bb1', 'be1:1', 'ee1:true', 'te']);
  });
  it('BaseLogger averages batch values weighted by size; stateful metrics keep the last', () => {
    const b = new cb.BaseLogger(['acc']);
    b.setParams({ metrics: ['loss', 'acc'] });
    b.onEpochBegin();
    b.onBatchEnd(0, { batch: 0, size: 3, loss: 1, acc: 0.2 });
    b.onBatchEnd(1, { batch: 1, size: 1, loss: 5, acc: 0.9 });
    const logs: Record<string, number> = {};
    b.onEpochEnd(0, logs);
    expect(logs).toEqual({ loss: 2, acc: 0.9 });
  });
});

describe('ProgbarLogger', () => {
  it('prints a finished bar with the epoch means', async () => {
    const m = model();
    const out: string[] = [];
    const p = new cb.ProgbarLogger();
    p.write = (s) => void out.push(s);
    const h = await m.fit(X, Y, { epochs: 1, verbose: 0, batchSize: 2, shuffle: false, callbacks: [p] });
    expect(out.length).toBe(0); // verbose 0: nothing
    const p1 = new cb.ProgbarLogger('samples');
    p1.write = (s) => void out.push(s);
    p1.setParams({ verbose: 1, epochs: 1, samples: 4, metrics: ['loss'] });
    p1.onTrainBegin();
    p1.onEpochBegin(0);
    p1.progbar!.now = () => 0;
    p1.onBatchBegin();
    p1.onBatchEnd(0, { size: 2, loss: 1 });
    p1.onBatchBegin();
    p1.onBatchEnd(1, { size: 2, loss: 3 });
    p1.onEpochEnd(0, { loss: 2 });
    expect(out[out.length - 1]).toBe('4/4 [==============================] - 0s 0s/sample - loss: 2.0000\n');
    expect(out[0]).toBe('2/4 [==============>...............] - ETA: 0s - loss: 1.0000\n');
    expect(h.epoch).toEqual([0]);
    expect(() => new cb.ProgbarLogger('x')).toThrow('Unknown `count_mode`: x');
  });
});

describe('RemoteMonitor', () => {
  it('POSTs each epoch to a local server as a form field or as JSON', async () => {
    const got: { url: string; type: string; body: string }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        got.push({ url: req.url ?? '', type: String(req.headers['content-type']), body });
        res.end('ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const root = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const r = new cb.RemoteMonitor({ root });
      await r.onEpochEnd(0, { loss: 0.5, acc: 1 });
      const j = new cb.RemoteMonitor({ root, path: '/x', sendAsJson: true, headers: { 'X-Test': '1' } });
      await j.onEpochEnd(3, { loss: 0.25 });
    } finally {
      server.close();
    }
    expect(got[0]!.url).toBe('/publish/epoch/end/');
    expect(got[0]!.type).toBe('application/x-www-form-urlencoded');
    expect(new URLSearchParams(got[0]!.body).get('data')).toBe('{"epoch": 0, "loss": 0.5, "acc": 1.0}');
    expect(got[0]!.body).toBe('data=%7B%22epoch%22%3A+0%2C+%22loss%22%3A+0.5%2C+%22acc%22%3A+1.0%7D');
    expect(got[1]).toEqual({ url: '/x', type: 'application/json', body: '{"epoch": 3, "loss": 0.25}' });
  });
  it('an unreachable server is a warning', async () => {
    const warns: string[] = [];
    const orig = console.warn;
    console.warn = (s: string) => void warns.push(s);
    try {
      await new cb.RemoteMonitor({ root: 'http://127.0.0.1:1' }).onEpochEnd(0, { loss: 1 });
    } finally {
      console.warn = orig;
    }
    expect(warns).toEqual(['Warning: could not reach RemoteMonitor root server at http://127.0.0.1:1']);
  });
});
