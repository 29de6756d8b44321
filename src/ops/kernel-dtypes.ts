/**
 * The dtypes TF1 registers each op for (its op def's type constraint), in TF's order, and the
 * build-time check with TF's text for any other dtype. Ops not listed accept every dtype.
 */
import type { DType } from '../dtype.js';

const FLOAT = ['bfloat16', 'float16', 'float32', 'float64'];
const COMPLEX = ['complex64', 'complex128'];
/** `realnumbertypes`. */
const REAL = ['float32', 'float64', 'int32', 'uint8', 'int16', 'int8', 'int64', 'bfloat16', 'uint16', 'float16', 'uint32', 'uint64'];
/** `numbertypes`. */
const NUMBER = ['float32', 'float64', 'int32', 'uint8', 'int16', 'int8', 'complex64', 'int64', 'qint8', 'quint8', 'qint32', 'bfloat16', 'uint16', 'complex128', 'float16', 'uint32', 'uint64'];
const FLOAT_COMPLEX = [...FLOAT, ...COMPLEX];
const ARITH = ['bfloat16', 'float16', 'float32', 'float64', 'uint8', 'int8', 'uint16', 'int16', 'int32', 'int64', ...COMPLEX];
const SIGNED = ['bfloat16', 'float16', 'float32', 'float64', 'int8', 'int16', 'int32', 'int64'];
const MINMAX = ['bfloat16', 'float16', 'float32', 'float64', 'int32', 'int64'];

const TABLE: Record<string, readonly string[]> = {
  // unary
  Neg: [...SIGNED, ...COMPLEX], Abs: SIGNED, Sign: [...SIGNED, ...COMPLEX], Square: [...MINMAX, ...COMPLEX],
  Sqrt: FLOAT_COMPLEX, Rsqrt: FLOAT_COMPLEX, Exp: FLOAT_COMPLEX, Expm1: FLOAT_COMPLEX, Log: FLOAT_COMPLEX,
  Log1p: FLOAT_COMPLEX, Sigmoid: FLOAT_COMPLEX, Tanh: FLOAT_COMPLEX, Sin: FLOAT_COMPLEX, Cos: FLOAT_COMPLEX,
  Tan: FLOAT_COMPLEX, Asin: FLOAT_COMPLEX, Acos: FLOAT_COMPLEX, Atan: FLOAT_COMPLEX, Sinh: FLOAT_COMPLEX,
  Cosh: FLOAT_COMPLEX, Asinh: FLOAT_COMPLEX, Acosh: FLOAT_COMPLEX, Atanh: FLOAT_COMPLEX,
  Reciprocal: [...MINMAX, ...COMPLEX], Floor: FLOAT, Ceil: FLOAT, Round: [...MINMAX, ...COMPLEX],
  IsNan: FLOAT, IsInf: FLOAT, IsFinite: FLOAT, LogicalNot: ['bool'],
  Erf: FLOAT, Erfc: FLOAT, Lgamma: FLOAT, Digamma: FLOAT, Rint: FLOAT, Softsign: FLOAT,
  Relu: REAL, Relu6: REAL, LeakyRelu: FLOAT, Elu: FLOAT, Selu: FLOAT, Softplus: FLOAT,
  // binary
  Add: [...ARITH.filter((d) => d !== 'uint16'), 'string'], AddV2: ARITH, Sub: ARITH, Mul: ARITH, RealDiv: ARITH,
  FloorDiv: ARITH, TruncateDiv: ARITH, FloorMod: ['int32', 'int64', ...FLOAT], Pow: [...MINMAX, ...COMPLEX],
  Maximum: MINMAX, Minimum: MINMAX, SquaredDifference: [...MINMAX, ...COMPLEX],
  Equal: [...FLOAT, 'uint8', 'int8', 'int16', 'int32', 'int64', 'uint16', ...COMPLEX, 'quint8', 'qint8', 'qint32', 'string', 'bool'],
  Atan2: FLOAT, TruncateMod: ['int32', 'int64', ...FLOAT], Zeta: ['float32', 'float64'], Polygamma: ['float32', 'float64'],
  AccumulateNV2: NUMBER, Cumprod: NUMBER,
  Less: REAL, LessEqual: REAL, Greater: REAL, GreaterEqual: REAL,
  LogicalAnd: ['bool'], LogicalOr: ['bool'],
  // reductions, matmul, nn
  Sum: NUMBER, Mean: NUMBER, Prod: NUMBER, Max: REAL, Min: REAL, Any: ['bool'], All: ['bool'],
  ArgMax: NUMBER, ArgMin: NUMBER,
  MatMul: [...MINMAX, ...COMPLEX], BatchMatMul: [...MINMAX, ...COMPLEX],
  Softmax: FLOAT, LogSoftmax: FLOAT,
};
TABLE.NotEqual = TABLE.Equal!;

/** TF's TypeError when op `type` has no kernel for `dtype` (parameter `param`). */
export function checkKernelDType(type: string, param: string, dtype: DType): void {
  const allowed = TABLE[type];
  if (allowed && !allowed.includes(dtype)) {
    throw new TypeError(`Value passed to parameter '${param}' has DataType ${dtype} not in list of allowed values: ${allowed.join(', ')}`);
  }
}
