/**
 * The device registry: a device registered from outside the session (here a TEST device that
 * runs the CPU kernels and records the plans it is given) is placed by `tf.device`, chosen by
 * the session's `device` option, listed, logged, hidden by `deviceCount`, and named in
 * placement errors — with no session file knowing of it.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as tf from 'tsflow';
import { BYTES, type DType, type DataArray } from '../src/dtype.js';
import type { Device, Program } from '../src/device/device.js';
import type { Plan } from '../src/device/plan.js';
import { CpuDevice } from '../src/device/cpu/index.js';
import { type DeviceDecl, dtypesExcept, registerDevice, registeredDevices } from '../src/device/registry.js';
import { thrown } from './support/errors.js';

const CPU0 = '/job:localhost/replica:0/task:0/device:CPU:0';
const TEST0 = '/job:localhost/replica:0/task:0/device:TEST:0';
/** Above the CPU's 64, so the plans it receives show the planner used its alignment. */
const TEST_ALIGNMENT = 256;

/** Every TEST device opened, newest last. */
const opened: TestDevice[] = [];

class TestDevice implements Device {
  readonly kind = 'test';
  readonly name = '/device:TEST:0';
  readonly alignment = TEST_ALIGNMENT;
  readonly inPlace = false;
  readonly plans: Plan[] = [];
  private readonly cpu: CpuDevice;
  constructor(threads: number | undefined) {
    this.cpu = new CpuDevice({ threads: threads ?? 1 });
  }
  bytesPerElement(dtype: DType): number {
    return BYTES[dtype];
  }
  createVariable(key: string, dtype: DType, size: number): void {
    this.cpu.createVariable(key, dtype, size);
  }
  readVariable(key: string): Promise<DataArray> {
    return this.cpu.readVariable(key);
  }
  writeVariable(key: string, data: DataArray): Promise<void> {
    return this.cpu.writeVariable(key, data);
  }
  compile(plan: Plan): Promise<Program> {
    this.plans.push(plan);
    return this.cpu.compile(plan);
  }
  compileSync(plan: Plan): Program {
    this.plans.push(plan);
    return this.cpu.compileSync(plan);
  }
  dispose(): Promise<void> {
    return this.cpu.dispose();
  }
}

const TEST_DEVICE: DeviceDecl = {
  id: 'test',
  deviceType: 'TEST',
  kind: 'CPU',
  label: 'TEST',
  // no string kernels: ops on strings go to the fallback device
  dtypes: dtypesExcept('string'),
  alignment: TEST_ALIGNMENT,
  bytesPerElement: (d) => BYTES[d],
  inPlace: false,
  sync: true,
  fallback: false,
  open: (o) => {
    const d = new TestDevice(o.threads);
    opened.push(d);
    return d;
  },
};

let unregister: () => void;
beforeAll(() => {
  unregister = registerDevice(TEST_DEVICE);
});
afterAll(() => unregister?.());

const stepOps = (d: TestDevice) => new Set(d.plans.flatMap((p) => p.steps.map((s) => s.op)));

describe('a registered TEST device', () => {
  it('runs the ops tf.device puts on it; the others stay on the CPU; tensors cross between them', async () => {
    const g = new tf.Graph();
    const { x, y, z } = g.asDefault(() => {
      const x = tf.placeholder(tf.float32, [2, 2], 'x');
      const y = tf.device('/device:TEST:0', () => tf.matmul(x, tf.constant([[1, 2], [3, 4]]), { name: 'mm' }));
      const z = tf.add(y, 1, 'plus1');
      return { x, y, z };
    });
    const sess = new tf.Session({ graph: g, threads: 1 });
    const before = opened.length;
    const [yv, zv] = await sess.run([y, z], new Map([[x, [[1, 0], [0, 2]]]]));
    expect(yv.toArray()).toEqual([[1, 2], [6, 8]]);
    expect(zv.toArray()).toEqual([[2, 3], [7, 9]]);
    expect(opened.length).toBe(before + 1);
    const dev = opened[opened.length - 1]!;
    // the TEST device got the matmul (and nothing of the CPU's add)
    expect(dev.plans.length).toBe(1);
    expect(stepOps(dev).has('mm')).toBe(true);
    expect(stepOps(dev).has('plus1')).toBe(false);
    // the memory planner used the TEST device's alignment
    for (const b of dev.plans[0]!.buffers) if (b.kind === 'temp') expect(b.offset % TEST_ALIGNMENT).toBe(0);
    expect(sess.listDevices().map(({ name, deviceType }) => ({ name, deviceType }))).toEqual([
      { name: '/device:CPU:0', deviceType: 'CPU' },
      { name: '/device:TEST:0', deviceType: 'TEST' },
    ]);
    // the plan is cached: a second run compiles nothing new
    await sess.run(z, new Map([[x, [[1, 1], [1, 1]]]]));
    expect(dev.plans.length).toBe(1);
    await sess.close();
  });

  it("is a Session device option; ops on strings fall back to the CPU; runSync works (it is synchronous)", async () => {
    const g = new tf.Graph();
    const { v, sum, s } = g.asDefault(() => {
      const v = new tf.Variable([1, 2, 3], { name: 'v' });
      const sum = tf.reduceSum(tf.assignAdd(v, [1, 1, 1]), null, false, 'total');
      const s = tf.strings.join([tf.constant('a'), tf.constant('b')], { name: 'joined' });
      return { v, sum, s };
    });
    const sess = new tf.Session({ graph: g, device: 'test', threads: 1 });
    await sess.run(v.initializer);
    expect((await sess.run(sum)).toArray()).toBe(9);
    expect(sess.runSync(sum).toArray()).toBe(12);
    expect((await sess.readVariable(v)).toArray()).toEqual([3, 4, 5]);
    expect((await sess.run(s)).toArray()).toEqual('ab');
    const dev = opened[opened.length - 1]!;
    const ops = stepOps(dev);
    expect(ops.has('total')).toBe(true);
    expect(ops.has('joined')).toBe(false);
    await sess.close();
  });

  it('placement errors list it; soft placement uses it for another index; logDevicePlacement names it', async () => {
    const g = new tf.Graph();
    const c = g.asDefault(() => {
      const [a, b] = [tf.constant(1), tf.constant(2)];
      return tf.device('/device:TEST:1', () => tf.add(a, b, 'sum'));
    });
    const hard = new tf.Session({ graph: g, threads: 1 });
    const e = await hard.run(c).then(() => null, (x: unknown) => x as Error);
    expect(e).toBeInstanceOf(tf.errors.InvalidArgumentError);
    expect(e!.message).toBe(
      `Cannot assign a device for operation 'sum': Operation was explicitly assigned to /device:TEST:1 but available devices are [ ${CPU0}, ${TEST0} ]. Make sure the device specification refers to a valid device.`,
    );
    await hard.close();

    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      const soft = new tf.Session({ graph: g, threads: 1, allowSoftPlacement: true, logDevicePlacement: true });
      expect((await soft.run(c)).toArray()).toBe(3);
      expect(stepOps(opened[opened.length - 1]!).has('sum')).toBe(true);
      expect(log.mock.calls.map((a) => String(a[0])).join('\n')).toContain(`sum: (Add): ${TEST0}`);
      await soft.close();
    } finally {
      log.mockRestore();
    }
  });

  it('deviceCount {TEST: 0} hides it: an error without soft placement, the CPU with it', async () => {
    const g = new tf.Graph();
    const c = g.asDefault(() => {
      const [a, b] = [tf.constant(3), tf.constant(4)];
      return tf.device('/device:TEST:0', () => tf.multiply(a, b, 'prod'));
    });
    const n = opened.length;
    const hard = new tf.Session({ graph: g, threads: 1, deviceCount: { TEST: 0 } });
    expect((await hard.run(c).then(() => null, (x: unknown) => x as Error))!.message).toMatch(
      /^Cannot assign a device for operation 'prod': Operation was explicitly assigned to \/device:TEST:0 but available devices are \[ \/job:localhost\/replica:0\/task:0\/device:CPU:0 \]/,
    );
    await hard.close();
    const soft = new tf.Session({ graph: g, threads: 1, deviceCount: { TEST: 0 }, allowSoftPlacement: true });
    expect((await soft.run(c)).toArray()).toBe(12);
    expect(soft.listDevices().map((d) => d.deviceType)).toEqual(['CPU']);
    expect(opened.length).toBe(n);
    await soft.close();
    // the session's own device hidden: its runs fail, naming the config
    const own = new tf.Session({ graph: g, threads: 1, device: 'test', deviceCount: { TEST: 0 } });
    expect((await own.run(c).then(() => null, (x: unknown) => x as Error))!.message).toBe('The TEST device is hidden by the session config (deviceCount TEST: 0)');
    await own.close();
  });

  it('the registry refuses a second device of the same id or type; removed, the session option is refused', () => {
    expect(() => registerDevice({ ...TEST_DEVICE })).toThrow("registerDevice: a device 'test' (/device:TEST:0) is registered already");
    expect(() => registerDevice({ ...TEST_DEVICE, id: 'other' })).toThrow(/a device 'test' \(\/device:TEST:0\) is registered already/);
    expect(() => registerDevice({ ...TEST_DEVICE, id: 'x', deviceType: 'bad type' })).toThrow(/deviceType must be upper-case/);
    expect(registeredDevices().map((d) => d.id)).toEqual(['cpu', 'webgpu', 'test']);
    unregister();
    try {
      expect(thrown(() => new tf.Session({ device: 'test' as never })).message).toBe(
        "Invalid Session option device: expected one of 'cpu', 'webgpu', got 'test'",
      );
    } finally {
      unregister = registerDevice(TEST_DEVICE);
    }
  });
});
