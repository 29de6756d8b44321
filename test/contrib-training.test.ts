/**
 * tf.contrib.training.HParams: parse / setHparam / JSON / get against TF 1.15's hparam.py
 * behaviour (values as Python would hold them, its str and json.dumps forms) and its error texts.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';

const { HParams } = tf.contrib.training;

describe('HParams', () => {
  it('holds typed values as attributes; parse overrides them', () => {
    const hp = new HParams({ aaa: 1, b: 2.5, c_c: 'relu6', d: '/a/b=c/d' });
    expect(hp.values()).toEqual({ aaa: 1, b: 2.5, c_c: 'relu6', d: '/a/b=c/d' });
    expect(hp.aaa).toBe(1);
    expect(String(hp)).toBe("[('aaa', 1), ('b', 2.5), ('c_c', 'relu6'), ('d', '/a/b=c/d')]");
    expect(hp.parse('aaa=12')).toBe(hp);
    expect(hp.values()).toEqual({ aaa: 12, b: 2.5, c_c: 'relu6', d: '/a/b=c/d' });
    hp.parse('c_c=relu4, b=-2.0e10');
    expect(hp.values()).toEqual({ aaa: 12, b: -2.0e10, c_c: 'relu4', d: '/a/b=c/d' });
    hp.parse('c_c=,b=0,');
    expect(hp.values()).toEqual({ aaa: 12, b: 0, c_c: '', d: '/a/b=c/d' });
    hp.parse('c_c=2.3",b=+2,');
    expect(hp.b).toBe(2);
    expect(hp.c_c).toBe('2.3"');
    hp.parse('d=/a/b/c/d,aaa=11,');
    expect(hp.values()).toEqual({ aaa: 11, b: 2, c_c: '2.3"', d: '/a/b/c/d' });
    hp.parse('b=.5,aaa=-3');
    expect([hp.b, hp.aaa]).toEqual([0.5, -3]);
    hp.parse('b=inf');
    expect(hp.b).toBe(Infinity);
  });

  it('lists, booleans and float hyper-parameters with integral defaults', () => {
    const hp = new HParams({ aaa: [1], b: [2.5, 3.5], c_c: ['relu6'], e: false, f: HParams.float(0), g: HParams.float([1, 2]) });
    hp.parse('aaa=[12],b=[1e-3, 2],c_c=[relu4 ,relu5],e=True,f=0.25,g=[3,4.5]');
    expect(hp.values()).toEqual({ aaa: [12], b: [1e-3, 2], c_c: ['relu4', 'relu5'], e: true, f: 0.25, g: [3, 4.5] });
    hp.parse('aaa=[],e=0');
    expect(hp.aaa).toEqual([]);
    expect(hp.e).toBe(false);
    hp.parse('e=1,f=3');
    expect([hp.e, hp.f]).toEqual([true, 3]);
    // floats keep Python's form in str and JSON
    expect(String(hp)).toBe("[('aaa', []), ('b', [0.001, 2.0]), ('c_c', ['relu4', 'relu5']), ('e', True), ('f', 3.0), ('g', [3.0, 4.5])]");
  });

  it("parse errors: TF's texts", () => {
    const hp = new HParams({ aaa: 1, b: 2.5, c_c: 'relu6', l: [1, 2], e: true });
    const cases: [string, string][] = [
      ['x=123', 'Unknown hyperparameter type for x'],
      ['aaa=poipoi', "Could not parse hparam 'aaa' of type 'int' with value 'poipoi' in aaa=poipoi"],
      ['aaa=1.0', "Could not parse hparam 'aaa' of type 'int' with value '1.0' in aaa=1.0"],
      ['b=12x', "Could not parse hparam 'b' of type 'float' with value '12x' in b=12x"],
      ['b=relu', "Could not parse hparam 'b' of type 'float' with value 'relu' in b=relu"],
      ['e=yes', "Could not parse hparam 'e' of type 'bool' with value 'yes' in e=yes"],
      ['l=[1,x]', "Could not parse hparam 'l' of type 'int' with value '1,x' in l=[1,x]"],
      ['aaa=[123]', 'Must not pass a list for single-valued parameter: aaa'],
      ['l=3', 'Must pass a list for multi-valued parameter: l.'],
      ['aaa=1,aaa=2', "Multiple assignments to variable 'aaa' in aaa=1,aaa=2"],
      ['l[1]=1,l[1]=2', "Multiple assignments to variable 'l[1]' in l[1]=1,l[1]=2"],
      ['l=[1],l[0]=2', "Multiple assignments to variable 'l' in l=[1],l[0]=2"],
      ['l[0]=[1]', 'Assignment of a list to a list index.'],
      ['aaa 1', 'Malformed hyperparameter value: aaa 1'],
      ['aaa=1;b=2', "Could not parse hparam 'aaa' of type 'int' with value '1;b=2' in aaa=1;b=2"],
      ['aaa=1,,b=2', 'Malformed hyperparameter value: ,b=2'],
    ];
    for (const [text, msg] of cases) {
      let err: unknown;
      try {
        hp.parse(text);
      } catch (e) {
        err = e;
      }
      expect(err, text).toBeInstanceOf(tf.errors.ValueError);
      expect((err as Error).message, text).toBe(msg);
    }
    expect(hp.values()).toEqual({ aaa: 1, b: 2.5, c_c: 'relu6', l: [1, 2], e: true });
  });

  it("setHparam / overrideFromDict check the type as TF's _cast_to_type_if_compatible", () => {
    const hp = new HParams({ aaa: 1, b: 2.5, c_c: 'relu6', l: [1, 2], e: true, n: null });
    hp.setHparam('aaa', 7);
    hp.setHparam('b', 3); // an int for a float is fine
    hp.setHparam('l', [4, 5, 6]);
    hp.setHparam('n', 'anything');
    expect(hp.values()).toEqual({ aaa: 7, b: 3, c_c: 'relu6', l: [4, 5, 6], e: true, n: 'anything' });
    const bad: [string, unknown, string][] = [
      ['aaa', 1.5, "Could not cast hparam 'aaa' of type '<class 'int'>' from value 1.5"],
      ['aaa', '1', "Could not cast hparam 'aaa' of type '<class 'int'>' from value '1'"],
      ['aaa', true, "Could not cast hparam 'aaa' of type '<class 'int'>' from value True"],
      ['b', 'x', "Could not cast hparam 'b' of type '<class 'float'>' from value 'x'"],
      ['c_c', 3, "Could not cast hparam 'c_c' of type '<class 'str'>' from value 3"],
      ['e', 1, "Could not cast hparam 'e' of type '<class 'bool'>' from value 1"],
      ['l', [1, 'a'], "Could not cast hparam 'l' of type '<class 'int'>' from value 'a'"],
      ['l', 3, 'Must pass a list for multi-valued parameter: l.'],
      ['aaa', [3], 'Must not pass a list for single-valued parameter: aaa'],
    ];
    for (const [name, value, msg] of bad) expect(() => hp.setHparam(name, value), msg).toThrow(msg);
    expect(() => hp.setHparam('zz', 1)).toThrow(tf.errors.KeyError);
    expect(hp.overrideFromDict({ aaa: 9, c_c: 'tanh' })).toBe(hp);
    expect([hp.aaa, hp.c_c]).toEqual([9, 'tanh']);
    expect(() => hp.overrideFromDict({ e: 'no' })).toThrow("Could not cast hparam 'e' of type '<class 'bool'>' from value 'no'");
  });

  it('addHparam / delHparam / get / has; reserved names', () => {
    const hp = new HParams({ a: 1 });
    hp.addHparam('b', 'x');
    expect(hp.has('b')).toBe(true);
    expect(hp.get('b')).toBe('x');
    expect(hp.get('zz', 4)).toBe(4);
    expect(hp.get('zz')).toBe(null);
    expect(hp.get('a', 5)).toBe(1);
    expect(() => hp.get('a', 'x')).toThrow("Hparam 'a' of type '<class 'int'>' is incompatible with default=x. Could not cast hparam 'a' of type '<class 'int'>' from value 'x'");
    hp.addHparam('l', [1.5]);
    expect(() => hp.get('l', 3)).toThrow("Hparam 'l' of type 'list<<class 'float'>>' is incompatible with default=3");
    expect(() => hp.addHparam('values', 1)).toThrow('Hyperparameter name is reserved: values');
    expect(() => hp.addHparam('parse', 1)).toThrow('Hyperparameter name is reserved: parse');
    expect(() => hp.addHparam('a', 2)).toThrow('Hyperparameter name is reserved: a');
    expect(() => hp.addHparam('e', [])).toThrow('Multi-valued hyperparameters cannot be empty: e');
    expect(() => new HParams({ setHparam: 1 })).toThrow('Hyperparameter name is reserved: setHparam');
    hp.delHparam('b');
    expect(hp.has('b')).toBe(false);
    expect(hp.b).toBe(undefined);
    expect(Object.keys(hp.values())).toEqual(['a', 'l']);
    const ms = { layers: 3 };
    const withStructure = new HParams(null, ms, { a: 1 });
    expect(withStructure.getModelStructure()).toBe(ms);
  });

  it("toJson is Python's json.dumps; parseJson overrides", () => {
    const hp = new HParams({ aaa: 1, b: 2.5, c_c: 'relu6', l: [1, 2], e: true, f: HParams.float(0), s: 'é' });
    expect(hp.toJson()).toBe('{"aaa": 1, "b": 2.5, "c_c": "relu6", "l": [1, 2], "e": true, "f": 0.0, "s": "\\u00e9"}');
    expect(hp.toJson({ sortKeys: true, separators: [',', ':'] })).toBe('{"aaa":1,"b":2.5,"c_c":"relu6","e":true,"f":0.0,"l":[1,2],"s":"\\u00e9"}');
    expect(new HParams({ a: 1, l: [1, 2] }).toJson(2)).toBe('{\n  "a": 1,\n  "l": [\n    1,\n    2\n  ]\n}');
    hp.parseJson('{"aaa": 12, "b": 0.5, "l": [3], "e": false}');
    expect(hp.values()).toEqual({ aaa: 12, b: 0.5, c_c: 'relu6', l: [3], e: false, f: 0, s: 'é' });
    expect(() => hp.parseJson('{"c_c": 3}')).toThrow("Could not cast hparam 'c_c' of type '<class 'str'>' from value 3");
    // a JSON round trip restores the values
    const copy = new HParams({ aaa: 0, b: 0.1, c_c: '', l: [0], e: true, f: HParams.float(1), s: '' });
    copy.parseJson(hp.toJson());
    expect(copy.values()).toEqual(hp.values());
  });
});
