/**
 * `tf.estimator.export` (tensorflow_estimator's export/export.py and export_output.py, v1):
 * what an Estimator's SavedModel is fed (ServingInputReceiver, the parsing and raw receiver
 * functions) and what it serves (ExportOutput: ClassificationOutput, RegressionOutput,
 * PredictOutput), and the signature map an export is written with.
 */
import { kwargs } from '../args.js';
import { ValueError } from '../errors.js';
import { Tensor } from '../graph/tensor.js';
import { placeholder } from '../ops/core.js';
import { parseExample } from '../ops/parsing.js';
import { SparseTensor } from '../ops/sparse-tensor.js';
import type { SignatureDef } from '../proto/meta-graph.js';
import {
  classificationSignatureDef, isValidSignature, predictSignatureDef, regressionSignatureDef, signatureConstants,
} from '../metagraph/signature-utils.js';
import * as logging from '../train/tf-logging.js';

type Feat = Tensor | SparseTensor;
type Receivers = Record<string, Feat>;

const SINGLE_FEATURE_DEFAULT_NAME = 'feature';
const SINGLE_RECEIVER_DEFAULT_NAME = 'input';
const SINGLE_LABEL_DEFAULT_NAME = 'label';

const isFeat = (v: unknown): v is Feat => v instanceof Tensor || v instanceof SparseTensor;
const isDict = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !isFeat(v) && !Array.isArray(v);
const show = (v: unknown): string => (isFeat(v) ? String(v) : isDict(v) ? `{${Object.entries(v).map(([k, x]) => `'${k}': ${String(x)}`).join(', ')}}` : String(v));

/**
 * These functions take dicts of tensors positionally: a trailing plain object is their options
 * only when every key is one of their parameters; otherwise it is the dict itself.
 */
function kw(args: readonly unknown[], names: readonly string[], where: string, required = 0): Record<string, unknown> {
  const last = args[args.length - 1];
  const isOptions = isDict(last) && Object.getPrototypeOf(last) === Object.prototype && Object.keys(last).every((k) => names.includes(k)) && Object.keys(last).length > 0;
  return kwargs(isDict(last) && !isOptions ? [...args, {}] : args, names, where, required);
}

/** TF's `_wrap_and_check_input_tensors`: a lone tensor under `defaultName`, every key a string and every value a tensor. */
function wrapAndCheck(tensors: unknown, fieldName: string, defaultName: string): Receivers {
  const d = isDict(tensors) ? tensors : { [defaultName]: tensors };
  if (Object.keys(d).length === 0) throw new ValueError(`${fieldName} must be defined.`);
  for (const [name, t] of Object.entries(d)) {
    if (!isFeat(t)) throw new ValueError(`${fieldName} ${name} must be a Tensor or SparseTensor.`);
  }
  return d as Receivers;
}

/**
 * `ServingInputReceiver(features, receiverTensors, receiverTensorsAlternatives?)`: the features
 * the model function gets at serving time, and the tensors a request feeds (a lone tensor is
 * named 'feature' / 'input', as in TF).
 */
export class ServingInputReceiver {
  readonly features: Receivers;
  readonly receiverTensors: Receivers;
  readonly receiverTensorsAlternatives: Record<string, Receivers> | null;
  constructor(...args: unknown[]) {
    const a = kw(args, ['features', 'receiverTensors', 'receiverTensorsAlternatives'], 'ServingInputReceiver', 2);
    this.features = wrapAndCheck(a.features, 'feature', SINGLE_FEATURE_DEFAULT_NAME);
    this.receiverTensors = wrapAndCheck(a.receiverTensors, 'receiver_tensor', SINGLE_RECEIVER_DEFAULT_NAME);
    this.receiverTensorsAlternatives = ServingInputReceiver.alternatives(a.receiverTensorsAlternatives);
  }
  /** What the model function gets as its features. */
  modelFeatures(): unknown {
    return this.features;
  }
  protected static alternatives(alt: unknown): Record<string, Receivers> | null {
    if (alt === undefined || alt === null) return null;
    if (!isDict(alt)) throw new ValueError(`receiver_tensors_alternatives must be a dict: ${show(alt)}.`);
    const out: Record<string, Receivers> = {};
    for (const [name, r] of Object.entries(alt)) out[name] = wrapAndCheck(r, 'receiver_tensors_alternative', SINGLE_RECEIVER_DEFAULT_NAME);
    return out;
  }
}

/**
 * `TensorServingInputReceiver(features, receiverTensors, receiverTensorsAlternatives?)`: as
 * ServingInputReceiver, but the model function gets the single feature tensor itself.
 */
export class TensorServingInputReceiver extends ServingInputReceiver {
  private readonly single: Feat;
  constructor(...args: unknown[]) {
    const a = kw(args, ['features', 'receiverTensors', 'receiverTensorsAlternatives'], 'TensorServingInputReceiver', 2);
    if (!isFeat(a.features)) throw new ValueError(`features must be a Tensor or SparseTensor, got ${show(a.features)}.`);
    super(a.features, a.receiverTensors, a.receiverTensorsAlternatives ?? null);
    this.single = a.features;
  }
  override modelFeatures(): unknown {
    return this.single;
  }
}

/** `SupervisedInputReceiver(features, labels, receiverTensors)`: features and labels for exporting train / eval graphs. */
export class SupervisedInputReceiver {
  readonly features: Receivers;
  readonly labels: Receivers;
  readonly receiverTensors: Receivers;
  constructor(...args: unknown[]) {
    const a = kw(args, ['features', 'labels', 'receiverTensors'], 'SupervisedInputReceiver', 3);
    this.features = wrapAndCheck(a.features, 'feature', SINGLE_FEATURE_DEFAULT_NAME);
    this.labels = wrapAndCheck(a.labels, 'label', SINGLE_LABEL_DEFAULT_NAME);
    this.receiverTensors = wrapAndCheck(a.receiverTensors, 'receiver_tensor', SINGLE_RECEIVER_DEFAULT_NAME);
  }
}

export type ServingInputReceiverFn = () => ServingInputReceiver;

/**
 * `buildParsingServingInputReceiverFn(featureSpec, defaultBatchSize?)`: a receiver function
 * whose request is a batch of serialized tf.Examples (the string placeholder
 * 'input_example_tensor', received as 'examples'), parsed with `featureSpec`.
 */
export function buildParsingServingInputReceiverFn(...args: unknown[]): ServingInputReceiverFn {
  const a = kw(args, ['featureSpec', 'defaultBatchSize'], 'build_parsing_serving_input_receiver_fn', 1);
  const spec = a.featureSpec as Parameters<typeof parseExample>[1];
  if (!isDict(spec)) throw new ValueError(`feature_spec must be a dict, got ${show(spec)}`);
  const batch = (a.defaultBatchSize as number | null | undefined) ?? null;
  return () => {
    const serialized = placeholder('string', [batch], 'input_example_tensor');
    const features = parseExample(serialized, spec) as unknown as Receivers;
    return new ServingInputReceiver(features, { examples: serialized });
  };
}

/**
 * `buildRawServingInputReceiverFn(features, defaultBatchSize?)`: a receiver function feeding
 * each feature directly, through a placeholder like it (its dtype, its shape past the batch
 * dimension, its op's name).
 */
export function buildRawServingInputReceiverFn(...args: unknown[]): ServingInputReceiverFn {
  const a = kw(args, ['features', 'defaultBatchSize'], 'build_raw_serving_input_receiver_fn', 1);
  const given = isDict(a.features) ? a.features : { [SINGLE_FEATURE_DEFAULT_NAME]: a.features };
  for (const [k, t] of Object.entries(given)) if (!(t instanceof Tensor)) throw new ValueError(`feature ${k} must be a Tensor, got ${show(t)}`);
  const batch = (a.defaultBatchSize as number | null | undefined) ?? null;
  return () => {
    const receivers: Record<string, Tensor> = {};
    for (const [name, t] of Object.entries(given as Record<string, Tensor>)) {
      const dims = t.shape;
      const shape = dims === null ? null : [batch, ...dims.slice(1)];
      receivers[name] = shape === null ? placeholder(t.dtype, { name: t.op.name }) : placeholder(t.dtype, shape, t.op.name);
    }
    return new ServingInputReceiver(receivers, { ...receivers });
  };
}

/** `tf.estimator.export.ExportOutput`: one signature of an export. */
export abstract class ExportOutput {
  /** The SignatureDef serving this output from `receiverTensors`. */
  abstract asSignatureDef(receiverTensors: Receivers): SignatureDef;
}

/** The one string tensor a classify / regress signature reads its tf.Examples from. */
function singleStringInput(receiverTensors: Receivers, kind: string): Tensor {
  const entries = Object.entries(receiverTensors);
  const [, examples] = entries[0] ?? [];
  if (entries.length !== 1 || !(examples instanceof Tensor) || examples.dtype !== 'string') {
    throw new ValueError(`${kind} input must be a single string Tensor; got ${show(receiverTensors)}`);
  }
  return examples;
}

/** `ClassificationOutput(scores?, classes?)`: float32 scores and / or string classes, served by the classify method. */
export class ClassificationOutput extends ExportOutput {
  readonly scores: Tensor | null;
  readonly classes: Tensor | null;
  constructor(...args: unknown[]) {
    super();
    const a = kw(args, ['scores', 'classes'], 'ClassificationOutput');
    const scores = (a.scores ?? null) as Tensor | null;
    const classes = (a.classes ?? null) as Tensor | null;
    if (scores !== null && !(scores instanceof Tensor && scores.dtype === 'float32')) throw new ValueError(`Classification scores must be a float32 Tensor; got ${show(scores)}`);
    if (classes !== null && !(classes instanceof Tensor && classes.dtype === 'string')) throw new ValueError(`Classification classes must be a string Tensor; got ${show(classes)}`);
    if (scores === null && classes === null) throw new ValueError('At least one of scores and classes must be set.');
    this.scores = scores;
    this.classes = classes;
  }
  asSignatureDef(receiverTensors: Receivers): SignatureDef {
    return classificationSignatureDef(singleStringInput(receiverTensors, 'Classification'), this.classes, this.scores);
  }
}

/** `RegressionOutput(value)`: a float32 value, served by the regress method. */
export class RegressionOutput extends ExportOutput {
  readonly value: Tensor;
  constructor(...args: unknown[]) {
    super();
    const a = kw(args, ['value'], 'RegressionOutput', 1);
    if (!(a.value instanceof Tensor && a.value.dtype === 'float32')) throw new ValueError(`Regression output value must be a float32 Tensor; got ${show(a.value)}`);
    this.value = a.value;
  }
  asSignatureDef(receiverTensors: Receivers): SignatureDef {
    return regressionSignatureDef(singleStringInput(receiverTensors, 'Regression'), this.value);
  }
}

/** `PredictOutput(outputs)`: a tensor (named 'output') or a dict of them, served by the predict method. */
export class PredictOutput extends ExportOutput {
  readonly outputs: Receivers;
  constructor(...args: unknown[]) {
    super();
    const a = kw(args, ['outputs'], 'PredictOutput', 1);
    const d = isDict(a.outputs) ? a.outputs : { output: a.outputs };
    for (const [k, v] of Object.entries(d)) {
      if (!isFeat(v)) throw new ValueError(`Prediction output value must be a Tensor; got ${show(v)}. Output key: ${k}`);
    }
    this.outputs = d as Receivers;
  }
  asSignatureDef(receiverTensors: Receivers): SignatureDef {
    return predictSignatureDef(receiverTensors, this.outputs);
  }
}

/**
 * TF's `export_outputs_for_mode` for serving: the spec's export outputs (default: a
 * PredictOutput of the predictions), one of them the default serving signature.
 */
export function servingExportOutputs(exportOutputs: unknown, predictions: unknown): Record<string, ExportOutput> {
  let outs: unknown = exportOutputs;
  if (outs === null || outs === undefined) outs = { [signatureConstants.DEFAULT_SERVING_SIGNATURE_DEF_KEY]: new PredictOutput(predictions) };
  if (!isDict(outs)) throw new TypeError(`export_outputs must be dict, given: ${show(outs)}`);
  for (const v of Object.values(outs)) {
    if (!(v instanceof ExportOutput)) throw new TypeError(`Values in export_outputs must be ExportOutput objects. Given: ${show(outs)}`);
  }
  const o = { ...(outs as Record<string, ExportOutput>) };
  const def = signatureConstants.DEFAULT_SERVING_SIGNATURE_DEF_KEY;
  const keys = Object.keys(o);
  if (keys.length === 1 && !(def in o)) o[def] = o[keys[0]!]!;
  if (keys.length > 1 && !(def in o)) {
    throw new ValueError('Multiple export_outputs were provided, but none of them is specified as the default.  Do this by naming one of them with signature_constants.DEFAULT_SERVING_SIGNATURE_DEF_KEY.');
  }
  return o;
}

/**
 * TF's `build_all_signature_defs` (serving only): a signature per export output, and per
 * receiver alternative ('<receiver>:<output>'); those an output can't serve (a classify
 * signature over a non-string input) are left out, with a log line, as TF does.
 */
export function buildAllSignatureDefs(receiverTensors: Receivers, exportOutputs: Record<string, ExportOutput>, alternatives: Record<string, Receivers> | null): Record<string, SignatureDef> {
  const map: Record<string, SignatureDef> = {};
  const excluded: Record<string, string> = {};
  const add = (name: string, out: ExportOutput, receivers: Receivers): void => {
    try {
      map[name] = out.asSignatureDef(receivers);
    } catch (e) {
      if (!(e instanceof ValueError)) throw e;
      excluded[name] = e.message;
    }
  };
  for (const [key, out] of Object.entries(exportOutputs)) add(key, out, receiverTensors);
  for (const [rName, receivers] of Object.entries(alternatives ?? {})) {
    for (const [key, out] of Object.entries(exportOutputs)) add(`${rName}:${key}`, out, receivers);
  }
  for (const [name, why] of Object.entries(excluded)) logging.warning("Export includes no signature '%s': %s", name, why);
  const valid: Record<string, SignatureDef> = {};
  for (const [k, v] of Object.entries(map)) if (isValidSignature(v)) valid[k] = v;
  if (Object.keys(valid).length === 0) throw new ValueError('Export includes no signatures!');
  if (!(signatureConstants.DEFAULT_SERVING_SIGNATURE_DEF_KEY in valid)) logging.warning('Export includes no default signature!');
  return valid;
}
