/**
 * `tf.contrib.layers.optimize_loss` (contrib/layers/python/layers/optimizers.py): the training
 * op of a loss from an optimizer given by name, class, instance or function, with gradient
 * noise, per-variable multipliers, clipping, learning-rate decay and TF's summaries.
 */
import { isInt } from '../dtype.js';
import { ValueError } from '../errors.js';
import { controlDependencies } from '../graph/context.js';
import { GraphKeys } from '../graph/graph.js';
import { type Operation, Tensor } from '../graph/tensor.js';
import { kwargs } from '../args.js';
import { clipByGlobalNorm, globalNorm } from '../ops/clip.js';
import { type TensorLike, toTensor } from '../ops/convert.js';
import { identity } from '../ops/core.js';
import { IndexedSlices } from '../ops/indexed-slices.js';
import { add, multiply } from '../ops/math.js';
import { truncatedNormal } from '../ops/random.js';
import { Variable, trainableVariables } from '../ops/variables.js';
import { constantInitializer } from '../scope/initializers.js';
import { getVariable } from '../scope/get-variable.js';
import { variableScope } from '../scope/variable-scope.js';
import { histogram, scalar } from '../summary/summary.js';
import { getGlobalStep } from '../train/global-step.js';
import { type GradAndVar, Optimizer } from '../train/optimizer.js';
import {
  AdagradOptimizer, AdamOptimizer, FtrlOptimizer, GradientDescentOptimizer, MomentumOptimizer, RMSPropOptimizer,
} from '../train/optimizers.js';

/** TF's OPTIMIZER_CLS_NAMES: each made from the learning rate alone (Momentum with momentum 0.9). */
export const OPTIMIZER_CLS_NAMES: Record<string, (lr: Tensor) => Optimizer> = {
  Adagrad: (lr) => new AdagradOptimizer({ learningRate: lr }),
  Adam: (lr) => new AdamOptimizer({ learningRate: lr }),
  Ftrl: (lr) => new FtrlOptimizer({ learningRate: lr }),
  Momentum: (lr) => new MomentumOptimizer(lr, 0.9),
  RMSProp: (lr) => new RMSPropOptimizer({ learningRate: lr }),
  SGD: (lr) => new GradientDescentOptimizer({ learningRate: lr }),
};
export const OPTIMIZER_SUMMARIES = ['learning_rate', 'loss', 'gradients', 'gradient_norm', 'global_gradient_norm'];

const NAMES = [
  'loss', 'globalStep', 'learningRate', 'optimizer', 'gradientNoiseScale', 'gradientMultipliers', 'clipGradients',
  'learningRateDecayFn', 'updateOps', 'variables', 'name', 'summaries', 'colocateGradientsWithOps', 'incrementGlobalStep',
] as const;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type OptimizerClass = new (...args: any[]) => Optimizer;
type OptimizerSpec = string | OptimizerClass | Optimizer | ((lr?: Tensor) => Optimizer);
type ClipFn = (gradsAndVars: GradAndVar[]) => GradAndVar[];

/** `control_flow_ops.with_dependencies`: `output` after `deps`, as an Identity named 'control_dependency'. */
function withDependencies(deps: readonly (Operation | Tensor)[], output: Tensor): Tensor {
  return controlDependencies([...deps], () => identity(output, 'control_dependency'));
}

const isOptimizerClass = (x: unknown): x is OptimizerClass => typeof x === 'function' && x.prototype instanceof Optimizer;
const gradValues = (g: Tensor | IndexedSlices): Tensor => (g instanceof IndexedSlices ? g.values : g);

function assertGlobalStep(step: unknown): void {
  if (!(step instanceof Variable) && !(step instanceof Tensor)) throw new TypeError(`Existing "global_step" must be a Variable or Tensor: ${String(step)}.`);
  if (!isInt(step.dtype)) throw new TypeError(`Existing "global_step" does not have integer type: ${step.dtype}`);
  const s = step.shape;
  if (s !== null && s.length !== 0) throw new TypeError(`Existing "global_step" is not scalar: ${String(step)}`);
}

/**
 * `optimizeLoss(loss, globalStep, learningRate, optimizer, gradientNoiseScale = null,
 * gradientMultipliers = null, clipGradients = null, learningRateDecayFn = null, updateOps = null,
 * variables = null, name = null, summaries = null, colocateGradientsWithOps = false,
 * incrementGlobalStep = true)`: the loss, run after the update (`OptimizeLoss/train`) of every
 * variable. `optimizer`: 'SGD', 'Adam', 'Adagrad', 'Momentum', 'RMSProp', 'Ftrl', an Optimizer
 * class (made with `{learningRate}`), an instance, or a function of the learning rate.
 * A number learning rate becomes the non-trainable variable `OptimizeLoss/learning_rate`.
 */
export function optimizeLoss(...args: unknown[]): Tensor {
  const a = kwargs(args, NAMES, 'optimize_loss', 4);
  const loss = toTensor(a.loss as TensorLike);
  if (loss.shape === null || loss.shape.length !== 0) {
    throw new ValueError(`Expected scalar shape for ${loss.name}, saw shape: ${loss.shape === null ? '<unknown>' : `(${loss.shape.map((d) => d ?? '?').join(', ')}${loss.shape.length === 1 ? ',' : ''})`}.`);
  }
  const g = loss.graph;
  let globalStep = (a.globalStep ?? null) as Variable | Tensor | null;
  if (globalStep === null) globalStep = getGlobalStep(g);
  else assertGlobalStep(globalStep);
  const learningRate = (a.learningRate ?? null) as TensorLike | null;
  const decayFn = (a.learningRateDecayFn ?? null) as ((lr: Tensor, step: Variable | Tensor) => Tensor) | null;
  const clip = (a.clipGradients ?? null) as number | ClipFn | null;
  const optimizer = a.optimizer as OptimizerSpec;
  const name = (a.name ?? null) as string | null;
  return g.asDefault(() => variableScope(name, { defaultName: 'OptimizeLoss', values: [loss, globalStep] }, () => {
    let l = loss;
    const updateOps = (a.updateOps ?? null) as (Operation | Tensor)[] | null;
    const updates = updateOps ?? [...new Set(g.getCollection<Operation | Tensor>(GraphKeys.UPDATE_OPS))];
    if (updates.length > 0) l = withDependencies(updates, l);

    let lr: Tensor | null = null;
    if (learningRate !== null) {
      if (learningRate instanceof Tensor && learningRate.shape !== null && learningRate.shape.length === 0) {
        lr = learningRate;
      } else if (typeof learningRate === 'number') {
        if (learningRate < 0) throw new ValueError(`('Invalid learning_rate %s.', ${learningRate})`);
        lr = getVariable('learning_rate', [], { trainable: false, initializer: constantInitializer(learningRate) }).value();
      } else {
        throw new ValueError(`Learning rate should be 0d Tensor or float. Got ${String(learningRate)} of type ${learningRate instanceof Tensor ? 'Tensor' : typeof learningRate}`);
      }
    }
    const summaries = (a.summaries ?? null) as string[] | null ?? ['loss', 'learning_rate', 'global_gradient_norm'];
    for (const s of summaries) {
      if (!OPTIMIZER_SUMMARIES.includes(s)) throw new ValueError(`Summaries should be one of [${OPTIMIZER_SUMMARIES.join(', ')}], you provided ${s}.`);
    }
    if (learningRate !== null && decayFn !== null) {
      if (globalStep === null) throw new ValueError('global_step is required for learning_rate_decay_fn.');
      lr = decayFn(lr!, globalStep);
      // as TF's: the learning-rate summary is written only for a decayed rate
      if (summaries.includes('learning_rate')) scalar('learning_rate', lr);
    }

    let opt: Optimizer;
    if (typeof optimizer === 'string') {
      if (lr === null) throw new ValueError(`Learning rate is None, but should be specified if optimizer is string (${optimizer}).`);
      const make = Object.hasOwn(OPTIMIZER_CLS_NAMES, optimizer) ? OPTIMIZER_CLS_NAMES[optimizer] : undefined;
      if (!make) throw new ValueError(`Optimizer name should be one of [${Object.keys(OPTIMIZER_CLS_NAMES).join(', ')}], you provided ${optimizer}.`);
      opt = make(lr);
    } else if (isOptimizerClass(optimizer)) {
      if (lr === null) throw new ValueError(`Learning rate is None, but should be specified if optimizer is class (${optimizer.name}).`);
      opt = new optimizer({ learningRate: lr });
    } else if (optimizer instanceof Optimizer) {
      opt = optimizer;
    } else if (typeof optimizer === 'function') {
      const made = learningRate !== null ? (optimizer as (lr: Tensor) => unknown)(lr!) : (optimizer as () => unknown)();
      if (!(made instanceof Optimizer)) throw new ValueError(`Unrecognized optimizer: function should return subclass of Optimizer. Got ${String(made)}.`);
      opt = made;
    } else {
      throw new ValueError(`Unrecognized optimizer: should be string, subclass of Optimizer, instance of subclass of Optimizer or function with one argument. Got ${String(optimizer)}.`);
    }

    const variables = (a.variables ?? null) as Variable[] | null ?? trainableVariables(g);
    let gradients = opt.computeGradients(l, variables, { colocateGradientsWithOps: (a.colocateGradientsWithOps ?? false) as boolean });

    const noise = (a.gradientNoiseScale ?? null) as number | null;
    if (noise !== null) {
      gradients = gradients.map(([grad, v]): GradAndVar => {
        if (grad === null) return [null, v];
        const dense = grad instanceof IndexedSlices ? grad.toTensor() : grad;
        const shape = grad instanceof IndexedSlices ? (grad.denseShape ?? v.shape) : grad.shape;
        return [add(dense, multiply(truncatedNormal(shape as number[]), noise)), v];
      });
    }
    const multipliers = (a.gradientMultipliers ?? null) as Map<Variable | string, number> | Record<string, number> | null;
    if (multipliers !== null) {
      const lookup = (v: Variable): number | undefined =>
        multipliers instanceof Map ? (multipliers.get(v) ?? multipliers.get(v.name)) : Object.hasOwn(multipliers, v.name) ? multipliers[v.name] : undefined;
      gradients = gradients.map(([grad, v]): GradAndVar => {
        const k = grad === null ? undefined : lookup(v);
        if (grad === null || k === undefined) return [grad, v];
        const m = toTensor(k, 'float32');
        return [grad instanceof IndexedSlices ? new IndexedSlices(multiply(grad.values, m), grad.indices, grad.denseShape) : multiply(grad, m), v];
      });
      if (gradients.length === 0) throw new ValueError('Empty list of (gradient, var) pairs encountered. This is most likely to be caused by an improper value of gradient_multipliers.');
    }
    const norms = summaries.includes('global_gradient_norm') || summaries.includes('gradient_norm');
    if (norms) scalar('global_norm/gradient_norm', globalNorm(gradients.map(([grad]) => grad)));

    if (typeof clip === 'number') {
      const [clipped] = clipByGlobalNorm(gradients.map(([grad]) => grad), clip);
      gradients = gradients.map(([, v], i) => [clipped[i] ?? null, v]);
    } else if (typeof clip === 'function') {
      gradients = clip(gradients);
    } else if (clip !== null) {
      throw new ValueError(`Unknown type ${typeof clip} for clip_gradients`);
    }

    if (summaries.includes('loss')) scalar('loss', l);
    for (const [grad, v] of gradients) {
      if (grad === null) continue;
      const varName = v.name.replace(/:/g, '_');
      if (summaries.includes('gradients')) histogram(`gradients/${varName}`, gradValues(grad));
      if (summaries.includes('gradient_norm')) scalar(`gradient_norm/${varName}`, globalNorm([gradValues(grad)]));
    }
    if (clip !== null && norms) scalar('global_norm/clipped_gradient_norm', globalNorm(gradients.map(([grad]) => grad)));

    const increment = (a.incrementGlobalStep ?? true) as boolean;
    const gradUpdates = opt.applyGradients(gradients, { globalStep: increment ? (globalStep as Variable | null) : null, name: 'train' });
    return withDependencies([gradUpdates], l);
  }));
}


