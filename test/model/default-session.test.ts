/**
 * Default session and graph (tf1-reference.md §2.1): `sess.asDefault`, `graph.asDefault` holding
 * across `await`, `tf.InteractiveSession`, `tensor.eval` / `op.run` / `variable.eval` with TF1's
 * errors, Session options with TF's ConfigProto fields, `logDevicePlacement` lines.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as tf from 'tsflow';
import { resolvedDevices } from '../conformance/harness.js';

const devices = await resolvedDevices();
const tick = () => new Promise((r) => setTimeout(r, 1));

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

describe('Session.asDefault', () => {
  for (const d of devices) {
    it(`eval and run through the default session (${d.name})`, async (ctx) => {
      if (d.skipReason) return ctx.skip(d.skipReason);
      const g = new tf.Graph();
      const [v, inc, y, x] = g.asDefault(() => {
        const v = new tf.Variable(1, { name: 'v' });
        const x = tf.placeholder(tf.float32, [2]);
        return [v, v.assignAdd(2).op, tf.multiply(x, v), x] as const;
      });
      const sess = new tf.Session({ graph: g, ...d.options });
      try {
        await sess.asDefault(async (s) => {
          expect(s).toBe(sess);
          expect(tf.getDefaultSession()).toBe(sess);
          await v.initializer.run();
          await tick();
          await inc.run();
          expect((await v.eval()).toArray()).toBe(3);
          expect((await y.eval([[x, [1, 2]]])).toArray()).toEqual([3, 6]);
          expect((await y.eval({ feedDict: [[x, [2, 2]]] })).toArray()).toEqual([6, 6]);
        });
      } finally {
        await sess.close();
      }
    });
  }

  it('the session and its graph are the defaults across awaits, and only inside', async () => {
    const g = new tf.Graph();
    const sess = new tf.Session({ graph: g });
    expect(tf.getDefaultSession()).toBeNull();
    const c = await sess.asDefault(async () => {
      await tick();
      expect(tf.getDefaultGraph()).toBe(g);
      const c = tf.constant(5);
      await Promise.resolve();
      expect(tf.getDefaultSession()).toBe(sess);
      expect((await c.eval()).toArray()).toBe(5);
      return c;
    });
    expect(c.graph).toBe(g);
    expect(tf.getDefaultSession()).toBeNull();
    expect(tf.getDefaultGraph()).not.toBe(g);
    // sync callbacks return their value; leaving does not close the session
    expect(sess.asDefault(() => 7)).toBe(7);
    expect((await c.eval(null, sess)).toArray()).toBe(5);
    await sess.close();
  });

  it('concurrent async callbacks keep their own defaults', async () => {
    const ga = new tf.Graph();
    const gb = new tf.Graph();
    const sa = new tf.Session({ graph: ga });
    const sb = new tf.Session({ graph: gb });
    const build = (s: tf.Session, g: tf.Graph, value: number) =>
      s.asDefault(async () => {
        const out: number[] = [];
        for (let i = 0; i < 5; i++) {
          await tick();
          const t = tf.constant(value + i);
          expect(t.graph).toBe(g);
          out.push((await t.eval()).toArray() as number);
        }
        return out;
      });
    const [a, b] = await Promise.all([build(sa, ga, 10), build(sb, gb, 20)]);
    expect(a).toEqual([10, 11, 12, 13, 14]);
    expect(b).toEqual([20, 21, 22, 23, 24]);
    await sa.close();
    await sb.close();
  });

  it('nested: an inner asDefault wins, the outer comes back', async () => {
    const s1 = new tf.Session({ graph: new tf.Graph() });
    const s2 = new tf.Session({ graph: new tf.Graph() });
    await s1.asDefault(async () => {
      await s2.asDefault(async () => {
        await tick();
        expect(tf.getDefaultSession()).toBe(s2);
      });
      expect(tf.getDefaultSession()).toBe(s1);
      expect(tf.getDefaultGraph()).toBe(s1.graph);
    });
    await s1.close();
    await s2.close();
  });
});

describe('graph.asDefault across await', () => {
  it('ops created after an await land in the graph', async () => {
    const g = new tf.Graph();
    const [a, b] = await g.asDefault(async () => {
      const a = tf.constant(1);
      await tick();
      const b = tf.add(a, 1);
      await Promise.all([tick(), tick()]);
      return [a, b];
    });
    expect(a.graph).toBe(g);
    expect(b.graph).toBe(g);
    expect(g.operations.map((o) => o.type)).toEqual(['Const', 'Const', 'Add']);
    expect(tf.getDefaultGraph()).not.toBe(g);
  });

  it('resetDefaultGraph inside a graph scope is refused with TF1 text', async () => {
    await new tf.Graph().asDefault(async () => {
      await tick();
      expect(() => tf.resetDefaultGraph()).toThrow(/^Do not use tf.resetDefaultGraph\(\) to clear nested graphs/);
    });
  });
});

describe('InteractiveSession', () => {
  let open: tf.InteractiveSession | null = null;
  afterEach(async () => {
    await open?.close();
    open = null;
  });

  it('installs itself as the default until closed', async () => {
    const c = tf.constant([1, 2], tf.int32);
    open = new tf.InteractiveSession();
    expect(tf.getDefaultSession()).toBe(open);
    expect((await c.eval()).toArray()).toEqual([1, 2]);
    expect(() => tf.resetDefaultGraph()).toThrow(/nested graphs/);
    await open.close();
    expect(tf.getDefaultSession()).toBeNull();
    const e = await rejection(c.eval());
    expect(e).toBeInstanceOf(tf.errors.ValueError);
    open = null;
  });

  it('on another graph: that graph is the default while it is open', async () => {
    const g = new tf.Graph();
    open = new tf.InteractiveSession({ graph: g });
    expect(tf.getDefaultGraph()).toBe(g);
    const t = tf.constant(3);
    expect(t.graph).toBe(g);
    expect((await t.eval()).toArray()).toBe(3);
    await open.close();
    open = null;
    expect(tf.getDefaultGraph()).not.toBe(g);
  });
});

describe('eval / run errors (TF1 texts)', () => {
  it('no default session', async () => {
    const g = new tf.Graph();
    const [t, op] = g.asDefault(() => [tf.constant(1), tf.noOp()] as const);
    expect((await rejection(t.eval())).message).toBe(
      'Cannot evaluate tensor using `eval()`: No default session is registered. Use `with sess.as_default()` or pass an explicit session to `eval(session=sess)`',
    );
    expect((await rejection(op.run())).message).toBe(
      'Cannot execute operation using `run()`: No default session is registered. Use `with sess.as_default():` or pass an explicit session to `run(session=sess)`',
    );
  });

  it("the session's graph must be the element's graph", async () => {
    const g = new tf.Graph();
    const [t, op] = g.asDefault(() => [tf.constant(1), tf.noOp()] as const);
    const other = new tf.Session({ graph: new tf.Graph() });
    await other.asDefault(async () => {
      expect((await rejection(t.eval())).message).toBe(
        "Cannot use the default session to evaluate tensor: the tensor's graph is different from the session's graph. Pass an explicit session to `eval(session=sess)`.",
      );
      expect((await rejection(op.run())).message).toBe(
        "Cannot use the default session to execute operation: the operation's graph is different from the session's graph. Pass an explicit session to run(session=sess).",
      );
    });
    expect((await rejection(t.eval(null, other))).message).toBe(
      "Cannot use the given session to evaluate tensor: the tensor's graph is different from the session's graph.",
    );
    expect((await rejection(op.run({ session: other }))).message).toBe(
      "Cannot use the given session to execute operation: the operation's graph is different from the session's graph.",
    );
    const right = new tf.Session({ graph: g });
    expect((await t.eval({ session: right })).toArray()).toBe(1);
    await expect(op.run(null, right)).resolves.toBeUndefined();
    await right.close();
    await other.close();
  });
});

describe('Session options: ConfigProto fields', () => {
  it('flat, as {config}, as tf.ConfigProto, and positional (target, graph, config)', async () => {
    const g = new tf.Graph();
    const c = g.asDefault(() => tf.add(tf.constant(1), 2));
    const configs: tf.Session[] = [
      new tf.Session({ graph: g, allowSoftPlacement: true, intraOpParallelismThreads: 1, interOpParallelismThreads: 2, gpuOptions: { allowGrowth: true } }),
      new tf.Session({ graph: g, config: { allowSoftPlacement: true, gpuOptions: { perProcessGpuMemoryFraction: 0.5 } } }),
      new tf.Session({ graph: g, config: new tf.ConfigProto({ intraOpParallelismThreads: 2, gpuOptions: new tf.GPUOptions({ allowGrowth: true }) }) }),
      new tf.Session('', g, new tf.ConfigProto({ deviceCount: { GPU: 0 }, allowSoftPlacement: true })),
    ];
    for (const s of configs) {
      expect((await s.run(c)).toArray()).toBe(3);
      await s.close();
    }
    expect(() => new tf.Session({ config: { allowGrowth: true } as never })).toThrow(/Invalid Session config option allowGrowth/);
    expect(() => new tf.ConfigProto({ gpuOptions: { allowGrowth: 'yes' as never } })).toThrow(/allowGrowth: expected a boolean/);
    expect(() => new tf.Session('local')).toThrow(/No session factory registered for the given session options/);
  });

  it('deviceCount GPU 0 hides the GPU: explicit GPU placement then fails without soft placement', async () => {
    const g = new tf.Graph();
    const c = g.asDefault(() => tf.device('/gpu:0', () => tf.add(tf.constant(1), 2)));
    const s = new tf.Session({ graph: g, config: { deviceCount: { GPU: 0 } } });
    await expect(s.run(c)).rejects.toThrow(/Cannot assign a device for operation/);
    await s.close();
    const soft = new tf.Session({ graph: g, deviceCount: { GPU: 0 }, allowSoftPlacement: true });
    expect((await soft.run(c)).toArray()).toBe(3);
    await soft.close();
  });

  it("logDevicePlacement prints TF's placer lines once per op run (fed tensors are not run)", async () => {
    const g = new tf.Graph();
    const y = g.asDefault(() => tf.multiply(tf.placeholder(tf.float32, [], 'x'), 3, 'y'));
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      const s = new tf.Session({ graph: g, config: new tf.ConfigProto({ logDevicePlacement: true }) });
      await s.run(y, { 'x:0': 2 });
      await s.run(y, { 'x:0': 3 });
      s.runSync(y, { 'x:0': 4 });
      await s.close();
      const printed = log.mock.calls.map((c) => String(c[0]));
      expect(printed[0]).toBe('Device mapping: no known devices.');
      expect(printed.slice(1).join('\n').split('\n')).toEqual([
        'Const: (Const): /job:localhost/replica:0/task:0/device:CPU:0',
        'y: (Mul): /job:localhost/replica:0/task:0/device:CPU:0',
      ]);
    } finally {
      log.mockRestore();
    }
  });
});
