/** The model-building functions bind their arguments through the one mechanism in ../args.ts. */
import { isOptionsObject, kwargs } from '../args.js';

/** A plain `{...}` object (not a tensor, array, typed array, NDArray or class instance). */
export const isPlainObject = isOptionsObject;

/** Bind `args` to `names` (in TF1's order); `required` names must be given one way or the other. */
export function bindArgs(where: string, names: readonly string[], args: readonly unknown[], required = 0): Record<string, unknown> {
  return kwargs(args, names, where, required);
}
