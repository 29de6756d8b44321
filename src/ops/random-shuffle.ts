/**
 * `tf.randomShuffle(value, seed?, name?)` (TF's RandomShuffle): the rows of `value` (its first
 * dimension) in a random order, a fresh permutation on every run. It runs as a host-stage op:
 * Fisher–Yates over a seeded stream (src/data/random.ts) keyed by the graph and op seeds
 * (TF1's get_seed) and the op's run count in the session, so a fresh session repeats its
 * sequence; with no seed at all each run is unpredictable, as in TF. Not TF's exact streams.
 */
import { StringArray } from '../string-array.js';
import { getDefaultGraph } from '../graph/context.js';
import type { Operation, Tensor } from '../graph/tensor.js';
import { NDArray } from '../ndarray.js';
import { registerHostOp } from '../session/host-stage.js';
import type { SessionState } from '../session/runner.js';
import { sizeOf } from '../shape.js';
import { deriveSeed, mix32, permutation, seededRandom } from '../data/random.js';
import { type TensorLike, toTensor } from './convert.js';
import { getSeed } from './deprecated-aliases.js';
import { defineOp, makeOp, registerGradient } from './registry.js';

interface ShuffleAttrs { seed: number; seed2: number; seeded: boolean; [k: string]: unknown }

defineOp<ShuffleAttrs>({
  type: 'RandomShuffle',
  infer: (ins) => [{ dtype: ins[0]!.dtype, shape: ins[0]!.shape }],
  lower: () => {
    throw new Error('RandomShuffle runs on the host before the plan; it cannot be lowered');
  },
  stateful: true,
});
registerGradient('RandomShuffle', null);

const runs = new WeakMap<SessionState, Map<Operation, number>>();

registerHostOp('RandomShuffle', function* (op, ins, hc) {
  const v = ins[0]!;
  if (v.shape.length === 0) return [v];
  const a = op.attrs as ShuffleAttrs;
  let m = runs.get(hc.runner.state);
  if (!m) runs.set(hc.runner.state, (m = new Map()));
  const k = m.get(op) ?? 0;
  m.set(op, k + 1);
  const rand = a.seeded ? seededRandom(deriveSeed(mix32(a.seed ^ Math.imul(a.seed2, 0x2c1b3c6d)), k)) : Math.random;
  const n = v.shape[0]!;
  const per = sizeOf(v.shape.slice(1));
  const p = permutation(n, rand);
  if (v.dtype === 'string') {
    const src = v.data as unknown as StringArray;
    const out = new StringArray(src.length);
    for (let i = 0; i < n; i++) for (let j = 0; j < per; j++) out[i * per + j] = src[p[i]! * per + j]!;
    return [new NDArray(out as never, v.shape, 'string')];
  }
  const src = v.data as unknown as Float32Array;
  const out = new (src.constructor as new (n: number) => Float32Array)(src.length);
  for (let i = 0; i < n; i++) out.set(src.subarray(p[i]! * per, (p[i]! + 1) * per), i * per);
  return [new NDArray(out as never, v.shape, v.dtype)];
});

/** `tf.randomShuffle(value, seed?, name?)` (`tf.random.shuffle`). */
export function randomShuffle(value: TensorLike, seed?: number | null | { seed?: number | null; name?: string }, name?: string): Tensor {
  const o = typeof seed === 'object' && seed !== null ? seed : { seed, name };
  const x = toTensor(value);
  const [s1, s2] = getSeed(o.seed ?? null);
  return makeOp(getDefaultGraph(), 'RandomShuffle', [x], { seed: s1 ?? 0, seed2: s2 ?? 0, seeded: s1 !== null }, o.name, 'RandomShuffle').outputs[0]!;
}
