/**
 * GraphDef import and export of TF's Stack ops and ControlTrigger (src/ops/control-flow/stack-ops.ts),
 * the nodes TF's gradient of a while loop writes: inputs as TF's (handle first), TF's attrs
 * (`elem_type`, `stack_name`, `T`, `swap_memory`).
 */
import type { DType } from '../dtype.js';
import type { PartialShape } from '../shape.js';
import '../ops/control-flow/stack-ops.js';
import { A, registerExporter } from './export.js';
import { type ImportRule, make } from './import-rules.js';

export const STACK_RULES = new Map<string, ImportRule>();

const outputShape = (c: Parameters<ImportRule>[0]): PartialShape | undefined => {
  const s = c.node.attr?._output_shapes?.list?.shape?.[0];
  if (!s) return undefined;
  return s.unknownRank ? null : s.dim.map((d) => (Number(d.size) < 0 ? null : Number(d.size)));
};

for (const t of ['StackV2', 'Stack']) {
  STACK_RULES.set(t, (c) => make(c, t, c.inputs, { elemType: c.attrs.type('elem_type'), stackName: c.attrs.string('stack_name', '') }));
  registerExporter([t], ({ attrs }) => ({ elem_type: A.type(attrs.elemType as DType), stack_name: A.s(attrs.stackName as string) }));
}
for (const t of ['StackPushV2', 'StackPush']) {
  STACK_RULES.set(t, (c) => make(c, t, c.inputs, { swapMemory: c.attrs.bool('swap_memory', false) }));
  registerExporter([t], ({ op, attrs }) => ({ T: A.type(op.inputs[1]!.dtype), swap_memory: A.b(!!attrs.swapMemory) }));
}
for (const t of ['StackPopV2', 'StackPop']) {
  STACK_RULES.set(t, (c) => {
    const shape = outputShape(c);
    return make(c, t, c.inputs, { elemType: c.attrs.type('elem_type'), ...(shape !== undefined ? { shape } : {}) });
  });
  registerExporter([t], ({ attrs }) => ({ elem_type: A.type(attrs.elemType as DType) }));
}
for (const t of ['StackCloseV2', 'StackClose', 'ControlTrigger']) {
  STACK_RULES.set(t, (c) => make(c, t, c.inputs));
  registerExporter([t], () => ({}));
}
