/**
 * tf.logging's TF 1.15 helpers: log_every_n (per call site: the 1st, n+1th, … call), log_if,
 * vlog, TaskLevelStatusMessage (an ERROR line), flush; tf.summary.FileWriterCache.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as tf from 'tsflow';

afterEach(() => {
  vi.restoreAllMocks();
  tf.logging.setVerbosity(tf.logging.WARN);
});

describe('tf.logging extras', () => {
  it('logEveryN logs calls 0, n, 2n from one call site; logIf; vlog; TaskLevelStatusMessage', async () => {
    const lines: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((s: unknown) => void lines.push(String(s)));
    tf.logging.setVerbosity(tf.logging.INFO);
    for (let i = 0; i < 7; i++) tf.logging.logEveryN(tf.logging.INFO, 'step %d', 3, i);
    tf.logging.logIf(tf.logging.WARN, 'yes %s', true, 'a');
    tf.logging.logIf(tf.logging.WARN, 'no', false);
    tf.logging.vlog(tf.logging.DEBUG, 'hidden');
    tf.logging.vlog(tf.logging.ERROR, 'shown %.2f', 1.5);
    tf.logging.TaskLevelStatusMessage('status');
    await tf.logging.flush();
    expect(lines).toEqual(['INFO:tensorflow:step 0', 'INFO:tensorflow:step 3', 'INFO:tensorflow:step 6', 'WARNING:tensorflow:yes a', 'ERROR:tensorflow:shown 1.50', 'ERROR:tensorflow:status']);
    expect(() => tf.logging.logEveryN(tf.logging.INFO, 'x', 0)).toThrow('n must be a positive integer');
  });

  it('tf.summary.FileWriterCache is the hooks\' writer cache', () => {
    expect(tf.summary.FileWriterCache).toBe(tf.train.SummaryWriterCache);
  });
});
