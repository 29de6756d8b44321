/**
 * Graph building (tf1-reference.md §1): TF1 naming and uniquification, name scopes, lookups by
 * name with TF's error texts, control dependencies, collections, variables' ops, the default
 * graph. No session is needed.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { Tensor } from 'tsflow';
import { inGraph, thrown } from './support/errors.js';

/** Build in a fresh graph. */

const c = (name?: string): Tensor => tf.constant(1, 'float32', undefined, name);

describe('op names (§1.2, §1.3)', () => {
  it('default names are uniquified with _1, _2, …', () => {
    inGraph(() => {
      expect([tf.placeholder('float32'), tf.placeholder('float32'), tf.placeholder('float32')].map((t) => t.op.name)).toEqual([
        'Placeholder', 'Placeholder_1', 'Placeholder_2',
      ]);
      expect([c(), c()].map((t) => t.op.name)).toEqual(['Const', 'Const_1']);
      expect(tf.placeholder('float32').name).toBe('Placeholder_3:0');
    });
  });

  it('uniquification is case-insensitive and keeps the requested capitalisation', () => {
    inGraph(() => {
      const a = c('a');
      expect(tf.add(a, a, 'add').op.name).toBe('add');
      expect(tf.add(a, a).op.name).toBe('Add_1');
      expect(tf.add(a, a, 'ADD').op.name).toBe('ADD_2');
    });
  });

  it('an explicit c_1 makes the next automatic c skip to c_2; c_1 again gives c_1_1', () => {
    inGraph(() => {
      expect(c('c').op.name).toBe('c');
      expect(c('c_1').op.name).toBe('c_1');
      expect(c('c').op.name).toBe('c_2');
      expect(c('c_1').op.name).toBe('c_1_1');
      expect(c('c').op.name).toBe('c_3');
    });
  });

  it('the TF1 default names of the builders', () => {
    inGraph(() => {
      const a = tf.placeholder('float32', [2, 2]);
      const names: [Tensor | tf.Operation, string][] = [
        [tf.constant(1), 'Const'],
        [tf.matmul(a, a), 'MatMul'],
        [tf.add(a, a), 'Add'],
        [tf.subtract(a, a), 'Sub'],
        [tf.multiply(a, a), 'Mul'],
        [tf.divide(a, a), 'truediv'],
        [tf.reduceSum(a), 'Sum'],
        [tf.reduceMean(a), 'Mean'],
        [tf.argmax(a, 0), 'ArgMax'],
        [tf.equal(a, a), 'Equal'],
        [tf.cast(a, 'int32'), 'Cast'],
        [tf.reshape(a, [4]), 'Reshape'],
        [tf.transpose(a), 'transpose'],
        [tf.nn.softmax(a), 'Softmax'],
        [tf.nn.relu(a), 'Relu'],
        [tf.sigmoid(a), 'Sigmoid'],
        [tf.tanh(a), 'Tanh'],
        [tf.identity(a), 'Identity'],
        [tf.noOp(), 'NoOp'],
        [tf.group(tf.noOp()), 'group_deps'],
        [tf.zeros([2]), 'zeros'],
        [tf.ones([2]), 'ones'],
        [tf.randomNormal([2]), 'random_normal'],
        [tf.truncatedNormal([2]), 'truncated_normal'],
      ];
      for (const [x, want] of names) expect(x instanceof tf.Operation ? x.name : x.op.name).toBe(want);
      if ('concat' in tf) {
        const concat = (tf as unknown as { concat: (xs: Tensor[], axis: number) => Tensor }).concat;
        expect(concat([a, a], 0).op.name).toBe('concat');
      }
      // dropout builds its ops under a dropout/ scope.
      const d = tf.nn.dropout(a, 0.5);
      expect(d.op.name).toMatch(/^dropout(\/|$)/);
      expect(d.op.inputs.map((t) => t.op.name).every((n) => n.startsWith('dropout/'))).toBe(true);
      const d2 = tf.nn.dropout(a, 0.5);
      expect(d2.op.name).toMatch(/^dropout_1(\/|$)/);
    });
  });

  it('tensors and operations expose TF1 fields', () => {
    inGraph((g) => {
      const x = tf.placeholder('float32', [null, 4]);
      expect(x.name).toBe('Placeholder:0');
      expect(x.dtype).toBe('float32');
      expect(x.shape).toEqual([null, 4]);
      expect(x.graph).toBe(g);
      expect(x.op.type).toBe('Placeholder');
      expect(x.op.outputs).toEqual([x]);
      expect(String(x)).toBe('Tensor("Placeholder:0", shape=(?, 4), dtype=float32)');
      const y = tf.add(x, tf.constant([1, 2, 3, 4]));
      expect(y.op.type).toBe('Add');
      expect(y.op.inputs[0]).toBe(x);
      expect(y.shape).toEqual([null, 4]);
      expect(tf.placeholder('int32').shape).toBeNull();
      const [loss] = [tf.nn.softmaxCrossEntropyWithLogits({ labels: tf.zeros([2, 3]), logits: tf.zeros([2, 3]) })];
      expect(loss!.op.outputs.map((t) => t.name)).toEqual([`${loss!.op.name}:0`, `${loss!.op.name}:1`]);
    });
  });

  it('tf.device canonicalises the spec onto the ops created inside', () => {
    inGraph(() => {
      const a = tf.device('/gpu:0', () => c());
      const b = tf.device('/device:GPU:0', () => c());
      const d = tf.device('/cpu:0', () => tf.device('/gpu:0', () => c()));
      expect(a.op.device).toBe('/device:GPU:0');
      expect(b.op.device).toBe('/device:GPU:0');
      expect(d.op.device).toBe('/device:GPU:0');
      expect(tf.device('/cpu:0', () => c()).op.device).toBe('/device:CPU:0');
      expect(c().op.device).toBe('');
    });
  });
});

describe('name scopes (§1.2)', () => {
  it('nest, and reuse of a scope name gives inner_1/', () => {
    inGraph(() => {
      tf.nameScope('nested', (s) => {
        expect(s).toBe('nested/');
        tf.nameScope('inner', (s2) => {
          expect(s2).toBe('nested/inner/');
          expect(c('c').op.name).toBe('nested/inner/c');
        });
        tf.nameScope('inner', (s2) => {
          expect(s2).toBe('nested/inner_1/');
          expect(c('c').op.name).toBe('nested/inner_1/c');
        });
      });
      tf.nameScope('nested', (s) => expect(s).toBe('nested_1/'));
    });
  });

  it('a name ending in / re-enters that absolute scope without uniquifying', () => {
    inGraph(() => {
      const scope = tf.nameScope('a', (s) => {
        expect(c('c').op.name).toBe('a/c');
        return s;
      });
      expect(scope).toBe('a/');
      tf.nameScope('other', () => {
        tf.nameScope(scope, (s) => {
          expect(s).toBe('a/');
          expect(c('c').op.name).toBe('a/c_1');
          expect(c('d').op.name).toBe('a/d');
        });
      });
    });
  });

  it('null or "" resets to the root scope', () => {
    inGraph(() => {
      tf.nameScope('outer', () => {
        tf.nameScope(null, (s) => {
          expect(s).toBe('');
          expect(c('x').op.name).toBe('x');
        });
        tf.nameScope('', () => expect(c('y').op.name).toBe('y'));
      });
    });
  });

  it('scopes and op names share one counter space', () => {
    inGraph(() => {
      const v = new tf.Variable(1);
      expect(v.op.name).toBe('Variable');
      tf.nameScope('Variable', (s) => expect(s).toBe('Variable_1/'));
      const w = new tf.Variable(2);
      expect(w.op.name).toBe('Variable_2');
      c('foo');
      tf.nameScope('foo', (s) => expect(s).toBe('foo_1/'));
    });
  });

  it('invalid scope names are ValueErrors', () => {
    inGraph(() => {
      expect(thrown(() => tf.nameScope('_bad', () => 0))).toBeInstanceOf(tf.errors.ValueError);
      expect(thrown(() => tf.nameScope('bad name', () => 0))).toBeInstanceOf(tf.errors.ValueError);
      // Nested scopes may start with an underscore.
      tf.nameScope('ok', () => tf.nameScope('_fine', (s) => expect(s).toBe('ok/_fine/')));
    });
  });

  it('the scope is restored after the callback throws', () => {
    inGraph(() => {
      expect(() => tf.nameScope('boom', () => {
        throw new Error('x');
      })).toThrow('x');
      expect(c('after').op.name).toBe('after');
    });
  });
});

describe('lookups by name (§1.1)', () => {
  it('getTensorByName / getOperationByName find elements', () => {
    inGraph((g) => {
      const x = c('x');
      expect(g.getTensorByName('x:0')).toBe(x);
      expect(g.getOperationByName('x')).toBe(x.op);
    });
  });

  it('each TF error text', () => {
    inGraph((g) => {
      c('x');
      const e1 = thrown(() => g.getTensorByName('y:0'));
      expect(e1.name).toBe('KeyError');
      expect(e1.message).toBe("The name 'y:0' refers to a Tensor which does not exist. The operation, 'y', does not exist in the graph.");
      const e2 = thrown(() => g.getTensorByName('x:5'));
      expect(e2.name).toBe('KeyError');
      expect(e2.message).toBe("The name 'x:5' refers to a Tensor which does not exist. The operation, 'x', exists but only has 1 outputs.");
      const e3 = thrown(() => g.getTensorByName('x'));
      expect(e3).toBeInstanceOf(tf.errors.ValueError);
      expect(e3.message).toBe(
        `The name 'x' refers to an Operation, not a Tensor. Tensor names must be of the form "<op_name>:<output_index>".`,
      );
      const e4 = thrown(() => g.getTensorByName('nothing'));
      expect(e4).toBeInstanceOf(tf.errors.ValueError);
      expect(e4.message).toBe(
        `The name 'nothing' looks like an (invalid) Operation name, not a Tensor. Tensor names must be of the form "<op_name>:<output_index>".`,
      );
      const e5 = thrown(() => g.getOperationByName('x:0'));
      expect(e5).toBeInstanceOf(tf.errors.ValueError);
      expect(e5.message).toBe("Name 'x:0' appears to refer to a Tensor, not a Operation.");
      const e6 = thrown(() => g.getOperationByName('nothing'));
      expect(e6.name).toBe('KeyError');
      expect(e6.message).toBe("The name 'nothing' refers to an Operation not in the graph.");
    });
  });

  it('elements of another graph and wrong types', () => {
    const other = inGraph(() => tf.placeholder('float32', [null, 4]));
    inGraph((g) => {
      const e = thrown(() => g.asGraphElement(other, true, true));
      expect(e).toBeInstanceOf(tf.errors.ValueError);
      expect(e.message).toBe('Tensor Tensor("Placeholder:0", shape=(?, 4), dtype=float32) is not an element of this graph.');
      const eo = thrown(() => g.asGraphElement(other.op, true, true));
      expect(eo).toBeInstanceOf(tf.errors.ValueError);
      expect(eo.message.split('\n')[0]).toBe('Operation name: "Placeholder"');
      expect(eo.message).toMatch(/ is not an element of this graph\.$/);
      const et = thrown(() => g.asGraphElement(3, true, true));
      expect(et).toBeInstanceOf(TypeError);
      expect(et.message).toBe('Can not convert a number into a Tensor or Operation.');
    });
  });

  it('an op cannot take inputs from another graph', () => {
    const other = inGraph(() => c());
    inGraph(() => expect(() => tf.add(other, 1)).toThrow(tf.errors.ValueError));
  });
});

describe('control dependencies (§1.10)', () => {
  it('ops created inside get control inputs; reading an existing tensor adds nothing', () => {
    inGraph(() => {
      const a = c('a');
      const b = c('b');
      const before = tf.identity(a);
      const [x, y] = tf.controlDependencies([a, b.op], () => [tf.identity(a), tf.add(b, 1)]);
      expect(x!.op.controlInputs).toEqual([b.op]); // a is already a data input
      expect(y!.op.controlInputs).toEqual([a.op]);
      expect(before.op.controlInputs).toEqual([]);
      expect(tf.identity(a).op.controlInputs).toEqual([]);
    });
  });

  it('frames nest and accumulate; null clears them', () => {
    inGraph(() => {
      const a = c('a');
      const b = c('b');
      tf.controlDependencies([a], () => {
        tf.controlDependencies([b], () => {
          expect(c().op.controlInputs.map((o) => o.name)).toEqual(['a', 'b']);
          tf.controlDependencies(null, () => expect(c().op.controlInputs).toEqual([]));
        });
        expect(c().op.controlInputs.map((o) => o.name)).toEqual(['a']);
      });
    });
  });

  it('a Variable as a dependency means its op; tf.group is a NoOp with control inputs', () => {
    inGraph(() => {
      const v = new tf.Variable(1);
      const inc = v.assignAdd(1);
      const grp = tf.group(inc, v.initializer);
      expect(grp.type).toBe('NoOp');
      expect(grp.controlInputs).toEqual([inc.op, v.initializer]);
      const after = tf.controlDependencies([v], () => c());
      expect(after.op.controlInputs).toEqual([v.op]);
    });
  });

  it('variables are created outside any control-dependency frame', () => {
    inGraph(() => {
      const a = c('a');
      const v = tf.controlDependencies([a], () => new tf.Variable(1));
      expect(v.initializer.controlInputs).toEqual([]);
      expect(v.op.controlInputs).toEqual([]);
    });
  });
});

describe('collections (§1.8)', () => {
  it('add / get, scope filtering, refs', () => {
    inGraph((g) => {
      g.addToCollection('things', 1);
      g.addToCollection('things', 2);
      expect(g.getCollection('things')).toEqual([1, 2]);
      expect(g.getCollection('missing')).toEqual([]);
      const copy = g.getCollection<number>('things');
      copy.push(3);
      expect(g.getCollection('things')).toEqual([1, 2]);
      const ref = g.getCollectionRef<number>('things');
      ref.push(3);
      expect(g.getCollection('things')).toEqual([1, 2, 3]);
      const a = tf.nameScope('layer1', () => c('w'));
      const b = tf.nameScope('layer2', () => c('w'));
      g.addToCollection('losses', a);
      g.addToCollection('losses', b);
      expect(g.getCollection('losses', 'layer1')).toEqual([a]);
    });
  });

  it('variables join GLOBAL_VARIABLES, and TRAINABLE_VARIABLES unless trainable is false', () => {
    inGraph((g) => {
      const v = new tf.Variable(1);
      const w = new tf.Variable(2, { trainable: false });
      const x = new tf.Variable(3, { name: 'x' });
      expect(tf.globalVariables()).toEqual([v, w, x]);
      expect(tf.trainableVariables()).toEqual([v, x]);
      expect(g.getCollection(tf.GraphKeys.GLOBAL_VARIABLES)).toEqual([v, w, x]);
      expect(tf.GraphKeys.GLOBAL_VARIABLES).toBe('variables');
      expect(tf.GraphKeys.TRAINABLE_VARIABLES).toBe('trainable_variables');
    });
  });
});

describe('variables (§1.5, §1.9)', () => {
  it('a Variable creates Variable, Variable/initial_value, Variable/Assign and Variable/read', () => {
    inGraph((g) => {
      const v = new tf.Variable([[1, 2, 3], [4, 5, 6]]);
      expect(v.name).toBe('Variable:0');
      expect(v.op.name).toBe('Variable');
      expect(v.op.type).toBe('VariableV2');
      expect(v.dtype).toBe('float32');
      expect(v.shape).toEqual([2, 3]);
      expect(v.initializer.name).toBe('Variable/Assign');
      expect(v.initializer.type).toBe('Assign');
      expect(v.value().name).toBe('Variable/read:0');
      expect(g.getOperationByName('Variable/initial_value').type).toBe('Const');
      expect(g.getOperationByName('Variable/read').type).toBe('Identity');
      const names = g.getOperations().map((o) => o.name);
      expect(names).toEqual(['Variable/initial_value', 'Variable', 'Variable/Assign', 'Variable/read']);
    });
  });

  it('names: Variable_1, an explicit name, inside a scope, integer dtype', () => {
    inGraph(() => {
      new tf.Variable(0);
      const v1 = new tf.Variable(0);
      expect(v1.op.name).toBe('Variable_1');
      expect(v1.value().name).toBe('Variable_1/read:0');
      const w = new tf.Variable(0, { name: 'weights' });
      expect(w.name).toBe('weights:0');
      expect(w.initializer.name).toBe('weights/Assign');
      const s = tf.nameScope('layer1', () => new tf.Variable(0, { name: 'weights' }));
      expect(s.op.name).toBe('layer1/weights');
      expect(s.value().name).toBe('layer1/weights/read:0');
      const i = new tf.Variable(tf.constant([1, 2], 'int32'));
      expect(i.dtype).toBe('int32');
      expect(String(w)).toBe("<tf.Variable 'weights:0' shape=() dtype=float32>");
    });
  });

  it('initializers: globalVariablesInitializer is init, capturing the variables that exist then', () => {
    inGraph(() => {
      const v = new tf.Variable(1);
      const init = tf.globalVariablesInitializer();
      expect(init.name).toBe('init');
      expect(init.type).toBe('NoOp');
      expect(init.controlInputs).toEqual([v.initializer]);
      new tf.Variable(2);
      expect(tf.globalVariablesInitializer().name).toBe('init_1');
      expect(tf.globalVariablesInitializer().controlInputs).toHaveLength(2);
      expect(tf.variablesInitializer([]).type).toBe('NoOp');
    });
  });

  it('errors: missing initial value, partial shape, assign shape mismatch at build time', () => {
    inGraph(() => {
      expect(thrown(() => new tf.Variable(null as never)).message).toBe('initial_value must be specified.');
      const p = tf.placeholder('float32', [null]);
      expect(thrown(() => new tf.Variable(p)).message).toMatch(/^initial_value must have a shape specified: /);
      const v = new tf.Variable(tf.zeros([2, 3]));
      const e = thrown(() => v.assign(tf.zeros([3, 2])));
      expect(e).toBeInstanceOf(tf.errors.ValueError);
      expect(e.message).toBe('Shapes (2, 3) and (3, 2) are incompatible');
    });
  });
});

describe('the default graph (§1.1)', () => {
  it('graph.asDefault makes it the default while the callback runs, and nests', () => {
    const g1 = new tf.Graph();
    const g2 = new tf.Graph();
    const outer = tf.getDefaultGraph();
    g1.asDefault(() => {
      expect(tf.getDefaultGraph()).toBe(g1);
      expect(c().graph).toBe(g1);
      g2.asDefault(() => expect(tf.getDefaultGraph()).toBe(g2));
      expect(tf.getDefaultGraph()).toBe(g1);
    });
    expect(tf.getDefaultGraph()).toBe(outer);
    expect(() => g1.asDefault(() => {
      throw new Error('inside');
    })).toThrow('inside');
    expect(tf.getDefaultGraph()).toBe(outer);
    expect(g1.asDefault(() => 42)).toBe(42);
  });

  it('resetDefaultGraph replaces the root graph, and refuses inside a nested graph', () => {
    const before = tf.getDefaultGraph();
    tf.placeholder('float32');
    tf.resetDefaultGraph();
    const after = tf.getDefaultGraph();
    expect(after).not.toBe(before);
    expect(after.getOperations()).toEqual([]);
    expect(tf.placeholder('float32').op.name).toBe('Placeholder');
    const e = thrown(() => new tf.Graph().asDefault(() => tf.resetDefaultGraph()));
    expect(e).toBeInstanceOf(tf.errors.RuntimeError);
    expect(tf.getDefaultGraph()).toBe(after);
    tf.resetDefaultGraph();
  });

  it('a session uses the default graph when none is given', async () => {
    tf.resetDefaultGraph();
    const x = tf.constant(5);
    const sess = new tf.Session();
    expect(sess.graph).toBe(tf.getDefaultGraph());
    expect((await sess.run(x)).toArray()).toBe(5);
    await sess.close();
    tf.resetDefaultGraph();
  });
});
