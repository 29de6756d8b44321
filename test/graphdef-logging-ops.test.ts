/**
 * GraphDef export and import of the logging, check and small helper ops with TF's attrs:
 * Assert (T, summarize), Print (T, U, message, first_n, summarize), StringFormat / PrintV2,
 * CountUpTo (T, limit), IdentityN (T), ShapeN (N, T, out_type), EnsureShape (T, shape); the
 * imported graph runs as the original (an assertion still fails, Print still passes its input).
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray, Tensor } from 'tsflow';

const dec = new TextDecoder();
type Attr = { s?: Uint8Array; i?: number; type?: number; shape?: unknown; list?: { type: number[] } };

describe('GraphDef: logging and check ops', () => {
  it("export with TF's attrs, import and run", async () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const x = tf.placeholder('float32', [2], { name: 'x' });
      const ok = tf.placeholder('bool', [], { name: 'ok' });
      tf.Assert(ok, ['failed', tf.constant(3, 'int32')], { summarize: 5, name: 'check' });
      tf.Print(x, [x, 'a'], { message: 'm', firstN: 2, name: 'p' });
      const c = new tf.Variable(tf.constant(0, 'int32'), { name: 'c' });
      c.countUpTo(4);
      tf.identityN([x, ok], { name: 'idn' });
      tf.shapeN([x, ok], 'int64', { name: 'shn' });
      tf.ensureShape(x, [2], { name: 'ens' });
      tf.print('v', x, { name: 'pv2' });
    });
    const gd = g.asGraphDef();
    const node = (name: string) => gd.node.find((n) => n.name === name)!;
    const attrs = (name: string) => node(name).attr as unknown as Record<string, Attr>;
    expect(node('check/Assert').op).toBe('Assert');
    expect(attrs('check/Assert').summarize!.i).toBe(5);
    expect(attrs('check/Assert').T!.list!.type).toEqual([7, 3]); // DT_STRING, DT_INT32
    expect(node('p').op).toBe('Print');
    expect(Object.keys(attrs('p')).sort()).toEqual(['T', 'U', 'first_n', 'message', 'summarize']);
    expect([dec.decode(attrs('p').message!.s), attrs('p').first_n!.i, attrs('p').U!.list!.type]).toEqual(['m', 2, [1, 7]]);
    expect(Object.keys(attrs('CountUpTo')).sort()).toEqual(['T', 'limit']);
    expect(attrs('CountUpTo').limit!.i).toBe(4);
    expect(attrs('idn').T!.list!.type).toEqual([1, 10]);
    expect([attrs('shn').N!.i, attrs('shn').out_type!.type]).toEqual([2, 9]);
    expect(Object.keys(attrs('ens')).sort()).toEqual(['T', 'shape']);
    expect(node('pv2').op).toBe('PrintV2');
    expect(dec.decode(attrs('pv2').output_stream!.s)).toBe('stderr');
    expect(dec.decode(attrs('pv2/StringFormat').template!.s)).toBe('v {}');

    const g2 = new tf.Graph();
    g2.asDefault(() => tf.importGraphDef(gd, { name: '' }));
    const t = (n: string) => g2.getTensorByName(n) as Tensor;
    const sess = new tf.Session({ graph: g2 });
    const errs: string[] = [];
    const orig = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((s: string) => (errs.push(s), true)) as typeof process.stderr.write;
    try {
      const x = t('x:0');
      const ok = t('ok:0');
      expect(Array.from(((await sess.run(t('p:0'), new Map([[x, [1, 2]]]))) as NDArray).data)).toEqual([1, 2]);
      await expect(sess.run(g2.getOperationByName('check/Assert')!, new Map([[ok, false]]))).rejects.toThrow('assertion failed: [failed] [3]');
      const [s0, s1] = (await sess.run([t('shn:0'), t('shn:1')], new Map<Tensor, unknown>([[x, [1, 2]], [ok, true]]) as never)) as NDArray[];
      expect([s0!.dtype, Array.from(s0!.data), Array.from(s1!.data)]).toEqual(['int64', [2], []]);
      await expect(sess.run(t('ens:0'), new Map([[x, [1, 2]]]))).resolves.toBeTruthy();
      await sess.run(g2.getOperationByName('c/Assign')!);
      expect(Array.from(((await sess.run(t('CountUpTo:0'))) as NDArray).data)).toEqual([0]);
      await sess.run(g2.getOperationByName('pv2')!, new Map([[x, [1, 2]]]));
    } finally {
      process.stderr.write = orig;
    }
    expect(errs).toEqual(['m[1 2][a]\n', 'v [1 2]\n']);
    await sess.close();
  });
});
