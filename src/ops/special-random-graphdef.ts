/**
 * Igamma, Igammac, IgammaGradA, Betainc, MatrixSquareRoot, RandomGamma, RandomGammaGrad and
 * RandomPoissonV2 in GraphDefs: TF's op types and attrs both ways (T; RandomGamma's S and
 * seeds; RandomPoissonV2's S, R, dtype and seeds).
 */
import type { DType } from '../dtype.js';
import { A, registerExporter } from '../graphdef/export.js';
import { RULES, make } from '../graphdef/import-rules.js';

type Op = { inputs: readonly { dtype: DType }[] };
const T = (op: Op, i = 0) => A.type(op.inputs[i]!.dtype);

const T_ONLY = ['Igamma', 'Igammac', 'IgammaGradA', 'Betainc', 'MatrixSquareRoot', 'RandomGammaGrad'];
registerExporter(T_ONLY, ({ op }) => ({ T: T(op) }));
for (const t of T_ONLY) RULES.set(t, (c) => make(c, t, c.inputs));

registerExporter(['RandomGamma'], ({ op, attrs }) => ({
  S: T(op, 0), T: T(op, 1), seed: A.i(attrs.seed as number), seed2: A.i(attrs.seed2 as number),
}));
registerExporter(['RandomPoissonV2'], ({ op, attrs }) => ({
  S: T(op, 0), R: T(op, 1), dtype: A.type(attrs.dtype as DType), seed: A.i(attrs.seed as number), seed2: A.i(attrs.seed2 as number),
}));
RULES.set('RandomGamma', (c) => make(c, 'RandomGamma', c.inputs, { seed: c.attrs.int('seed', 0), seed2: c.attrs.int('seed2', 0) }));
RULES.set('RandomPoissonV2', (c) =>
  make(c, 'RandomPoissonV2', c.inputs, { seed: c.attrs.int('seed', 0), seed2: c.attrs.int('seed2', 0), dtype: c.attrs.type('dtype', 'int64') }));
