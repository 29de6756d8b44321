/**
 * GraphDefs under hostile input: text-format `.pbtxt` fixtures written by TF truncated at sampled
 * offsets and mutated with seeded flips, and NodeDefs whose attrs are hostile (Const shapes of
 * 2^40 elements or negative dims, tensor_content not matching the shape or not whole values,
 * dtypes out of range, string lengths past the end, Placeholder shapes of -5 and 2^62), inputs
 * naming nodes or outputs that do not exist, and cycles. Each import succeeds, or fails with
 * DataLossError (the text does not parse) or TF's importer classes, never a RangeError, a
 * TypeError, "Maximum call stack" or a slow run.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import { DataLossError, InvalidArgumentError, NotFoundError, RuntimeError, UnimplementedError, ValueError } from '../../src/errors.js';
import { graphDefFromText } from '../../src/graphdef/write-graph.js';
import { ParseError } from '../../src/proto/codec.js';
import { applyMutations, mutation, varint } from './support.js';

// text that does not parse: protobuf's text_format.ParseError (TF: google.protobuf.text_format);
// bytes that do not parse: DataLossError; a graph that parsed but is broken: the importer's classes
const ALLOWED = [ParseError, DataLossError, ValueError, InvalidArgumentError, NotFoundError, RuntimeError, UnimplementedError];

/** Import `src` (text or bytes) into a fresh graph; true when it imported. */
function attempt(src: string | Uint8Array, what: string): boolean {
  if (process.env.TRACE) process.stderr.write(`TRY ${what.slice(0, 80)}\n`);
  const t0 = Date.now();
  try {
    const gd = typeof src === 'string' ? graphDefFromText(src) : src;
    const g = new tf.Graph();
    g.asDefault(() => tf.importGraphDef(gd, { name: '' }));
    return true;
  } catch (e) {
    const shown = `${(e as Error)?.constructor?.name}: ${(e as Error)?.message?.slice(0, 300)} (${what})`;
    expect(ALLOWED.some((C) => e instanceof C), shown).toBe(true);
    return false;
  } finally {
    expect(Date.now() - t0, what).toBeLessThan(3000);
  }
}

describe('text-format GraphDefs', () => {
  for (const [name, seed] of [['tf_grappler_scc_while.pbtxt', 7401], ['tf1_cond_nested.pbtxt', 7402]] as const) {
    it(`${name}: sampled truncations and seeded mutants parse and import, or fail as TF does`, () => {
      const text = readFileSync(`test/fixtures/tf-graphs/${name}`, 'utf8');
      expect(attempt(text, 'intact')).toBe(true);
      let failed = 0;
      const step = Math.max(1, Math.ceil(text.length / 400));
      for (let at = 0; at < text.length; at += step) if (!attempt(text.slice(0, at), `cut at ${at}`)) failed++;
      const bytes = new TextEncoder().encode(text);
      fc.assert(
        fc.property(mutation, (ms) => {
          if (!attempt(new TextDecoder().decode(applyMutations(bytes, ms)), JSON.stringify(ms))) failed++;
        }),
        { seed, numRuns: 200 },
      );
      // characters that matter to the text format, put at seeded places
      fc.assert(
        fc.property(fc.nat(text.length - 1), fc.constantFrom('"', '{', '}', '\\', ':', '<', '>', '[', ']', '-', '9999999999999999999999', '\\x', '\\777', '#', '\n', 'e'), (at, s) => {
          if (!attempt(text.slice(0, at) + s + text.slice(at + 1), `${JSON.stringify(s)} at ${at}`)) failed++;
        }),
        { seed: seed + 10, numRuns: 200 },
      );
      expect(failed).toBeGreaterThan(100);
    });
  }
});

const node = (body: string): string => `node { ${body} }`;
const konst = (name: string, tensor: string, dtype = 'DT_FLOAT'): string =>
  node(`name: "${name}" op: "Const" attr { key: "dtype" value { type: ${dtype} } } attr { key: "value" value { tensor { ${tensor} } } }`);

describe('hostile NodeDefs', () => {
  it('sanity: a small well-formed graph imports', () => {
    expect(attempt(konst('c', 'dtype: DT_FLOAT tensor_shape { dim { size: 2 } } float_val: 1 float_val: 2') + node('name: "i" op: "Identity" input: "c" attr { key: "T" value { type: DT_FLOAT } }'), 'sane')).toBe(true);
  });

  it('Const attrs: huge or negative shapes, tensor_content of the wrong size, dtypes out of range, string lengths past the end', () => {
    const cases: [string, string][] = [
      ['shape [2^20, 2^20] from one float_val', konst('c', 'dtype: DT_FLOAT tensor_shape { dim { size: 1048576 } dim { size: 1048576 } } float_val: 1')],
      ['shape [2^62] from one float_val', konst('c', 'dtype: DT_FLOAT tensor_shape { dim { size: 4611686018427387904 } } float_val: 1')],
      ['shape [2^30] of strings from one string_val', konst('c', 'dtype: DT_STRING tensor_shape { dim { size: 1073741824 } } string_val: "a"', 'DT_STRING')],
      ['shape [-5]', konst('c', 'dtype: DT_FLOAT tensor_shape { dim { size: -5 } } float_val: 1')],
      ['tensor_content of 5 bytes for one int32', konst('c', 'dtype: DT_INT32 tensor_shape { dim { size: 1 } } tensor_content: "\\001\\000\\000\\000\\005"', 'DT_INT32')],
      ['tensor_content of 3 bytes for one int64', konst('c', 'dtype: DT_INT64 tensor_shape { dim { size: 1 } } tensor_content: "\\001\\000\\000"', 'DT_INT64')],
      ['tensor_content of 4 bytes for [3] floats', konst('c', 'dtype: DT_FLOAT tensor_shape { dim { size: 3 } } tensor_content: "\\000\\000\\200?"')],
      ['tensor_content of 1 byte for one half', konst('c', 'dtype: DT_HALF tensor_shape { dim { size: 1 } } tensor_content: "\\001"', 'DT_HALF')],
      ['tensor_content of 3 bytes for int16 [1]', konst('c', 'dtype: DT_INT16 tensor_shape { dim { size: 1 } } tensor_content: "\\001\\002\\003"', 'DT_INT16')],
      ['more float_val than the shape', konst('c', 'dtype: DT_FLOAT tensor_shape { dim { size: 1 } } float_val: 1 float_val: 2')],
      ['tensor dtype 9999', konst('c', 'dtype: 9999 tensor_shape { dim { size: 1 } } float_val: 1')],
      ['attr dtype 9999', konst('c', 'dtype: DT_FLOAT tensor_shape { dim { size: 1 } } float_val: 1', '9999')],
      ['attr dtype not matching the tensor', konst('c', 'dtype: DT_FLOAT tensor_shape { dim { size: 1 } } float_val: 1', 'DT_INT32')],
      ['no value attr', node('name: "c" op: "Const" attr { key: "dtype" value { type: DT_FLOAT } }')],
      ['value attr of the wrong kind', node('name: "c" op: "Const" attr { key: "dtype" value { type: DT_FLOAT } } attr { key: "value" value { s: "x" } }')],
      ['Placeholder shape [-5]', node('name: "p" op: "Placeholder" attr { key: "dtype" value { type: DT_FLOAT } } attr { key: "shape" value { shape { dim { size: -5 } } } }')],
      ['Placeholder shape [2^62, 2^62]', node('name: "p" op: "Placeholder" attr { key: "dtype" value { type: DT_FLOAT } } attr { key: "shape" value { shape { dim { size: 4611686018427387904 } dim { size: 4611686018427387904 } } } }')],
      ['Identity with T 9999', konst('c', 'dtype: DT_FLOAT tensor_shape { } float_val: 1') + node('name: "i" op: "Identity" input: "c" attr { key: "T" value { type: 9999 } }')],
      ['Identity with T as a string', konst('c', 'dtype: DT_FLOAT tensor_shape { } float_val: 1') + node('name: "i" op: "Identity" input: "c" attr { key: "T" value { s: "float" } }')],
    ];
    expect(cases.filter(([what, text]) => attempt(text, what)).map(([what]) => what)).toEqual([]);
    // a Fill whose dims ask for 2^40 elements is a valid graph (as in TF it fails only when run)
    const fill = konst('d', 'dtype: DT_INT32 tensor_shape { dim { size: 2 } } int_val: 1048576', 'DT_INT32') + konst('v', 'dtype: DT_FLOAT tensor_shape { } float_val: 1') + node('name: "f" op: "Fill" input: "d" input: "v" attr { key: "T" value { type: DT_FLOAT } } attr { key: "index_type" value { type: DT_INT32 } }');
    expect(attempt(fill, 'Fill of dims [2^40]')).toBe(true);
  });

  it('inputs naming missing nodes or outputs, control inputs to nowhere, cycles and self loops', () => {
    const c = konst('c', 'dtype: DT_FLOAT tensor_shape { } float_val: 1');
    const id = (name: string, input: string): string => node(`name: "${name}" op: "Identity" input: "${input}" attr { key: "T" value { type: DT_FLOAT } }`);
    const cases: [string, string][] = [
      ['input naming a missing node', c + id('i', 'nowhere')],
      ['input naming output 99', c + id('i', 'c:99')],
      ['input naming output -1', c + id('i', 'c:-1')],
      ['input naming output 2^53', c + id('i', 'c:9007199254740993')],
      ['control input to a missing node', c + node('name: "n" op: "NoOp" input: "^nowhere"')],
      ['a cycle of two', id('a', 'b') + id('b', 'a')],
      ['a self loop', id('a', 'a')],
      ['a cycle of 3 behind a Const', c + node('name: "a" op: "Add" input: "c" input: "z" attr { key: "T" value { type: DT_FLOAT } }') + id('y', 'a') + id('z', 'y')],
      ['a control-edge cycle', node('name: "a" op: "NoOp" input: "^b"') + node('name: "b" op: "NoOp" input: "^a"')],
      ['two nodes of one name', c + c],
      ['an unknown op', node('name: "u" op: "NoSuchOpAnywhere"')],
      ['an empty node name', node('name: "" op: "NoOp"')],
      ['too few inputs', node('name: "a" op: "Add" attr { key: "T" value { type: DT_FLOAT } }')],
    ];
    expect(cases.filter(([what, text]) => attempt(text, what)).map(([what]) => what)).toEqual([]);
    // a long chain imports (no recursion per node) and a long cycle fails without a stack overflow
    const chain = [c, ...Array.from({ length: 5000 }, (_, i) => id(`n${i}`, i === 0 ? 'c' : `n${i - 1}`))].join('');
    expect(attempt(chain, 'chain of 5000')).toBe(true);
    const ring = Array.from({ length: 5000 }, (_, i) => id(`n${i}`, `n${(i + 1) % 5000}`)).join('');
    expect(attempt(ring, 'cycle of 5000')).toBe(false);
  });

  it('binary: a string tensor whose string_val claims 2^40 bytes, and a NodeDef input list of 2^31 entries claimed, fail at once', () => {
    // GraphDef.node (1) { name (1) "c", op (2) "Const", attr (5) { key "value", value (2) { tensor (8) { dtype 7, string_val (8) len 2^40 } } } }
    const tensor = [0x08, 7, 0x42, ...varint(2 ** 40), 0x61];
    const valueAttr = [0x42, ...varint(tensor.length), ...tensor];
    const e1 = [0x0a, 5, ...new TextEncoder().encode('value'), 0x12, ...varint(valueAttr.length), ...valueAttr];
    const nd = [0x0a, 1, 0x63, 0x12, 5, ...new TextEncoder().encode('Const'), 0x2a, ...varint(e1.length), ...e1];
    expect(attempt(Uint8Array.from([0x0a, ...varint(nd.length), ...nd]), 'string_val of 2^40 bytes')).toBe(false);
    const nd2 = [0x0a, 1, 0x63, 0x12, 4, ...new TextEncoder().encode('NoOp'), 0x1a, ...varint(2 ** 31), 0x61];
    expect(attempt(Uint8Array.from([0x0a, ...varint(nd2.length), ...nd2]), 'input of 2^31 bytes')).toBe(false);
    expect(attempt(Uint8Array.from([0x0a, ...varint(2n ** 63n)]), 'node of 2^63 bytes')).toBe(false);
  });
});
