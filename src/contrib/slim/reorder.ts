/**
 * contrib's older argument orders over the core functions: `reordered(fn, where, names)` takes
 * `names` positionally (then keywords) and calls `fn` with them all by keyword, so contrib's
 * `(predictions, labels, …)` reaches core's `(labels, predictions, …)` unchanged.
 */
import { kwargs } from '../../args.js';

export function reordered<R>(fn: (...args: never[]) => R, where: string, names: readonly string[], required: number): (...args: unknown[]) => R {
  const f = (...args: unknown[]): R => (fn as unknown as (o: Record<string, unknown>) => R)(kwargs(args, names, where, required));
  Object.defineProperty(f, 'name', { value: where });
  return f;
}
