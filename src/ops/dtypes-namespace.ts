/**
 * `tf.dtypes` (TF 1.15): `asDType`, `DType`, and the conversions `cast`, `saturateCast`,
 * `complex`, `asString`. tsflow's dtypes are their names (`'float32'`, `'int64'`, …), so
 * `asDType` and `DType` return the name a TF spelling, a DataType enum value or a dtype stands for.
 */
import { type DType as DTypeName, DTYPES, parseDType } from '../dtype.js';
import { dtypeFromEnum } from '../graphdef/tensor-proto.js';

export { cast } from './math.js';
export { saturateCast } from './math-special.js';
export { complex } from './complex.js';
export { asString } from './strings/ops.js';

const isKnown = (x: unknown): boolean => typeof x === 'string' && ((DTYPES as readonly string[]).includes(x) || ['float', 'double', 'half'].includes(x));

/**
 * `tf.dtypes.asDType(typeValue)`: the dtype of a dtype name (tsflow's or TF's `float`, `double`,
 * `half`) or a DataType enum value (`DT_FLOAT` = 1, …); TF's TypeError for anything else.
 */
export function asDType(typeValue: unknown): DTypeName {
  if (isKnown(typeValue)) return parseDType(typeValue);
  if (typeof typeValue === 'number' && Number.isInteger(typeValue)) {
    try {
      return dtypeFromEnum(typeValue);
    } catch {
      // falls through to TF's text
    }
  }
  const repr = typeof typeValue === 'string' ? `'${typeValue}'` : String(typeValue);
  throw new TypeError(`Cannot convert value ${repr} to a TensorFlow DType.`);
}

/** `tf.dtypes.DType(typeEnum)`: the dtype of a DataType enum value (as TF's DType constructor takes it), or of a dtype name. */
export function DType(typeEnum: number | string): DTypeName {
  if (typeof typeEnum === 'number') {
    try {
      return dtypeFromEnum(typeEnum);
    } catch {
      throw new TypeError(`type_enum is not a valid types_pb2.DataType: ${typeEnum}`);
    }
  }
  return asDType(typeEnum);
}
/** TF's `as_dtype` spelled as its mechanical camelCase. */
export { asDType as asDtype };
