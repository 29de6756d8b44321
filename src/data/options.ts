/**
 * `tf.data.Options` and `dataset.withOptions(options)` / `dataset.options()`: TF 1.15's
 * fields, accepted and merged as TF merges them (a field set to two different values is a
 * ValueError). None of them changes what a pipeline produces here: elements are always made
 * in order on the calling thread (`experimentalDeterministic` false would allow another order,
 * never needed), there are no pipeline graph rewrites for `experimentalOptimization` to turn
 * on or off, no thread pools for `experimentalThreading`, and `experimentalDistribute`,
 * `experimentalSlack` and `experimentalStats` concern multi-device and tracing setups this
 * host pipeline does not have.
 */
import { ValueError } from '../errors.js';
import { Dataset, type ElementSpec, type IterContext, type Stage, UnaryDataset } from './dataset.js';

const FIELDS = ['experimentalDeterministic', 'experimentalDistribute', 'experimentalOptimization', 'experimentalSlack', 'experimentalStats', 'experimentalThreading'] as const;
type Field = (typeof FIELDS)[number];

/** Plain option groups (TF's OptimizationOptions, ThreadingOptions, ...), merged field by field. */
type Group = Record<string, unknown>;

export class Options {
  experimentalDeterministic: boolean | undefined = undefined;
  experimentalDistribute: Group | undefined = undefined;
  experimentalOptimization: Group | undefined = undefined;
  experimentalSlack: boolean | undefined = undefined;
  experimentalStats: Group | undefined = undefined;
  experimentalThreading: Group | undefined = undefined;

  constructor(fields: Partial<Record<Field, unknown>> = {}) {
    for (const [k, v] of Object.entries(fields)) {
      if (!(FIELDS as readonly string[]).includes(k)) throw new ValueError(`Cannot set the property ${k} on Options.`);
      (this as unknown as Record<string, unknown>)[k] = v;
    }
    // TF's options reject unknown attributes
    Object.preventExtensions(this);
  }

  /** `merge(options)`: the fields of both; one set in both to different values is an error. */
  merge(options: Options): Options {
    const out = new Options();
    for (const f of FIELDS) {
      const a = this[f];
      const b = options[f];
      (out as unknown as Record<string, unknown>)[f] = mergeValue(a, b, f);
    }
    return out;
  }
}

function mergeValue(a: unknown, b: unknown, name: string): unknown {
  if (a === undefined) return b;
  if (b === undefined) return a;
  const groups = typeof a === 'object' && a !== null && typeof b === 'object' && b !== null;
  if (groups) {
    const out: Group = {};
    for (const k of new Set([...Object.keys(a as Group), ...Object.keys(b as Group)])) out[k] = mergeValue((a as Group)[k], (b as Group)[k], `${name}.${k}`);
    return out;
  }
  if (a !== b) throw new ValueError(`Cannot merge incompatible values (${String(a)} and ${String(b)}) of option: ${name}`);
  return a;
}

/** An option group (TF's `tf.data.experimental.*Options`): the fields given, in camelCase. */
class OptionGroup {
  constructor(fields: Group = {}) {
    Object.assign(this, fields);
  }
}
/** `tf.data.experimental.OptimizationOptions` (e.g. `{mapFusion: true, autotune: false}`). */
export class OptimizationOptions extends OptionGroup {}
/** `tf.data.experimental.ThreadingOptions` (`{privateThreadpoolSize, maxIntraOpParallelism}`). */
export class ThreadingOptions extends OptionGroup {}
/** `tf.data.experimental.StatsOptions`. */
export class StatsOptions extends OptionGroup {}
/** `tf.data.experimental.DistributeOptions`. */
export class DistributeOptions extends OptionGroup {}

class OptionsDataset extends UnaryDataset {
  readonly spec: ElementSpec;
  constructor(input: Dataset, readonly merged: Options) {
    super(input);
    this.spec = input.spec;
  }
  open(ctx: IterContext): Stage {
    return this.input.open(ctx);
  }
}

declare module './dataset.js' {
  interface Dataset {
    /** A dataset with `options` merged into those of this one. */
    withOptions(options: Options): Dataset;
    /** The options of this dataset (those given to it and its inputs, merged). */
    options(): Options;
  }
}
Dataset.prototype.withOptions = function (this: Dataset, options: Options) {
  if (!(options instanceof Options)) throw new TypeError('`options` must be a tf.data.Options');
  return new OptionsDataset(this, this.options().merge(options));
};
Dataset.prototype.options = function (this: Dataset) {
  if (this instanceof OptionsDataset) return this.merged;
  // a transformation has its inputs' options
  const input = (this as unknown as { input?: unknown }).input;
  return input instanceof Dataset ? input.options() : new Options();
};
