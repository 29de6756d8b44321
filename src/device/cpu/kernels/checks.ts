/** Run-time checks that fail the run with TF's texts. */
import { InvalidArgumentError } from '../../../errors.js';
import { sliceDebugString } from '../../prims.js';
import type { CpuKernel } from './types.js';

export const checkNumerics: CpuKernel<'checkNumerics'> = (p, [x], [o], ctx) => {
  const X = x!;
  let nan = false;
  let inf = false;
  for (let i = 0; i < p.n; i++) {
    const v = X[i]!;
    if (v !== v) nan = true;
    else if (v === Infinity || v === -Infinity) inf = true;
  }
  if (nan || inf) {
    const what = nan && inf ? 'Inf and NaN' : nan ? 'NaN' : 'Inf';
    throw new InvalidArgumentError(`${p.message} : Tensor had ${what} values`, ctx.op);
  }
  if (o !== X) o!.set(X.subarray(0, p.n));
};

export const checkLabels: CpuKernel<'checkLabels'> = (p, [x], [o], ctx) => {
  const X = x!;
  for (let i = 0; i < p.n; i++) {
    const v = X[i]!;
    if (v < 0 || v >= p.depth) {
      throw new InvalidArgumentError(
        `Received a label value of ${v} which is outside the valid range of [0, ${p.depth}).  Label values: ${Array.from(X.subarray(0, p.n)).join(' ')}`,
        ctx.op,
      );
    }
  }
  if (o !== X) o!.set(X.subarray(0, p.n));
};

export const checkIndices: CpuKernel<'checkIndices'> = (p, [x], [o], ctx) => {
  const X = x!;
  for (let i = 0; i < p.n; i++) {
    const v = X[i]!;
    if (v >= p.limit || (v < 0 && !p.allowNegative)) {
      throw new InvalidArgumentError(`${p.name}${sliceDebugString(p.shape, i)} = ${v} is out of range [0, ${p.limit})`, ctx.op);
    }
  }
  if (o !== X) o!.set(X.subarray(0, p.n));
};
