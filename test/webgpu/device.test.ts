/**
 * The WebGPU device as a whole: variables, constants, commits, run-time errors (which must leave
 * variables alone), bool storage and the planner's offsets, 64-bit dtypes, pipeline reuse,
 * concurrent runs.
 */
import { describe, expect, it } from 'vitest';
import { BYTES } from '../../src/dtype.js';
import { InternalError, InvalidArgumentError, UnimplementedError } from '../../src/errors.js';
import type { Plan } from '../../src/device/plan.js';
import type { WebGPUProgram } from '../../src/device/webgpu/program.js';
import { PlanBuilder, expectClose, expectExact, openDevice, randBool, randF32, runPlan } from './helpers.js';

const dev = await openDevice();
const none = new Uint32Array(0);

describe.skipIf(!dev)('WebGPU device', () => {
  it('describes itself', () => {
    expect(dev!.kind).toBe('webgpu');
    expect(dev!.name).toBe('/device:GPU:0');
    expect(dev!.alignment).toBe(256);
    expect(dev!.inPlace).toBe(false);
    expect(['float32', 'int32', 'bool'].map((d) => dev!.bytesPerElement(d as 'bool'))).toEqual([4, 4, 4]);
    console.log(`WebGPU adapter: ${dev!.adapterInfo?.description ?? 'unknown'}`);
  });

  it('creates, reads and writes variables of every 32-bit dtype', async () => {
    dev!.createVariable('v/f', 'float32', 5);
    dev!.createVariable('v/i', 'int32', 3);
    dev!.createVariable('v/b', 'bool', 9);
    expectExact(await dev!.readVariable('v/f'), [0, 0, 0, 0, 0]);
    await dev!.writeVariable('v/f', Float32Array.of(1, 2, 3, 4, 5.5));
    await dev!.writeVariable('v/i', Int32Array.of(-1, 0, 2147483647));
    const bools = Uint8Array.of(1, 0, 1, 1, 0, 0, 1, 0, 1);
    await dev!.writeVariable('v/b', bools);
    const b = await dev!.readVariable('v/b');
    expect(b).toBeInstanceOf(Uint8Array);
    expectExact(b, bools);
    expectExact(await dev!.readVariable('v/i'), [-1, 0, 2147483647]);
    // Same dtype and size: a no-op that keeps the value.
    dev!.createVariable('v/f', 'float32', 5);
    expectExact(await dev!.readVariable('v/f'), [1, 2, 3, 4, 5.5]);
    // Another size: fresh zeroed storage.
    dev!.createVariable('v/f', 'float32', 2);
    expectExact(await dev!.readVariable('v/f'), [0, 0]);
    await expect(dev!.readVariable('nope')).rejects.toThrow(InvalidArgumentError);
    await expect(dev!.writeVariable('v/i', Int32Array.of(1))).rejects.toThrow(/holds 3 elements, got 1/);
    expect(() => dev!.createVariable('v/d', 'float64', 2)).toThrow(/float64 is not supported on WebGPU/);
  });

  it('reads variables in steps, fetches their old value and commits new ones', async () => {
    dev!.createVariable('acc', 'float32', 4);
    await dev!.writeVariable('acc', Float32Array.of(1, 2, 3, 4));
    const b = new PlanBuilder();
    const v = b.variable('acc', 'float32', 4);
    const x = b.feed('float32', Float32Array.of(10, 20, 30, 40));
    const sum = b.step('binary', { fn: 'add', outShape: [4], aStrides: [1], bStrides: [1], alpha: 0 }, [v, x], 'float32', 4);
    b.fetch(v, sum);
    b.commits.push({ from: sum, to: v });
    const prog = await dev!.compile(b.plan());
    const [old1, new1] = await prog.run(b.feedData, none);
    expectExact(old1!, [1, 2, 3, 4]);
    expectExact(new1!, [11, 22, 33, 44]);
    const [old2] = await prog.run(b.feedData, none);
    expectExact(old2!, [11, 22, 33, 44]);
    expectExact(await dev!.readVariable('acc'), [21, 42, 63, 84]);
    // Host writes between runs are seen by the next run.
    await dev!.writeVariable('acc', Float32Array.of(0, 0, 0, 1));
    expectExact((await prog.run(b.feedData, none))[1]!, [10, 20, 30, 41]);
    // Storage replaced with another shape: the compiled plan refuses to run.
    dev!.createVariable('acc', 'float32', 3);
    await expect(prog.run(b.feedData, none)).rejects.toThrow(/compiled for float32\[4\]/);
    prog.dispose();
    await expect(prog.run(b.feedData, none)).rejects.toThrow(/disposed/);
  });

  it('a failed check fails the run with TF text and the op name, and commits nothing', async () => {
    dev!.createVariable('w', 'float32', 3);
    await dev!.writeVariable('w', Float32Array.of(1, 1, 1));
    const b = new PlanBuilder();
    const w = b.variable('w', 'float32', 3);
    const x = b.feed('float32', Float32Array.of(1, 2, 3));
    const checked = b.step('checkNumerics', { n: 3, message: 'x is bad' }, [x], 'float32', 3, 'CheckNumerics_1');
    const next = b.step('binary', { fn: 'mul', outShape: [3], aStrides: [1], bStrides: [1], alpha: 0 }, [w, checked], 'float32', 3);
    b.commits.push({ from: next, to: w });
    b.fetch(next);
    const prog = await dev!.compile(b.plan());
    expectExact((await prog.run([Float32Array.of(1, 2, 3)], none))[0]!, [1, 2, 3]);
    expectExact(await dev!.readVariable('w'), [1, 2, 3]);
    for (const [data, what] of [
      [Float32Array.of(1, NaN, 3), 'NaN'],
      [Float32Array.of(Infinity, 2, 3), 'Inf'],
      [Float32Array.of(-Infinity, NaN, 3), 'Inf and NaN'],
    ] as const) {
      const err = await prog.run([data], none).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(InvalidArgumentError);
      expect((err as InvalidArgumentError).message).toBe(`x is bad : Tensor had ${what} values`);
      expect((err as InvalidArgumentError).op).toBe('CheckNumerics_1');
      expectExact(await dev!.readVariable('w'), [1, 2, 3]);
    }
    expectExact((await prog.run([Float32Array.of(2, 2, 2)], none))[0]!, [2, 4, 6]);
    expectExact(await dev!.readVariable('w'), [2, 4, 6]);
    prog.dispose();
  });

  it('checkLabels lists every label in its message', async () => {
    const b = new PlanBuilder();
    const labels = b.feed('int32', Int32Array.of(3, 10, 1));
    b.fetch(b.step('checkLabels', { n: 3, depth: 10 }, [labels], 'int32', 3, 'SparseSoftmaxCrossEntropyWithLogits'));
    await expect(runPlan(dev!, b)).rejects.toMatchObject({
      name: 'InvalidArgumentError',
      message: 'Received a label value of 10 which is outside the valid range of [0, 10).  Label values: 3 10 1',
      op: 'SparseSoftmaxCrossEntropyWithLogits',
    });
    b.feedData[0] = Int32Array.of(0, 9, 4);
    expectExact((await runPlan(dev!, b))[0]!, [0, 9, 4]);
  });

  it('uses constants, fetches feeds and repeated buffers, runs empty plans', async () => {
    const b = new PlanBuilder();
    const c = b.constant('float32', Float32Array.of(0.5, 1.5));
    const cb = b.constant('bool', Uint8Array.of(1, 0));
    const x = b.feed('float32', Float32Array.of(2, 4));
    const y = b.step('binary', { fn: 'mul', outShape: [2], aStrides: [1], bStrides: [1], alpha: 0 }, [c, x], 'float32', 2);
    const z = b.step('select', { outShape: [2], cStrides: [1], aStrides: [1], bStrides: [1] }, [cb, y, x], 'float32', 2);
    b.fetch(z, x, z, cb);
    const [z1, x1, z2, cb1] = await runPlan(dev!, b);
    expectExact(z1!, [1, 4]);
    expectExact(x1!, [2, 4]);
    expectExact(z2!, [1, 4]);
    expectExact(cb1!, [1, 0]);
    const empty: Plan = { buffers: [], steps: [], arenaBytes: 0, feeds: [], fetches: [], commits: [], dynSlots: 0 };
    const p = await dev!.compile(empty);
    expect(await p.run([], none)).toEqual([]);
    p.dispose();
  });

  it('binds an input used twice once (x·x)', async () => {
    const b = new PlanBuilder();
    const x = b.feed('float32', Float32Array.of(1, 2, 3));
    b.fetch(b.step('binary', { fn: 'mul', outShape: [3], aStrides: [1], bStrides: [1], alpha: 0 }, [x, x], 'float32', 3));
    expectExact((await runPlan(dev!, b))[0]!, [1, 4, 9]);
  });

  it('re-lays out temps whose planner offsets assumed 1-byte bools', async () => {
    // Offsets from a planner that counted bool as 1 byte: 300 bools fit in 512 bytes, but as
    // u32 they take 1200, so the three temps would overlap on the GPU.
    const oneByte = new PlanBuilder((d) => BYTES[d]);
    const a = oneByte.feed('bool', randBool(300, 1));
    const bb = oneByte.feed('bool', randBool(300, 2));
    const and = oneByte.step('binary', { fn: 'logicalAnd', outShape: [300], aStrides: [1], bStrides: [1], alpha: 0 }, [a, bb], 'bool', 300);
    oneByte.fetch(and);
    const prog = (await dev!.compile(oneByte.plan())) as WebGPUProgram;
    expect(prog.relaid).toBe(true);
    const [out] = await prog.run(oneByte.feedData, none);
    const A = oneByte.feedData[0]!;
    const B = oneByte.feedData[1]!;
    expectExact(out!, Array.from(A, (v, i) => (v && B[i] ? 1 : 0)));
    prog.dispose();

    const fourBytes = new PlanBuilder((d) => dev!.bytesPerElement(d));
    const f = fourBytes.feed('bool', randBool(300, 1));
    fourBytes.fetch(fourBytes.step('unary', { fn: 'logicalNot', n: 300, alpha: 0 }, [f], 'bool', 300));
    const prog2 = (await dev!.compile(fourBytes.plan())) as WebGPUProgram;
    expect(prog2.relaid).toBe(false);
    prog2.dispose();
  });

  it('rejects 64-bit dtypes at compile time, naming the op', async () => {
    const b = new PlanBuilder();
    const x = b.feed('float64', Float64Array.of(1, 2));
    b.fetch(b.step('unary', { fn: 'neg', n: 2, alpha: 0 }, [x], 'float64', 2, 'Neg_7'));
    const err = await dev!.compile(b.plan()).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(UnimplementedError);
    expect((err as UnimplementedError).op).toBe('Neg_7');
    expect((err as Error).message).toMatch(/float64 is not supported on WebGPU/);
  });

  it('rejects bad feeds and dyn slots', async () => {
    const b = new PlanBuilder();
    b.dynSlots = 1;
    const x = b.feed('float32', Float32Array.of(1, 2));
    b.fetch(b.step('random', { n: 2, dist: 'uniform', seed: [1, 2], dynSlot: 0, scale: 1, shift: 0 }, [], 'float32', 2), x);
    const prog = await dev!.compile(b.plan());
    await expect(prog.run([], Uint32Array.of(0))).rejects.toThrow(/takes 1 feeds, got 0/);
    await expect(prog.run([Float32Array.of(1)], Uint32Array.of(0))).rejects.toThrow(/has 1 elements/);
    await expect(prog.run(b.feedData, none)).rejects.toThrow(/dyn slots/);
    expect((await prog.run(b.feedData, Uint32Array.of(0))).length).toBe(2);
    prog.dispose();
  });

  it('keys pipelines by family, dtype and rank, not by shape', async () => {
    const plan = (shape: number[]): PlanBuilder => {
      const b = new PlanBuilder();
      const n = shape.reduce((p, d) => p * d, 1);
      const a = b.feed('float32', randF32(n, 1));
      const c = b.feed('float32', randF32(shape[shape.length - 1]!, 2));
      const st = shape.map((_, d) => shape.slice(d + 1).reduce((p, q) => p * q, 1));
      const bs = shape.map((_, d) => (d === shape.length - 1 ? 1 : 0));
      b.fetch(b.step('binary', { fn: 'sub', outShape: shape, aStrides: st, bStrides: bs, alpha: 0 }, [a, c], 'float32', n));
      b.fetch(b.step('reduce', { fn: 'sum', outer: shape[0]!, size: n / shape[0]!, inner: 1 }, [a], 'float32', shape[0]!));
      return b;
    };
    await runPlan(dev!, plan([3, 5]));
    const count = dev!.pipelineCount;
    await runPlan(dev!, plan([7, 2]));
    await runPlan(dev!, plan([2, 9, 4]));
    expect(dev!.pipelineCount).toBe(count);
  });

  it('turns shader compile errors into exceptions naming the op, and keeps working', async () => {
    const err = await dev!.pipeline('test/bad', () => 'fn main( {', 1, 'BadOp').then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(InternalError);
    expect((err as InternalError).op).toBe('BadOp');
    expect((err as Error).message).toMatch(/test\/bad.*BadOp.*failed to compile/s);
    const b = new PlanBuilder();
    b.fetch(b.step('fill', { n: 3, value: 4 }, [], 'int32', 3));
    expectExact((await runPlan(dev!, b))[0]!, [4, 4, 4]);
  });

  it('covers grids of more than 65535 workgroups', async () => {
    const n = 65535 * 64 + 1000;
    const b = new PlanBuilder();
    const ones = b.step('fill', { n, value: 1 }, [], 'int32', n);
    const idx = b.step('range', { n, start: 0, delta: 1 }, [], 'int32', n);
    b.fetch(b.step('reduce', { fn: 'sum', outer: 1, size: n, inner: 1 }, [ones], 'int32', 1));
    b.fetch(b.step('reduce', { fn: 'max', outer: 1, size: n, inner: 1 }, [idx], 'int32', 1));
    const [count, last] = await runPlan(dev!, b);
    expectExact(count!, [n]);
    expectExact(last!, [n - 1]);
  });

  it('runs overlapping calls in order', async () => {
    const b = new PlanBuilder();
    const x = b.feed('float32', new Float32Array(64));
    b.fetch(b.step('unary', { fn: 'square', n: 64, alpha: 0 }, [x], 'float32', 64));
    const prog = await dev!.compile(b.plan());
    const inputs = [1, 2, 3, 4, 5, 6].map((s) => randF32(64, s));
    const outs = await Promise.all(inputs.map((d) => prog.run([d], none)));
    outs.forEach(([o], k) => expectClose(o!, Array.from(inputs[k]!, (v) => Math.fround(v * v)), { rtol: 0, atol: 0 }));
    prog.dispose();
  });
});
