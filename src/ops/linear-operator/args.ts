/** The constructors' calling convention: TF1's positional parameters, then a keyword object. */
import { kwargs } from '../../args.js';

/** The hint parameters, in TF's order, that follow each operator's own parameters. */
export const HINTS = ['isNonSingular', 'isSelfAdjoint', 'isPositiveDefinite', 'isSquare'] as const;

export interface ParsedArgs {
  [k: string]: unknown;
  isNonSingular?: boolean | null;
  isSelfAdjoint?: boolean | null;
  isPositiveDefinite?: boolean | null;
  isSquare?: boolean | null;
  name?: string;
}

/**
 * Merge a constructor's arguments: `own` names first, then (unless `names` is given whole) the
 * four hints and `name`. A null name counts as absent (TF's `name=None`).
 */
export function operatorArgs(args: readonly unknown[], own: readonly string[], where: string, required: number, names?: readonly string[]): ParsedArgs {
  const all = names ?? [...own, ...HINTS, 'name'];
  const o = kwargs(args, all, where, required) as ParsedArgs;
  if (o.name === null) delete o.name;
  return o;
}
