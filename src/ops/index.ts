/** All op declarations and builders (importing this registers every op). */
export * from './core.js';
export * from './variables.js';
export * from './math.js';
export * from './array.js';
export * from './random.js';
export { divNoNan } from './div-no-nan.js';
export * from './strided-slice.js';
export { IndexedSlices, unsortedSegmentSum } from './indexed-slices.js';
export { norm, globalNorm, clipByNorm, clipByGlobalNorm } from './clip.js';
export * from './casts.js';
export * as strings from './strings.js';
export * as nn from './nn.js';
export { sigmoid, tanh } from './math.js';
export { type TensorLike, toTensor } from './convert.js';
export { convertToTensor } from './convert-to-tensor.js';
