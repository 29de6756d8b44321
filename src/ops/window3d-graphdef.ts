/** The 3-D pools and conv backprops, ExtractVolumePatches and Dilation2D in GraphDefs: TF's op types and attrs both ways. */
import { A, registerExporter } from '../graphdef/export.js';
import { RULES, make } from '../graphdef/import-rules.js';

type Op = Parameters<Parameters<typeof registerExporter>[1]>[0]['op'];
const T = (op: Op, i = 0) => A.type(op.inputs[i]!.dtype);
const fmt = (attrs: Record<string, unknown>) => A.s((attrs.data_format as string | undefined) ?? 'NDHWC');

const POOLS = ['MaxPool3D', 'AvgPool3D', 'MaxPool3DGrad', 'AvgPool3DGrad', 'MaxPool3DGradGrad'];
registerExporter(POOLS, ({ op, attrs }) => ({
  T: A.type(op.outputs[0]!.dtype),
  ...(op.type === 'MaxPool3DGrad' ? { TInput: T(op) } : {}),
  ksize: A.ints(attrs.ksize as number[]),
  strides: A.ints(attrs.strides as number[]),
  padding: A.s(attrs.padding as string),
  data_format: fmt(attrs),
}));
registerExporter(['Conv3D', 'Conv3DBackpropInputV2', 'Conv3DBackpropFilterV2'], ({ op, attrs }) => ({
  T: A.type(op.outputs[0]!.dtype),
  ...(op.type === 'Conv3DBackpropInputV2' ? { Tshape: T(op, 0) } : {}),
  strides: A.ints(attrs.strides as number[]),
  padding: A.s(attrs.padding as string),
  data_format: fmt(attrs),
  dilations: A.ints(attrs.dilations as number[]),
}));
registerExporter(['ExtractVolumePatches'], ({ op, attrs }) => ({
  T: T(op),
  ksizes: A.ints(attrs.ksizes as number[]),
  strides: A.ints(attrs.strides as number[]),
  padding: A.s(attrs.padding as string),
}));
const DILATION = ['Dilation2D', 'Dilation2DBackpropInput', 'Dilation2DBackpropFilter'];
registerExporter(DILATION, ({ op, attrs }) => ({
  T: T(op),
  strides: A.ints(attrs.strides as number[]),
  rates: A.ints(attrs.rates as number[]),
  padding: A.s(attrs.padding as string),
}));

// An imported NCDHW node keeps its data_format: its plan is refused with TF's CPU text.
for (const t of POOLS) {
  RULES.set(t, (c) => make(c, t, c.inputs, {
    ksize: c.attrs.ints('ksize'), strides: c.attrs.ints('strides'), padding: c.attrs.string('padding'), data_format: c.attrs.string('data_format', 'NDHWC'),
  }));
}
for (const t of ['Conv3D', 'Conv3DBackpropInputV2', 'Conv3DBackpropFilterV2']) {
  RULES.set(t, (c) => make(c, t, c.inputs, {
    strides: c.attrs.ints('strides'), padding: c.attrs.string('padding'), dilations: c.attrs.ints('dilations', [1, 1, 1, 1, 1]), data_format: c.attrs.string('data_format', 'NDHWC'),
  }));
}
RULES.set('ExtractVolumePatches', (c) => make(c, 'ExtractVolumePatches', c.inputs, { ksizes: c.attrs.ints('ksizes'), strides: c.attrs.ints('strides'), padding: c.attrs.string('padding') }));
for (const t of DILATION) {
  RULES.set(t, (c) => make(c, t, c.inputs, { strides: c.attrs.ints('strides'), rates: c.attrs.ints('rates'), padding: c.attrs.string('padding') }));
}
