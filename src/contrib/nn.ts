/**
 * `tf.contrib.nn`: `alphaDropout(x, keepProb, noiseShape?, seed?, name?)` (TF 1.15's
 * contrib/nn/python/ops/alpha_dropout.py), the dropout of self-normalizing networks: each unit
 * is kept where a uniform draw is ≥ 1 - keepProb, else set to SELU's saturation value
 * α' = -1.7580993408473766, then the whole is mapped by a·x + b with
 * a = (keepProb + keepProb·(1 - keepProb)·α'²)^-1/2 and b = -a·α'·(1 - keepProb), which keeps a
 * zero mean and unit variance. keepProb 1 (known at build time) returns `x` itself.
 */
import { tf1Function } from '../args.js';
import { ValueError } from '../errors.js';
import { getDefaultGraph } from '../graph/context.js';
import type { Tensor } from '../graph/tensor.js';
import { type TensorLike, toTensor } from '../ops/convert.js';
import { getStaticValue } from '../ops/deprecated-aliases.js';
import { add, cast, greaterEqual, multiply, pow, subtract } from '../ops/math.js';
import { randomUniform } from '../ops/random.js';
import { makeOp } from '../ops/registry.js';
import { pyShape } from '../shape.js';

const ALPHA = -1.7580993408473766;

export const alphaDropout = tf1Function('alpha_dropout', ['x', 'keepProb', 'noiseShape', 'seed', 'name'],
  (x: TensorLike, keepProb: TensorLike, noiseShape?: readonly number[] | TensorLike | null, seed?: number | null, name?: string | null): Tensor =>
    getDefaultGraph().nameScope(name ?? 'alpha_dropout', () => {
      const xt = toTensor(x, undefined, 'x');
      if (typeof keepProb === 'number' && !(keepProb > 0 && keepProb <= 1)) {
        throw new ValueError(`keep_prob must be a scalar tensor or a float in the range (0, 1], got ${keepProb}`);
      }
      const kp = toTensor(keepProb, xt.dtype, 'keep_prob');
      if (kp.shape !== null && kp.shape.length !== 0) throw new ValueError(`Shape ${pyShape(kp.shape)} must have rank 0`);
      const known = getStaticValue(kp);
      if (known !== null && Number(known.data[0]) === 1) return xt;
      const noise = noiseShape ?? (xt.shape !== null && xt.shape.every((d) => d !== null) ? (xt.shape as number[]) : makeOp(xt.graph, 'Shape', [xt], {}, undefined, 'Shape').outputs[0]!);
      const u = randomUniform(noise as never, { seed: seed ?? undefined, dtype: xt.dtype });
      const kept = cast(greaterEqual(u, subtract(1, kp)), xt.dtype);
      const masked = add(multiply(xt, kept), multiply(ALPHA, subtract(1, kept)));
      const a = pow(add(kp, multiply(multiply(kp, subtract(1, kp)), ALPHA ** 2)), -0.5);
      const b = multiply(multiply(multiply(-1, a), ALPHA), subtract(1, kp));
      return add(multiply(a, masked), b);
    }), 2);
