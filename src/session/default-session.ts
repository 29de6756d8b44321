/**
 * The default session: `sess.asDefault(fn)`, `tf.getDefaultSession()`, `tf.InteractiveSession`,
 * and `tensor.eval()` / `op.run()` / `variable.eval()` through it, with TF1's error texts.
 */
import { defaultSession, installDefaultSession, uninstallDefaultSession, withDefaults } from '../graph/context.js';
import type { Graph } from '../graph/graph.js';
import { Operation, Tensor } from '../graph/tensor.js';
import type { NDArray } from '../ndarray.js';
import { ValueError } from '../errors.js';
import { Variable } from '../ops/variables.js';
import { isOptionsObject } from '../args.js';
import type { ConfigFields, ConfigProto, SessionOptions } from './config.js';
import type { FeedDict } from './feeds.js';
import { Session } from './session.js';

declare module './session.js' {
  interface Session {
    /**
     * Make this session, and its graph, the defaults while `fn` runs — across its `await`s when
     * `fn` is async (TF's `with sess.as_default():`, which in Python also follows the thread).
     * Unlike `close()`, leaving does not close the session.
     */
    asDefault<T>(fn: (sess: this) => T): T;
  }
}
Session.prototype.asDefault = function <T>(this: Session, fn: (sess: Session) => T): T {
  return withDefaults(this.graph, this, () => fn(this), 'Session.asDefault');
};

/** `tf.get_default_session()`: the innermost `asDefault` session, or an open InteractiveSession, or null. */
export function getDefaultSession(): Session | null {
  return defaultSession() as Session | null;
}

/** `tf.InteractiveSession`: a Session that installs itself (and its graph) as the default until closed. */
export class InteractiveSession extends Session {
  constructor(...args: [opts?: SessionOptions | null] | [target: string, graph?: Graph | null, config?: ConfigProto | ConfigFields | null, opts?: SessionOptions]) {
    super(...args);
    installDefaultSession(this);
  }

  override async close(): Promise<void> {
    uninstallDefaultSession(this);
    await super.close();
  }
}

/** `eval(feedDict?, session?)` / `run(feedDict?, session?)`, or a trailing `{feedDict, session}`. */
function evalArgs(feedOrOpts: unknown, session: unknown): [FeedDict | undefined, Session | undefined] {
  if (isOptionsObject(feedOrOpts)) {
    const keys = Object.keys(feedOrOpts);
    if (keys.length > 0 && keys.every((k) => k === 'feedDict' || k === 'session') && ('feedDict' in feedOrOpts || feedOrOpts.session instanceof Session)) {
      return [feedOrOpts.feedDict as FeedDict | undefined, (feedOrOpts.session ?? session) as Session | undefined];
    }
  }
  if (session !== undefined && session !== null && !(session instanceof Session)) {
    throw new TypeError(`session must be a tf.Session, got ${typeof session === 'object' ? session.constructor?.name : typeof session}`);
  }
  return [feedOrOpts as FeedDict | undefined, (session ?? undefined) as Session | undefined];
}

/** TF1's `_eval_using_default_session`. */
function evalUsing(t: Tensor, graph: Graph, feedOrOpts: unknown, sessionArg: unknown): Promise<NDArray> {
  try {
    const [feed, given] = evalArgs(feedOrOpts, sessionArg);
    let s = given;
    if (!s) {
      s = getDefaultSession() ?? undefined;
      if (!s) {
        throw new ValueError(
          'Cannot evaluate tensor using `eval()`: No default session is registered. Use `with sess.as_default()` or pass an explicit session to `eval(session=sess)`',
        );
      }
      if (s.graph !== graph) {
        throw new ValueError(
          "Cannot use the default session to evaluate tensor: the tensor's graph is different from the session's graph. Pass an explicit session to `eval(session=sess)`.",
        );
      }
    } else if (s.graph !== graph) {
      throw new ValueError("Cannot use the given session to evaluate tensor: the tensor's graph is different from the session's graph.");
    }
    return s.run(t, feed) as Promise<NDArray>;
  } catch (e) {
    return Promise.reject(e);
  }
}

/** TF1's `_run_using_default_session`. */
function runUsing(op: Operation, feedOrOpts: unknown, sessionArg: unknown): Promise<void> {
  try {
    const [feed, given] = evalArgs(feedOrOpts, sessionArg);
    let s = given;
    if (!s) {
      s = getDefaultSession() ?? undefined;
      if (!s) {
        throw new ValueError(
          'Cannot execute operation using `run()`: No default session is registered. Use `with sess.as_default():` or pass an explicit session to `run(session=sess)`',
        );
      }
      if (s.graph !== op.graph) {
        throw new ValueError(
          "Cannot use the default session to execute operation: the operation's graph is different from the session's graph. Pass an explicit session to run(session=sess).",
        );
      }
    } else if (s.graph !== op.graph) {
      throw new ValueError("Cannot use the given session to execute operation: the operation's graph is different from the session's graph.");
    }
    return s.run(op, feed).then(() => undefined);
  } catch (e) {
    return Promise.reject(e);
  }
}

declare module '../graph/tensor.js' {
  interface Tensor {
    /** `tensor.eval(feedDict?, session?)`: its value, computed by `session` or the default session. */
    eval(feedDict?: FeedDict | { feedDict?: FeedDict; session?: Session } | null, session?: Session | null): Promise<NDArray>;
  }
  interface Operation {
    /** `op.run(feedDict?, session?)`: run it in `session` or the default session. */
    run(feedDict?: FeedDict | { feedDict?: FeedDict; session?: Session } | null, session?: Session | null): Promise<void>;
  }
}
declare module '../ops/variables.js' {
  interface Variable {
    /** `variable.eval(session?)`: its value in `session` or the default session. */
    eval(session?: Session | { session?: Session } | null): Promise<NDArray>;
  }
}

Tensor.prototype.eval = function (this: Tensor, feedDict?: unknown, session?: unknown): Promise<NDArray> {
  return evalUsing(this, this.graph, feedDict ?? undefined, session);
};
Operation.prototype.run = function (this: Operation, feedDict?: unknown, session?: unknown): Promise<void> {
  return runUsing(this, feedDict ?? undefined, session);
};
Variable.prototype.eval = function (this: Variable, session?: unknown): Promise<NDArray> {
  const s = isOptionsObject(session) ? session.session : session;
  return evalUsing(this.value(), this.graph, undefined, s ?? undefined);
};
