/** The WebGPU kernel table: one builder per primitive family (a missing one fails to compile). */
import { argReduce } from './arg-reduce.js';
import { avgPool } from './avg-pool.js';
import { avgPoolGrad } from './avg-pool-grad.js';
import { binary } from './binary.js';
import { cast } from './cast.js';
import { checkIndices } from './check-indices.js';
import { checkLabels } from './check-labels.js';
import { checkNumerics } from './check-numerics.js';
import { host } from './host.js';
import { concat } from './concat.js';
import { conv2d } from './conv2d.js';
import { conv2dBackpropFilter } from './conv2d-backprop-filter.js';
import { conv2dBackpropInput } from './conv2d-backprop-input.js';
import { copy } from './copy.js';
import { fill } from './fill.js';
import { firstIndex } from './first-index.js';
import { gather } from './gather.js';
import { map } from './map.js';
import { matmul } from './matmul.js';
import { maxPool } from './max-pool.js';
import { maxPoolGrad } from './max-pool-grad.js';
import { random } from './random.js';
import { range } from './range.js';
import { reduce } from './reduce.js';
import { scatterAdd } from './scatter-add.js';
import { select } from './select.js';
import { softmax } from './softmax.js';
import type { KernelTable } from './types.js';
import { unary } from './unary.js';

export const KERNELS: KernelTable = {
  unary,
  binary,
  select,
  cast,
  map,
  reduce,
  argReduce,
  copy,
  concat,
  gather,
  scatterAdd,
  firstIndex,
  matmul,
  fill,
  range,
  random,
  softmax,
  conv2d,
  conv2dBackpropInput,
  conv2dBackpropFilter,
  maxPool,
  maxPoolGrad,
  avgPool,
  avgPoolGrad,
  checkNumerics,
  checkLabels,
  checkIndices,
  host,
};
