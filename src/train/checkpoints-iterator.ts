/**
 * `tf.train.checkpoints_iterator` and `wait_for_new_checkpoint` (TF 1.15's
 * checkpoint_utils / contrib.training): poll a directory's `checkpoint` state file for a
 * checkpoint newer than the last one seen — how an evaluator follows a training job.
 */
import { kwargs } from '../args.js';
import { latestCheckpoint } from '../checkpoint/state.js';
import * as logging from './tf-logging.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * `wait_for_new_checkpoint(checkpoint_dir, last_checkpoint=None, seconds_to_sleep=1,
 * timeout=None)`: the newest checkpoint path once it differs from `lastCheckpoint`, or null
 * after `timeout` seconds.
 */
export async function waitForNewCheckpoint(checkpointDir: string, ...rest: unknown[]): Promise<string | null> {
  const o = kwargs(rest, ['lastCheckpoint', 'secondsToSleep', 'timeout'], 'wait_for_new_checkpoint');
  const last = (o.lastCheckpoint as string | null | undefined) ?? null;
  const secondsToSleep = Number(o.secondsToSleep ?? 1);
  const timeout = o.timeout === undefined || o.timeout === null ? null : Number(o.timeout);
  const stopAt = timeout === null ? Infinity : Date.now() + timeout * 1000;
  logging.info(`Waiting for new checkpoint at ${checkpointDir}`);
  for (;;) {
    const p = latestCheckpoint(checkpointDir);
    if (p !== null && p !== last) {
      logging.info(`Found new checkpoint at ${p}`);
      return p;
    }
    if (Date.now() + secondsToSleep * 1000 > stopAt) return null;
    await sleep(secondsToSleep * 1000);
  }
}

/**
 * `checkpoints_iterator(checkpoint_dir, min_interval_secs=0, timeout=None, timeout_fn=None)`:
 * an async iterator over new checkpoint paths as they appear, at most one per
 * `minIntervalSecs`. After `timeout` seconds without a new one it ends, unless `timeoutFn`
 * is given and returns false (then it keeps waiting).
 */
export async function* checkpointsIterator(checkpointDir: string, ...rest: unknown[]): AsyncGenerator<string, void, undefined> {
  const o = kwargs(rest, ['minIntervalSecs', 'timeout', 'timeoutFn'], 'checkpoints_iterator');
  const minInterval = Number(o.minIntervalSecs ?? 0);
  const timeout = (o.timeout as number | null | undefined) ?? null;
  const timeoutFn = (o.timeoutFn as (() => boolean) | null | undefined) ?? null;
  let last: string | null = null;
  for (;;) {
    const p = await waitForNewCheckpoint(checkpointDir, last, 1, timeout);
    if (p === null) {
      if (!timeoutFn) {
        logging.info('Timed-out waiting for a checkpoint.');
        return;
      }
      if (timeoutFn()) return;
      continue;
    }
    const start = Date.now();
    last = p;
    yield p;
    const wait = start + minInterval * 1000 - Date.now();
    if (wait > 0) await sleep(wait);
  }
}
