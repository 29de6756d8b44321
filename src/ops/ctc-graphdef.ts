/** The CTC ops and PreventGradient in GraphDefs: TF's op types and attrs both ways. */
import { A, registerExporter } from '../graphdef/export.js';
import { RULES, make } from '../graphdef/import-rules.js';

const T = (op: { inputs: readonly { dtype: Parameters<typeof A.type>[0] }[] }) => A.type(op.inputs[0]!.dtype);

registerExporter(['CTCLoss'], ({ op, attrs }) => ({
  T: T(op),
  preprocess_collapse_repeated: A.b(!!attrs.preprocessCollapseRepeated),
  ctc_merge_repeated: A.b(!!attrs.ctcMergeRepeated),
  ignore_longer_outputs_than_inputs: A.b(!!attrs.ignoreLongerOutputsThanInputs),
}));
registerExporter(['CTCGreedyDecoder'], ({ op, attrs }) => ({ T: T(op), merge_repeated: A.b(!!attrs.mergeRepeated) }));
registerExporter(['CTCBeamSearchDecoder'], ({ op, attrs }) => ({
  T: T(op),
  beam_width: A.i(attrs.beamWidth as number),
  top_paths: A.i(attrs.topPaths as number),
  merge_repeated: A.b(!!attrs.mergeRepeated),
}));
registerExporter(['PreventGradient'], ({ op, attrs }) => ({ T: T(op), message: A.s(String(attrs.message ?? '')) }));

RULES.set('CTCLoss', (c) =>
  make(c, 'CTCLoss', c.inputs, {
    preprocessCollapseRepeated: c.attrs.bool('preprocess_collapse_repeated', false),
    ctcMergeRepeated: c.attrs.bool('ctc_merge_repeated', true),
    ignoreLongerOutputsThanInputs: c.attrs.bool('ignore_longer_outputs_than_inputs', false),
  }),
);
RULES.set('CTCGreedyDecoder', (c) => make(c, 'CTCGreedyDecoder', c.inputs, { mergeRepeated: c.attrs.bool('merge_repeated', false) }));
RULES.set('CTCBeamSearchDecoder', (c) =>
  make(c, 'CTCBeamSearchDecoder', c.inputs, {
    beamWidth: c.attrs.int('beam_width'),
    topPaths: c.attrs.int('top_paths'),
    mergeRepeated: c.attrs.bool('merge_repeated', true),
  }),
);
RULES.set('PreventGradient', (c) => make(c, 'PreventGradient', c.inputs, { message: c.attrs.string('message', '') }));
