/**
 * `tf.makeTemplate(name, fn)`: a function whose `tf.getVariable` variables are created on its
 * first call, in a variable scope of its own (`name`, made unique), and shared by every later
 * call (the scope re-entered with reuse), as TF1's `tf.make_template`.
 */
import { ValueError } from '../errors.js';
import { getDefaultGraph } from '../graph/context.js';
import { type Graph, GraphKeys } from '../graph/graph.js';
import type { Variable } from '../ops/variables.js';
import { isOptionsObject } from '../args.js';
import { type CustomGetter, VariableScope, uniqueVariableScope, variableScope } from './variable-scope.js';

const OWN = ['createScopeNow', 'uniqueName', 'customGetter'] as const;

/** `tf.make_template`'s result: call it as the wrapped function. */
export class Template<A extends unknown[] = unknown[], R = unknown> {
  readonly name: string;
  readonly func: (...args: A) => R;
  private readonly graph: Graph;
  private scope: VariableScope | null = null;
  private readonly uniqueName: string | null;
  private readonly customGetter: CustomGetter | null;
  private readonly extra: Record<string, unknown> | null;
  private variablesCreated = false;

  constructor(name: string, func: (...args: A) => R, createScopeNow: boolean, uniqueName: string | null, customGetter: CustomGetter | null, extra: Record<string, unknown> | null) {
    if (!name) throw new ValueError('name cannot be None.');
    if (typeof func !== 'function') throw new TypeError(`make_template: func_ must be a function, got ${String(func)}`);
    this.name = name;
    this.func = func;
    this.graph = getDefaultGraph();
    this.uniqueName = uniqueName;
    this.customGetter = customGetter;
    this.extra = extra;
    if (createScopeNow) {
      // TF1's _pure_variable_scope: the variable scope only, no name scope.
      this.scope = variableScope(uniqueName ?? uniqueVariableScope(name, this.graph), { customGetter, auxiliaryNameScope: false }, (s) => s);
    }
  }

  /** Call the template: the first call creates its variables, later calls reuse them. */
  call(...args: A): R {
    if (this.scope) {
      return variableScope(this.scope, { reuse: this.variablesCreated ? true : null }, () => this.callFunc(args));
    }
    return variableScope(this.uniqueName, { defaultName: this.name, customGetter: this.customGetter }, (vs) => {
      this.scope = vs;
      return this.callFunc(args);
    });
  }

  private callFunc(args: A): R {
    const g = getDefaultGraph();
    const trainableAtStart = g.getCollection(GraphKeys.TRAINABLE_VARIABLES).length;
    let callArgs: unknown[] = args;
    if (this.extra) {
      // The keyword arguments given to makeTemplate, merged into a trailing options object.
      const last = args[args.length - 1];
      callArgs = isOptionsObject(last) ? [...args.slice(0, -1), { ...this.extra, ...last }] : [...args, { ...this.extra }];
    }
    const result = this.func(...(callArgs as A));
    if (this.variablesCreated) {
      const trainable = g.getCollection<Variable>(GraphKeys.TRAINABLE_VARIABLES);
      if (trainable.length !== trainableAtStart) {
        throw new ValueError(
          'Trainable variable created when calling a template after the first time, perhaps you used tf.Variable when you meant tf.get_variable: ' +
            `[${trainable.slice(trainableAtStart).map(String).join(', ')}]`,
        );
      }
    } else {
      this.variablesCreated = true;
    }
    return result;
  }

  /** The template's variable scope (null before the first call unless created now). */
  get variableScope(): VariableScope | null {
    return this.scope;
  }

  get variableScopeName(): string | null {
    if (!this.scope) return null;
    return this.scope.name ? `${this.scope.name}/` : '';
  }

  private collection(key: string): Variable[] {
    const s = this.variableScopeName;
    return s === null ? [] : this.graph.getCollection<Variable>(key, s);
  }

  get globalVariables(): Variable[] {
    return this.collection(GraphKeys.GLOBAL_VARIABLES);
  }
  get trainableVariables(): Variable[] {
    return this.collection(GraphKeys.TRAINABLE_VARIABLES);
  }
  get nonTrainableVariables(): Variable[] {
    const t = new Set(this.trainableVariables);
    return this.globalVariables.filter((v) => !t.has(v));
  }
  get localVariables(): Variable[] {
    return this.collection(GraphKeys.LOCAL_VARIABLES);
  }
  /** Global and local variables, as TF1's `Template.variables`. */
  get variables(): Variable[] {
    return [...this.globalVariables, ...this.localVariables];
  }
  get weights(): Variable[] {
    return this.trainableVariables;
  }
}

/** A callable Template: `tmpl(...args)` calls it; the Template's fields are on it too. */
export type TemplateFunction<A extends unknown[], R> = ((...args: A) => R) & { template: Template<A, R> } & Pick<
  Template<A, R>,
  'name' | 'func' | 'variableScope' | 'variableScopeName' | 'globalVariables' | 'trainableVariables' | 'nonTrainableVariables' | 'localVariables' | 'variables'
>;

/**
 * `tf.make_template(name_, func_, create_scope_now_=False, unique_name_=None,
 * custom_getter_=None, **kwargs)` as `tf.makeTemplate(name, fn, createScopeNow?, uniqueName?,
 * customGetter?, {…keywords})`: keywords other than these three are passed to `fn` on every
 * call, in a trailing options object (merged with one the call gives).
 */
export function makeTemplate<A extends unknown[], R>(
  name: string, func: (...args: A) => R, ...rest: unknown[]
): TemplateFunction<A, R> {
  let opts: Record<string, unknown> = {};
  let pos = rest;
  if (pos.length > 0 && isOptionsObject(pos[pos.length - 1])) {
    opts = pos[pos.length - 1] as Record<string, unknown>;
    pos = pos.slice(0, -1);
  }
  if (pos.length > OWN.length) throw new TypeError(`makeTemplate() takes at most 5 positional arguments but ${pos.length + 2} were given`);
  const own: Record<string, unknown> = {};
  pos.forEach((v, i) => (own[OWN[i]!] = v));
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(opts)) {
    if ((OWN as readonly string[]).includes(k)) {
      if (own[k] !== undefined && own[k] !== null) throw new TypeError(`makeTemplate() got multiple values for argument '${k}'`);
      own[k] = v;
    } else {
      extra[k] = v;
    }
  }
  const t = new Template<A, R>(
    name, func, Boolean(own.createScopeNow), (own.uniqueName ?? null) as string | null, (own.customGetter ?? null) as CustomGetter | null,
    Object.keys(extra).length > 0 ? extra : null,
  );
  const f = ((...args: A) => t.call(...args)) as TemplateFunction<A, R>;
  Object.defineProperty(f, 'template', { value: t });
  Object.defineProperty(f, 'name', { value: name });
  for (const k of ['func', 'variableScope', 'variableScopeName', 'globalVariables', 'trainableVariables', 'nonTrainableVariables', 'localVariables', 'variables'] as const) {
    Object.defineProperty(f, k, { get: () => t[k] });
  }
  return f;
}
