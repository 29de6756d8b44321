/**
 * tf.flags / tf.app.flags (absl.flags as TF 1.15 re-exports it), tf.app.run, the tf.VERSION
 * constants and tf.test's device queries: parsing of every flag kind in absl's syntaxes, absl's
 * texts for unknown flags and bad values, the lazy parse of the process's argv on first read,
 * and the exit code tf.app.run sets from main's result. Host-only: no device is involved.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as tf from 'tsflow';

const F = tf.flags;

function fresh(): tf.flags.FlagValues {
  const fv = new F.FlagValues();
  F.DEFINE_string('name', 'world', 'who to greet', fv);
  F.DEFINE_integer('steps', 10, 'steps', 0, null, fv);
  F.DEFINE_float('lr', 0.01, 'learning rate', null, null, fv);
  F.DEFINE_boolean('verbose', false, 'log more', fv);
  F.DEFINE_bool('fast', true, 'go fast', fv);
  F.DEFINE_list('layers', 'a,b', 'layer names', fv);
  F.DEFINE_enum('mode', 'train', ['train', 'eval'], 'what to do', fv);
  F.DEFINE_multi_string('tag', ['x'], 'tags', fv);
  F.DEFINE_multi_integer('size', null, 'sizes', 1, 8, fv);
  return fv;
}

describe('tf.flags', () => {
  it('tf.app.flags is tf.flags; camelCase aliases are the same functions', () => {
    expect(tf.app.flags).toBe(tf.flags);
    expect(F.defineString).toBe(F.DEFINE_string);
    expect(F.defineBool).toBe(F.DEFINE_boolean);
    expect(F.DEFINE_bool).toBe(F.DEFINE_boolean);
    expect(F.defineMultiInteger).toBe(F.DEFINE_multi_integer);
  });

  it('parses --name=value, --name value, -name, --bool, --nobool, lists, enums and repeated multi flags', () => {
    const fv = fresh();
    const rest = fv(['prog', '--name=ada', 'pos1', '--steps', '42', '-lr=0.5', '--verbose', '--nofast', '--layers=c, d,e',
      '--mode', 'eval', '--tag=p', '--tag', 'q', '--size=3', '--size=0x8', '--', '--not-a-flag']);
    expect(rest).toEqual(['prog', 'pos1', '--not-a-flag']);
    expect(fv.isParsed()).toBe(true);
    expect(fv.name).toBe('ada');
    expect(fv.steps).toBe(42);
    expect(fv.lr).toBe(0.5);
    expect(fv.verbose).toBe(true);
    expect(fv.fast).toBe(false);
    expect(fv.layers).toEqual(['c', 'd', 'e']);
    expect(fv.mode).toBe('eval');
    expect(fv.tag).toEqual(['p', 'q']);
    expect(fv.size).toEqual([3, 8]);
  });

  it('keeps the defaults of flags not given; --bool=false / =0 / =t parse as absl does', () => {
    const fv = fresh();
    fv(['prog', '--verbose=t', '--fast=0']);
    expect(fv.flagValuesDict()).toEqual({
      name: 'world', steps: 10, lr: 0.01, verbose: true, fast: false, layers: ['a', 'b'], mode: 'train', tag: ['x'], size: null,
    });
    fv.unparseFlags();
    expect(fv.isParsed()).toBe(false);
    fv(['prog', '--verbose=false']);
    expect(fv.verbose).toBe(false);
    expect(fv.fast).toBe(true);
  });

  it('refuses unknown flags with absl\'s text, or keeps them with knownOnly', () => {
    const fv = fresh();
    expect(() => fv(['prog', '--bogus=1'])).toThrow(F.UnrecognizedFlagError);
    expect(() => fv(['prog', '--bogus=1'])).toThrow("Unknown command line flag 'bogus'");
    expect(fv(['prog', '--bogus=1', '--steps=3', 'x'], { knownOnly: true })).toEqual(['prog', '--bogus=1', 'x']);
    expect(fv.steps).toBe(3);
    // reading or setting an undefined flag
    expect(() => fv.nothing).toThrow('nothing');
    expect(() => {
      fv.nothing = 1;
    }).toThrow("Unknown command line flag 'nothing'");
  });

  it('bad values: absl\'s IllegalFlagValueError naming the flag and the value', () => {
    const fv = fresh();
    expect(() => fv(['prog', '--steps=abc'])).toThrow(F.IllegalFlagValueError);
    expect(() => fv(['prog', '--steps=abc'])).toThrow("flag --steps=abc: invalid literal for int() with base 10: 'abc'");
    expect(() => fv(['prog', '--steps=1.5'])).toThrow("flag --steps=1.5: invalid literal for int() with base 10: '1.5'");
    expect(() => fv(['prog', '--steps=-1'])).toThrow('flag --steps=-1: -1 is not a non-negative integer');
    expect(() => fv(['prog', '--lr=fast'])).toThrow("flag --lr=fast: could not convert string to float: 'fast'");
    expect(() => fv(['prog', '--verbose=maybe'])).toThrow('flag --verbose=maybe: Non-boolean argument to boolean flag');
    expect(() => fv(['prog', '--mode=test'])).toThrow('flag --mode=test: value should be one of <train|eval>');
    expect(() => fv(['prog', '--size=9'])).toThrow('flag --size=9: 9 is not an integer in the range [1, 8]');
    expect(() => fv(['prog', '--steps'])).toThrow('Missing value for flag --steps');
    expect(() => fv(['prog', '--noverbose=1'])).toThrow('--noverbose=1 does not take an argument');
    expect(() => fv([])).toThrow('argv cannot be an empty list');
    // a bad default is refused at definition
    expect(() => F.DEFINE_integer('bad', 'x', 'h', null, null, fv)).toThrow("flag --bad=x: invalid literal for int() with base 10: 'x'");
    expect(() => F.DEFINE_string('name', 'again', 'dup', fv)).toThrow("The flag 'name' is defined twice.");
  });

  it('DEFINE_* follow the calling convention (keywords in a trailing object); help is required, as in absl', () => {
    const fv = new F.FlagValues();
    F.DEFINE_integer('k', 2, 'k nearest', { lowerBound: 1, upperBound: 9, flagValues: fv });
    F.DEFINE_enum({ name: 'act', default: 'relu', enumValues: ['relu', 'tanh'], help: 'activation', flagValues: fv });
    expect(() => fv(['prog', '--k=10'])).toThrow('flag --k=10: 10 is not an integer in the range [1, 9]');
    fv(['prog', '--k=3', '--act=tanh']);
    expect([fv.k, fv.act]).toEqual([3, 'tanh']);
    expect(() => (F.DEFINE_string as (...a: unknown[]) => unknown)('nohelp', 'x')).toThrow("DEFINE_string() missing 1 required positional argument: 'help'");
    expect(() => F.DEFINE_enum('e', 'a', [], 'h', fv)).toThrow('enum_values cannot be empty');
  });

  it('help(): absl\'s usage lines, sorted by name', () => {
    const fv = new F.FlagValues();
    F.DEFINE_boolean('verbose', false, 'log more', fv);
    F.DEFINE_integer('steps', 10, 'steps', 0, null, fv);
    F.DEFINE_list('layers', ['a', 'b'], 'layer names', fv);
    expect(fv.help()).toBe([
      '  --layers: layer names', "    (default: 'a,b')", '    (a comma separated list)',
      '  --steps: steps', "    (default: '10')", '    (a non-negative integer)',
      '  --[no]verbose: log more', '    (default: false)',
    ].join('\n'));
  });

  it('assignment converts and checks the value', () => {
    const fv = fresh();
    fv.markAsParsed();
    fv.steps = '7';
    expect(fv.steps).toBe(7);
    expect(() => {
      fv.steps = 'seven';
    }).toThrow("flag --steps=seven: invalid literal for int() with base 10: 'seven'");
  });

  it('the first read parses the process argv, tolerating flags nobody defined', () => {
    const saved = process.argv;
    process.argv = ['node', 'script.js', '--lazy_steps=5', '--someone_elses=1'];
    try {
      const fv = new F.FlagValues();
      F.DEFINE_integer('lazy_steps', 1, 'steps', null, null, fv);
      expect(fv.isParsed()).toBe(false);
      expect(fv.lazy_steps).toBe(5);
      expect(fv.isParsed()).toBe(true);
    } finally {
      process.argv = saved;
    }
  });
});

describe('tf.app.run', () => {
  const savedCode = process.exitCode;
  afterEach(() => {
    process.exitCode = savedCode;
  });

  it('parses the flags of argv into tf.flags.FLAGS, calls main with the rest, and sets the exit code from its result', async () => {
    F.DEFINE_integer('app_run_test_batch', 32, 'batch size');
    let got: string[] = [];
    let seen = 0;
    await tf.app.run(async (argv) => {
      got = argv;
      seen = F.FLAGS.app_run_test_batch;
      return 3;
    }, ['prog', '--app_run_test_batch=64', 'file.txt', '--unknown_to_us=1']);
    expect(seen).toBe(64);
    expect(got).toEqual(['prog', 'file.txt', '--unknown_to_us=1']);
    expect(process.exitCode).toBe(3);
    await tf.app.run(() => undefined, ['prog']);
    expect(process.exitCode).toBe(0);
    await expect(tf.app.run(() => {
      throw new Error('boom');
    }, ['prog'])).rejects.toThrow('boom');
    await expect(tf.app.run(() => 0, ['prog', '--app_run_test_batch=x'])).rejects.toThrow('flag --app_run_test_batch=x');
    // --help: the usage, exit code 1, main not called
    const log = console.log;
    const out: string[] = [];
    console.log = (m: string) => out.push(m);
    let called = false;
    try {
      await tf.app.run(() => {
        called = true;
      }, ['prog', '--help']);
    } finally {
      console.log = log;
    }
    expect(called).toBe(false);
    expect(process.exitCode).toBe(1);
    expect(out.join('\n')).toContain("  --app_run_test_batch: batch size\n    (default: '32')\n    (an integer)");
  });
});

describe('tf.VERSION and tf.test', () => {
  it('version constants, also under tf.version', async () => {
    expect(tf.VERSION).toMatch(/^1\.15\.\d+$/);
    expect(tf.version.VERSION).toBe(tf.VERSION);
    expect(tf.version.GIT_VERSION).toBe(tf.GIT_VERSION);
    expect(tf.version.COMPILER_VERSION).toBe(tf.COMPILER_VERSION);
    expect(tf.GRAPH_DEF_VERSION_MIN_CONSUMER).toBe(0);
    expect(tf.GRAPH_DEF_VERSION_MIN_PRODUCER).toBe(0);
    // the producer version of exported graphs
    const g = new tf.Graph();
    g.asDefault(() => tf.constant(1));
    expect(g.asGraphDef().versions?.producer).toBe(tf.GRAPH_DEF_VERSION);
  });

  it('tf.test: no CUDA; the GPU queries agree with the WebGPU probe', async () => {
    expect(tf.test.isBuiltWithCuda()).toBe(false);
    expect(tf.test.isBuiltWithRocm()).toBe(false);
    const gpu = await tf.webgpuAvailable();
    expect(await tf.test.isGpuAvailable()).toBe(gpu);
    expect(await tf.test.isGpuAvailable(true)).toBe(false);
    expect(await tf.test.gpuDeviceName()).toBe(gpu ? '/device:GPU:0' : '');
  });
});
