/** Keras's conv_utils argument normalizers, with their error texts, and the NCHW ⇄ NHWC wrap. */
import { ValueError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import { transpose } from '../ops/array.js';

/** `normalize_tuple`: an integer or `n` integers. */
export function normalizeTuple(value: unknown, n: number, name: string): number[] {
  const bad = (): ValueError => new ValueError(`The \`${name}\` argument must be a tuple of ${n} integers. Received: ${JSON.stringify(value)}`);
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw bad();
    return Array(n).fill(value);
  }
  if (!Array.isArray(value) || value.length !== n) throw bad();
  for (const v of value) {
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      throw new ValueError(`The \`${name}\` argument must be a tuple of ${n} integers. Received: ${JSON.stringify(value)} including element ${JSON.stringify(v)} of type ${typeof v}`);
    }
  }
  return [...value] as number[];
}

/** `normalize_padding`: 'valid' | 'same', any case. */
export function normalizePadding(value: unknown): 'valid' | 'same' {
  const p = String(value).toLowerCase();
  if (p !== 'valid' && p !== 'same') {
    throw new ValueError(`The \`padding\` argument must be one of "valid", "same" (or "causal", only for \`Conv1D). Received: ${String(value)}`);
  }
  return p;
}

/** `normalize_data_format`: 'channels_last' | 'channels_first', any case. */
export function normalizeDataFormat(value: unknown): 'channels_last' | 'channels_first' {
  const d = String(value ?? 'channels_last').toLowerCase();
  if (d !== 'channels_last' && d !== 'channels_first') {
    throw new ValueError(`The \`data_format\` argument must be one of "channels_first", "channels_last". Received: ${String(value)}`);
  }
  return d;
}

/**
 * Run an NHWC computation on `x` in `format`: channels_first inputs are transposed to NHWC and
 * the result back (tsflow's conv and pool kernels are NHWC).
 */
export function viaNhwc(x: Tensor, format: 'channels_last' | 'channels_first', fn: (nhwc: Tensor) => Tensor): Tensor {
  if (format === 'channels_last') return fn(x);
  return transpose(fn(transpose(x, [0, 2, 3, 1])), [0, 3, 1, 2]);
}

/** The channel dim of a rank-4 shape in `format`. */
export function channelAxis(format: 'channels_last' | 'channels_first'): number {
  return format === 'channels_first' ? 1 : 3;
}

/** `deconv_output_length(input, filter, padding, stride, dilation)` without output padding. */
export function deconvOutputLength(input: number | null, filter: number, padding: 'valid' | 'same', stride: number, dilation = 1): number | null {
  if (input === null) return null;
  const k = filter + (filter - 1) * (dilation - 1);
  return padding === 'valid' ? input * stride + Math.max(k - stride, 0) : input * stride;
}
