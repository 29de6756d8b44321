/**
 * tf.cond and tf.whileLoop: TF1's graph structure and names, values against plain-JS
 * references, only the taken branch running, data-dependent trip counts, nesting, captured
 * values, variables in bodies, shape invariants, on every CPU configuration of the harness
 * (and WebGPU where present).
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray, Tensor } from 'tsflow';
import { registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';

registerSkipSummary();
const devices = await resolvedDevices();

const f32 = (v: number[], shape = [v.length]): NDArray => new tf.NDArray(Float32Array.from(v), shape, 'float32');
const vals = (x: unknown): number[] => Array.from((x as NDArray).data as Float32Array, Number);

describe('graph structure (TF1 names)', () => {
  it('tf.cond builds Switch / switch_t / switch_f / pred_id / Merge, a Switch per captured value and branch', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const p = tf.placeholder('bool', [], 'p');
      const x = tf.placeholder('float32', [2], 'x');
      const r = tf.cond(p, () => tf.multiply(x, 2), () => tf.add(x, 1)) as Tensor;
      expect(r.name).toBe('cond/Merge:0');
      const cf = (g: tf.Graph): string[] => g.getOperations().filter((o) => ['Switch', 'Merge', 'Identity', 'Enter', 'Exit', 'NextIteration', 'LoopCond'].includes(o.type)).map((o) => `${o.name}:${o.type}`);
      expect(cf(g)).toEqual([
        'cond/Switch:Switch', 'cond/switch_t:Identity', 'cond/switch_f:Identity', 'cond/pred_id:Identity',
        'cond/Mul/Switch:Switch', 'cond/Add/Switch:Switch', 'cond/Merge:Merge',
      ]);
      const mul = g.getOperationByName('cond/Mul');
      const add = g.getOperationByName('cond/Add');
      expect(g.getOperationByName('cond/Mul/Switch').inputs.map((t) => t.name)).toEqual(['x:0', 'cond/pred_id:0']);
      // the branch's constant runs only with its branch
      expect(mul.inputs[1]!.op.controlInputs.map((o) => o.name)).toEqual(['cond/switch_t']);
      expect(add.inputs[1]!.op.controlInputs.map((o) => o.name)).toEqual(['cond/switch_f']);
      expect(g.getOperationByName('cond/Merge').inputs.map((t) => t.name)).toEqual(['cond/Add:0', 'cond/Mul:0']);
      expect(mul.inputs[0]!.name).toBe('cond/Mul/Switch:1');
      expect(add.inputs[0]!.name).toBe('cond/Add/Switch:0');
    });
  });

  it('tf.whileLoop builds Enter / Merge / LoopCond / Switch / Identity / NextIteration / Exit in frame while/while_context', () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const n = tf.placeholder('int32', [], 'n');
      const r = tf.whileLoop((i: Tensor) => tf.less(i, n), (i: Tensor) => tf.add(i, 1), tf.constant(0, 'int32')) as Tensor;
      expect(r.name).toBe('while/Exit:0');
      const types = g.getOperations().filter((o) => o.name.startsWith('while/') && o.type !== 'Const').map((o) => `${o.name}:${o.type}`);
      expect(types).toEqual([
        'while/Enter:Enter', 'while/Merge:Merge', 'while/Less/Enter:Enter', 'while/Less:Less',
        'while/LoopCond:LoopCond', 'while/Switch:Switch', 'while/Identity:Identity', 'while/Add:Add',
        'while/NextIteration:NextIteration', 'while/Exit:Exit',
      ]);
      expect(g.getOperationByName('while/Less').inputs.map((t) => t.name)).toEqual(['while/Merge:0', 'while/Less/Enter:0']);
      // constants in the body run once per iteration: a control input on the body's pivot
      expect(g.getOperationByName('while/Add').inputs[1]!.op.controlInputs.map((o) => o.name)).toEqual(['while/Identity']);
      const enter = g.getOperationByName('while/Enter');
      expect(enter.attrs).toMatchObject({ frameName: 'while/while_context', isConstant: false, parallelIterations: 10 });
      expect(g.getOperationByName('while/Less/Enter').attrs).toMatchObject({ frameName: 'while/while_context', isConstant: true });
      expect(g.getOperationByName('while/Merge').inputs.map((t) => t.name)).toEqual(['while/Enter:0', 'while/NextIteration:0']);
      expect(g.getOperationByName('while/Exit').inputs.map((t) => t.name)).toEqual(['while/Switch:0']);
      expect(g.getOperationByName('while/Identity').inputs.map((t) => t.name)).toEqual(['while/Switch:1']);
    });
  });

  it("values inside a loop may not be fed (TF1's prevent_feeding on every op of a while context but a top-level Exit)", async () => {
    const g = new tf.Graph();
    const [r, inner, innerExit] = g.asDefault(() => {
      let innerExit: Tensor | null = null;
      const r = tf.whileLoop((i: Tensor) => tf.less(i, 3), (i: Tensor) => {
        innerExit = tf.whileLoop((j: Tensor) => tf.less(j, i), (j: Tensor) => tf.add(j, 1), i) as Tensor;
        return tf.add(innerExit, 1);
      }, tf.constant(0, 'int32')) as Tensor;
      return [r, g.getTensorByName('while/Identity:0'), innerExit!];
    });
    const sess = new tf.Session({ device: 'cpu', threads: 1, graph: g });
    try {
      await expect(sess.run(r, new Map([[inner, 5]]))).rejects.toThrow('Tensor Tensor("while/Identity:0", shape=(), dtype=int32) may not be fed.');
      // an inner loop's Exit is still inside the outer loop
      await expect(sess.run(r, new Map([[innerExit, 5]]))).rejects.toThrow(`Tensor ${innerExit} may not be fed.`);
      // the outer loop's Exit is outside every loop: fed, it stands for the loop's result
      const doubled = g.asDefault(() => tf.multiply(r, 2));
      expect(vals(await sess.run(doubled, new Map([[r, 7]])))).toEqual([14]);
      expect(vals(await sess.run(r))).toEqual([3]);
    } finally {
      await sess.close();
    }
  });

  it('argument errors with TF1 texts', () => {
    tf.resetDefaultGraph();
    const x = tf.constant(1, 'int32');
    expect(() => tf.cond(true as never, () => x, () => x)).toThrow('pred must not be a Python bool');
    expect(() => tf.cond(tf.constant(true), 1 as never, () => x)).toThrow('true_fn must be callable.');
    expect(() => tf.cond(tf.constant(true), () => x, () => tf.constant(1.5, 'float32'))).toThrow('Outputs of true_fn and false_fn must have the same type: int32, float32');
    expect(() => tf.cond(tf.constant(true), () => [x, x], () => x)).toThrow('true_fn and false_fn must return the same structure.');
    expect(() => tf.whileLoop(1 as never, (i: Tensor) => i, x)).toThrow('cond must be callable.');
    expect(() => tf.whileLoop((i: Tensor) => tf.less(i, 3), (i: Tensor) => i, x, { parallelIterations: 0 })).toThrow('parallel_iterations must be a positive integer.');
    expect(() => tf.whileLoop((v: Tensor) => tf.less(tf.size(v), 3), (v: Tensor) => tf.concat([v, v], 0), tf.constant([1])))
      .toThrow("Input tensor 'Const_4:0' enters the loop with shape (1,), but has shape (2,) after one iteration. To allow the shape to vary across iterations, use the `shape_invariants` argument of tf.while_loop to specify a less-specific shape.");
  });
});

for (const d of devices) {
  describe(`control flow on ${d.name}`, () => {
    const session = (g: tf.Graph): tf.Session => new tf.Session({ ...d.options, graph: g });

    it('tf.cond gives the taken branch', async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const g = new tf.Graph();
      const { p, x, r } = g.asDefault(() => {
        const p = tf.placeholder('bool', [], 'p');
        const x = tf.placeholder('float32', [3], 'x');
        const r = tf.cond(p, () => tf.multiply(x, 2), () => tf.subtract(tf.exp(x), 1)) as Tensor;
        return { p, x, r };
      });
      const s = session(g);
      const xv = [0.5, -1, 2];
      expect(vals(await s.run(r, new Map([[p, true], [x, f32(xv)]] as never)))).toEqual(xv.map((v) => Math.fround(v * 2)));
      const got = vals(await s.run(r, new Map([[p, false], [x, f32(xv)]] as never)));
      xv.forEach((v, i) => expect(got[i]).toBeCloseTo(Math.exp(Math.fround(v)) - 1, 5));
      await s.close();
    });

    it("only the taken branch's assigns run; nested conds", async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const g = new tf.Graph();
      const { p, q, v, w, r } = g.asDefault(() => {
        const p = tf.placeholder('bool', [], 'p');
        const q = tf.placeholder('bool', [], 'q');
        const v = new tf.Variable(0, { name: 'v' });
        const w = new tf.Variable(0, { name: 'w' });
        const r = tf.cond(
          p,
          () => tf.cond(q, () => tf.assignAdd(v, 1), () => tf.assignAdd(v, 10)),
          () => tf.assignAdd(w, 100),
        ) as Tensor;
        return { p, q, v, w, r };
      });
      const s = session(g);
      await s.run(g.asDefault(() => tf.globalVariablesInitializer()));
      const run = async (pv: boolean, qv: boolean): Promise<number> => Number(((await s.run(r, new Map([[p, pv], [q, qv]] as never))) as NDArray).data[0]);
      expect(await run(true, true)).toBe(1);
      expect(await run(true, false)).toBe(11);
      expect(await run(false, true)).toBe(100);
      expect(await run(true, true)).toBe(12);
      const [vv, wv] = (await s.run([v.value(), w.value()])) as NDArray[];
      expect([Number(vv!.data[0]), Number(wv!.data[0])]).toEqual([12, 100]);
      await s.close();
    });

    it('tf.whileLoop with a data-dependent trip count, captured values and several loop variables', async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const g = new tf.Graph();
      const { n, x, r } = g.asDefault(() => {
        const n = tf.placeholder('int32', [], 'n');
        const x = tf.placeholder('float32', [2], 'x');
        const r = tf.whileLoop(
          (i: Tensor) => tf.less(i, n),
          (i: Tensor, acc: Tensor) => [tf.add(i, 1), tf.add(tf.multiply(acc, 0.5), tf.multiply(x, tf.cast(i, 'float32')))],
          [tf.constant(0, 'int32'), tf.zeros([2])],
        ) as Tensor[];
        return { n, x, r };
      });
      const s = session(g);
      for (const nv of [0, 1, 5]) {
        const [iv, accv] = (await s.run(r, new Map([[n, new tf.NDArray(Int32Array.of(nv), [], 'int32')], [x, f32([1, -2])]] as never))) as NDArray[];
        let acc = [0, 0];
        for (let i = 0; i < nv; i++) acc = acc.map((a, k) => Math.fround(Math.fround(a * 0.5) + Math.fround([1, -2][k]! * i)));
        expect(Number(iv!.data[0])).toBe(nv);
        expect(vals(accv)).toEqual(acc);
      }
      await s.close();
    });

    it('maximumIterations, nested loops, a cond in the body, shape invariants', async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const g = new tf.Graph();
      const t = g.asDefault(() => {
        const capped = tf.whileLoop((i: Tensor) => tf.less(i, 100), (i: Tensor) => tf.add(i, 1), tf.constant(0, 'int32'), { maximumIterations: 7 }) as Tensor;
        // Σ_{i<4} Σ_{j<i} (i*j), the inner loop's bound depending on the outer variable
        const nested = tf.whileLoop(
          (i: Tensor) => tf.less(i, 4),
          (i: Tensor, s: Tensor) => {
            const inner = tf.whileLoop((j: Tensor) => tf.less(j, i), (j: Tensor, a: Tensor) => [tf.add(j, 1), tf.add(a, tf.multiply(i, j))], [tf.constant(0, 'int32'), s]) as Tensor[];
            return [tf.add(i, 1), inner[1]!];
          },
          [tf.constant(0, 'int32'), tf.constant(0, 'int32')],
        ) as Tensor[];
        // Collatz steps of 27 (111): a cond per iteration
        const collatz = tf.whileLoop(
          (v: Tensor) => tf.greater(v, 1),
          (v: Tensor, k: Tensor) => [tf.cond(tf.equal(tf.mod(v, 2), 0), () => tf.floorDiv(v, 2), () => tf.add(tf.multiply(v, 3), 1)) as Tensor, tf.add(k, 1)],
          [tf.constant(27, 'int32'), tf.constant(0, 'int32')],
        ) as Tensor[];
        const grown = tf.whileLoop(
          (v: Tensor) => tf.less(tf.size(v), 10),
          (v: Tensor) => tf.concat([v, tf.add(v, tf.cast(tf.size(v), 'float32'))], 0),
          tf.constant([1]), { shapeInvariants: [null] },
        ) as Tensor;
        return { capped, nested: nested[1]!, collatz: collatz[1]!, grown };
      });
      expect(t.grown.shape).toEqual([null]);
      const s = session(g);
      const [c, ne, co, gr] = (await s.run([t.capped, t.nested, t.collatz, t.grown])) as NDArray[];
      expect(Number(c!.data[0])).toBe(7);
      expect(Number(ne!.data[0])).toBe(0 + 0 + 2 * 1 + 3 * (1 + 2));
      expect(Number(co!.data[0])).toBe(111);
      let ref = [1];
      while (ref.length < 10) ref = [...ref, ...ref.map((v) => v + ref.length)];
      expect(gr!.shape).toEqual([16]);
      expect(vals(gr)).toEqual(ref);
      await s.close();
    });

    it('variables in the body: readValue sees each assign, a captured value() is read once at entry; runSync', async (ctx) => {
      if (d.skipReason) skipTest(ctx, d.skipReason);
      const g = new tf.Graph();
      const { v, u, r, q, init } = g.asDefault(() => {
        const v = new tf.Variable(1, { name: 'v' });
        const u = new tf.Variable(1, { name: 'u' });
        const body = (x: tf.Variable, read: () => Tensor) => (i: Tensor) => {
          const a = tf.assign(x, tf.multiply(read(), 3));
          return tf.controlDependencies([a], () => tf.add(i, 1));
        };
        const r = tf.whileLoop((i: Tensor) => tf.less(i, 5), body(v, () => v.readValue()), tf.constant(0, 'int32')) as Tensor;
        const q = tf.whileLoop((i: Tensor) => tf.less(i, 5), body(u, () => u.value()), tf.constant(0, 'int32')) as Tensor;
        return { v, u, r, q, init: tf.globalVariablesInitializer() };
      });
      const s = session(g);
      await s.run(init);
      expect(Number(((await s.run(r)) as NDArray).data[0])).toBe(5);
      expect(Number(((await s.run(v.value())) as NDArray).data[0])).toBe(243);
      expect(Number(((await s.run(q)) as NDArray).data[0])).toBe(5);
      expect(Number(((await s.run(u.value())) as NDArray).data[0])).toBe(3);
      if (d.caps.runSync) {
        expect(Number((s.runSync(r) as NDArray).data[0])).toBe(5);
        expect(Number((s.runSync(v.value()) as NDArray).data[0])).toBe(243 * 243);
      }
      await s.close();
    });
  });
}
