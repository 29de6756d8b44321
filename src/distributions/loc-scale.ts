/**
 * The shared constructor and shapes of the (loc, scale) families without a Normal's extras
 * (Laplace, Logistic): loc and scale in one float dtype, `validate_args` asserting scale > 0,
 * batch shape the broadcast of the two, samples drawn as [n, ...batch] standard variates.
 */
import type { DType } from '../dtype.js';
import type { Tensor } from '../graph/tensor.js';
import { type TensorLike, toTensor } from '../ops/convert.js';
import {
  add, assertPositive, assertSameFloatDtype, broadcastDynamicShape, broadcastStaticShape, concat, divide, multiply, onesLike, shape as shapeOf, subtract, zerosLike,
} from '../ops/index.js';
import { type PartialShape, isFullyDefined } from '../shape.js';
import { Distribution, FULLY_REPARAMETERIZED, ctorArgs } from './distribution.js';
import { commonDtype, param } from './params.js';

export abstract class LocScale extends Distribution {
  readonly loc: Tensor;
  readonly scale: Tensor;

  protected constructor(args: unknown[], cls: string) {
    const a = ctorArgs(args, ['loc', 'scale'], cls);
    if (a.loc === undefined || a.scale === undefined) throw new TypeError(`${cls}() missing required argument: '${a.loc === undefined ? 'loc' : 'scale'}'`);
    const validateArgs = (a.validateArgs as boolean | undefined) ?? false;
    const allowNanStats = (a.allowNanStats as boolean | undefined) ?? true;
    const parameters = { loc: a.loc, scale: a.scale, validate_args: validateArgs, allow_nan_stats: allowNanStats, name: a.name ?? cls };
    const [loc, scale, scope, g] = Distribution.scoped(a.name as string | undefined, cls, [a.loc, a.scale], (scope, g) => {
      const dtype = commonDtype([a.loc, a.scale]);
      const s0 = toTensor(a.scale as TensorLike, dtype);
      return g.controlDependencies(validateArgs ? [assertPositive(s0)] : [], () => {
        const l = param(a.loc as TensorLike, dtype, 'loc');
        const s = param(s0, dtype, 'scale');
        assertSameFloatDtype([l, s]);
        return [l, s, scope, g] as const;
      });
    });
    super({ dtype: scale.dtype, reparameterizationType: FULLY_REPARAMETERIZED, validateArgs, allowNanStats, parameters, scope, graph: g });
    this.loc = loc;
    this.scale = scale;
  }

  get batchShape(): PartialShape {
    return broadcastStaticShape(this.loc.shape, this.scale.shape);
  }
  protected batchShapeTensorImpl(): Tensor {
    return broadcastDynamicShape(shapeOf(this.loc, { outType: 'int32' }), shapeOf(this.scale, { outType: 'int32' }));
  }
  /** [n, ...batch] as a static list or a run-time vector. */
  protected sampleShape(n: number): number[] | Tensor {
    const b = this.batchShape;
    return b !== null && isFullyDefined(b) ? [n, ...(b as number[])] : concat([toTensor(Int32Array.of(n) as never, 'int32'), this.batchShapeTensor()], 0);
  }
  protected c(v: number): Tensor {
    return toTensor(v, this.dtype as DType);
  }
  protected z(x: Tensor): Tensor {
    return divide(subtract(x, this.loc), this.scale);
  }
  /** loc·ones_like(scale), the mean and mode of both families. */
  protected override _mean(): Tensor {
    return multiply(this.loc, onesLike(this.scale));
  }
  protected override _mode(): Tensor {
    return this._mean();
  }
  protected scaleB(): Tensor {
    return add(this.scale, zerosLike(this.loc));
  }
}
