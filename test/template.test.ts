/**
 * tf.makeTemplate (variables created on the first call in a unique scope, shared by later
 * calls, TF1's error for tf.Variable on a later call, createScopeNow, uniqueName, keyword
 * arguments bound at creation) and tf.getLocalVariable.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray, Tensor } from 'tsflow';
import { thrown } from './support/errors.js';

const names = (vs: tf.Variable[]): string[] => vs.map((v) => v.op.name);

describe('makeTemplate', () => {
  it('shares the first call\'s variables with every later call; two templates of one name get scale and scale_1', async () => {
    const g = new tf.Graph();
    const out = g.asDefault(() => {
      const scaleBy = (x: Tensor, opts?: { init?: number }): Tensor => {
        const w = tf.getVariable('w', [], { initializer: tf.constantInitializer(opts?.init ?? 2) });
        return tf.multiply(x, w);
      };
      const t1 = tf.makeTemplate('scale', scaleBy);
      const t2 = tf.makeTemplate('scale', scaleBy, { init: 5 });
      const a = t1(tf.constant(3));
      const b = t1(tf.constant(4));
      const c = t2(tf.constant(1));
      return { t1, t2, a, b, c };
    });
    expect(names(g.getCollection(tf.GraphKeys.GLOBAL_VARIABLES))).toEqual(['scale/w', 'scale_1/w']);
    expect(names(out.t1.trainableVariables)).toEqual(['scale/w']);
    expect(out.t1.variableScopeName).toBe('scale/');
    expect(out.t2.variableScope!.name).toBe('scale_1');
    // later calls open new name scopes for their ops
    expect(out.a.op.name).toBe('scale/Mul');
    expect(out.b.op.name).toBe('scale_1/Mul');
    expect(out.c.op.name).toBe('scale_2/Mul');
    const sess = new tf.Session({ graph: g });
    await g.asDefault(() => sess.run(tf.globalVariablesInitializer()));
    const [a, b, c] = (await sess.run([out.a, out.b, out.c])) as NDArray[];
    expect([a!.toArray(), b!.toArray(), c!.toArray()]).toEqual([6, 8, 5]);
    // one variable for both calls: assigning it changes both
    await g.asDefault(() => sess.run(tf.assign(out.t1.globalVariables[0]!, 10)));
    expect(((await sess.run(out.b)) as NDArray).toArray()).toBe(40);
    await sess.close();
  });

  it('a tf.Variable created on a later call is TF1\'s ValueError; createScopeNow and uniqueName fix the scope', () => {
    new tf.Graph().asDefault(() => {
      const bad = tf.makeTemplate('bad', () => new tf.Variable(1, { name: 'v' }));
      bad();
      expect(thrown(() => bad()).message).toMatch(/^Trainable variable created when calling a template after the first time, perhaps you used tf\.Variable when you meant tf\.get_variable: \[<tf\.Variable 'bad_1\/v/);
      const now = tf.makeTemplate('now', () => tf.getVariable('k', [2]), true);
      expect(now.variableScope!.name).toBe('now');
      tf.variableScope('outer', () => {
        now();
        now();
      });
      expect(names(now.variables)).toEqual(['now/k']);
      const u = tf.makeTemplate('ignored', () => tf.getVariable('k', [1]), { uniqueName: 'fixed' });
      u();
      expect(names(u.globalVariables)).toEqual(['fixed/k']);
      expect(thrown(() => tf.makeTemplate('', () => 1)).message).toBe('name cannot be None.');
    });
  });
});

describe('getLocalVariable', () => {
  it('in LOCAL_VARIABLES (and the given collections), never trainable, named by the variable scope', async () => {
    const g = new tf.Graph();
    const v = g.asDefault(() => tf.variableScope('m', () => tf.getLocalVariable('count', [2], { initializer: tf.onesInitializer(), trainable: true, collections: ['mine'] })));
    expect(v.op.name).toBe('m/count');
    expect(v.trainable).toBe(false);
    g.asDefault(() => {
      expect(tf.localVariables()).toEqual([v]);
      expect(tf.globalVariables()).toEqual([]);
      expect(tf.trainableVariables()).toEqual([]);
      expect(tf.getCollection('mine')).toEqual([v]);
    });
    const sess = new tf.Session({ graph: g });
    await g.asDefault(() => sess.run(tf.localVariablesInitializer()));
    expect(((await sess.run(v)) as NDArray).toArray()).toEqual([1, 1]);
    await sess.close();
  });
});
