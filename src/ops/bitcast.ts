/**
 * `tf.bitcast(input, type, name?)` (TF's Bitcast): the same bytes read as another dtype. A wider
 * input gains a last dimension of size in/out; a narrower one must end in a dimension of size
 * out/in, which goes. Evaluated on the host, little-endian as TF on x86 and ARM; not
 * differentiable, as in TF.
 */
import { kwargs } from '../args.js';
import { type DType, parseDType } from '../dtype.js';
import { InvalidArgumentError, UnimplementedError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import { NDArray } from '../ndarray.js';
import { type PartialShape } from '../shape.js';
import { type TensorLike, toTensor } from './convert.js';
import { arrayOf, defineHostOp } from './host-values.js';
import { makeOp, registerGradient } from './registry.js';

const SIZE: Partial<Record<DType, number>> = { float16: 2, float32: 4, float64: 8, int64: 8, int32: 4, uint8: 1, int16: 2, int8: 1, uint16: 2 };
const ALLOWED = 'bfloat16, float16, float32, float64, int64, int32, uint8, uint16, uint32, uint64, int8, int16, complex64, complex128, qint8, quint8, qint16, quint16, qint32';

function checkType(d: DType, param: string): number {
  const s = SIZE[d];
  if (s === undefined) {
    if (d === 'complex64' || d === 'complex128') throw new UnimplementedError(`Bitcast of ${d} is not supported by tsflow`);
    throw new TypeError(`Value passed to parameter '${param}' has DataType ${d} not in list of allowed values: ${ALLOWED}`);
  }
  return s;
}

function outShape(s: PartialShape, inSize: number, outSize: number, name: string): PartialShape {
  if (s === null) return null;
  if (inSize === outSize) return s;
  if (inSize > outSize) return [...s, inSize / outSize];
  if (s.length < 1) throw new InvalidArgumentError(`Shape must be at least rank 1 but is rank 0 for '${name}' (op: 'Bitcast') with input shapes: [].`);
  const last = s[s.length - 1]!;
  const div = outSize / inSize;
  if (last !== null && last !== div) throw new InvalidArgumentError(`Cannot bitcast due to shape. ${last} does not match ${div}`);
  return s.slice(0, -1);
}

function write(view: DataView, i: number, v: number, d: DType): void {
  switch (d) {
    case 'float16': case 'uint16': view.setUint16(i * 2, v, true); break;
    case 'int16': view.setInt16(i * 2, v, true); break;
    case 'float32': view.setFloat32(i * 4, v, true); break;
    case 'float64': view.setFloat64(i * 8, v, true); break;
    case 'int32': view.setInt32(i * 4, v, true); break;
    case 'int64': view.setBigInt64(i * 8, BigInt(Math.trunc(v)), true); break;
    case 'uint8': view.setUint8(i, v); break;
    case 'int8': view.setInt8(i, v); break;
    default: throw new Error(`bitcast: unexpected dtype ${d}`);
  }
}
function read(view: DataView, i: number, d: DType): number {
  switch (d) {
    case 'float16': case 'uint16': return view.getUint16(i * 2, true);
    case 'int16': return view.getInt16(i * 2, true);
    case 'float32': return view.getFloat32(i * 4, true);
    case 'float64': return view.getFloat64(i * 8, true);
    case 'int32': return view.getInt32(i * 4, true);
    case 'int64': return Number(view.getBigInt64(i * 8, true));
    case 'uint8': return view.getUint8(i);
    case 'int8': return view.getInt8(i);
    default: throw new Error(`bitcast: unexpected dtype ${d}`);
  }
}

defineHostOp<{ type: DType }>({
  type: 'Bitcast',
  infer: ([x], a, name) => {
    const inSize = checkType(x!.dtype, 'input');
    const outSize = checkType(a.type, 'type');
    return [{ dtype: a.type, shape: outShape(x!.shape, inSize, outSize, name) }];
  },
  run: ([x], a, op) => {
    const inSize = SIZE[x!.dtype]!;
    const outSize = SIZE[a.type]!;
    let shape: number[];
    try {
      shape = outShape(x!.shape, inSize, outSize, op.name) as number[];
    } catch (e) {
      throw new InvalidArgumentError((e as Error).message, op.name);
    }
    const n = x!.size;
    const view = new DataView(new ArrayBuffer(n * inSize));
    // float16 is held as its bits, so it is written and read as uint16
    const src = x!.data as ArrayLike<number>;
    for (let i = 0; i < n; i++) write(view, i, src[i]!, x!.dtype);
    const m = (n * inSize) / outSize;
    const out = new Float64Array(m);
    for (let i = 0; i < m; i++) out[i] = read(view, i, a.type);
    if (a.type === 'float16') {
      const bits = new Uint16Array(out);
      return [new NDArray(bits as never, shape, 'float16')];
    }
    return [arrayOf(out, shape, a.type)];
  },
});
registerGradient('Bitcast', null);

export function bitcast(input: TensorLike, type: DType | string, name?: string | Record<string, unknown>): Tensor {
  const o = kwargs([input, type, name], ['input', 'type', 'name'], 'bitcast', 2);
  const x = toTensor(o.input as TensorLike);
  return makeOp(x.graph, 'Bitcast', [x], { type: parseDType(o.type) }, o.name as string | undefined, 'Bitcast').outputs[0]!;
}
