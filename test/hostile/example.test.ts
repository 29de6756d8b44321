/**
 * tf.train.Example protos under hostile bytes: Example.fromString and parseSingleExample of a
 * mutant either give a result or fail with a TF error (DataLossError from the decoder,
 * InvalidArgumentError from the parser), never a RangeError or TypeError.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import { DataLossError, InvalidArgumentError } from '../../src/errors.js';
import { applyMutations, checkError, mutation } from './support.js';

const valid = new tf.train.Example({
  features: { feature: { label: { int64List: { value: [3, -7] } }, x: { floatList: { value: [1.5, 2.5, 3.5] } }, name: { bytesList: { value: [new TextEncoder().encode('abc')] } } } },
}).serializeToString();

describe('tf.train.Example mutants', () => {
  it('Example.fromString decodes or is DataLossError', () => {
    fc.assert(
      fc.property(mutation, (ms) => {
        try {
          tf.train.Example.fromString(applyMutations(valid, ms));
        } catch (e) {
          checkError(e, [DataLossError], null, JSON.stringify(ms));
        }
      }),
      { seed: 7401, numRuns: 400 },
    );
  });

  it('parseSingleExample in a session parses or fails with InvalidArgumentError / DataLossError', async () => {
    const g = new tf.Graph();
    const { ser, out } = g.asDefault(() => {
      const ser = tf.placeholder(tf.string, []);
      const out = tf.io.parseSingleExample(ser, {
        label: new tf.io.FixedLenFeature([2], tf.int64),
        x: new tf.io.FixedLenFeature([3], tf.float32),
        name: new tf.io.FixedLenFeature([], tf.string),
      });
      return { ser, out };
    });
    const sess = new tf.Session({ graph: g });
    let ok = 0;
    await fc.assert(
      fc.asyncProperty(mutation, async (ms) => {
        try {
          await sess.run(out.label as tf.Tensor, { [ser.name]: tf.NDArray.fromStrings([applyMutations(valid, ms)], []) } as never);
          ok++;
        } catch (e) {
          checkError(e, [InvalidArgumentError, DataLossError], null, JSON.stringify(ms));
        }
      }),
      { seed: 7402, numRuns: 150 },
    );
    expect(ok).toBeGreaterThan(0);
    await sess.close();
  });
});
