/**
 * TF's ParseExample and ParseSingleExample nodes as tf.io.parseExample / parseSingleExample ops
 * when they parse dense features only, with constant keys and defaults (what TF Serving's
 * graphs hold); any other form imports as an opaque op (opaque-ops.ts).
 */
import type { DType } from '../dtype.js';
import type { Tensor } from '../graph/tensor.js';
import { NDArray } from '../ndarray.js';
import type { StringArray } from '../string-array.js';
import { type ImportCtx, RULES, foldConst, make } from './import-rules.js';
import { OPAQUE_RULES } from './opaque-ops.js';

interface DenseSpec { key: string; shape: number[]; dtype: DType; dflt: NDArray | null; seq?: boolean }

const dec = new TextDecoder();

/** A constant input, through the Reshape TF's parse_example puts on a given default value. */
function constOf(t: Tensor): NDArray | null {
  if (t.op.type === 'Reshape' && t.shape !== null && t.shape.every((d) => d !== null)) {
    const v = foldConst(t.op.inputs[0]!);
    const shape = t.shape as number[];
    return v && v.size === shape.reduce((a, b) => a * b, 1) ? new NDArray(v.data as never, shape, v.dtype) : null;
  }
  return foldConst(t);
}

/** A dense spec of TF's dense_shapes[i], Tdense[i] and default value; null when tsflow cannot parse it. */
function spec(key: string, shape: (number | null)[] | null, dtype: DType, dflt: NDArray | null): DenseSpec | null {
  if (shape === null || dflt === null) return null;
  const seq = shape.length > 0 && shape[0] === null;
  const rest = seq ? shape.slice(1) : shape;
  if (rest.some((d) => d === null)) return null;
  const s = rest as number[];
  if (seq) return dflt.size === 1 ? { key, shape: s, dtype, dflt, seq: true } : null;
  return { key, shape: s, dtype, dflt: dflt.size === 0 ? null : dflt };
}

function denseShapes(c: ImportCtx): ((number | null)[] | null)[] {
  const v = c.node.attr.dense_shapes?.list?.shape ?? [];
  return v.map((p) => (p.unknownRank ? null : p.dim.map((d) => (d.size < 0 ? null : d.size))));
}

function parseExampleRule(c: ImportCtx) {
  const ns = c.attrs.int('Nsparse');
  const nd = c.attrs.int('Ndense');
  const tdense = c.attrs.types('Tdense');
  const shapes = denseShapes(c);
  let dense: (DenseSpec | null)[] = [];
  if (ns === 0 && c.inputs.length === 2 + 2 * nd) {
    dense = Array.from({ length: nd }, (_, i) => {
      const k = foldConst(c.inputs[2 + i]!);
      if (!k || k.dtype !== 'string' || k.size !== 1) return null;
      return spec(dec.decode((k.data as unknown as StringArray)[0]!), shapes[i] ?? null, tdense[i]!, constOf(c.inputs[2 + nd + i]!));
    });
  }
  // tsflow's op takes a vector of examples; TF builds over a scalar too (its kernel then fails).
  const rank = c.inputs[0]!.shape?.length;
  if (ns !== 0 || dense.length !== nd || dense.some((d) => d === null) || (rank !== undefined && rank !== 1)) return OPAQUE_RULES.get('ParseExample')!(c);
  return make(c, 'ParseExample', [c.inputs[0]!], { dense, batched: true });
}

function parseSingleExampleRule(c: ImportCtx) {
  const keys = (c.node.attr.dense_keys?.list?.s ?? []).map((b) => dec.decode(b));
  const tdense = c.attrs.types('Tdense');
  const shapes = denseShapes(c);
  const dense = keys.map((k, i) => spec(k, shapes[i] ?? null, tdense[i]!, c.inputs[1 + i] ? constOf(c.inputs[1 + i]!) : null));
  if (c.attrs.int('num_sparse') !== 0 || dense.some((d) => d === null)) {
    throw new Error(`ParseSingleExample node '${c.node.name}' parses sparse features or non-constant defaults, which tsflow does not import`);
  }
  return make(c, 'ParseSingleExample', [c.inputs[0]!], { dense, batched: false });
}

RULES.set('ParseExample', parseExampleRule);
RULES.set('ParseSingleExample', parseSingleExampleRule);
