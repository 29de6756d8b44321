/**
 * TF's spectral ops: FFT/IFFT (+2D/3D) over the innermost 1-3 axes of a complex tensor, and
 * RFFT/IRFFT (+2D/3D) between float32 and complex64 with an `fft_length` operand, with their
 * gradients (TF 1.15 spectral_grad.py). They run on the host, as every complex op does (see
 * complex.ts); any length is exact (radix-2, Bluestein otherwise), accumulated in float64.
 */
import { tf1Function } from '../args.js';
import { type DType, isComplex } from '../dtype.js';
import { InvalidArgumentError, ValueError } from '../errors.js';
import { Tensor, type Operation } from '../graph/tensor.js';
import { NDArray } from '../ndarray.js';
import { registerHostOp } from '../session/host-stage.js';
import { type Dim, cShape } from '../shape.js';
import { type Parts, cropOrPad, dftAxis, fromParts, partsOf, realArray } from './complex-kernels.js';
import { type TensorLike, toTensor } from './convert.js';
import { defineOp, makeOp, registerGradient } from './registry.js';

type Rank = 1 | 2 | 3;
const suffix = (k: Rank): string => (k === 1 ? '' : `${k}D`);

function rankError(k: Rank, x: Tensor, name: string, type: string, more: readonly Tensor[] = []): ValueError {
  const shapes = [x, ...more].map((t) => cShape(t.shape)).join(', ');
  return new ValueError(`Shape must be at least rank ${k} but is rank ${x.shape!.length} for '${name}' (op: '${type}') with input shapes: ${shapes}.`);
}

function host(type: string, fn: (op: Operation, ins: NDArray[]) => NDArray[]): void {
  registerHostOp(type, function* (op, ins) {
    return fn(op, ins);
  });
}

/** Transform the innermost `k` axes of `p` in place, but the last `skipLast` of them. */
function transformInner(p: Parts, k: number, inverse: boolean, skipLast = 0): void {
  const r = p.shape.length;
  for (let ax = r - k; ax < r - skipLast; ax++) dftAxis(p, ax, inverse);
}

// ----- FFT / IFFT ------------------------------------------------------------------------------
for (const k of [1, 2, 3] as const) {
  for (const inverse of [false, true]) {
    const type = `${inverse ? 'I' : ''}FFT${suffix(k)}`;
    defineOp({
      type,
      infer: ([x], _a, name) => {
        if (!isComplex(x!.dtype)) {
          throw new TypeError(`Value passed to parameter 'input' has DataType ${x!.dtype} not in list of allowed values: complex64, complex128`);
        }
        if (x!.shape !== null && x!.shape.length < k) throw rankError(k, x!, name, type);
        return [{ dtype: x!.dtype, shape: x!.shape }];
      },
      lower: () => {
        throw new Error(`${type} runs on the host before the plan; it cannot be lowered`);
      },
    });
    host(type, (_op, [x]) => {
      const p = partsOf(x!);
      transformInner(p, k, inverse);
      return [fromParts(p, x!.dtype)];
    });
    // d FFT = IFFT(dy)·N, d IFFT = FFT(dy)/N, N the product of the transformed dims
    registerGradient(type, (op, [dy]) => {
      if (!dy) return [null];
      const back = spectral(`${inverse ? '' : 'I'}FFT${suffix(k)}`, dy);
      const n = fftSize(dy, k);
      const scale = inverse ? makeOp(op.graph, 'RealDiv', [complexOne(dy), n], {}, undefined, 'truediv').outputs[0]! : n;
      return [makeOp(op.graph, 'Mul', [back, scale], {}, undefined, 'mul').outputs[0]!];
    });
  }
}

/** The product of `t`'s innermost `k` dims as a scalar of `t`'s complex dtype. */
function fftSize(t: Tensor, k: number): Tensor {
  const s = t.shape;
  const inner = s === null ? null : s.slice(s.length - k);
  if (inner && inner.every((d) => d !== null)) {
    return complexScalar(inner.reduce<number>((a, d) => a * (d as number), 1), t.dtype, t);
  }
  const g = t.graph;
  const shp = makeOp(g, 'Shape', [t], {}, undefined, 'Shape').outputs[0]!;
  const r = s?.length;
  if (r === undefined) throw new ValueError('The FFT gradient needs the rank of its input');
  const part = makeOp(g, 'Slice', [shp], { begin: [r - k], size: [k] }, undefined, 'Slice').outputs[0]!;
  const prod = makeOp(g, 'Prod', [part], { axes: [0], keepDims: false }, undefined, 'Prod').outputs[0]!;
  return makeOp(g, 'Cast', [prod], { DstT: t.dtype }, undefined, 'Cast').outputs[0]!;
}
function complexScalar(v: number, dtype: DType, like: Tensor): Tensor {
  const a = NDArray.complex([v], [0], [], dtype as 'complex64' | 'complex128');
  return makeOp(like.graph, 'Const', [], { value: a }, undefined, 'Const').outputs[0]!;
}
const complexOne = (t: Tensor): Tensor => complexScalar(1, t.dtype, t);

function spectral(type: string, x: Tensor, name?: string, extra: Tensor[] = []): Tensor {
  return makeOp(x.graph, type, [x, ...extra], {}, name, type).outputs[0]!;
}

// ----- RFFT / IRFFT ------------------------------------------------------------------------
/** The fft_length operand's values: `k` non-negative int32s. */
function fftLengths(v: NDArray, k: number, opName: string): number[] {
  const n = Array.from(v.data as ArrayLike<number>);
  if (v.shape.length !== 1 || n.length !== k) {
    throw new InvalidArgumentError(`fft_length must be a vector of length ${k}, got shape [${v.shape.join(',')}]`, opName);
  }
  if (n.some((d) => d < 0)) throw new InvalidArgumentError(`fft_length must be non-negative, got [${n.join(', ')}]`, opName);
  return n;
}

/** The static values of an fft_length operand (a Const), else null. */
function staticLengths(t: Tensor): number[] | null {
  if (t.op.type !== 'Const') return null;
  return Array.from((t.op.attrs.value as NDArray).data as ArrayLike<number>);
}

function realFFT(x: NDArray, n: number[]): NDArray {
  const k = n.length;
  const r = x.shape.length;
  const outer = x.shape.slice(0, r - k);
  const p = cropOrPad(partsOf(x), [...outer, ...n]);
  transformInner(p, k, false);
  return fromParts(cropOrPad(p, [...outer, ...n.slice(0, -1), Math.floor(n[k - 1]! / 2) + 1]), 'complex64');
}

function inverseRealFFT(y: NDArray, n: number[]): NDArray {
  const k = n.length;
  const r = y.shape.length;
  const outer = y.shape.slice(0, r - k);
  const nl = n[k - 1]!;
  const m = Math.floor(nl / 2) + 1;
  let p = cropOrPad(partsOf(y), [...outer, ...n.slice(0, -1), m]);
  transformInner(p, k, true, 1);
  // the last axis: the negative frequencies are the conjugates of the positive ones
  p = cropOrPad(p, [...outer, ...n]);
  const rows = p.re.length / Math.max(nl, 1);
  for (let row = 0; row < rows; row++) {
    const b = row * nl;
    for (let q = m; q < nl; q++) {
      p.re[b + q] = p.re[b + nl - q]!;
      p.im[b + q] = -p.im[b + nl - q]!;
    }
  }
  dftAxis(p, p.shape.length - 1, true);
  return realArray(p.re, p.shape, 'float32');
}

for (const k of [1, 2, 3] as const) {
  const rtype = `RFFT${suffix(k)}`;
  const itype = `IRFFT${suffix(k)}`;
  const lengthsShape = (n: Tensor, name: string, type: string, x: Tensor): void => {
    if (n.dtype !== 'int32') throw new TypeError(`Value passed to parameter 'fft_length' has DataType ${n.dtype} not in list of allowed values: int32`);
    if (n.shape !== null && (n.shape.length !== 1 || (n.shape[0] !== null && n.shape[0] !== k))) {
      throw new ValueError(`Dimension 0 in both shapes must be equal, but are ${n.shape[0] ?? n.shape.length} and ${k}. Shapes are ${cShape(n.shape)} and [${k}]. for '${name}' (op: '${type}') with input shapes: ${cShape(x.shape)}, ${cShape(n.shape)}.`);
    }
  };
  const outShape = (x: Tensor, n: Tensor, last: (d: number) => number): Dim[] | null => {
    if (x.shape === null) return null;
    const vals = staticLengths(n);
    const inner: Dim[] = vals ? vals.map((d, i) => (i === k - 1 ? last(d) : d)) : new Array<Dim>(k).fill(null);
    return [...x.shape.slice(0, x.shape.length - k), ...inner];
  };
  defineOp({
    type: rtype,
    infer: ([x, n], _a, name) => {
      if (x!.dtype !== 'float32') throw new TypeError(`Value passed to parameter 'input' has DataType ${x!.dtype} not in list of allowed values: float32`);
      if (x!.shape !== null && x!.shape.length < k) throw rankError(k, x!, name, rtype, [n!]);
      lengthsShape(n!, name, rtype, x!);
      return [{ dtype: 'complex64', shape: outShape(x!, n!, (d) => Math.floor(d / 2) + 1) }];
    },
    lower: () => {
      throw new Error(`${rtype} runs on the host before the plan; it cannot be lowered`);
    },
  });
  host(rtype, (op, [x, n]) => [realFFT(x!, fftLengths(n!, k, op.name))]);
  defineOp({
    type: itype,
    infer: ([y, n], _a, name) => {
      if (y!.dtype !== 'complex64') throw new TypeError(`Value passed to parameter 'input' has DataType ${y!.dtype} not in list of allowed values: complex64`);
      if (y!.shape !== null && y!.shape.length < k) throw rankError(k, y!, name, itype, [n!]);
      lengthsShape(n!, name, itype, y!);
      return [{ dtype: 'float32', shape: outShape(y!, n!, (d) => d) }];
    },
    lower: () => {
      throw new Error(`${itype} runs on the host before the plan; it cannot be lowered`);
    },
  });
  host(itype, (op, [y, n]) => [inverseRealFFT(y!, fftLengths(n!, k, op.name))]);

  // Gradients, exact for any crop or pad of the input: an RFFT's is the real part of the
  // unscaled inverse DFT of dy (zero above the kept bins); an IRFFT's is the RFFT of dy with
  // each bin weighted by how often the Hermitian extension uses it (1 or 2), over prod(fft_length).
  const gradType = (t: string): string => `${t}Grad`;
  for (const [type, inverse] of [[rtype, false], [itype, true]] as const) {
    defineOp({
      type: gradType(type),
      infer: ([_dy, x]) => [{ dtype: x!.dtype, shape: x!.shape }],
      lower: () => {
        throw new Error(`${gradType(type)} runs on the host before the plan; it cannot be lowered`);
      },
    });
    registerGradient(gradType(type), null);
    host(gradType(type), (op, [dy, x, nv]) => {
      const n = fftLengths(nv!, k, op.name);
      const r = x!.shape.length;
      const outer = x!.shape.slice(0, r - k);
      const inner = x!.shape.slice(r - k);
      const total = n.reduce((a, d) => a * d, 1);
      if (!inverse) {
        const p = cropOrPad(partsOf(dy!), [...outer, ...n]);
        transformInner(p, k, true);
        for (let i = 0; i < p.re.length; i++) p.re[i] = p.re[i]! * total;
        const back = cropOrPad(p, [...outer, ...inner]);
        return [realArray(back.re, back.shape, 'float32')];
      }
      const p = partsOf(dy!);
      transformInner(p, k, false);
      const nl = n[k - 1]!;
      const m = Math.floor(nl / 2) + 1;
      const q = cropOrPad(p, [...outer, ...n.slice(0, -1), m]);
      for (let i = 0; i < q.re.length; i++) {
        const bin = i % m;
        const w = (bin === 0 || (nl % 2 === 0 && bin === nl / 2) ? 1 : 2) / Math.max(total, 1);
        q.re[i] = q.re[i]! * w;
        q.im[i] = q.im[i]! * w;
      }
      return [fromParts(cropOrPad(q, [...outer, ...inner]), 'complex64')];
    });
    registerGradient(type, (op, [dy]) => {
      if (!dy) return [null, null];
      const [x, n] = op.inputs as [Tensor, Tensor];
      return [makeOp(op.graph, gradType(type), [dy, x, n], {}, undefined, gradType(type)).outputs[0]!, null];
    });
  }
}

// ----- public functions -----------------------------------------------------------------------
function fftFn(type: string, defaultName: string) {
  return tf1Function(defaultName, ['input', 'name'], (input: TensorLike, name?: string): Tensor => {
    const x = toTensor(input);
    return makeOp(x.graph, type, [x], {}, name, type).outputs[0]!;
  }, 1);
}
export const fft = fftFn('FFT', 'fft');
export const ifft = fftFn('IFFT', 'ifft');
export const fft2d = fftFn('FFT2D', 'fft2d');
export const ifft2d = fftFn('IFFT2D', 'ifft2d');
export const fft3d = fftFn('FFT3D', 'fft3d');
export const ifft3d = fftFn('IFFT3D', 'ifft3d');

/** fft_length from the input's static inner dims (TF's _infer_fft_length_for_rfft/irfft). */
function inferLengths(x: Tensor, k: number, inverse: boolean): Tensor {
  const s = x.shape!;
  const inner = s.slice(s.length - k);
  if (inner.some((d) => d === null)) {
    throw new ValueError(`fft_length must be given for an input whose innermost ${k} dims are not known statically, got shape ${cShape(s)}`);
  }
  const vals = (inner as number[]).map((d, i) => (inverse && i === k - 1 ? Math.max(2 * (d - 1), 0) : d));
  return toTensor(new NDArray(Int32Array.from(vals), [k], 'int32'));
}

function realFn(k: Rank, inverse: boolean) {
  const type = `${inverse ? 'I' : ''}RFFT${suffix(k)}`;
  const defaultName = type.toLowerCase();
  return tf1Function(defaultName, ['inputTensor', 'fftLength', 'name'], (input: TensorLike, fftLength?: TensorLike | null, name?: string): Tensor => {
    const x0 = input instanceof Tensor ? input : toTensor(input, inverse ? 'complex64' : 'float32');
    const want: DType = inverse ? 'complex64' : 'float32';
    if (x0.dtype !== want) {
      throw new ValueError(`Tensor conversion requested dtype ${want} for Tensor with dtype ${x0.dtype}: ${x0.name}`);
    }
    return x0.graph.nameScope(name ?? defaultName, (scope) => {
      if (x0.shape !== null && x0.shape.length < k) throw new ValueError(`Shape ${cShape(x0.shape)} must have rank at least ${k}`);
      const n = fftLength === undefined || fftLength === null ? inferLengths(x0, k, inverse) : toTensor(fftLength, 'int32');
      return makeOp(x0.graph, type, [x0, n], {}, scope, type).outputs[0]!;
    });
  }, 1);
}
export const rfft = realFn(1, false);
export const irfft = realFn(1, true);
export const rfft2d = realFn(2, false);
export const irfft2d = realFn(2, true);
export const rfft3d = realFn(3, false);
export const irfft3d = realFn(3, true);

/** `tf.spectral` / `tf.signal`: the FFT family under TF's names. */
export const spectral_ = { fft, ifft, fft2d, ifft2d, fft3d, ifft3d, rfft, irfft, rfft2d, irfft2d, rfft3d, irfft3d };
