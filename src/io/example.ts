/**
 * `tf.train.Example`, `Features`, `Feature`, `BytesList`, `FloatList`, `Int64List`: the protocol
 * buffers of TFRecord data sets, built as in TF1's Python (`new Feature({int64List: new
 * Int64List({value: [1]})})`), with `serializeToString()` and `Example.fromString(bytes)`.
 */
import { DataLossError, ValueError } from '../errors.js';
import { decode, encode } from '../proto/codec.js';
import { type ExampleMsg, ExampleT, type FeatureMsg, FeatureT, type FeaturesMsg, FeaturesT } from '../proto/example.js';

const bytesOf = (v: Uint8Array | string): Uint8Array => (typeof v === 'string' ? new TextEncoder().encode(v) : v);

function numbers(v: ArrayLike<number> | undefined, what: string, int: boolean): number[] {
  const out = Array.from(v ?? [], Number);
  for (const x of out) {
    if (int ? !Number.isSafeInteger(x) : typeof x !== 'number') throw new TypeError(`${x} has type ${typeof x}, but expected one of: ${int ? 'int' : 'float'} (${what})`);
  }
  return out;
}

export class BytesList {
  value: Uint8Array[];
  constructor(opts: { value?: readonly (Uint8Array | string)[] } = {}) {
    this.value = (opts.value ?? []).map(bytesOf);
  }
}
export class FloatList {
  value: number[];
  constructor(opts: { value?: ArrayLike<number> } = {}) {
    this.value = numbers(opts.value, 'FloatList', false);
  }
}
export class Int64List {
  value: number[];
  constructor(opts: { value?: ArrayLike<number> } = {}) {
    this.value = numbers(opts.value, 'Int64List', true);
  }
}

export class Feature {
  bytesList?: BytesList;
  floatList?: FloatList;
  int64List?: Int64List;
  constructor(opts: { bytesList?: BytesList | { value?: (Uint8Array | string)[] }; floatList?: FloatList | { value?: ArrayLike<number> }; int64List?: Int64List | { value?: ArrayLike<number> } } = {}) {
    const set = [opts.bytesList, opts.floatList, opts.int64List].filter((x) => x !== undefined).length;
    if (set > 1) throw new ValueError('Feature takes one of bytesList, floatList, int64List (a oneof)');
    if (opts.bytesList) this.bytesList = opts.bytesList instanceof BytesList ? opts.bytesList : new BytesList(opts.bytesList);
    if (opts.floatList) this.floatList = opts.floatList instanceof FloatList ? opts.floatList : new FloatList(opts.floatList);
    if (opts.int64List) this.int64List = opts.int64List instanceof Int64List ? opts.int64List : new Int64List(opts.int64List);
  }
  /** The oneof field that is set ('bytesList' | 'floatList' | 'int64List'), or null. */
  whichOneof(): 'bytesList' | 'floatList' | 'int64List' | null {
    return this.bytesList ? 'bytesList' : this.floatList ? 'floatList' : this.int64List ? 'int64List' : null;
  }
  toMsg(): FeatureMsg {
    return { ...(this.bytesList ? { bytesList: { value: this.bytesList.value } } : {}), ...(this.floatList ? { floatList: { value: this.floatList.value } } : {}), ...(this.int64List ? { int64List: { value: this.int64List.value } } : {}) };
  }
  serializeToString(): Uint8Array {
    return encode(FeatureT, this.toMsg() as never);
  }
  static fromMsg(m: FeatureMsg): Feature {
    return new Feature({
      ...(m.bytesList ? { bytesList: new BytesList({ value: m.bytesList.value }) } : {}),
      ...(m.floatList ? { floatList: new FloatList({ value: m.floatList.value }) } : {}),
      ...(m.int64List ? { int64List: new Int64List({ value: m.int64List.value }) } : {}),
    });
  }
}

export class Features {
  feature: Record<string, Feature>;
  constructor(opts: { feature?: Record<string, Feature | ConstructorParameters<typeof Feature>[0]> } = {}) {
    this.feature = {};
    for (const [k, f] of Object.entries(opts.feature ?? {})) this.feature[k] = f instanceof Feature ? f : new Feature(f);
  }
  toMsg(): FeaturesMsg {
    return { feature: Object.fromEntries(Object.entries(this.feature).map(([k, f]) => [k, f.toMsg()])) };
  }
  serializeToString(): Uint8Array {
    return encode(FeaturesT, this.toMsg() as never);
  }
  static fromMsg(m: FeaturesMsg): Features {
    return new Features({ feature: Object.fromEntries(Object.entries(m.feature).map(([k, f]) => [k, Feature.fromMsg(f)])) });
  }
}

export class Example {
  features?: Features;
  constructor(opts: { features?: Features | ConstructorParameters<typeof Features>[0] } = {}) {
    if (opts.features) this.features = opts.features instanceof Features ? opts.features : new Features(opts.features);
  }
  toMsg(): ExampleMsg {
    return this.features ? { features: this.features.toMsg() } : {};
  }
  serializeToString(): Uint8Array {
    return encode(ExampleT, this.toMsg() as never);
  }
  /** TF1's `Example.FromString(serialized)`. */
  static fromString(bytes: Uint8Array): Example {
    return Example.fromMsg(decodeExample(bytes));
  }
  static fromMsg(m: ExampleMsg): Example {
    return new Example(m.features ? { features: Features.fromMsg(m.features) } : {});
  }
}

/** Decode a serialized Example (DataLossError on malformed bytes). */
export function decodeExample(bytes: Uint8Array): ExampleMsg {
  try {
    return decode<ExampleMsg>(ExampleT, bytes);
  } catch (e) {
    throw new DataLossError(`Could not parse example input: ${(e as Error).message}`);
  }
}
