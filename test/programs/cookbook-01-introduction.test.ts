/**
 * Ports of chapter 01_Introduction of github.com/nfmcclure/tensorflow_cookbook (Nick McClure, MIT
 * licence), line by line in tsflow's conventions:
 *   02_Creating_and_Using_Tensors/02_tensors.py, 03_Using_Variables_and_Placeholders/03_placeholders.py,
 *   04_Working_with_Matrices/04_matrices.py, 05_Declaring_Operations/05_operations.py,
 *   06_Implementing_Activation_Functions/06_activation_functions.py.
 *
 * Changes: the programs print their results; here each printed value is checked instead, against
 * numbers worked out independently (numpy's det/inv/eigh for the matrix ops, the formulas by
 * hand for the rest). Python's integer literals become int32 constants where the dtype matters
 * (`tf.div(3, 4)`: a JS number is a float32 constant). `np.random.rand` is a seeded generator; the summary writers write to a
 * temporary folder; matplotlib's plots are dropped.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from 'tsflow';

const logdir = mkdtempSync(join(tmpdir(), 'cookbook-01-'));
afterAll(() => rmSync(logdir, { recursive: true, force: true }));

const arr = (v: unknown): number[] => Array.from((v as tf.NDArray).data as ArrayLike<number>, Number);
const num = (v: unknown): number => Number((v as tf.NDArray).data[0]);

function seeded(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 16807) % 2147483647) / 2147483647;
}

describe('tensorflow_cookbook 01_Introduction', () => {
  it('02_tensors: variables made from zeros/ones/fill/constant/linspace/range', async () => {
    tf.resetDefaultGraph();
    const sess = new tf.Session();
    const my_tensor = tf.zeros([1, 20]);
    const my_var = new tf.Variable(tf.zeros([1, 20]));
    const row_dim = 2;
    const col_dim = 3;
    const zero_var = new tf.Variable(tf.zeros([row_dim, col_dim]));
    const ones_var = new tf.Variable(tf.ones([row_dim, col_dim]));
    await sess.run(zero_var.initializer);
    await sess.run(ones_var.initializer);
    const zero_similar = new tf.Variable(tf.zerosLike(zero_var));
    const ones_similar = new tf.Variable(tf.onesLike(ones_var));
    await sess.run(ones_similar.initializer);
    await sess.run(zero_similar.initializer);
    const fill_var = new tf.Variable(tf.fill([row_dim, col_dim], -1));
    const const_var = new tf.Variable(tf.constant([8, 6, 7, 5, 3, 0, 9]));
    const const_fill_var = new tf.Variable(tf.constant(-1, { shape: [row_dim, col_dim] }));
    const linear_var = new tf.Variable(tf.linspace({ start: 0.0, stop: 1.0, num: 3 }));
    const sequence_var = new tf.Variable(tf.range({ start: 6, limit: 15, delta: 3 }));
    const rnorm_var = tf.randomNormal([row_dim, col_dim], { mean: 0.0, stddev: 1.0 });
    const merged = tf.summary.mergeAll();
    const writer = new tf.summary.FileWriter(logdir, { graph: sess.graph });
    const initialize_op = tf.globalVariablesInitializer();
    await sess.run(initialize_op);

    expect(merged).toBeNull(); // no summaries in this graph
    expect(arr(await sess.run(my_tensor))).toEqual(new Array(20).fill(0));
    expect((await sess.run(my_var) as tf.NDArray).shape).toEqual([1, 20]);
    expect(arr(await sess.run(ones_similar))).toEqual([1, 1, 1, 1, 1, 1]);
    expect(arr(await sess.run(zero_similar))).toEqual([0, 0, 0, 0, 0, 0]);
    const fv = (await sess.run(fill_var)) as tf.NDArray;
    expect(fv.dtype).toBe('float32'); // a JS number is a float (Python's -1 would be int32)
    expect(fv.toArray()).toEqual([[-1, -1, -1], [-1, -1, -1]]);
    expect(arr(await sess.run(const_var))).toEqual([8, 6, 7, 5, 3, 0, 9]);
    expect(arr(await sess.run(const_fill_var))).toEqual([-1, -1, -1, -1, -1, -1]);
    expect(arr(await sess.run(linear_var))).toEqual([0, 0.5, 1]);
    expect(arr(await sess.run(sequence_var))).toEqual([6, 9, 12]);
    expect((await sess.run(rnorm_var) as tf.NDArray).shape).toEqual([2, 3]);
    writer.close();
    expect(readdirSync(logdir).some((f) => f.startsWith('events.out.tfevents.'))).toBe(true);
  });

  it('03_placeholders: identity of a fed 4x4 placeholder', async () => {
    tf.resetDefaultGraph();
    const sess = new tf.Session();
    const x = tf.placeholder(tf.float32, { shape: [4, 4] });
    const y = tf.identity(x);
    const r = seeded(3);
    const rand_array = Array.from({ length: 4 }, () => Array.from({ length: 4 }, r));
    const out = (await sess.run(y, { feedDict: [[x, rand_array]] })) as tf.NDArray;
    expect(out.shape).toEqual([4, 4]);
    expect(arr(out)).toEqual(Array.from(Float32Array.from(rand_array.flat())));
  });

  it('04_matrices: diag, fill, matmul, determinant, inverse, cholesky, self_adjoint_eig', async () => {
    tf.resetDefaultGraph();
    const sess = new tf.Session();
    const identity_matrix = tf.diag([1.0, 1.0, 1.0]);
    expect(((await sess.run(identity_matrix)) as tf.NDArray).toArray()).toEqual([[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
    const A = tf.truncatedNormal([2, 3]);
    const a = arr(await sess.run(A));
    expect(a.every((v) => Math.abs(v) <= 2)).toBe(true);
    const B = tf.fill([2, 3], 5.0);
    expect(arr(await sess.run(B))).toEqual([5, 5, 5, 5, 5, 5]);
    const C = tf.randomUniform([3, 2]);
    expect(arr(await sess.run(C)).every((v) => v >= 0 && v < 1)).toBe(true);
    // np.array of floats is float64, and convert_to_tensor keeps that dtype
    const D = tf.convertToTensor(new tf.NDArray(Float64Array.from([1, 2, 3, -3, -7, -1, 0, 5, -2]), [3, 3], 'float64'));
    expect(D.dtype).toBe('float64');
    expect(arr(await sess.run(D))).toEqual([1, 2, 3, -3, -7, -1, 0, 5, -2]);
    const ab = arr(await sess.run(tf.add(A, B)));
    expect(ab.every((v) => v >= 3 && v <= 7)).toBe(true);
    expect(arr(await sess.run(tf.subtract(B, B)))).toEqual([0, 0, 0, 0, 0, 0]);
    expect(arr(await sess.run(tf.matmul(B, identity_matrix)))).toEqual([5, 5, 5, 5, 5, 5]);
    expect(((await sess.run(tf.transpose(C))) as tf.NDArray).shape).toEqual([2, 3]);
    // numpy: det = -38, inv as below, eigh (lower triangle) values
    expect(num(await sess.run(tf.matrixDeterminant(D)))).toBeCloseTo(-38, 10);
    const inv = arr(await sess.run(tf.matrixInverse(D)));
    const invNp = [-0.5, -0.5, -0.5, 0.15789473684210528, 0.05263157894736842, 0.21052631578947367,
      0.39473684210526316, 0.13157894736842105, 0.026315789473684188];
    inv.forEach((v, i) => expect(v).toBeCloseTo(invNp[i]!, 12));
    expect(arr(await sess.run(tf.cholesky(identity_matrix)))).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    const [e, v] = (await sess.run(tf.selfAdjointEig(D))) as tf.NDArray[];
    const eNp = [-10.65907520716488, -0.22750691237134216, 2.8865821195362225];
    arr(e).forEach((x, i) => expect(x).toBeCloseTo(eNp[i]!, 10));
    // the columns of v are eigenvectors of the symmetric matrix made from D's lower triangle
    const S = [[1, -3, 0], [-3, -7, 5], [0, 5, -2]];
    const V = arr(v);
    for (let j = 0; j < 3; j++) {
      for (let i = 0; i < 3; i++) {
        const sv = S[i]!.reduce((acc, s, k) => acc + s * V[k * 3 + j]!, 0);
        expect(sv).toBeCloseTo(eNp[j]! * V[i * 3 + j]!, 10);
      }
    }
  });

  it('05_operations: div, truediv, floordiv, mod, cross, trig, a custom polynomial', async () => {
    tf.resetDefaultGraph();
    const sess = new tf.Session();
    // Python's 3 and 4 are ints; JS numbers are floats, so the ints are spelled out
    const [three, four] = [tf.constant(3, tf.int32), tf.constant(4, tf.int32)];
    const d = (await sess.run(tf.div(three, four))) as tf.NDArray;
    expect([d.dtype, num(d)]).toEqual(['int32', 0]);
    expect(num(await sess.run(tf.div(3, 4)))).toBe(0.75); // floats: true division
    const td = (await sess.run(tf.truediv(three, four))) as tf.NDArray;
    expect([td.dtype, num(td)]).toEqual(['float64', 0.75]);
    expect(num(await sess.run(tf.floordiv(3.0, 4.0)))).toBe(0);
    expect(num(await sess.run(tf.mod(22.0, 5.0)))).toBe(2);
    expect(arr(await sess.run(tf.cross([1, 0, 0], [0, 1, 0])))).toEqual([0, 0, 1]);
    // float32 numpy: sin(3.1416) = -7.2399803e-06, cos = -1.0, tan(3.1416/4) = 1.0000036
    expect(num(await sess.run(tf.sin(3.1416)))).toBeCloseTo(-7.2399803e-6, 9);
    expect(num(await sess.run(tf.cos(3.1416)))).toBeCloseTo(-1.0, 6);
    expect(num(await sess.run(tf.tan(3.1416 / 4)))).toBeCloseTo(1.0000036, 6);
    const test_nums = Array.from({ length: 15 }, (_, i) => i);
    function custom_polynomial(x_val: tf.TensorLike): tf.Tensor {
      return tf.add(tf.subtract(tf.multiply(3, tf.square(x_val)), x_val), 10);
    }
    expect(num(await sess.run(custom_polynomial(11)))).toBe(362);
    const expected_output = test_nums.map((x) => 3 * x * x - x + 10);
    for (const n of test_nums) {
      expect(num(await sess.run(custom_polynomial(n)))).toBe(expected_output[n]);
    }
  });

  it('06_activation_functions: relu, relu6, sigmoid, tanh, softsign, softplus, elu', async () => {
    tf.resetDefaultGraph();
    const sess = new tf.Session();
    const x_vals = Array.from({ length: 100 }, (_, i) => -10 + (20 * i) / 99);
    const close = (got: number[], want: number[]): void => got.forEach((g, i) => expect(g).toBeCloseTo(want[i]!, 6));
    close(arr(await sess.run(tf.nn.relu([-3, 3, 10]))), [0, 3, 10]);
    const y_relu = arr(await sess.run(tf.nn.relu(x_vals)));
    close(y_relu, x_vals.map((x) => Math.max(0, x)));
    close(arr(await sess.run(tf.nn.relu6([-3, 3, 10]))), [0, 3, 6]);
    const y_relu6 = arr(await sess.run(tf.nn.relu6(x_vals)));
    close(y_relu6, x_vals.map((x) => Math.min(6, Math.max(0, x))));
    close(arr(await sess.run(tf.nn.sigmoid([-1, 0, 1]))), [0.2689414213699951, 0.5, 0.7310585786300049]);
    const y_sigmoid = arr(await sess.run(tf.nn.sigmoid(x_vals)));
    close(y_sigmoid, x_vals.map((x) => 1 / (1 + Math.exp(-x))));
    close(arr(await sess.run(tf.nn.tanh([-1, 0, 1]))), [-0.7615941559557649, 0, 0.7615941559557649]);
    const y_tanh = arr(await sess.run(tf.nn.tanh(x_vals)));
    close(y_tanh, x_vals.map(Math.tanh));
    close(arr(await sess.run(tf.nn.softsign([-1, 0, 1]))), [-0.5, 0, 0.5]);
    const y_softsign = arr(await sess.run(tf.nn.softsign(x_vals)));
    close(y_softsign, x_vals.map((x) => x / (1 + Math.abs(x))));
    close(arr(await sess.run(tf.nn.softplus([-1, 0, 1]))), [0.31326168751822286, 0.6931471805599453, 1.3132616875182228]);
    const y_softplus = arr(await sess.run(tf.nn.softplus(x_vals)));
    y_softplus.forEach((g, i) => expect(g).toBeCloseTo(Math.log1p(Math.exp(x_vals[i]!)), 5));
    close(arr(await sess.run(tf.nn.elu([-1, 0, 1]))), [-0.6321205588285577, 0, 1]);
    const y_elu = arr(await sess.run(tf.nn.elu(x_vals)));
    close(y_elu, x_vals.map((x) => (x > 0 ? x : Math.expm1(x))));
  });
});
