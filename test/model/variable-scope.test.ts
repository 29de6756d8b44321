/**
 * `tf.variableScope` / `tf.getVariable` (tf1-reference.md §1.7): names from the variable scope,
 * op names from the name scope, reuse modes and TF1's error texts, scope defaults
 * (initializer, regularizer, dtype), `defaultName` uniquification, re-entering a scope object,
 * custom getters, collections.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import { inGraph, thrown } from '../support/errors.js';

describe('names', () => {
  it('nested variable scopes prefix getVariable names (foo/bar/v:0)', () => {
    inGraph(() => {
      const v = tf.variableScope('foo', () => tf.variableScope('bar', () => tf.getVariable('v', [1])));
      expect(v.name).toBe('foo/bar/v:0');
      expect(v.op.name).toBe('foo/bar/v');
      expect(v.initializer.name).toBe('foo/bar/v/Assign');
      expect(v.value().op.name).toBe('foo/bar/v/read');
    });
  });

  it('a name scope inside a variable scope names ops, not variables', () => {
    inGraph(() => {
      tf.variableScope('foo', () => {
        tf.nameScope('bar', () => {
          const v = tf.getVariable('v', [1]);
          const x = tf.add(1, v);
          expect(v.name).toBe('foo/v:0');
          expect(x.op.name).toBe('foo/bar/Add');
        });
        const y = tf.add(1, tf.getVariable('w', [1]));
        expect(y.op.name).toBe('foo/Add');
      });
    });
  });

  it('re-entering a scope by name with reuse opens name scope foo_1 but keeps variable names', () => {
    inGraph(() => {
      const v = tf.variableScope('foo', () => tf.getVariable('v', [1]));
      const [v1, op] = tf.variableScope('foo', { reuse: true }, () => [tf.getVariable('v', [1]), tf.identity(1)] as const);
      expect(v1).toBe(v);
      expect(op.op.name).toBe('foo_1/Identity');
      // tf.Variable takes the name scope
      const w = tf.variableScope('foo', { reuse: true }, () => new tf.Variable(1, { name: 'w' }));
      expect(w.name).toBe('foo_2/w:0');
    });
  });

  it('the scope object: name, originalNameScope, reuseVariables()', () => {
    inGraph(() => {
      tf.variableScope('foo', (scope) => {
        expect(scope.name).toBe('foo');
        expect(scope.originalNameScope).toBe('foo/');
        const v = tf.getVariable('v', [1]);
        scope.reuseVariables();
        expect(tf.getVariable('v', [1])).toBe(v);
        expect(tf.getVariableScope()).toBe(scope);
      });
      expect(tf.getVariableScope().name).toBe('');
      tf.variableScope('foo', { reuse: true }, (s) => expect(s.originalNameScope).toBe('foo_1/'));
    });
  });

  it('entering a captured scope object jumps to it, with its original name scope', () => {
    inGraph(() => {
      const foo = tf.variableScope('foo', (s) => s);
      tf.variableScope('bar', () => {
        tf.variableScope('baz', (other) => {
          expect(other.name).toBe('bar/baz');
          tf.variableScope(foo, (foo2) => {
            expect(foo2.name).toBe('foo');
            expect(foo2.originalNameScope).toBe('foo/');
            expect(tf.getVariable('v', [1]).name).toBe('foo/v:0');
            // ops get the current name scope plus the scope's last name component
            expect(tf.identity(1).op.name).toBe('bar/baz/foo/Identity');
          });
        });
      });
      // reuse given on entry applies to the copy, not to the captured scope
      tf.variableScope(foo, { reuse: true }, (s) => expect(s.reuse).toBe(true));
      expect(foo.reuse).toBe(false);
      // names of sub-scopes are not uniquified after re-entering a scope object
      tf.variableScope(foo, () => tf.variableScope(null, { defaultName: 'd' }, (s) => expect(s.name).toBe('foo/d')));
    });
  });

  it('defaultName is uniquified among sibling scopes, and reset when the parent scope closes', () => {
    inGraph(() => {
      const names = [0, 1, 2].map(() => tf.variableScope(null, 'MyOp', (s) => s.name));
      expect(names).toEqual(['MyOp', 'MyOp_1', 'MyOp_2']);
      const inner = () => tf.variableScope('outer', { reuse: tf.AUTO_REUSE }, () =>
        tf.variableScope(null, { defaultName: 'dense' }, (s) => [s.name, tf.getVariable('kernel', [2]), tf.identity(1).op.name] as const));
      const [n1, k1, op1] = inner();
      const [n2, k2, op2] = inner();
      expect(n1).toBe('outer/dense');
      expect(n2).toBe('outer/dense');
      expect(k2).toBe(k1);
      expect(op1).toBe('outer/dense/Identity');
      expect(op2).toBe('outer_1/dense/Identity');
    });
  });

  it('reuse is inherited by sub-scopes; reuse false does not switch it off', () => {
    inGraph(() => {
      tf.variableScope('a', () => tf.variableScope('b', () => tf.getVariable('v', [2])));
      tf.variableScope('a', { reuse: true }, () => {
        tf.variableScope('b', { reuse: false }, (s) => {
          expect(s.reuse).toBe(true);
          expect(tf.getVariable('v', [2]).name).toBe('a/b/v:0');
        });
      });
    });
  });

  it('auxiliaryNameScope false keeps the current name scope', () => {
    inGraph(() => {
      tf.nameScope('outer', () => {
        tf.variableScope('vs', { auxiliaryNameScope: false }, (s) => {
          expect(s.name).toBe('vs');
          expect(tf.identity(1).op.name).toBe('outer/Identity');
          expect(tf.getVariable('v', [1]).name).toBe('vs/v:0');
        });
      });
    });
  });

  it('getVariable under a name scope ignores it; a tf.Variable of the same name is uniquified', () => {
    inGraph(() => {
      tf.nameScope('ns', () => expect(tf.getVariable('v', [1]).name).toBe('v:0'));
      const x = new tf.Variable(1, { name: 'w' });
      const y = tf.getVariable('w', [1]);
      expect(x.name).toBe('w:0');
      expect(y.name).toBe('w_1:0');
    });
  });

  it('positional arguments in TF1 order, then an options object', () => {
    inGraph(() => {
      const v = tf.getVariable('v', [2, 3], tf.int32, tf.onesInitializer(), null, false);
      expect([v.dtype, v.shape, v.trainable]).toEqual(['int32', [2, 3], false]);
      const w = tf.variableScope(null, 'dflt', null, tf.zerosInitializer(), (s) => {
        expect(s.name).toBe('dflt');
        return tf.getVariable('w', [1]);
      });
      expect(w.name).toBe('dflt/w:0');
      expect(thrown(() => tf.getVariable('q', [1], { dtype: 'int32' }, 3 as never)).message).toMatch(/at most|multiple values|dtype/);
    });
  });
});

describe('reuse and errors (TF1 texts)', () => {
  it('creating twice without reuse is a ValueError naming the variable and where it was made', () => {
    inGraph(() => {
      tf.variableScope('x', () => tf.getVariable('w', [1]));
      const e = thrown(() => tf.variableScope('x', () => tf.getVariable('w', [1])));
      expect(e).toBeInstanceOf(tf.errors.ValueError);
      expect(e.message.split('\n')[0]).toBe(
        'Variable x/w already exists, disallowed. Did you mean to set reuse=True or reuse=tf.AUTO_REUSE in VarScope? Originally defined at:',
      );
      expect(e.message).toContain('variable-scope.test.ts');
    });
  });

  it('reuse of a missing variable is a ValueError', () => {
    inGraph(() => {
      const e = thrown(() => tf.variableScope('x', { reuse: true }, () => tf.getVariable('w', [1])));
      expect(e).toBeInstanceOf(tf.errors.ValueError);
      expect(e.message).toBe(
        'Variable x/w does not exist, or was not created with tf.get_variable(). Did you mean to set reuse=tf.AUTO_REUSE in VarScope?',
      );
      // a tf.Variable is not in the store either
      new tf.Variable(1, { name: 'y/w' });
      expect(thrown(() => tf.variableScope('y', { reuse: true }, () => tf.getVariable('w'))).message).toMatch(/^Variable y\/w does not exist/);
    });
  });

  it('AUTO_REUSE creates then returns', () => {
    inGraph(() => {
      const f = () => tf.variableScope('m', { reuse: tf.AUTO_REUSE }, () => tf.getVariable('w', [3]));
      const a = f();
      expect(f()).toBe(a);
      expect(tf.globalVariables()).toEqual([a]);
      expect(String(tf.AUTO_REUSE)).toBe('_ReuseMode.AUTO_REUSE');
    });
  });

  it('shape and dtype mismatches on reuse', () => {
    inGraph(() => {
      tf.variableScope('x', () => tf.getVariable('w', [2, 3]));
      expect(thrown(() => tf.variableScope('x', { reuse: true }, () => tf.getVariable('w', [3, 4]))).message).toBe(
        'Trying to share variable x/w, but specified shape (3, 4) and found shape (2, 3).',
      );
      expect(thrown(() => tf.variableScope('x', { reuse: true }, () => tf.getVariable('w', [2, 3], tf.int32))).message).toBe(
        'Trying to share variable x/w, but specified dtype int32 and found dtype float32.',
      );
      // no shape: compatible with any
      expect(tf.variableScope('x', { reuse: true }, () => tf.getVariable('w')).shape).toEqual([2, 3]);
      expect(tf.variableScope('x', { reuse: true }, () => tf.getVariable('w', [null, 3])).shape).toEqual([2, 3]);
    });
  });

  it('bad arguments', () => {
    inGraph(() => {
      expect(thrown(() => tf.variableScope(null, () => 1)).message).toBe('If default_name is None then name_or_scope is required');
      expect(thrown(() => tf.variableScope(null, { defaultName: 'd', reuse: true }, () => 1)).message).toBe(
        'reuse=True cannot be used without a name_or_scope',
      );
      expect(thrown(() => tf.variableScope(3 as never, () => 1)).message).toBe('VariableScope: name_or_scope must be a string or VariableScope.');
      expect(thrown(() => tf.variableScope('a', { reuse: 'yes' as never }, () => 1)).message).toBe(
        "Invalid variableScope option reuse: expected true, false, null or tf.AUTO_REUSE, got 'yes'",
      );
      expect(thrown(() => tf.getVariable('c', [2], { initializer: tf.constant([1, 2]) })).message).toBe(
        'If initializer is a constant, do not specify shape.',
      );
      expect(thrown(() => tf.getVariable('d', { initializer: [1, 2], dtype: tf.int32 })).message).toBe(
        "Initializer type '<dtype: 'float32'>' and explicit dtype '<dtype: 'int32'>' don't match.",
      );
      expect(thrown(() => tf.getVariable('e')).message).toMatch(/^The initializer passed is not valid\. It should be a callable with no arguments/);
      expect(thrown(() => tf.variableScope('async', async () => 1)).message).toMatch(/returned a Promise/);
    });
  });
});

describe('initial values and scope defaults', () => {
  it('default initializer: glorot uniform for floats, zeros for ints and bools', async () => {
    await inGraph(async () => {
      const w = tf.getVariable('w', [20, 30]);
      const i = tf.getVariable('i', [3], tf.int32);
      const b = tf.getVariable('b', [2], tf.bool);
      expect(w.initialValue.op.name).toMatch(/^w\/Initializer\//);
      await using sess = new tf.Session();
      await sess.run(tf.globalVariablesInitializer());
      const [wv, iv, bv] = await sess.run([w, i, b]);
      const limit = Math.sqrt(6 / 50);
      expect(Math.max(...Array.from(wv.data as Float32Array).map(Math.abs))).toBeLessThanOrEqual(limit);
      expect(Math.max(...Array.from(wv.data as Float32Array).map(Math.abs))).toBeGreaterThan(limit * 0.9);
      expect(iv.toArray()).toEqual([0, 0, 0]);
      expect(bv.toArray()).toEqual([false, false]);
    });
  });

  it('initializer from a value, a no-argument function, an uncalled factory; the scope initializer and dtype', async () => {
    await inGraph(async () => {
      const a = tf.getVariable('a', { initializer: tf.constant([[1, 2], [3, 4]]) });
      const b = tf.getVariable('b', { initializer: () => tf.fill([2], 7) });
      const c = tf.getVariable('c', [2], { initializer: tf.onesInitializer });
      const [d, e, f] = tf.variableScope('s', { initializer: tf.constantInitializer(5), dtype: tf.int32 }, () =>
        [tf.getVariable('d', [2]), tf.getVariable('e', [1], { initializer: tf.zerosInitializer() }),
          tf.variableScope('inner', () => tf.getVariable('f', [1], tf.float32))] as const);
      expect(a.shape).toEqual([2, 2]);
      expect(d.dtype).toBe('int32');
      await using sess = new tf.Session();
      await sess.run(tf.globalVariablesInitializer());
      const vals = (await sess.run([a, b, c, d, e, f])).map((x: tf.NDArray) => x.toArray());
      expect(vals).toEqual([[[1, 2], [3, 4]], [7, 7], [1, 1], [5, 5], [0], [5]]);
    });
  });

  it('regularizers add their loss to REGULARIZATION_LOSSES under <var>/Regularizer/', async () => {
    await inGraph(async () => {
      const reg = (v: tf.Variable) => tf.multiply(0.5, tf.reduceSum(tf.square(v)));
      const w = tf.variableScope('layer', { regularizer: reg }, () => tf.getVariable('w', { initializer: [1, 2, 3] }));
      const none = tf.getVariable('u', { initializer: [1], regularizer: () => null });
      const losses = tf.getCollection<tf.Tensor>(tf.GraphKeys.REGULARIZATION_LOSSES);
      expect(losses.length).toBe(1);
      expect(losses[0]!.op.name).toBe('layer/w/Regularizer/Mul');
      expect(none.name).toBe('u:0');
      await using sess = new tf.Session();
      await sess.run(tf.globalVariablesInitializer());
      expect((await sess.run(losses[0]!)).toArray()).toBeCloseTo(7, 5);
      expect(tf.GraphKeys.REGULARIZATION_LOSSES).toBe('regularization_losses');
      void w;
    });
  });

  it('getVariable ignores control dependencies, as TF1 creates variables in an init scope', () => {
    inGraph(() => {
      const dep = tf.noOp('dep');
      const v = tf.controlDependencies([dep], () => tf.getVariable('v', [1]));
      expect(v.initializer.controlInputs).toEqual([]);
    });
  });

  it('custom getters see the full name and can wrap the real getter; nested ones compose', () => {
    inGraph(() => {
      const seen: string[] = [];
      const outer: tf.CustomGetter = (getter, name, o) => {
        seen.push(`outer:${name}`);
        return getter(name, o);
      };
      const inner: tf.CustomGetter = (getter, name, o) => {
        seen.push(`inner:${name}`);
        return getter(name, { ...o, trainable: false });
      };
      const v = tf.variableScope('a', { customGetter: outer }, () => tf.variableScope('b', { customGetter: inner }, () => tf.getVariable('v', [1])));
      expect(seen).toEqual(['inner:a/b/v', 'outer:a/b/v']);
      expect(v.trainable).toBe(false);
      expect(tf.trainableVariables()).toEqual([]);
    });
  });

  it('collections: explicit collections replace GLOBAL_VARIABLES; getCollection filters by a name regex', () => {
    inGraph(() => {
      const l = tf.getVariable('count', [], { collections: [tf.GraphKeys.LOCAL_VARIABLES], trainable: false, initializer: tf.zerosInitializer() });
      const g1 = tf.variableScope('net', () => tf.getVariable('w', [1]));
      const g2 = tf.variableScope('net2', () => tf.getVariable('w', [1]));
      expect(tf.localVariables()).toEqual([l]);
      expect(tf.globalVariables()).toEqual([g1, g2]);
      expect(tf.getCollection(tf.GraphKeys.GLOBAL_VARIABLES, 'net')).toEqual([g1, g2]);
      expect(tf.getCollection(tf.GraphKeys.GLOBAL_VARIABLES, 'net/')).toEqual([g1]);
      expect(tf.getCollection(tf.GraphKeys.TRAINABLE_VARIABLES, 'ne.2')).toEqual([g2]);
      expect(tf.getCollection(tf.GraphKeys.TRAINABLE_VARIABLES, 'w')).toEqual([]);
      tf.variableScope('net', (s) => expect(s.globalVariables()).toEqual([g1]));
      tf.addToCollection('mine', 1);
      tf.getCollectionRef('mine').push(2);
      expect(tf.getCollection('mine')).toEqual([1, 2]);
      expect(tf.localVariablesInitializer().controlInputs).toEqual([l.initializer]);
      const v = new tf.Variable(0, { collections: [tf.GraphKeys.LOCAL_VARIABLES], trainable: false });
      expect(tf.localVariables()).toEqual([l, v]);
      expect(tf.globalVariables()).toEqual([g1, g2]);
    });
  });

  it('each graph has its own scopes and variables', () => {
    const g1 = new tf.Graph();
    const g2 = new tf.Graph();
    const a = g1.asDefault(() => tf.variableScope('s', () => tf.getVariable('v', [1])));
    const b = g2.asDefault(() => tf.variableScope('s', () => tf.getVariable('v', [1])));
    expect(a.graph).toBe(g1);
    expect(b.graph).toBe(g2);
    expect(b.name).toBe('s/v:0');
  });
});
