/**
 * Work estimates that decide which steps fan out to the worker pool.
 *
 * A step's cost is in FLOP-equivalents: floating-point operations for matmul and conv, and for
 * every other family the time it takes expressed as the FLOPs the wasm matmul does in that time
 * (≈ 36 per ns on one core here). Measured per element on this machine (Node 20, x86-64):
 * float32 wasm elementwise ≈ 0.15 ns (≈ 5 FLOP-eq; a map expression's wasm function about the
 * same, plus a share per node), a plain JS loop ≈ 1 ns (≈ 36), Math.exp
 * and friends ≈ 8–12 ns (≈ 400). A pool fan-out costs 1–3 µs while the workers spin and up to
 * ~60 µs to wake a sleeping one, so the default threshold, 0.5 MFLOP-eq (≈ 15 µs of work),
 * keeps small steps on the calling thread. `parallelThreshold` overrides it; 0 fans out every
 * step that can split.
 */
import type { DataArray } from '../../dtype.js';
import type { Epilogue, UnaryFn, BinaryFn } from '../prims.js';
import type { Expr } from '../expr.js';
import { f32Form } from './wasm/map-form.js';
import type { AnyStep } from '../plan.js';

export const DEFAULT_PARALLEL_THRESHOLD = 5e5;
/** Chunks smaller than this are not worth a claim (and, for matmul, a repack of B). */
const MIN_CHUNK_COST = 2e5;
/** Chunks per thread, at most: slack for threads that start late or get preempted. */
const OVERSPLIT = 4;

const JS = 36;
const WASM_EW = 5;
const TRANSCENDENTAL = 400;

const CHEAP_UNARY: ReadonlySet<UnaryFn> = new Set<UnaryFn>([
  'neg', 'abs', 'square', 'sqrt', 'relu', 'relu6', 'reciprocal', 'floor', 'ceil', 'round', 'identity',
  'sign', 'rsqrt', 'leakyRelu', 'logicalNot', 'isNan', 'isInf',
]);
const CHEAP_BINARY: ReadonlySet<BinaryFn> = new Set<BinaryFn>([
  'add', 'sub', 'mul', 'div', 'maximum', 'minimum', 'squaredDifference', 'reluGrad', 'relu6Grad',
  'equal', 'notEqual', 'less', 'lessEqual', 'greater', 'greaterEqual', 'logicalAnd', 'logicalOr',
  'leakyReluGrad', 'sigmoidGrad', 'tanhGrad', 'rsqrtGrad', 'sqrtGrad', 'floorDiv', 'mod',
]);

/** ALU ops that cost a Math call of a transcendental (see map). */
const SLOW_ALU: ReadonlySet<string> = new Set(['exp', 'expm1', 'log', 'log1p', 'tanh', 'sin', 'cos']);

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/**
 * Per element of a map: float32 tensors whose expression has a lane form run as its wasm
 * function (wasm/map.ts: about an unfused wasm kernel's pass, plus a share per node, float64
 * nodes twice that); the others the JS loop, plus each node's share (the transcendental ones
 * dominate).
 */
function exprCost(e: Expr, f32: boolean): number {
  const form = f32 ? f32Form(e) : null;
  if (form) return form.kinds.reduce((per, k, i) => per + (k === null || e.nodes[i]!.op === 'in' || e.nodes[i]!.op === 'const' ? 0 : k === 'd' ? 1 : 0.5), WASM_EW);
  let per = JS;
  for (const n of e.nodes) per += n.op === 'in' || n.op === 'const' ? 0 : SLOW_ALU.has(n.op) ? TRANSCENDENTAL : 2;
  return per;
}

const epilogueCost = (ep: Epilogue | undefined, f32: boolean): number => (ep ? ep.rows * ep.cols * exprCost(ep.expr, f32) : 0);

/** FLOP-equivalents of one step (see above). */
export function stepCost(step: AnyStep, ins: DataArray[], wasm: boolean): number {
  const f32 = wasm && ins.every((a) => a instanceof Float32Array);
  const ew = f32 ? WASM_EW : JS;
  switch (step.prim) {
    case 'matmul': {
      const p = step.params;
      return 2 * p.batch * p.m * p.n * p.k * (f32 ? 1 : 7) + epilogueCost(p.epilogue, f32);
    }
    case 'conv2d':
    case 'conv2dBackpropInput':
    case 'conv2dBackpropFilter': {
      const g = step.params;
      return 2 * g.n * g.oh * g.ow * g.kh * g.kw * g.c * g.o * (f32 ? 1.5 : 10) + (step.prim === 'conv2d' ? epilogueCost(step.params.epilogue, f32) : 0);
    }
    case 'unary':
      return step.params.n * (CHEAP_UNARY.has(step.params.fn) ? ew : TRANSCENDENTAL);
    case 'binary':
      return size(step.params.outShape) * (CHEAP_BINARY.has(step.params.fn) ? ew * 1.5 : TRANSCENDENTAL);
    case 'select':
      return size(step.params.outShape) * JS;
    case 'map':
      return size(step.params.shape) * exprCost(step.params.expr, f32);
    case 'cast':
    case 'fill':
    case 'range':
      return step.params.n * JS;
    case 'copy':
      return size(step.params.outShape) * (f32 ? WASM_EW * 2 : JS);
    case 'concat':
      return step.params.outer * step.params.inners.reduce((a, b) => a + b, 0) * (f32 ? WASM_EW * 2 : JS);
    case 'gather':
      return step.params.outer * step.params.nIdx * step.params.inner * (f32 ? WASM_EW * 2 : JS);
    case 'scatterAdd':
      return step.params.outer * step.params.nIdx * step.params.inner * JS;
    case 'firstIndex':
      return step.params.n * JS;
    case 'reduce':
    case 'argReduce':
      return step.params.outer * step.params.size * step.params.inner * ew;
    case 'softmax':
      return step.params.outer * step.params.size * TRANSCENDENTAL;
    case 'maxPool':
    case 'avgPool':
    case 'maxPoolGrad':
    case 'avgPoolGrad': {
      const g = step.params;
      return g.n * g.oh * g.ow * g.c * g.kh * g.kw * JS;
    }
    case 'random':
      return step.params.n * TRANSCENDENTAL;
    case 'checkNumerics':
    case 'checkLabels':
    case 'checkIndices':
      return step.params.n * JS;
    case 'host':
      return 0;
  }
}

/**
 * How many chunks a step of `units` (in blocks of `align`, at least `minUnits` a chunk) gets on
 * `threads` threads.
 */
export function chunksFor(cost: number, units: number, align: number, minUnits: number, threads: number, threshold: number, maxChunks: number): number {
  if (threads <= 1 || cost < threshold) return 1;
  const blocks = Math.floor(Math.ceil(units / align) / Math.max(1, Math.ceil(minUnits / align)));
  if (blocks < 2) return 1;
  const want = Math.max(threads, Math.min(threads * OVERSPLIT, Math.floor(cost / MIN_CHUNK_COST)));
  return Math.min(blocks, want, maxChunks);
}
