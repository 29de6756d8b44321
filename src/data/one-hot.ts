/** One-hot encoding of integer class labels. */
import { NDArray } from '../ndarray.js';

/**
 * `labels` (int32 [N], values in [0, numClasses)) → float32 [N, numClasses] with a 1 at each
 * label's position.
 */
export function oneHot(labels: NDArray, numClasses = 10): NDArray {
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new RangeError(`oneHot: numClasses must be a positive integer, got ${numClasses}`);
  }
  if (labels.dtype !== 'int32' && labels.dtype !== 'int64') {
    throw new TypeError(`oneHot: labels must be int32 or int64, got ${labels.dtype}`);
  }
  if (labels.shape.length !== 1) {
    throw new TypeError(`oneHot: labels must have shape [N], got [${labels.shape.join(', ')}]`);
  }
  const n = labels.shape[0]!;
  const out = new Float32Array(n * numClasses);
  for (let i = 0; i < n; i++) {
    const c = labels.data[i]!;
    if (!Number.isInteger(c) || c < 0 || c >= numClasses) {
      throw new RangeError(`oneHot: label ${c} at index ${i} is outside [0, ${numClasses})`);
    }
    out[i * numClasses + c] = 1;
  }
  return new NDArray(out, [n, numClasses], 'float32');
}
