/**
 * TF1's protocol-buffer classes (tf.Summary, tf.Event, tf.AttrValue, tf.GraphDef, …): wire bytes
 * against goldens written out by hand from protobuf's encoding rules, TF-written GraphDef files
 * round-tripped byte-identically, Python's text format, presence / oneof semantics, and the
 * errors Python's protobuf raises.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from 'tsflow';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const ascii = (s: string): string => Buffer.from(s).toString('hex');
const FIX = '/work/shared/fixtures';

describe('wire bytes', () => {
  it('a manual Summary: 0a <len> (0a 08 "accuracy" 15 <float32 0.5>)', () => {
    const s = new tf.Summary({ value: [new tf.Summary.Value({ tag: 'accuracy', simpleValue: 0.5 })] });
    // inner Value: tag (field 1, wire 2) 10 bytes + simple_value (field 2, fixed32: tag 0x15) 5 bytes = 15
    expect(hex(s.serializeToString())).toBe(`0a0f0a08${ascii('accuracy')}150000003f`);
    // plain objects for nested messages give the same bytes
    expect(hex(new tf.Summary({ value: [{ tag: 'accuracy', simpleValue: 0.5 }] }).serializeToString())).toBe(hex(s.serializeToString()));
  });

  it('an Event: double wall_time (0x09), varint step (0x10), oneof file_version (0x1a)', () => {
    const e = new tf.Event({ wallTime: 1.5, step: 3, fileVersion: 'brain.Event:2' });
    expect(hex(e.serializeToString())).toBe(`09000000000000f83f10031a0d${ascii('brain.Event:2')}`);
    expect(e.whichOneof('what')).toBe('fileVersion');
  });

  it('a oneof member set to zero is written (AttrValue i=0 is 18 00); a plain zero scalar is not', () => {
    expect(hex(new tf.AttrValue({ i: 0 }).serializeToString())).toBe('1800');
    expect(hex(new tf.AttrValue({ f: 0.5 }).serializeToString())).toBe('250000003f');
    expect(hex(new tf.NodeDef({ name: '', op: 'A' }).serializeToString())).toBe('120141');
  });

  it('negative enums take ten bytes (OptimizerOptions.global_jit_level OFF = -1)', () => {
    const o = new tf.OptimizerOptions({ globalJitLevel: tf.OptimizerOptions.OFF });
    expect(hex(o.serializeToString())).toBe('28ffffffffffffffffff01');
    expect(tf.OptimizerOptions.fromString(o.serializeToString()).globalJitLevel).toBe(-1);
    expect(o.toString()).toBe('global_jit_level: OFF\n');
    // GraphOptions.optimizer_options is field 3
    expect(hex(new tf.GraphOptions({ optimizerOptions: o }).serializeToString())).toBe('1a0b28ffffffffffffffffff01');
  });

  it('map fields: entries of key (1) and value (2), sorted by key (JobDef.tasks, NodeDef.attr)', () => {
    const j = new tf.train.JobDef({ name: 'w', tasks: { 2: 'b:2', 1: 'a:1' } });
    expect(hex(j.serializeToString())).toBe(`0a0177120708011203${ascii('a:1')}120708021203${ascii('b:2')}`);
    const c = new tf.train.ClusterDef({ job: [j] });
    expect(hex(c.serializeToString())).toBe(`0a${(j.serializeToString().length).toString(16).padStart(2, '0')}${hex(j.serializeToString())}`);
  });

  it('TF-written GraphDef files parse and re-serialize byte-identically', () => {
    for (const f of ['rust_addition.pb', 'rust_multiplication.pb', 'onnx_regression_frozen.pb']) {
      const bytes = new Uint8Array(readFileSync(join(FIX, 'tf-graphs', f)));
      const g = tf.GraphDef.fromString(bytes);
      expect(g.node.length).toBeGreaterThan(0);
      expect(Buffer.from(g.serializeToString()).equals(Buffer.from(bytes))).toBe(true);
    }
    const add = tf.GraphDef.fromString(new Uint8Array(readFileSync(join(FIX, 'tf-graphs', 'rust_addition.pb'))));
    expect(add.node.map((n: any) => n.op)).toEqual(['Placeholder', 'Placeholder', 'AddV2']);
    expect(add.node[0].attr.dtype.type).toBe(3); // DT_INT32
  });

  it('a TF-written MetaGraphDef survives parse → serialize → parse', () => {
    const bytes = new Uint8Array(readFileSync(join(FIX, 'tf-checkpoints/onnx_regression/checkpoint/model.meta')));
    const m = tf.MetaGraphDef.fromString(bytes);
    const out = m.serializeToString();
    expect(out.length).toBe(bytes.length);
    expect(tf.MetaGraphDef.fromString(out).equals(m)).toBe(true);
    expect(m.metaInfoDef.tensorflowVersion).not.toBe('');
    expect(m.saverDef.version).toBe(tf.train.SaverDef.V2);
  });
});

describe('text format (Python str())', () => {
  it('prints a small Summary as Python does', () => {
    const s = new tf.Summary({ value: [{ tag: 'a', simpleValue: 1 }] });
    expect(s.toString()).toBe('value {\n  tag: "a"\n  simple_value: 1.0\n}\n');
    s.value.add({ tag: 'b"\n\u00e9', simpleValue: 0.1 });
    s.value.add({ tag: 'c', simpleValue: 1e-5 });
    expect(s.toString()).toBe(
      'value {\n  tag: "a"\n  simple_value: 1.0\n}\n' +
      'value {\n  tag: "b\\"\\n\\303\\251"\n  simple_value: 0.1\n}\n' +
      'value {\n  tag: "c"\n  simple_value: 1e-05\n}\n',
    );
  });
  it('maps print key/value entries sorted by key; bytes are C-escaped; enums by name', () => {
    const n = new tf.NodeDef({ name: 'x', op: 'Const', attr: { value: { s: Uint8Array.of(0, 255, 65) }, dtype: { type: 1 } } });
    expect(n.toString()).toBe(
      'name: "x"\nop: "Const"\nattr {\n  key: "dtype"\n  value {\n    type: DT_FLOAT\n  }\n}\nattr {\n  key: "value"\n  value {\n    s: "\\000\\377A"\n  }\n}\n',
    );
    expect(new tf.LogMessage({ level: 'WARN', message: 'hi' }).toString()).toBe('level: WARN\nmessage: "hi"\n');
  });
});

describe('message semantics', () => {
  it('unset submessages read empty and join their parent when written', () => {
    const e = new tf.Event();
    expect(e.hasField('summary')).toBe(false);
    expect(e.summary.value.length).toBe(0);
    expect(e.hasField('summary')).toBe(false);
    e.summary.value.add({ tag: 't', simpleValue: 2 });
    expect(e.hasField('summary')).toBe(true);
    expect(e.whichOneof('what')).toBe('summary');
    e.fileVersion = 'v';
    expect(e.whichOneof('what')).toBe('fileVersion');
    expect(e.hasField('summary')).toBe(false);
    const v = new tf.Summary.Value();
    v.metadata.pluginData.pluginName = 'scalars';
    expect(v.hasField('metadata')).toBe(true);
    expect(hex(v.serializeToString())).toBe(`4a0b0a090a07${ascii('scalars')}`);
  });
  it('copyFrom, mergeFrom(String), clear, clearField, equals', () => {
    const a = new tf.Summary({ value: [{ tag: 'a', simpleValue: 1 }] });
    const b = new tf.Summary();
    b.copyFrom(a);
    expect(b.equals(a)).toBe(true);
    b.value[0].simpleValue = 2;
    expect(a.value[0].simpleValue).toBe(1);
    expect(b.equals(a)).toBe(false);
    expect(b.mergeFromString(a.serializeToString())).toBe(a.serializeToString().length);
    expect(b.value.map((v: any) => v.simpleValue)).toEqual([2, 1]);
    b.parseFromString(a.serializeToString());
    expect(b.equals(a)).toBe(true);
    b.clearField('value');
    expect(b.value.length).toBe(0);
    a.clear();
    expect(a.serializeToString().length).toBe(0);
    const m = new tf.Summary.Value({ tag: 'x', simpleValue: 0.25 });
    const m2 = new tf.Summary.Value({ tag: 'x', image: { height: 1 } });
    m2.mergeFrom(m);
    expect(m2.whichOneof('value')).toBe('simpleValue');
  });
  it('floats store float32 values; strings and bytes convert', () => {
    const v = new tf.Summary.Value({ simpleValue: 0.1 });
    expect(v.simpleValue).toBe(Math.fround(0.1));
    expect(new tf.AttrValue({ s: 'abc' }).s).toEqual(new TextEncoder().encode('abc'));
  });
});

describe('errors', () => {
  it("unknown field names: Python's ValueError text", () => {
    expect(() => new tf.Summary({ foo: 1 } as never)).toThrow('Protocol message Summary has no "foo" field.');
    expect(() => new tf.Summary.Value({ bar: 1 } as never)).toThrow('Protocol message Value has no "bar" field.');
    expect(() => new tf.Summary().hasField('nope')).toThrow(tf.errors.ValueError);
    expect(() => new tf.Summary.Value().hasField('tag')).toThrow('non-repeated submessage field "tag"');
    const s = new tf.Summary();
    expect(() => { (s as any).foo = 1; }).toThrow(TypeError);
  });
  it('wrong value types and ranges', () => {
    expect(() => new tf.Summary.Value({ tag: 3 } as never)).toThrow('3 has type number, but expected one of: string');
    expect(() => new tf.Summary.Value({ simpleValue: 'x' } as never)).toThrow("'x' has type string, but expected one of: number");
    expect(() => new tf.NodeDef({ input: 'a' } as never)).toThrow('a repeated field takes an array');
    expect(() => new tf.Summary.Image({ height: 2 ** 31 })).toThrow('Value out of range: 2147483648');
    expect(() => new tf.LogMessage({ level: 'LOUD' })).toThrow('has no value named LOUD');
  });
  it('malformed bytes: DecodeError "Error parsing message", a DataLossError', () => {
    let err: unknown;
    try {
      tf.Summary.fromString(Uint8Array.of(0x0a, 0x05, 0x01));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(tf.errors.DataLossError);
    expect((err as Error).name).toBe('DecodeError');
    expect((err as Error).message).toMatch(/^Error parsing message/);
    // a fixed32 wire type for the string field tag
    expect(() => tf.Summary.Value.fromString(Uint8Array.of(0x0d, 1, 2, 3, 4))).toThrow('Error parsing message');
  });
});

describe('FileWriter and summary_iterator', () => {
  it('writes manual summaries and events that read back', () => {
    const dir = mkdtempSync(join(tmpdir(), 'proto-classes-'));
    const w = new tf.summary.FileWriter(dir);
    w.addSummary(new tf.Summary({ value: [new tf.Summary.Value({ tag: 'accuracy', simpleValue: 0.75 })] }), 7);
    w.addEvent(new tf.Event({ wallTime: 12.5, step: 8, logMessage: { level: tf.LogMessage.INFO, message: 'hello' } }));
    w.addGraph(tf.GraphDef.fromString(new Uint8Array(readFileSync(join(FIX, 'tf-graphs', 'rust_addition.pb')))), 9);
    w.close();
    const file = join(dir, readdirSync(dir)[0]!);
    const evs = [...tf.train.summaryIterator(file)];
    expect(evs[0]!.fileVersion).toBe('brain.Event:2');
    expect(evs[1]!.step).toBe(7);
    expect(evs[1]!.summary!.value[0]!.tag).toBe('accuracy');
    expect(evs[1]!.summary!.value[0]!.simpleValue).toBe(0.75);
    const e2 = evs[2] as any;
    expect([e2.wallTime, e2.step, e2.logMessage.level, e2.logMessage.message]).toEqual([12.5, 8, 20, 'hello']);
    const g = tf.GraphDef.fromString((evs[3] as any).graphDef);
    expect(Buffer.from(g.serializeToString()).equals(readFileSync(join(FIX, 'tf-graphs', 'rust_addition.pb')))).toBe(true);
    expect(() => w.addSummary(new tf.Event() as never)).toThrow('addSummary needs a Summary, got a Event');
  });
});

describe('tf.train.SequenceExample', () => {
  it('serializes what tf.io.parseSingleSequenceExample reads', async () => {
    const se = new tf.train.SequenceExample({
      context: new tf.train.Features({ feature: { len: new tf.train.Feature({ int64List: new tf.train.Int64List({ value: [3] }) }) } }),
      featureLists: new tf.train.FeatureLists({
        featureList: { tok: new tf.train.FeatureList({ feature: [1, 2, 3].map((i) => ({ int64List: { value: [i, i * 10] } })) }) },
      }),
    });
    const bytes = se.serializeToString();
    const g = new tf.Graph();
    const out = g.asDefault(() => tf.io.parseSingleSequenceExample(
      new tf.NDArray(tf.StringArray.fromValues([bytes]) as never, [], 'string') as never,
      { len: new tf.io.FixedLenFeature([], tf.int64) },
      { tok: new tf.io.FixedLenSequenceFeature([2], tf.int64) },
    ));
    await using sess = new tf.Session({ graph: g });
    const [ctx, fl] = (await sess.run(out as never)) as any;
    expect(ctx.len.toArray()).toEqual(3);
    expect(fl.tok.toArray()).toEqual([[1, 10], [2, 20], [3, 30]]);
    const back = tf.train.SequenceExample.fromString(bytes);
    expect(back.featureLists.featureList.tok.feature[2].int64List.value).toEqual([3, 30]);
    expect(back.equals(se)).toBe(true);
    // context (1) holds Features whose map entry is key "len" → Feature{int64_list (3) {value (1, packed): 3}}
    expect(hex(bytes).startsWith(`0a0e0a0c0a03${ascii('len')}12051a030a0103`)).toBe(true);
  });
});

describe('helpers', () => {
  it('tf.summary.getSummaryDescription reads a TensorSummary node\'s description attr', () => {
    const nd = new tf.NodeDef({ name: 's', op: 'TensorSummary', attr: { description: { s: '{"type_hint": "scalar"}' } } });
    expect(tf.summary.getSummaryDescription(nd).typeHint).toBe('scalar');
    expect(tf.summary.getSummaryDescription({ op: 'TensorSummary', attr: { description: { s: '{"typeHint":"image"}' } } }).typeHint).toBe('image');
    expect(() => tf.summary.getSummaryDescription(new tf.NodeDef({ op: 'Add' }))).toThrow("Can't get_summary_description on Add");
  });
  it('tf.train.generateCheckpointStateProto', () => {
    const s = tf.train.generateCheckpointStateProto('/tmp/ck', '/tmp/ck/model-2', ['/tmp/ck/model-1']);
    expect(s.toString()).toBe('model_checkpoint_path: "/tmp/ck/model-2"\nall_model_checkpoint_paths: "/tmp/ck/model-1"\nall_model_checkpoint_paths: "/tmp/ck/model-2"\n');
    const r = tf.train.generateCheckpointStateProto('ck', 'ck/model-2', null, [100, 200.5].slice(0, 1), 50);
    expect([r.modelCheckpointPath, [...r.allModelCheckpointPaths], [...r.allModelCheckpointTimestamps], r.lastPreservedTimestamp]).toEqual(['model-2', ['model-2'], [100], 50]);
    expect(() => tf.train.generateCheckpointStateProto('/d', '/d/m', ['/d/a'], [1])).toThrow(
      "Checkpoint timestamps, if provided, must match checkpoint paths (got paths ['/d/a', '/d/m'] and timestamps [1.0])",
    );
  });
});
