/**
 * TF1's calling convention for the model-building functions: the Python parameters in order,
 * then a trailing plain object with any of them by camelCase name, with Python's texts for a
 * missing, repeated or unknown argument.
 */

/** A plain `{...}` object (not a tensor, array, typed array, NDArray or class instance). */
export function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/**
 * Bind `args` to `names` (in TF1's order); `required` names must be given one way or the other.
 * Returns the bound values by name (absent ones are left out).
 */
export function bindArgs(where: string, names: readonly string[], args: readonly unknown[], required = 0): Record<string, unknown> {
  let positional = args;
  let opts: Record<string, unknown> = {};
  const last = args[args.length - 1];
  if (args.length > 0 && isPlainObject(last)) {
    positional = args.slice(0, -1);
    opts = last;
  }
  while (positional.length > 0 && positional[positional.length - 1] === undefined) positional = positional.slice(0, -1);
  if (positional.length > names.length) {
    throw new TypeError(`${where}() takes ${names.length} positional arguments but ${positional.length} were given`);
  }
  const out: Record<string, unknown> = {};
  positional.forEach((v, i) => {
    if (v !== undefined) out[names[i]!] = v;
  });
  for (const [k, v] of Object.entries(opts)) {
    if (!names.includes(k)) throw new TypeError(`${where}() got an unexpected keyword argument '${k}'`);
    if (v === undefined) continue;
    if (k in out) throw new TypeError(`${where}() got multiple values for argument '${k}'`);
    out[k] = v;
  }
  const missing = names.slice(0, required).filter((n) => !(n in out));
  if (missing.length > 0) {
    const list = missing.map((m) => `'${m}'`);
    const joined = list.length === 1 ? list[0] : `${list.slice(0, -1).join(', ')} and ${list[list.length - 1]}`;
    throw new TypeError(`${where}() missing ${missing.length} required positional argument${missing.length > 1 ? 's' : ''}: ${joined}`);
  }
  return out;
}
