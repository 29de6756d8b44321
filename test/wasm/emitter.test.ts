import { describe, expect, it } from 'vitest';
import { ByteWriter, ModuleBuilder, type Local } from '../../src/device/cpu/wasm/emitter.js';
import { relaxedSimdSupported, simdSupported } from '../../src/device/cpu/wasm/features.js';

const bytes = (w: ByteWriter): number[] => Array.from(w.finish());

describe('wasm emitter', () => {
  it('encodes LEB128', () => {
    expect(bytes(new ByteWriter().u32(0))).toEqual([0]);
    expect(bytes(new ByteWriter().u32(127))).toEqual([0x7f]);
    expect(bytes(new ByteWriter().u32(128))).toEqual([0x80, 0x01]);
    expect(bytes(new ByteWriter().u32(624485))).toEqual([0xe5, 0x8e, 0x26]);
    expect(bytes(new ByteWriter().u32(0xffffffff))).toEqual([0xff, 0xff, 0xff, 0xff, 0x0f]);
    expect(bytes(new ByteWriter().s32(0))).toEqual([0]);
    expect(bytes(new ByteWriter().s32(-1))).toEqual([0x7f]);
    expect(bytes(new ByteWriter().s32(63))).toEqual([0x3f]);
    expect(bytes(new ByteWriter().s32(64))).toEqual([0xc0, 0x00]);
    expect(bytes(new ByteWriter().s32(-64))).toEqual([0x40]);
    expect(bytes(new ByteWriter().s32(-65))).toEqual([0xbf, 0x7f]);
    expect(bytes(new ByteWriter().s32(-123456))).toEqual([0xc0, 0xbb, 0x78]);
    expect(() => new ByteWriter().u32(-1)).toThrow(RangeError);
    expect(() => new ByteWriter().u32(2 ** 32)).toThrow(RangeError);
  });

  it('builds a module with loops, labels, memory and constants that runs', () => {
    const m = new ModuleBuilder();
    m.importMemory({ module: 'env', name: 'memory', min: 1, shared: false });
    // sum(ptr, n): Σ f32 over n elements, scalar loop with while()
    const sum = m.func('sum', ['i32', 'i32'], ['f32']);
    {
      const [ptr, n] = sum.params as [Local, Local];
      const i = sum.local('i32');
      const acc = sum.local('f32');
      sum.f32(0).set(acc);
      sum.for(i, () => sum.i32(0), () => sum.get(n), 1, () => {
        sum.get(acc).get(ptr).get(i).i32(4).i32Mul().i32Add().f32Load().f32Add().set(acc);
      });
      sum.get(acc);
    }
    // k(): constants at the edges of the signed range
    const k = m.func('k', ['i32'], ['i32']);
    {
      const sel = k.params[0]!;
      const out = k.block('i32');
      for (const [idx, v] of [[0, -1], [1, 0x7fffffff], [2, -0x80000000], [3, 0xffffffff], [4, 8191]] as const) {
        k.i32(v).get(sel).i32(idx).i32Eq().brIf(out).drop();
      }
      k.i32(42);
      k.end();
    }
    // first lane of (a·b + c) via f32x4 ops, and a shuffle reversing lanes
    const v = m.func('v', ['f32', 'f32'], ['f32']);
    {
      const [a, b] = v.params as [Local, Local];
      v.get(a).f32x4Splat().get(b).f32x4Splat().f32x4Mul().f32x4Const(1, 2, 3, 4).f32x4Add();
      v.f32x4Const(0, 0, 0, 0).f32x4Shuffle(3, 2, 1, 0).f32x4ExtractLane(0);
    }
    const memory = new WebAssembly.Memory({ initial: 1 });
    const ex = new WebAssembly.Instance(new WebAssembly.Module(m.toBytes()), { env: { memory } }).exports as {
      sum(p: number, n: number): number;
      k(i: number): number;
      v(a: number, b: number): number;
    };
    new Float32Array(memory.buffer, 64, 5).set([1, 2, 3, 4, 5.5]);
    expect(ex.sum(64, 5)).toBe(15.5);
    expect(ex.sum(64, 0)).toBe(0);
    expect([0, 1, 2, 3, 4, 5].map(ex.k)).toEqual([-1, 0x7fffffff, -0x80000000, -1, 8191, 42]);
    expect(ex.v(2, 3)).toBe(10);
  });

  it('rejects unbalanced blocks and branches to closed labels', () => {
    const m = new ModuleBuilder();
    const f = m.func('f', []);
    const l = f.block();
    f.end();
    expect(() => f.br(l)).toThrow(/closed label/);
    f.block();
    expect(() => m.toBytes()).toThrow(/left open/);
    expect(() => new ModuleBuilder().importMemory({ module: 'e', name: 'm', min: 1, shared: true })).toThrow(/maximum/);
  });

  it('detects SIMD (and relaxed SIMD as a boolean)', () => {
    expect(simdSupported()).toBe(true);
    expect(typeof relaxedSimdSupported()).toBe('boolean');
  });
});
