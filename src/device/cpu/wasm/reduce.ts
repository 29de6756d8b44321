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

export const reduceExport = (op: ReduceOp, streaming = false): string => `red_${op}${streaming ? '_rows' : ''}`;

/**
 * Whether to use the row-streaming form: it walks x row by row (sequential reads) combining
 * into the output block, where the column form walks down 16-column strips. Down-column walks
 * are faster while x sits in L2 and much slower once x streams from further out (measured here:
 * [64,256,256] 0.64–1.6 ms by columns vs 0.42–0.5 ms by rows; [1,256,256] 3.6 µs vs 5.8 µs).
 */
export function useRowStreaming(outer: number, size: number, inner: number): boolean {
  return inner >= 64 && outer * size * inner * 4 > 768 * 1024;
}
/** Output columns per block of the row-streaming form (kept in L1 while the rows stream by). */
const STREAM_BLOCK = 2048;

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

/**
 * red_<op>_rows(x, out, outer, size, inner): the same result (same order of combination per
 * output) computed by streaming rows: out[block] = id op x[0, block], then out[block] op= x[s,
 * block] for s = 1 … size−1, in column blocks of STREAM_BLOCK.
 */
function emitReduceRows(m: ModuleBuilder, op: ReduceOp): void {
  const f = m.func(reduceExport(op, true), ['i32', 'i32', 'i32', 'i32', 'i32']);
  const [x, out, outer, size, inner] = f.params as [Local, Local, Local, Local, Local];
  const o = f.local('i32');
  const s = f.local('i32');
  const jb = f.local('i32');
  const w = f.local('i32');
  const rowBytes = f.local('i32');
  const src = f.local('i32');
  const dst = f.local('i32');
  const i = f.local('i32');
  const nb = f.local('i32');
  const idv = f.local('v128');
  const id = IDENTITY[op];
  f.f32x4Const(id, id, id, id).set(idv);
  f.get(inner).i32(4).i32Mul().set(rowBytes);

  /** dst[0..w) = (first ? id : dst) op src[0..w) */
  const rowPass = (first: boolean): void => {
    f.get(w).i32(4).i32Mul().set(nb);
    f.i32(0).set(i);
    const one = (vec: boolean, off: number): void => {
      f.get(dst).get(i).i32Add();
      if (first) {
        if (vec) f.get(idv);
        else f.f32(id);
      } else {
        f.get(dst).get(i).i32Add();
        if (vec) f.v128Load({ offset: off, align: 0 });
        else f.f32Load({ offset: off });
      }
      f.get(src).get(i).i32Add();
      if (vec) f.v128Load({ offset: off, align: 0 });
      else f.f32Load({ offset: off });
      combine(f, op, vec);
      if (vec) f.v128Store({ offset: off, align: 0 });
      else f.f32Store({ offset: off });
    };
    f.while(
      () => f.get(i).i32(64).i32Add().get(nb).i32LeU(),
      () => {
        for (let u = 0; u < 4; u++) one(true, 16 * u);
        f.get(i).i32(64).i32Add().set(i);
      },
    );
    f.while(
      () => f.get(i).i32(16).i32Add().get(nb).i32LeU(),
      () => {
        one(true, 0);
        f.get(i).i32(16).i32Add().set(i);
      },
    );
    f.while(
      () => f.get(i).get(nb).i32LtU(),
      () => {
        one(false, 0);
        f.get(i).i32(4).i32Add().set(i);
      },
    );
  };

  f.for(o, () => f.i32(0), () => f.get(outer), 1, () => {
    f.for(jb, () => f.i32(0), () => f.get(inner), STREAM_BLOCK, () => {
      // w = min(STREAM_BLOCK, inner − jb); dst = out + (o·inner + jb)·4
      f.get(inner).get(jb).i32Sub().set(w);
      f.get(w).i32(STREAM_BLOCK).i32GtS().ifThen(() => f.i32(STREAM_BLOCK).set(w));
      f.get(out).get(o).get(rowBytes).i32Mul().i32Add().get(jb).i32(4).i32Mul().i32Add().set(dst);
      // src = x + o·size·rowBytes + jb·4
      f.get(x).get(o).get(size).i32Mul().get(rowBytes).i32Mul().i32Add().get(jb).i32(4).i32Mul().i32Add().set(src);
      f.get(size).i32Eqz();
      f.if();
      {
        // empty axis: fill with the identity (dst op= nothing, from id)
        f.get(w).i32(4).i32Mul().set(nb);
        f.for(i, () => f.i32(0), () => f.get(nb), 4, () => {
          f.get(dst).get(i).i32Add().f32(id).f32Store();
        });
      }
      f.else();
      {
        rowPass(true);
        f.for(s, () => f.i32(1), () => f.get(size), 1, () => {
          f.get(src).get(rowBytes).i32Add().set(src);
          rowPass(false);
        });
      }
      f.end();
    });
  });
}

export function emitReductions(m: ModuleBuilder): void {
  for (const op of REDUCE_OPS) {
    emitReduce(m, op);
    emitReduceRows(m, op);
  }
}
