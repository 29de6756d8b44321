/**
 * FileWriter's add_* methods take TF1's `global_step` keyword as a trailing `{globalStep}`
 * (`writer.add_summary(summary, global_step=step)` → `writer.addSummary(summary, {globalStep:
 * step})`), positionally, or as the scalar a `sess.run` of a step variable returns; an unknown
 * keyword or a non-integer step is a TypeError naming the method.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import * as tf from 'tsflow';

it('addSummary / addGraph / addSessionLog: the step from {globalStep}, a number or an NDArray', async () => {
  tf.resetDefaultGraph();
  const dir = mkdtempSync(join(tmpdir(), 'fw-step-'));
  const x = tf.placeholder(tf.float32, [], 'x');
  const s = tf.summary.scalar('x', x);
  const step = new tf.Variable(41, { dtype: tf.int64, name: 'step' });
  const sess = new tf.Session();
  await sess.run(step.initializer);
  const w = new tf.summary.FileWriter(dir);
  w.addGraph(sess.graph, { globalStep: 3 });
  w.addSummary((await sess.run(s, { 'x:0': 1.5 })) as tf.NDArray, { globalStep: 7 });
  w.addSummary((await sess.run(s, { 'x:0': 2.5 })) as tf.NDArray, 8);
  w.addSummary((await sess.run(s, { 'x:0': 3.5 })) as tf.NDArray, (await sess.run(step)) as tf.NDArray);
  w.addSummary((await sess.run(s, { 'x:0': 4.5 })) as tf.NDArray);
  w.addSessionLog({ status: 1 } as never, { globalStep: 9 });
  expect(() => w.addSummary(new Uint8Array(0), { step: 1 } as never)).toThrow("add_summary() got an unexpected keyword argument 'step'");
  expect(() => w.addSummary(new Uint8Array(0), 1.5)).toThrow('add_summary(): global_step must be an integer, got 1.5');
  w.close();
  const f = readdirSync(dir).find((n) => n.startsWith('events.out.tfevents.'))!;
  const ev = [...tf.train.summaryIterator(join(dir, f))];
  expect(ev.length).toBe(7);
  expect(Number(ev[1]!.step)).toBe(3);
  expect(ev[1]!.graphDef!.length).toBeGreaterThan(0);
  const sums = ev.filter((e) => e.summary);
  expect(sums.map((e) => [Number(e.step), e.summary!.value[0]!.simpleValue])).toEqual([[7, 1.5], [8, 2.5], [41, 3.5], [0, 4.5]]);
  expect(Number(ev[6]!.step)).toBe(9);
  expect(ev[6]!.sessionLog!.status).toBe(1);
  await sess.close();
  rmSync(dir, { recursive: true, force: true });
});

