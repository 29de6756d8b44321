/**
 * `tf.device` (ops.py `device`, device_spec.py): every device string TF accepts, nested scopes
 * merged field by field (the inner scope wins), `tf.device(null)` ignoring the enclosing scopes,
 * device functions of the op, and placement of fully specified local devices.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';

const inGraph = <T>(fn: () => T): T => new tf.Graph().asDefault(fn);
const dev = (spec: string | null) => inGraph(() => tf.device(spec, () => tf.constant(1)).op.device);

describe('device strings', () => {
  it('canonical forms', () => {
    expect(dev('/cpu:0')).toBe('/device:CPU:0');
    expect(dev('/CPU:0')).toBe('/device:CPU:0');
    expect(dev('/gpu:1')).toBe('/device:GPU:1');
    expect(dev('/device:GPU:0')).toBe('/device:GPU:0');
    expect(dev('/device:gpu:0')).toBe('/device:GPU:0');
    expect(dev('gpu:0')).toBe('/device:GPU:0');
    expect(dev('/gpu:*')).toBe('/device:GPU:*');
    expect(dev('/device:CPU:*')).toBe('/device:CPU:*');
    expect(dev('/job:localhost/replica:0/task:0/device:GPU:0')).toBe('/job:localhost/replica:0/task:0/device:GPU:0');
    expect(dev('/job:worker/task:1/cpu:0')).toBe('/job:worker/task:1/device:CPU:0');
    expect(dev('/job:ps')).toBe('/job:ps');
    expect(dev('')).toBe('');
    expect(dev(null)).toBe('');
  });

  it("TF's errors for bad specs", () => {
    expect(() => dev('/foo:0')).toThrow("Unknown attribute: 'foo' in '/foo:0'");
    expect(() => dev('/cpu:0/gpu:0')).toThrow('Cannot specify multiple device types: /cpu:0/gpu:0');
    expect(() => dev('/task:x')).toThrow(/invalid literal for int\(\)/);
    expect(() => inGraph(() => tf.device(3 as never, () => 1))).toThrow(/A device must be a string, a device function or null/);
  });
});

describe('nested device scopes', () => {
  it('the inner scope overrides the fields it sets, the outer fill the rest', () => {
    inGraph(() => {
      const devOf = (outer: string, inner: string) => tf.device(outer, () => tf.device(inner, () => tf.constant(1))).op.device;
      expect(devOf('/job:worker', '/gpu:0')).toBe('/job:worker/device:GPU:0');
      expect(devOf('/gpu:0', '/cpu:0')).toBe('/device:CPU:0');
      expect(devOf('/device:GPU:1', '/job:ps')).toBe('/job:ps/device:GPU:1');
      expect(devOf('/job:worker/replica:1/task:2/device:GPU:0', '/task:3/device:CPU:0')).toBe('/job:worker/replica:1/task:3/device:CPU:0');
      expect(devOf('/device:GPU:1', '/device:GPU:*')).toBe('/device:GPU:1');
      // an outer scope applies again once the inner one has closed
      const [a, b] = tf.device('/gpu:0', () => [tf.device('/cpu:0', () => tf.constant(1)), tf.constant(2)]);
      expect([a.op.device, b.op.device]).toEqual(['/device:CPU:0', '/device:GPU:0']);
    });
  });

  it('tf.device(null) ignores the enclosing scopes', () => {
    inGraph(() => {
      const c = tf.device('/job:ps/gpu:0', () => tf.device(null, () => tf.constant(1)));
      expect(c.op.device).toBe('');
      const d = tf.device('/job:ps', () => tf.device(null, () => tf.device('/cpu:0', () => tf.constant(1))));
      expect(d.op.device).toBe('/device:CPU:0');
    });
  });
});

describe('device functions', () => {
  it('are called with each new op and set its device', () => {
    inGraph(() => {
      const seen: string[] = [];
      const setter = (op: tf.Operation) => {
        seen.push(op.type);
        return op.type === 'VariableV2' ? '/cpu:0' : op.type === 'MatMul' ? '/gpu:0' : null;
      };
      const [v, m, c] = tf.device(setter, () => {
        const v = new tf.Variable([[1, 2], [3, 4]], { name: 'w' });
        return [v, tf.matmul(v, v), tf.constant(1)] as const;
      });
      expect(v.op.device).toBe('/device:CPU:0');
      expect(m.op.device).toBe('/device:GPU:0');
      expect(c.op.device).toBe('');
      expect(seen).toContain('VariableV2');
      expect(seen).toContain('Assign');
    });
  });

  it('see the device the inner scopes gave the op; outer strings then merge in', () => {
    inGraph(() => {
      const got: string[] = [];
      const c = tf.device('/job:worker', () =>
        tf.device((op) => {
          got.push(op.device);
          return `${op.device}/device:GPU:0`;
        }, () => tf.device('/task:1', () => tf.constant(1))));
      expect(got).toEqual(['/task:1']);
      expect(c.op.device).toBe('/job:worker/task:1/device:GPU:0');
    });
  });
});

describe('placement of full and partial specs', () => {
  it('local full specs run on their device; a remote job needs soft placement', async () => {
    const g = new tf.Graph();
    const [local, partial, remote] = g.asDefault(() => [
      tf.device('/job:localhost/replica:0/task:0/device:CPU:0', () => tf.add(tf.constant(1), 1)),
      tf.device('/job:localhost', () => tf.add(tf.constant(2), 1)),
      tf.device('/job:ps/task:0/device:CPU:0', () => tf.add(tf.constant(3), 1)),
    ]);
    const s = new tf.Session({ graph: g, device: 'cpu' });
    expect((await s.run([local, partial])).map((x: tf.NDArray) => x.toArray())).toEqual([2, 3]);
    await expect(s.run(remote)).rejects.toThrow(/^Cannot assign a device for operation '.*': Operation was explicitly assigned to \/job:ps\/task:0\/device:CPU:0/);
    await s.close();
    const soft = new tf.Session({ graph: g, allowSoftPlacement: true });
    expect((await soft.run(remote)).toArray()).toBe(4);
    await soft.close();
  });
});
