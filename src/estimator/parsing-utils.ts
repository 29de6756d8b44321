/**
 * `tf.estimator.classifier_parse_example_spec` and `regressor_parse_example_spec` (TF 1.15's
 * canned/parsing_utils.py): the feature columns' parse spec plus the label (and weight) features.
 */
import { kwargs } from '../args.js';
import { ValueError } from '../errors.js';
import { numericColumn } from '../feature-column/columns.js';
import { type ParseSpec, makeParseExampleSpec } from '../feature-column/extra.js';
import type { FeatureColumn } from '../feature-column/columns.js';
import { FixedLenFeature } from '../ops/parsing.js';

const keysText = (spec: Record<string, unknown>): string => `dict_keys([${Object.keys(spec).map((k) => `'${k}'`).join(', ')}])`;

function addLabelAndWeight(spec: Record<string, ParseSpec>, labelKey: unknown, label: FixedLenFeature, weightColumn: unknown): Record<string, ParseSpec> {
  if (typeof labelKey !== 'string') throw new ValueError(`label_key should be a string, got ${String(labelKey)}`);
  if (labelKey in spec) throw new ValueError(`label should not be used as feature. label_key: ${labelKey}, features: ${keysText(spec)}`);
  spec[labelKey] = label;
  if (weightColumn === undefined || weightColumn === null) return spec;
  const wc = typeof weightColumn === 'string' ? numericColumn(weightColumn) : (weightColumn as FeatureColumn);
  for (const [k, v] of Object.entries(makeParseExampleSpec([wc]))) {
    if (k in spec) throw new ValueError(`weight_column should not be used as feature. weight_column: ${k}, features: ${keysText(spec)}`);
    spec[k] = v;
  }
  return spec;
}

/**
 * `classifier_parse_example_spec(feature_columns, label_key, label_dtype=tf.int64,
 * label_default=None, weight_column=None)`: the label is a FixedLenFeature of shape [1].
 */
export function classifierParseExampleSpec(...args: unknown[]): Record<string, ParseSpec> {
  const o = kwargs(args, ['featureColumns', 'labelKey', 'labelDtype', 'labelDefault', 'weightColumn'], 'classifier_parse_example_spec', 2);
  const spec = makeParseExampleSpec(o.featureColumns as FeatureColumn[]);
  return addLabelAndWeight(spec, o.labelKey, new FixedLenFeature([1], (o.labelDtype as string | undefined) ?? 'int64', o.labelDefault ?? undefined), o.weightColumn);
}

/**
 * `regressor_parse_example_spec(feature_columns, label_key, label_dtype=tf.float32,
 * label_default=None, label_dimension=1, weight_column=None)`: the label is a FixedLenFeature
 * of shape [label_dimension].
 */
export function regressorParseExampleSpec(...args: unknown[]): Record<string, ParseSpec> {
  const o = kwargs(args, ['featureColumns', 'labelKey', 'labelDtype', 'labelDefault', 'labelDimension', 'weightColumn'], 'regressor_parse_example_spec', 2);
  const spec = makeParseExampleSpec(o.featureColumns as FeatureColumn[]);
  const dim = Number(o.labelDimension ?? 1);
  return addLabelAndWeight(spec, o.labelKey, new FixedLenFeature([dim], (o.labelDtype as string | undefined) ?? 'float32', o.labelDefault ?? undefined), o.weightColumn);
}
