/**
 * Plan-time values of loop state kept in device storage across a loop's iterations (see
 * session/compile.ts LoopFeeds): the session marks the storage's values, and a TensorArray write
 * over one of them writes its row into the storage in place instead of copying the array.
 */
import type { Val } from './lower.js';

const resident = new WeakSet<Val>();

export function markResident(v: Val): Val {
  resident.add(v);
  return v;
}

/** Whether `v` is loop storage as it stood before this plan's steps (nothing written to it yet). */
export function isResident(v: Val): boolean {
  return resident.has(v);
}
