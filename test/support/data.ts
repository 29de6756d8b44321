/**
 * What the tf.data suites share: a test that skips where its device cannot run, a session on a
 * new graph for the device, and draining an iterator to its end of sequence (checked as TF1
 * raises it: OutOfRangeError "End of sequence").
 */
import { expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { TestDevice } from '../conformance/harness.js';
import { skipTest } from '../conformance/harness.js';

export function onDevice(dev: TestDevice & { skipReason: string | null }): {
  test: (name: string, fn: () => Promise<void>) => void;
  setup: <T>(build: () => T) => { sess: tf.Session; t: T };
} {
  return {
    test: (name, fn) => {
      it(name, async (ctx) => {
        if (dev.skipReason) skipTest(ctx, `${dev.name}: ${dev.skipReason}`);
        await fn();
      });
    },
    setup: (build) => {
      const g = new tf.Graph();
      const t = g.asDefault(build);
      return { sess: new tf.Session({ ...dev.options, graph: g }), t };
    },
  };
}

/** Every element until OutOfRangeError "End of sequence" (checked). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function drain(sess: tf.Session, next: unknown, feeds?: unknown): Promise<any[]> {
  const out: unknown[] = [];
  for (;;) {
    try {
      out.push(await sess.run(next as tf.Tensor, feeds as never));
    } catch (e) {
      expect(e).toBeInstanceOf(tf.errors.OutOfRangeError);
      expect((e as Error).message.split('\n')[0]).toBe('End of sequence');
      return out;
    }
  }
}
