/** The global step: an int64 scalar variable `global_step` in the GLOBAL_STEP collection. */
import { ValueError } from '../errors.js';
import { getDefaultGraph } from '../graph/context.js';
import { type Graph, GraphKeys } from '../graph/graph.js';
import { zeros } from '../ops/array.js';
import { Variable } from '../ops/variables.js';
import { Tensor as TensorClass, type Tensor } from '../graph/tensor.js';
import { pyShape } from '../shape.js';
import type { Session } from '../session/session.js';

/** The graph's global step variable, or null. */
export function getGlobalStep(g: Graph = getDefaultGraph()): Variable | null {
  const c = g.getCollection<Variable>(GraphKeys.GLOBAL_STEP);
  if (c.length > 1) throw new TypeError('Multiple tensors in global_step collection.');
  const step = c[0] ?? null;
  if (step && step.dtype !== 'int32' && step.dtype !== 'int64') {
    throw new TypeError(`Existing "global_step" does not have integer type: ${step.dtype}`);
  }
  return step;
}

/**
 * Create `global_step` (int64 scalar 0, not trainable) at the root name scope. It is placed on
 * the CPU: WebGPU has no 64-bit types (ops that update or read it are colocated with it).
 */
export function createGlobalStep(g: Graph = getDefaultGraph()): Variable {
  if (getGlobalStep(g)) throw new ValueError('"global_step" already exists.');
  return g.asDefault(() =>
    g.nameScope(null, () =>
      g.controlDependencies(null, () => g.device('/cpu:0', () =>
        new Variable(() => zeros([], 'int64', 'zeros'), {
          name: 'global_step',
          dtype: 'int64',
          trainable: false,
          collections: [GraphKeys.GLOBAL_VARIABLES, GraphKeys.GLOBAL_STEP],
        }),
      )),
    ),
  );
}

export function getOrCreateGlobalStep(g: Graph = getDefaultGraph()): Variable {
  return getGlobalStep(g) ?? createGlobalStep(g);
}

/**
 * `tf.train.globalStep(sess, globalStepTensor)`: the step's value as a number (TF1's
 * training_util.global_step, `int(sess.run(global_step_tensor))`), awaited as tsflow's runs are.
 */
export async function globalStep(sess: Session, globalStepTensor: Tensor | Variable): Promise<number> {
  if (!sess || typeof (sess as { run?: unknown }).run !== 'function') throw new TypeError('global_step: sess must be a tf.Session');
  return Number((await sess.run(globalStepTensor)).data[0]);
}

/**
 * `tf.train.assertGlobalStep(globalStepTensor)`: TypeError unless it is a Variable or Tensor of
 * an integer dtype and, where its shape is fully known, a scalar (TF's texts).
 */
export function assertGlobalStep(globalStepTensor: unknown): void {
  if (!(globalStepTensor instanceof Variable) && !(globalStepTensor instanceof TensorClass)) {
    throw new TypeError(`Existing "global_step" must be a Variable or Tensor: ${String(globalStepTensor)}.`);
  }
  const t = globalStepTensor as Variable | Tensor;
  if (!INT_TYPES.includes(t.dtype)) throw new TypeError(`Existing "global_step" does not have integer type: ${t.dtype}`);
  const s = t.shape;
  if (s !== null && s.length !== 0 && s.every((d) => d !== null)) throw new TypeError(`Existing "global_step" is not scalar: ${pyShape(s)}`);
}
const INT_TYPES = ['int8', 'int16', 'int32', 'int64', 'uint8', 'uint16'];
