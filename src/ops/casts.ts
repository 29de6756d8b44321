/** TF1's cast shorthands: `tf.toInt32`, `toInt64`, `toFloat`, `toDouble` (Cast ops named as TF names them). */
import type { Tensor } from '../graph/tensor.js';
import type { TensorLike } from './convert.js';
import { cast } from './math.js';

export const toInt32 = (x: TensorLike, name = 'ToInt32'): Tensor => cast(x, 'int32', name);
export const toInt64 = (x: TensorLike, name = 'ToInt64'): Tensor => cast(x, 'int64', name);
export const toFloat = (x: TensorLike, name = 'ToFloat'): Tensor => cast(x, 'float32', name);
export const toDouble = (x: TensorLike, name = 'ToDouble'): Tensor => cast(x, 'float64', name);
