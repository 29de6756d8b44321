/** Data movement: strided copy, concat, gather and its inverse scatter-add. */
import { InvalidArgumentError } from '../../../errors.js';
import type { CpuKernel } from './types.js';

export const copy: CpuKernel<'copy'> = (p, [x], [o]) => {
  const X = x!;
  const O = o!;
  const { outShape: shape, inStrides: st, inOffset } = p;
  const r = shape.length;
  if (r === 0) {
    O[0] = X[inOffset]!;
    return;
  }
  const inner = shape[r - 1]!;
  const si = st[r - 1]!;
  let rows = 1;
  for (let d = 0; d < r - 1; d++) rows *= shape[d]!;
  const idx = new Array<number>(r).fill(0);
  let off = inOffset;
  let oo = 0;
  for (let row = 0; row < rows; row++) {
    if (si === 1) {
      for (let i = 0; i < inner; i++) O[oo + i] = X[off + i]!;
    } else {
      let q = off;
      for (let i = 0; i < inner; i++, q += si) O[oo + i] = X[q]!;
    }
    oo += inner;
    for (let d = r - 2; d >= 0; d--) {
      idx[d]!++;
      off += st[d]!;
      if (idx[d]! < shape[d]!) break;
      off -= st[d]! * shape[d]!;
      idx[d] = 0;
    }
  }
};

export const concat: CpuKernel<'concat'> = (p, ins, [o]) => {
  const O = o!;
  const total = p.inners.reduce((a, b) => a + b, 0);
  for (let a = 0; a < p.outer; a++) {
    let col = a * total;
    ins.forEach((x, j) => {
      const w = p.inners[j]!;
      O.set(x.subarray(a * w, a * w + w), col);
      col += w;
    });
  }
};

function badIndex(op: string, i: number, v: number, axisSize: number): never {
  throw new InvalidArgumentError(`indices[${i}] = ${v} is not in [0, ${axisSize})`, op);
}

export const gather: CpuKernel<'gather'> = (p, [x, idx], [o], ctx) => {
  const { outer, axisSize, inner, nIdx } = p;
  const I = idx!;
  for (let j = 0; j < nIdx; j++) {
    const v = I[j]!;
    if (v < 0 || v >= axisSize) badIndex(ctx.op, j, v, axisSize);
  }
  const X = x!;
  const O = o!;
  for (let a = 0; a < outer; a++) {
    for (let j = 0; j < nIdx; j++) {
      const src = (a * axisSize + I[j]!) * inner;
      O.set(X.subarray(src, src + inner), (a * nIdx + j) * inner);
    }
  }
};

export const scatterAdd: CpuKernel<'scatterAdd'> = (p, [u, idx], [o], ctx) => {
  const { outer, axisSize, inner, nIdx } = p;
  const I = idx!;
  for (let j = 0; j < nIdx; j++) {
    const v = I[j]!;
    if (v < 0 || v >= axisSize) badIndex(ctx.op, j, v, axisSize);
  }
  const U = u!;
  const O = o!;
  O.fill(0);
  for (let a = 0; a < outer; a++) {
    for (let j = 0; j < nIdx; j++) {
      const dst = (a * axisSize + I[j]!) * inner;
      const src = (a * nIdx + j) * inner;
      for (let i = 0; i < inner; i++) O[dst + i] += U[src + i]!;
    }
  }
};

export const fill: CpuKernel<'fill'> = (p, _ins, [o]) => {
  o!.fill(p.value);
};

export const range: CpuKernel<'range'> = (p, _ins, [o]) => {
  const O = o!;
  for (let i = 0; i < p.n; i++) O[i] = p.start + i * p.delta;
};
