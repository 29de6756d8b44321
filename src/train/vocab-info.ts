/**
 * `tf.train.VocabInfo(newVocab, newVocabSize, numOovBuckets, oldVocab, oldVocabSize = -1,
 * backupInitializer = null, axis = 0)` (TF 1.15's warm_starting_util.VocabInfo): the record that
 * tells warm-starting how a variable's rows (axis 0) or columns (axis 1) map from an old
 * vocabulary file to a new one. A namedtuple in TF: its fields in order also nest as a tuple.
 */
import { kwargs } from '../args.js';
import { ValueError } from '../errors.js';
import { registerTupleType } from '../ops/control-flow/nest.js';

const FIELDS = ['newVocab', 'newVocabSize', 'numOovBuckets', 'oldVocab', 'oldVocabSize', 'backupInitializer', 'axis'] as const;

export class VocabInfo {
  readonly newVocab: string;
  readonly newVocabSize: number;
  readonly numOovBuckets: number;
  readonly oldVocab: string;
  readonly oldVocabSize: number;
  readonly backupInitializer: unknown;
  readonly axis: number;
  constructor(...args: unknown[]) {
    const a = kwargs(args, FIELDS, 'VocabInfo', 4);
    const axis = (a.axis as number | undefined) ?? 0;
    if (axis !== 0 && axis !== 1) throw new ValueError(`The only supported values for the axis argument are 0 and 1.  Provided axis: ${String(axis)}`);
    this.newVocab = a.newVocab as string;
    this.newVocabSize = a.newVocabSize as number;
    this.numOovBuckets = a.numOovBuckets as number;
    this.oldVocab = a.oldVocab as string;
    this.oldVocabSize = (a.oldVocabSize as number | undefined) ?? -1;
    this.backupInitializer = a.backupInitializer ?? null;
    this.axis = axis;
  }
  /** A copy with some fields replaced (namedtuple's `_replace`). */
  replace(changes: Partial<Record<(typeof FIELDS)[number], unknown>>): VocabInfo {
    return new VocabInfo(...FIELDS.map((f) => (f in changes ? changes[f] : this[f])));
  }
  toString(): string {
    const v = (x: unknown): string => (typeof x === 'string' ? `'${x}'` : x === null ? 'None' : String(x));
    return `VocabInfo(new_vocab=${v(this.newVocab)}, new_vocab_size=${this.newVocabSize}, num_oov_buckets=${this.numOovBuckets}, old_vocab=${v(this.oldVocab)}, old_vocab_size=${this.oldVocabSize}, backup_initializer=${v(this.backupInitializer)}, axis=${this.axis})`;
  }
}
registerTupleType(VocabInfo, (x) => FIELDS.map((f) => x[f]), (f) => new VocabInfo(...f));
