/**
 * tf.strings and TF1's top-level string ops (host-stage ops) against the cases of TF 1.15's
 * kernel tests (tensorflow/python/kernel_tests/: string_split_op_test.py StringSplitOpTest and
 * StringSplitV2OpTest, reduce_join_op_test.py / reduce_join's documented examples,
 * substr_op_test.py / tf.substr's documented examples, regex_replace_op_test.py,
 * regex_full_match_op_test.py, as_string_op_test.py, string_to_number_op_test.py,
 * string_to_hash_bucket_op_test.py — whose 64-bit hash values are checked too — and
 * base64_ops_test.py), TF's op types and error texts.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray, SparseTensorValue, Tensor } from 'tsflow';
import { fingerprint64, hash64, sipHash24 } from '../src/ops/strings/hash.js';

const strs = (v: NDArray): string[] => Array.from(v.data as unknown as Uint8Array[], (b) => new TextDecoder().decode(b));
const nums = (v: NDArray): number[] => Array.from(v.data as ArrayLike<number>, Number);

async function run<T>(build: () => T, feeds: [Tensor, unknown][] = []): Promise<unknown> {
  const g = new tf.Graph();
  const f = g.asDefault(build);
  const sess = new tf.Session({ graph: g });
  try {
    return await sess.run(f as never, feeds.length ? (feeds as never) : undefined);
  } finally {
    await sess.close();
  }
}

const sparse = (v: unknown): { indices: number[][]; values: string[]; shape: number[] } => {
  const s = v as SparseTensorValue;
  const ind = nums(s.indices);
  return { indices: Array.from({ length: ind.length / 2 }, (_, i) => [ind[2 * i]!, ind[2 * i + 1]!]), values: strs(s.values), shape: nums(s.denseShape) };
};

describe('tf.stringSplit (StringSplit) and tf.strings.split (StringSplitV2)', () => {
  it('StringSplitOpTest cases', async () => {
    const r = (await run(() => [
      tf.stringSplit(['pigs on the wing', 'animals']),
      tf.stringSplit(['hello', 'hola'], ''),
      tf.stringSplit(['', ' a', 'b ', ' c', ' ', ' d ', '  e', 'f  ', '  g  ', '  ']),
      tf.stringSplit(['', ' a', 'b ', ' c', ' ', ' d ', '. e', 'f .', ' .g. ', ' .'], ' .'),
      tf.stringSplit(['hello|world', 'hello world'], '|'),
      tf.stringSplit(['hello|world', 'hello world'], '| '),
      tf.stringSplit(['#a', 'b#', '#c#'], '#', false),
      tf.stringSplit(['#a', 'b#', '#c#'], { delimiter: '#', skipEmpty: true }),
    ])) as unknown[];
    expect(sparse(r[0])).toEqual({ indices: [[0, 0], [0, 1], [0, 2], [0, 3], [1, 0]], values: ['pigs', 'on', 'the', 'wing', 'animals'], shape: [2, 4] });
    expect(sparse(r[1])).toEqual({ indices: [[0, 0], [0, 1], [0, 2], [0, 3], [0, 4], [1, 0], [1, 1], [1, 2], [1, 3]], values: ['h', 'e', 'l', 'l', 'o', 'h', 'o', 'l', 'a'], shape: [2, 5] });
    const g7 = { indices: [[1, 0], [2, 0], [3, 0], [5, 0], [6, 0], [7, 0], [8, 0]], values: ['a', 'b', 'c', 'd', 'e', 'f', 'g'], shape: [10, 1] };
    expect(sparse(r[2])).toEqual(g7);
    expect(sparse(r[3])).toEqual(g7);
    expect(sparse(r[4])).toEqual({ indices: [[0, 0], [0, 1], [1, 0]], values: ['hello', 'world', 'hello world'], shape: [2, 2] });
    expect(sparse(r[5])).toEqual({ indices: [[0, 0], [0, 1], [1, 0], [1, 1]], values: ['hello', 'world', 'hello', 'world'], shape: [2, 2] });
    expect(sparse(r[6])).toEqual({ indices: [[0, 0], [0, 1], [1, 0], [1, 1], [2, 0], [2, 1], [2, 2]], values: ['', 'a', 'b', '', '', 'c', ''], shape: [3, 3] });
    expect(sparse(r[7])).toEqual({ indices: [[0, 0], [1, 0], [2, 0]], values: ['a', 'b', 'c'], shape: [3, 1] });
  });

  it('a fed delimiter and source, op types, TF1 errors', async () => {
    const g = new tf.Graph();
    const m = g.asDefault(() => {
      const src = tf.placeholder(tf.string, [null]);
      const d = tf.placeholder(tf.string, []);
      return { src, d, sp: tf.stringSplit(src, d) };
    });
    expect(m.sp.indices.op.type).toBe('StringSplit');
    expect(m.sp.indices.dtype).toBe('int64');
    expect(m.sp.values.dtype).toBe('string');
    const sess = new tf.Session({ graph: g });
    const v = await sess.run(m.sp, [[m.src, ['hello|world', 'hello world']], [m.d, '|']] as never);
    expect(sparse(v)).toEqual({ indices: [[0, 0], [0, 1], [1, 0]], values: ['hello', 'world', 'hello world'], shape: [2, 2] });
    await sess.close();
    new tf.Graph().asDefault(() => {
      expect(() => tf.stringSplit([['a']])).toThrow("Shape must be rank 1 but is rank 2 for 'StringSplit' (op: 'StringSplit') with input shapes: [1,1], [].");
      expect(() => tf.stringSplit(['a'], { sep: 'x', delimiter: 'y' })).toThrow("Cannot specify both 'sep' and 'delimiter'");
      expect(() => tf.stringSplit(tf.constant([1, 2]))).toThrow("Value passed to parameter 'input' has DataType float32");
    });
  });

  it('StringSplitV2OpTest cases (Python str.split semantics, maxsplit)', async () => {
    const r = (await run(() => [
      tf.strings.split(['pigs on the wing', 'animals']),
      tf.strings.split(['1<>2<>3', '<><>4<>5<><>6<>'], '<>'),
      tf.strings.split(['1,2,3', '4,5,,6,'], ','),
      tf.strings.split(['1 2 3', '  4  5    6  ']),
      tf.strings.split(['1,2,3', '4,5,,6,'], ',', 1),
      tf.strings.split(['1 2 3', '  4  5    6  '], null, 1),
    ])) as unknown[];
    expect(r.map((x) => sparse(x).values)).toEqual([
      ['pigs', 'on', 'the', 'wing', 'animals'],
      ['1', '2', '3', '', '', '4', '5', '', '6', ''],
      ['1', '2', '3', '4', '5', '', '6', ''],
      ['1', '2', '3', '4', '5', '6'],
      ['1', '2,3', '4', '5,,6,'],
      ['1', '2 3', '4', '5    6  '],
    ]);
    expect(sparse(r[1]).shape).toEqual([2, 7]);
    expect(sparse(r[1]).indices.slice(3)).toEqual([[1, 0], [1, 1], [1, 2], [1, 3], [1, 4], [1, 5], [1, 6]]);
    expect(sparse(r[2]).shape).toEqual([2, 5]);
    expect(sparse(r[3]).indices).toEqual([[0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [1, 2]]);
    expect(sparse(r[4]).shape).toEqual([2, 2]);
  });
});

describe('tf.reduceJoin (ReduceJoin)', () => {
  it("TF's documented examples and errors", async () => {
    const a = [['a', 'b'], ['c', 'd']];
    const r = (await run(() => [
      tf.reduceJoin(a, 0), tf.reduceJoin(a, 1), tf.reduceJoin(a, -2), tf.reduceJoin(a, -1),
      tf.reduceJoin(a, 0, true), tf.reduceJoin(a, 1, true), tf.reduceJoin(a, 0, { separator: '.' }),
      tf.reduceJoin(a, [0, 1]), tf.reduceJoin(a, [1, 0]), tf.reduceJoin(a, []), tf.reduceJoin(a),
      tf.strings.reduceJoin([['x', 'y', 'z']], { axis: 1, keepdims: true, separator: ', ' }),
    ])) as NDArray[];
    expect(r.map((v) => ({ s: v.shape, v: strs(v) }))).toEqual([
      { s: [2], v: ['ac', 'bd'] }, { s: [2], v: ['ab', 'cd'] }, { s: [2], v: ['ac', 'bd'] }, { s: [2], v: ['ab', 'cd'] },
      { s: [1, 2], v: ['ac', 'bd'] }, { s: [2, 1], v: ['ab', 'cd'] }, { s: [2], v: ['a.c', 'b.d'] },
      { s: [], v: ['acbd'] }, { s: [], v: ['abcd'] }, { s: [2, 2], v: ['a', 'b', 'c', 'd'] }, { s: [], v: ['abcd'] },
      { s: [1, 1], v: ['x, y, z'] },
    ]);
    const g = new tf.Graph();
    const j = g.asDefault(() => tf.reduceJoin(a, 0));
    expect(j.op.type).toBe('ReduceJoin');
    expect(j.shape).toEqual([2]);
    await expect(run(() => tf.reduceJoin(a, 2))).rejects.toThrow('Invalid reduction dimension 2 for input with 2 dimensions.');
    await expect(run(() => tf.reduceJoin(a, [1, -1]))).rejects.toThrow('Duplicate reduction dimension 1');
  });
});

describe('tf.substr (Substr)', () => {
  it("TF's documented examples, broadcasting, negative pos, UTF8_CHAR, the range error", async () => {
    const three = [['ten', 'eleven', 'twelve'], ['thirteen', 'fourteen', 'fifteen'], ['sixteen', 'seventeen', 'eighteen']];
    const r = (await run(() => [
      tf.substr(['Hello', 'World'], 1, 3),
      tf.substr(three, tf.constant([[1, 2, 3], [1, 2, 3], [1, 2, 3]], 'int32'), tf.constant([[2, 3, 4], [4, 3, 2], [5, 5, 5]], 'int32')),
      tf.substr(three, tf.constant([1, 2, 3], 'int32'), tf.constant([1, 2, 3], 'int32')),
      tf.substr('thirteen', tf.constant([1, 5, 7], 'int32'), tf.constant([3, 2, 1], 'int32')),
      tf.substr(['Hello'], -3, 2),
      tf.strings.substr(['héllo', 'naïve'], 1, 3, { unit: 'UTF8_CHAR' }),
      tf.substr(['Hello'], 2, 100),
    ])) as NDArray[];
    expect(r.map(strs)).toEqual([
      ['ell', 'orl'],
      ['en', 'eve', 'lve', 'hirt', 'urt', 'te', 'ixtee', 'vente', 'hteen'],
      ['e', 'ev', 'lve', 'h', 'ur', 'tee', 'i', 've', 'hte'],
      ['hir', 'ee', 'n'],
      ['ll'],
      ['éll', 'aïv'],
      ['llo'],
    ]);
    expect(r[1]!.shape).toEqual([3, 3]);
    await expect(run(() => tf.substr(['hello', 'hi'], 3, 1))).rejects.toThrow("pos 3 out of range for stringb'hi' at index 1");
  });
});

describe('tf.regexReplace and tf.strings.regexFullMatch', () => {
  it('regex_replace_op_test.py and regex_full_match_op_test.py cases', async () => {
    const x = ['a:foo', 'a:bar', 'a:foo', 'b:baz', 'b:qux', 'ca:b'];
    const r = (await run(() => [
      tf.regexReplace(x, '^(a:|b:)', '', false),
      tf.regexReplace(['aba\naba', 'abcdabcde'], 'a.*a', '(\\0)'),
      tf.regexReplace(['abc', '1'], '', 'x'),
      tf.regexReplace(['ababababab', 'abcabcabc', ''], 'ab', 'abc', true),
      tf.strings.regexReplace(['2019-11-05'], '(\\d+)-(\\d+)-(\\d+)', '\\3.\\2.\\1'),
      tf.strings.regexReplace(['aXbXc'], tf.constant('X'), tf.constant('\\\\')),
      tf.strings.regexFullMatch(['abaaba', 'abcdabcde'], 'a.*a'),
      tf.strings.regexFullMatch(['A1', 'a1', 'b2'], '(?i)a\\d'),
    ])) as NDArray[];
    expect(strs(r[0]!)).toEqual(['foo', 'bar', 'foo', 'baz', 'qux', 'ca:b']);
    expect(strs(r[1]!)).toEqual(['(aba)\n(aba)', '(abcda)bcde']);
    expect(strs(r[2]!)).toEqual(['xaxbxcx', 'x1x']);
    expect(strs(r[3]!)).toEqual(['abcabcabcabcabc', 'abccabccabcc', '']);
    expect(strs(r[4]!)).toEqual(['05.11.2019']);
    expect(strs(r[5]!)).toEqual(['a\\b\\c']);
    expect(r[6]!.dtype).toBe('bool');
    expect(Array.from(r[6]!.data)).toEqual([1, 0]);
    expect(Array.from(r[7]!.data)).toEqual([1, 1, 0]);
    const g = new tf.Graph();
    g.asDefault(() => {
      expect(tf.regexReplace(['a'], 'a', 'b').op.type).toBe('StaticRegexReplace');
      expect(tf.regexReplace(['a'], tf.constant('a'), 'b').op.type).toBe('RegexReplace');
      expect(tf.strings.regexFullMatch(['a'], 'a').op.type).toBe('StaticRegexFullMatch');
      expect(() => tf.regexReplace(['a'], 'A[', 'b')).toThrow('Invalid pattern: A[');
      expect(() => tf.regexReplace(['a'], '(a)\\1', 'b')).toThrow('Invalid pattern: (a)\\1');
    });
  });
});

describe('strip, lower, upper, asString, stringToNumber', () => {
  it('StringStrip, StringLower, StringUpper', async () => {
    const r = (await run(() => [
      tf.stringStrip([' hello ', '\tworld\n', '  ', 'a b']),
      tf.strings.strip(' x'),
      tf.strings.lower(['Hello WORLD', 'ÀÉ']),
      tf.strings.upper(['Hello world', 'àé']),
      tf.strings.lower(['ÀÉ'], 'utf-8'),
      tf.strings.upper(['àé'], { encoding: 'utf-8' }),
    ])) as NDArray[];
    expect(r.map(strs)).toEqual([['hello', 'world', '', 'a b'], ['x'], ['hello world', 'ÀÉ'], ['HELLO WORLD', 'àé'], ['àé'], ['ÀÉ']]);
  });

  it('AsString as as_string_op_test.py formats (C printf)', async () => {
    const floats = [0, 1, -1, 0.5, 0.25, 0.125, Infinity, NaN, -Infinity];
    const ints = [0, -1, 1, -128, 127, -101, 101, -0];
    const r = (await run(() => {
      const f = tf.constant(Float32Array.from(floats));
      const i = tf.constant(ints, 'int32');
      return [
        tf.asString(f), tf.asString(f, 3), tf.asString(f, { scientific: true }), tf.asString(f, { shortest: true }),
        tf.asString(f, { width: 5, precision: 1 }), tf.asString(f, { width: 6, precision: 1, fill: '0' }),
        tf.asString(i), tf.asString(i, { width: 3 }), tf.asString(i, { width: 3, fill: '0' }),
        tf.asString(tf.constant([true, false], 'bool')),
        tf.strings.asString(tf.constant(Float64Array.from([123456789, 1e-5, 1234.5, 1e21]) as never, 'float64'), { shortest: true }),
        tf.asString(tf.constant(Float64Array.from([1e21, 2.5e-7, 0.125, 2.675]) as never, 'float64'), { precision: 2 }),
        tf.asString(tf.constant(Float64Array.from([0.125, 9.995, 0.5]) as never, 'float64'), { precision: 1, scientific: true }),
      ];
    })) as NDArray[];
    expect(r.map(strs)).toEqual([
      ['0.000000', '1.000000', '-1.000000', '0.500000', '0.250000', '0.125000', 'inf', 'nan', '-inf'],
      ['0.000', '1.000', '-1.000', '0.500', '0.250', '0.125', 'inf', 'nan', '-inf'],
      ['0.000000e+00', '1.000000e+00', '-1.000000e+00', '5.000000e-01', '2.500000e-01', '1.250000e-01', 'inf', 'nan', '-inf'],
      ['0', '1', '-1', '0.5', '0.25', '0.125', 'inf', 'nan', '-inf'],
      ['  0.0', '  1.0', ' -1.0', '  0.5', '  0.2', '  0.1', '  inf', '  nan', ' -inf'],
      ['0000.0', '0001.0', '-001.0', '0000.5', '0000.2', '0000.1', '   inf', '   nan', '  -inf'],
      ['0', '-1', '1', '-128', '127', '-101', '101', '0'],
      ['  0', ' -1', '  1', '-128', '127', '-101', '101', '  0'],
      ['000', '-01', '001', '-128', '127', '-101', '101', '000'],
      ['true', 'false'],
      ['1.23457e+08', '1e-05', '1234.5', '1e+21'],
      // ties to even on the exact binary value, as glibc's printf: 0.125 → 0.12, 2.675 (2.67499…) → 2.67
      ['1000000000000000000000.00', '0.00', '0.12', '2.67'],
      ['1.2e-01', '1.0e+01', '5.0e-01'],
    ]);
    new tf.Graph().asDefault(() => {
      expect(() => tf.asString(tf.constant([1], 'int32'), 2)).toThrow('precision not supported for datatype int32');
      expect(() => tf.asString(tf.constant([1], 'int32'), { scientific: true })).toThrow('scientific and shortest format not supported for datatype int32');
      expect(tf.asString(tf.constant([1.5])).op.type).toBe('AsString');
    });
    await expect(run(() => tf.asString(tf.constant([1.5]), { scientific: true, shortest: true }))).rejects.toThrow('Cannot select both scientific and shortest notation');
  });

  it('StringToNumber as string_to_number_op_test.py', async () => {
    const fl = ['0', '3', '-1', '1.12', '0xF', '   -10.5', '3.40282e+38', '3.40283e+38', '-3.40283e+38', 'NAN', 'INF'];
    const r = (await run(() => [
      tf.stringToNumber(fl), tf.strings.toNumber(['0', '3', '-1', '    -10', '-2147483648', '2147483647'], tf.int32),
      tf.stringToNumber(['1.5', '-2e3'], { outType: tf.float64 }), tf.stringToNumber(['9007199254740991'], tf.int64),
    ])) as NDArray[];
    expect(r[0]!.dtype).toBe('float32');
    expect(nums(r[0]!)).toEqual([0, 3, -1, Math.fround(1.12), 15, -10.5, Math.fround(3.40282e38), Infinity, -Infinity, NaN, Infinity]);
    expect(r[1]!.dtype).toBe('int32');
    expect(nums(r[1]!)).toEqual([0, 3, -1, -10, -2147483648, 2147483647]);
    expect(nums(r[2]!)).toEqual([1.5, -2000]);
    expect(nums(r[3]!)).toEqual([9007199254740991]);
    for (const [s, t] of [['10foobar', tf.float32], ['-2147483649', tf.int32], ['2147483648', tf.int32], ['2.9', tf.int32], ['10foobar', tf.int32], ['', tf.float32]] as const) {
      await expect(run(() => tf.stringToNumber([s], t))).rejects.toThrow(`StringToNumberOp could not correctly convert string: ${s}`);
    }
    expect(() => new tf.Graph().asDefault(() => tf.stringToNumber(['1'], tf.uint8))).toThrow("Value passed to parameter 'out_type' has DataType uint8");
  });
});

describe('hash buckets and base64', () => {
  it("string_to_hash_bucket_op_test.py: the buckets and TF's 64-bit hash values", async () => {
    const e = (s: string): Uint8Array => new TextEncoder().encode(s);
    expect(['a', 'b', 'c', 'd'].map((s) => fingerprint64(e(s)))).toEqual([12917804110809363939n, 11795596070477164822n, 11430444447143000872n, 4470636696479570465n]);
    expect(['a', 'b', 'c'].map((s) => hash64(e(s)))).toEqual([2996632905371535868n, 5795986006276551370n, 14899841994519054197n]);
    expect(['a', 'b', 'c'].map((s) => sipHash24(98765n, 132n, e(s)))).toEqual([7157389809176466784n, 15805638358933211562n, 18100027895074076528n]);
    // farmhash Fingerprint64 over its length classes (4, 32 and 256 bytes), Guava's FarmHashFingerprint64Test values
    expect([e('test'), e('test'.repeat(8)), e('test'.repeat(64))].map((b) => BigInt.asIntN(64, fingerprint64(b)))).toEqual([8581389452482819506n, -4196240717365766262n, 3500507768004279527n]);
    const r = (await run(() => [
      tf.stringToHashBucketFast(['a', 'b', 'c', 'd'], 10), tf.stringToHashBucketFast(['a', 'b', 'c'], 1),
      tf.stringToHashBucket(['a', 'b', 'c'], 10), tf.stringToHashBucketStrong(['a', 'b', 'c'], 10, [98765, 132]),
      tf.strings.toHashBucketStrong(['a', 'b', 'c'], 1, { key: [123, 345] }),
      // TF 2's documented example of tf.strings.to_hash_bucket_fast
      tf.strings.toHashBucketFast(['Hello', 'TensorFlow', '2.x'], 3),
      tf.strings.toHashBucket([['a'], ['b']], 10),
    ])) as NDArray[];
    expect(r.map(nums)).toEqual([[9, 2, 2, 5], [0, 0, 0], [8, 0, 7], [4, 2, 8], [0, 0, 0], [0, 2, 2], [8, 0]]);
    expect(r[0]!.dtype).toBe('int64');
    expect(r[6]!.shape).toEqual([2, 1]);
    new tf.Graph().asDefault(() => {
      expect(() => tf.stringToHashBucketFast(['a'], 0)).toThrow("Value for attr 'num_buckets' of 0 must be at least minimum 1");
      expect(() => tf.stringToHashBucketStrong(['a'], 10, [98765])).toThrow('Key must have 2 elements');
      expect(tf.stringToHashBucketFast(['a'], 2).op.type).toBe('StringToHashBucketFast');
    });
  });

  it('EncodeBase64 / DecodeBase64: web-safe alphabet, optional padding, TF errors', async () => {
    const bytes = new Uint8Array([0xfb, 0xff]);
    const r = (await run(() => {
      const s = tf.constant(tf.NDArray.fromStrings(['hello', '', 'ab', bytes as never], [4]));
      return [tf.encodeBase64(s), tf.encodeBase64(s, true), tf.decodeBase64(tf.encodeBase64(s)), tf.decodeBase64(tf.encodeBase64(s, { pad: true })), tf.decodeBase64(['aGk', 'aGk='])];
    })) as NDArray[];
    expect(strs(r[0]!)).toEqual(['aGVsbG8', '', 'YWI', '-_8']);
    expect(strs(r[1]!)).toEqual(['aGVsbG8=', '', 'YWI=', '-_8=']);
    for (const k of [2, 3]) {
      const d = r[k]!.data as unknown as Uint8Array[];
      expect(new TextDecoder().decode(d[0])).toBe('hello');
      expect(d[1]!.length).toBe(0);
      expect(Array.from(d[3]!)).toEqual([0xfb, 0xff]);
    }
    expect(strs(r[4]!)).toEqual(['hi', 'hi']);
    await expect(run(() => tf.decodeBase64(['a']))).rejects.toThrow('Base64 string length cannot be 1 modulo 4.');
    await expect(run(() => tf.decodeBase64(['ab+/']))).rejects.toThrow('Invalid character found in base64.');
  });

  it('string ops on a WebGPU session run on the host; tf.stringJoin is tf.strings.join', async () => {
    expect(tf.stringJoin).toBe(tf.strings.join);
    const g = new tf.Graph();
    const out = g.asDefault(() => tf.stringToNumber(tf.substr(tf.stringStrip([' 12.5 ', ' 3x']), 0, 3)));
    const sess = new tf.Session({ graph: g, ...(await tf.webgpuAvailable() ? { device: 'webgpu' as const } : {}) });
    // ' 3x' → '3x' → '3x' is not a number
    await expect(sess.run(out)).rejects.toThrow('StringToNumberOp could not correctly convert string: 3x');
    await sess.close();
  });

  it("GraphDef: the string NodeDefs carry TF's attr names and import back", async () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const s = tf.placeholder(tf.string, [null], 's');
      tf.identity(tf.stringToHashBucketFast(tf.regexReplace(tf.strings.lower(s), 'a+', 'a'), 10), 'h');
      tf.identity(tf.reduceJoin(tf.stringStrip(s), 0, { separator: '-' }), 'j');
      tf.identity(tf.asString(tf.stringToNumber(tf.substr(s, 0, 2)), 1), 'n');
    });
    const gd = g.asGraphDef();
    const attrs = (op: string): string[] => Object.keys(gd.node.find((n) => n.op === op)!.attr).sort();
    expect(attrs('StringToHashBucketFast')).toEqual(['num_buckets']);
    expect(attrs('StaticRegexReplace')).toEqual(['pattern', 'replace_global', 'rewrite']);
    expect(attrs('ReduceJoin')).toEqual(['keep_dims', 'separator']);
    expect(attrs('StringToNumber')).toEqual(['out_type']);
    expect(attrs('Substr')).toEqual(['T', 'unit']);
    expect(attrs('AsString')).toEqual(['T', 'fill', 'precision', 'scientific', 'shortest', 'width']);
    const g2 = new tf.Graph();
    g2.asDefault(() => tf.importGraphDef(gd, { name: '' }));
    const sess = new tf.Session({ graph: g2 });
    const [h, j, n] = (await sess.run(['h:0', 'j:0', 'n:0'], { 's:0': ['12AAb', ' 34 '] } as never)) as NDArray[];
    await sess.close();
    const direct = (await run(() => tf.stringToHashBucketFast(['12ab', ' 34 '], 10))) as NDArray;
    expect(nums(h!)).toEqual(nums(direct));
    expect(strs(j!)).toEqual(['12AAb-34']);
    expect(strs(n!)).toEqual(['12.0', '3.0']);
  });
});

