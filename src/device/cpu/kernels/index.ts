import { checkIndices, checkLabels, checkNumerics } from './checks.js';
import { host } from './host.js';
import { binary, cast, select, unary } from './elementwise.js';
import { map } from './map.js';
import { matmul } from './matmul.js';
import { concat, copy, fill, firstIndex, gather, range, scatterAdd } from './movement.js';
import { random } from './random.js';
import { argReduce, reduce } from './reduce.js';
import { softmax } from './softmax.js';
import type { CpuKernelTable } from './types.js';
import { conv2d, conv2dBackpropFilter, conv2dBackpropInput } from './conv.js';
import { avgPool, avgPoolGrad, maxPool, maxPoolGrad } from './window.js';

export const cpuKernels: CpuKernelTable = {
  unary, binary, select, cast, map, reduce, argReduce, copy, concat, gather, scatterAdd, firstIndex, matmul, fill,
  range, random, softmax, conv2d, conv2dBackpropInput, conv2dBackpropFilter, maxPool, maxPoolGrad,
  avgPool, avgPoolGrad, checkNumerics, checkLabels, checkIndices, host,
};

export type { CpuKernel, CpuKernelTable, KernelCtx, Split } from './types.js';
