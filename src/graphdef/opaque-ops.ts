/**
 * TF op types that TF-written graphs carry for bookkeeping tsflow does in its own way
 * (tf.Example parsing in TF's serving graphs): they
 * import, so the graph loads and its other ops run, but running one is an UnimplementedError
 * naming its op type. Each is declared once, when a graph first needs it.
 */
import type { DType } from '../dtype.js';
import { UnimplementedError } from '../errors.js';
import { type OutSpec, defineOp, registerGradient, registeredOpTypes } from '../ops/registry.js';
import type { ImportCtx, ImportRule } from './import-rules.js';
import { make, tfNode } from './import-rules.js';

type Outputs = (c: ImportCtx) => OutSpec[];

const of = (dtypes: DType[]): OutSpec[] => dtypes.map((dtype) => ({ dtype, shape: null }));

const OPAQUE: Record<string, { outputs: Outputs; why: string }> = {
  ParseExample: {
    outputs: (c) => {
      const ns = c.attrs.int('Nsparse');
      return [
        ...of(new Array(ns).fill('int64')),
        ...of(c.attrs.types('sparse_types')),
        ...of(new Array(ns).fill('int64')),
        ...of(c.attrs.types('Tdense')),
      ];
    },
    why: 'tsflow does not parse tf.Example protos',
  },
};

const declared = new Set<string>();

function declare(type: string, why: string, shown = type): void {
  if (declared.has(type) || registeredOpTypes().includes(type)) return;
  declared.add(type);
  defineOp<{ _outputs: OutSpec[] }>({
    type,
    infer: (_ins, a) => a._outputs,
    lower: (b) => {
      throw new UnimplementedError(`tsflow cannot run op type ${shown} (node '${b.opName}'): ${why}`, b.opName);
    },
    stateful: true,
  });
}

export const OPAQUE_RULES = new Map<string, ImportRule>(
  Object.entries(OPAQUE).map(([type, spec]) => [
    type,
    (c: ImportCtx) => {
      // Where tsflow has an op of this name (tf.io.parseExample's ParseExample) its inputs and
      // attrs are not TF's node's: the node imports as an opaque op of its own type, which
      // exports back under TF's type (tfNode).
      const t = registeredOpTypes().includes(type) && !declared.has(type) ? `${type}.tf` : type;
      declare(t, spec.why, type);
      return make(c, t, c.inputs, { _outputs: spec.outputs(c), ...tfNode(c) });
    },
  ]),
);

// The steps of tsflow's gradient loops that asGraphDef cannot write in TF's form (TensorArray
// gradient ops, ops reading the forward loop's tensors across frames; see
// graphdef/tensor-array-export.ts): a training graph's .meta imports, and its forward part runs;
// running one of these is an UnimplementedError naming the node and the op it stood for.
const TA_GRADIENT = '_TsflowGradientLoopOp';
defineOp<{ _outputs: OutSpec[]; op: string }>({
  type: TA_GRADIENT,
  infer: (_ins, a) => a._outputs,
  lower: (b, _ins, a) => {
    throw new UnimplementedError(
      `tsflow cannot run node '${b.opName}' imported from a GraphDef: it is tsflow's ${a.op}, a step of the gradient of a while loop (TensorArray gradients, tensors read across loop frames) that a GraphDef does not carry in TF's form; build the training graph in tsflow to run it`,
      b.opName,
    );
  },
  stateful: true,
});
// it runs only to fail, so nothing differentiates through it
registerGradient(TA_GRADIENT, null);
OPAQUE_RULES.set(TA_GRADIENT, (c: ImportCtx) =>
  make(c, TA_GRADIENT, c.inputs, { _outputs: of(c.attrs.types('_tsflow_out_types')), op: c.attrs.string('_tsflow_op', TA_GRADIENT) }),
);
