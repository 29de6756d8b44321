/**
 * Float32 reductions over the middle axis of an [outer, size, inner] view:
 *   red_<op>(x, out, outer, size, inner)   out[o·inner + i] = op over s of x[(o·size + s)·inner + i]
 *
 * inner > 1: sixteen (then four, then one) output columns are held in registers while the
 * loop walks the reduced axis, so each output is combined in order s = 0, 1, 2, …
 * inner = 1: each row is reduced in four-vector partial results combined at the end (a
 * different order from a sequential loop: sums and products may differ in the last bits).
 * An empty axis (size = 0) gives the identity: 0, 1, -Infinity, +Infinity.
 */
import type { FuncBuilder, Local, ModuleBuilder } from './emitter.js';

export const REDUCE_OPS = ['sum', 'prod', 'max', 'min'] as const;
export type ReduceOp = (typeof REDUCE_OPS)[number];

export const reduceExport = (op: ReduceOp): string => `red_${op}`;

const IDENTITY: Record<ReduceOp, number> = { sum: 0, prod: 1, max: -Infinity, min: Infinity };

function combine(f: FuncBuilder, op: ReduceOp, vec: boolean): void {
  switch (op) {
    case 'sum':
      if (vec) f.f32x4Add(); else f.f32Add();
      return;
    case 'prod':
      if (vec) f.f32x4Mul(); else f.f32Mul();
      return;
    case 'max':
      if (vec) f.f32x4Max(); else f.f32Max();
      return;
    case 'min':
      if (vec) f.f32x4Min(); else f.f32Min();
      return;
  }
}

function emitReduce(m: ModuleBuilder, op: ReduceOp): void {
  const f = m.func(reduceExport(op), ['i32', 'i32', 'i32', 'i32', 'i32']);
  const [x, out, outer, size, inner] = f.params as [Local, Local, Local, Local, Local];
  const o = f.local('i32');
  const s = f.local('i32');
  const j = f.local('i32');
  const p = f.local('i32');
  const rowBytes = f.local('i32');
  const end = f.local('i32');
  const base = f.local('i32');
  const ob = f.local('i32');
  const acc = f.locals('v128', 4);
  const sc = f.local('f32');
  const id = IDENTITY[op];
  const splatId = (): void => {
    f.f32x4Const(id, id, id, id);
  };

  // rowBytes = inner·4 (distance between consecutive s)
  f.get(inner).i32(4).i32Mul().set(rowBytes);
  f.get(inner).i32(1).i32Eq();
  f.if();
  {
    // Contiguous rows: out[o] = op over x[o·size … o·size + size).
    f.get(x).set(p);
    f.for(o, () => f.i32(0), () => f.get(outer), 1, () => {
      for (const a of acc) {
        splatId();
        f.set(a);
      }
      f.get(p).get(size).i32(4).i32Mul().i32Add().set(end);
      f.while(
        () => f.get(p).i32(64).i32Add().get(end).i32LeU(),
        () => {
          for (let u = 0; u < 4; u++) {
            f.get(acc[u]!).get(p).v128Load({ offset: 16 * u, align: 0 });
            combine(f, op, true);
            f.set(acc[u]!);
          }
          f.get(p).i32(64).i32Add().set(p);
        },
      );
      f.while(
        () => f.get(p).i32(16).i32Add().get(end).i32LeU(),
        () => {
          f.get(acc[0]!).get(p).v128Load({ align: 0 });
          combine(f, op, true);
          f.set(acc[0]!);
          f.get(p).i32(16).i32Add().set(p);
        },
      );
      // (a0 op a1) op (a2 op a3), then across lanes
      f.get(acc[0]!).get(acc[1]!);
      combine(f, op, true);
      f.get(acc[2]!).get(acc[3]!);
      combine(f, op, true);
      combine(f, op, true);
      f.set(acc[0]!);
      f.get(acc[0]!).get(acc[0]!).get(acc[0]!).f32x4Shuffle(2, 3, 0, 1);
      combine(f, op, true);
      f.set(acc[0]!);
      f.get(acc[0]!).get(acc[0]!).get(acc[0]!).f32x4Shuffle(1, 0, 3, 2);
      combine(f, op, true);
      f.f32x4ExtractLane(0).set(sc);
      f.while(
        () => f.get(p).get(end).i32LtU(),
        () => {
          f.get(sc).get(p).f32Load();
          combine(f, op, false);
          f.set(sc);
          f.get(p).i32(4).i32Add().set(p);
        },
      );
      f.get(out).get(o).i32(4).i32Mul().i32Add().get(sc).f32Store();
    });
  }
  f.else();
  {
    f.for(o, () => f.i32(0), () => f.get(outer), 1, () => {
      // base = x + o·size·inner·4, ob = out + o·inner·4
      f.get(x).get(o).get(size).i32Mul().get(rowBytes).i32Mul().i32Add().set(base);
      f.get(out).get(o).get(rowBytes).i32Mul().i32Add().set(ob);
      f.i32(0).set(j);
      const columns = (width: 16 | 4 | 1): void => {
        const nv = width === 16 ? 4 : 1;
        const vec = width !== 1;
        f.while(
          () => f.get(j).i32(width).i32Add().get(inner).i32LeU(),
          () => {
            if (vec) {
              for (let u = 0; u < nv; u++) {
                splatId();
                f.set(acc[u]!);
              }
            } else {
              f.f32(id).set(sc);
            }
            // p = base + j·4
            f.get(base).get(j).i32(4).i32Mul().i32Add().set(p);
            f.for(s, () => f.i32(0), () => f.get(size), 1, () => {
              if (vec) {
                for (let u = 0; u < nv; u++) {
                  f.get(acc[u]!).get(p).v128Load({ offset: 16 * u, align: 0 });
                  combine(f, op, true);
                  f.set(acc[u]!);
                }
              } else {
                f.get(sc).get(p).f32Load();
                combine(f, op, false);
                f.set(sc);
              }
              f.get(p).get(rowBytes).i32Add().set(p);
            });
            f.get(ob).get(j).i32(4).i32Mul().i32Add().set(p);
            if (vec) for (let u = 0; u < nv; u++) f.get(p).get(acc[u]!).v128Store({ offset: 16 * u, align: 0 });
            else f.get(p).get(sc).f32Store();
            f.get(j).i32(width).i32Add().set(j);
          },
        );
      };
      columns(16);
      columns(4);
      columns(1);
    });
  }
  f.end();
}

export function emitReductions(m: ModuleBuilder): void {
  for (const op of REDUCE_OPS) emitReduce(m, op);
}
