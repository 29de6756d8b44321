/** Small helpers the suites share: the error a call throws or a promise rejects with, a fresh graph. */
import * as tf from 'tsflow';

export function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a throw');
}

export async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the promise to reject');
}

/** `fn` with a new graph as the default. */
export function inGraph<T>(fn: (g: tf.Graph) => T): T {
  const g = new tf.Graph();
  return g.asDefault(() => fn(g));
}
