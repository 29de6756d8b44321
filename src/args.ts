/**
 * TF1's calling convention: parameters positionally in TF1's order, then an optional trailing
 * plain object holding any of them by camelCase name (`tf.constant(1, tf.int32)` and
 * `tf.constant(1, {dtype: tf.int32, name: 'one'})`).
 */

/** A plain `{...}` object (not a tensor, array, typed array, NDArray, Map or function). */
export function isOptionsObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== 'object' || x === null) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/**
 * Merge `args` (positional, in the order of `names`, then an optional options object) into one
 * record. Unknown option names are left for the caller's schema to reject by name.
 */
export function kwargs(args: readonly unknown[], names: readonly string[], where: string): Record<string, unknown> {
  let n = args.length;
  while (n > 0 && args[n - 1] === undefined) n--;
  let out: Record<string, unknown> = {};
  if (n > 0 && isOptionsObject(args[n - 1])) {
    out = { ...(args[n - 1] as Record<string, unknown>) };
    n--;
  }
  if (n > names.length) {
    throw new TypeError(`${where}() takes at most ${names.length} positional arguments but ${n} were given`);
  }
  for (let i = 0; i < n; i++) {
    if (args[i] === undefined) continue;
    const k = names[i]!;
    if (out[k] !== undefined) throw new TypeError(`${where}() got multiple values for argument '${k}'`);
    out[k] = args[i];
  }
  return out;
}
