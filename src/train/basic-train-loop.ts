/** `tf.train.basic_train_loop`: a Supervisor's managed session, the step function until it should stop. */
import type { Session } from '../session/session.js';
import type { Supervisor } from './supervisor.js';

type Awaitable<T> = T | Promise<T>;

/**
 * `basicTrainLoop(supervisor, trainStepFn, args = null, kwargs = null, master = '')`: opens
 * `supervisor.managedSession(master)` and calls `trainStepFn(sess, ...args, kwargs?)` (awaited)
 * while `supervisor.shouldStop()` is false; `kwargs`, when given, is passed as a trailing
 * options object.
 */
export async function basicTrainLoop(
  supervisor: Supervisor, trainStepFn: (sess: Session, ...args: any[]) => Awaitable<unknown>,
  args?: readonly unknown[] | null | { args?: readonly unknown[] | null; kwargs?: Record<string, unknown> | null; master?: string },
  kwargs?: Record<string, unknown> | null, master?: string,
): Promise<void> {
  let o = { args: args as readonly unknown[] | null | undefined, kwargs, master };
  if (args !== null && args !== undefined && !Array.isArray(args)) o = { ...(args as typeof o) };
  if (typeof trainStepFn !== 'function') throw new TypeError(`basic_train_loop(): train_step_fn must be a function, got ${String(trainStepFn)}`);
  const rest = [...(o.args ?? []), ...(o.kwargs ? [o.kwargs] : [])];
  await supervisor.managedSession(o.master ?? '', async (sess) => {
    while (!supervisor.shouldStop()) await trainStepFn(sess, ...rest);
  });
}
