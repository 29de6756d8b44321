/**
 * `tf.distributions.Distribution` (TF 1.15's python/ops/distributions/distribution.py): the
 * public methods open the distribution's name scope and a scope of their own (`Normal/sample/`,
 * `Normal/log_prob/`, …) and call the subclass's `_method`; one a subclass lacks raises TF's
 * NotImplementedError, or falls back as TF does (log_prob = log(prob), prob = exp(log_prob),
 * the same for the cdf and survival functions, stddev = sqrt(variance), variance = stddev²).
 */
import type { DType } from '../dtype.js';
import { NotImplementedError, ValueError } from '../errors.js';
import { getDefaultGraph } from '../graph/context.js';
import type { Graph } from '../graph/graph.js';
import { Tensor } from '../graph/tensor.js';
import { type TensorLike, toTensor } from '../ops/convert.js';
import { add, concat, exp, identity, isNan, log, log1p, logicalNot, reduceAny, reshape, shape as shapeOf, slice, sqrt, square, subtract } from '../ops/index.js';
import { Assert } from '../ops/logging-ops.js';
import { type PartialShape, isFullyDefined } from '../shape.js';

/** TF's ReparameterizationType: whether samples are differentiable functions of the parameters. */
export class ReparameterizationType {
  constructor(private readonly rep: string) {}
  toString(): string {
    return `<Reparameteriation Type: ${this.rep}>`;
  }
}
export const FULLY_REPARAMETERIZED = new ReparameterizationType('FULLY_REPARAMETERIZED');
export const NOT_REPARAMETERIZED = new ReparameterizationType('NOT_REPARAMETERIZED');

export interface DistributionOptions {
  validateArgs?: boolean;
  allowNanStats?: boolean;
  name?: string;
}

/** The positional parameters then TF's keywords of a distribution's constructor. */
export function ctorArgs(args: readonly unknown[], names: readonly string[], where: string): Record<string, unknown> {
  let n = args.length;
  while (n > 0 && args[n - 1] === undefined) n--;
  let opts: Record<string, unknown> = {};
  const last = args[n - 1];
  if (n > 0 && typeof last === 'object' && last !== null && !(last instanceof Tensor) && !Array.isArray(last) && !ArrayBuffer.isView(last) && Object.getPrototypeOf(last) === Object.prototype) {
    opts = last as Record<string, unknown>;
    n--;
  }
  const all = [...names, 'validateArgs', 'allowNanStats', 'name'];
  if (n > all.length) throw new TypeError(`${where}() takes at most ${all.length} positional arguments but ${n} were given`);
  const out: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) if (args[i] !== undefined) out[all[i]!] = args[i];
  for (const [k, v] of Object.entries(opts)) {
    if (!all.includes(k)) throw new TypeError(`${where}() got an unexpected keyword argument '${k}'`);
    if (v !== undefined) out[k] = v;
  }
  return out;
}

export abstract class Distribution {
  readonly dtype: DType;
  readonly reparameterizationType: ReparameterizationType;
  readonly validateArgs: boolean;
  readonly allowNanStats: boolean;
  /** The distribution's name scope, `Normal/` (unique in its graph). */
  readonly name: string;
  readonly graph: Graph;
  /** The constructor's arguments by TF's names. */
  readonly parameters: Record<string, unknown>;

  protected constructor(a: {
    dtype: DType; reparameterizationType: ReparameterizationType; validateArgs: boolean; allowNanStats: boolean;
    parameters: Record<string, unknown>; scope: string; graph: Graph;
  }) {
    this.dtype = a.dtype;
    this.reparameterizationType = a.reparameterizationType;
    this.validateArgs = a.validateArgs;
    this.allowNanStats = a.allowNanStats;
    this.parameters = a.parameters;
    this.name = a.scope;
    this.graph = a.graph;
  }

  /** Open the constructor's unique name scope `name` (default the class name) around `fn`. */
  protected static scoped<T>(name: string | undefined, dflt: string, values: readonly unknown[], fn: (scope: string, g: Graph) => T): T {
    const t = values.find((v): v is Tensor => v instanceof Tensor);
    const g = t ? t.graph : getDefaultGraph();
    return g.nameScope(name ?? dflt, (scope) => fn(scope, g));
  }

  /** Run `fn` in `<name>/<method>/`, as TF's `_name_scope`. */
  protected inScope<T>(method: string, fn: () => T): T {
    return this.graph.nameScope(this.name, () => this.graph.nameScope(method, fn));
  }

  private notImplemented(method: string): never {
    throw new NotImplementedError(`${method} is not implemented: ${this.constructor.name}`);
  }

  // ----- shapes
  /** The static batch shape (TF's TensorShape; null dims unknown). */
  abstract get batchShape(): PartialShape;
  /** `batch_shape_tensor()`: the batch shape as a 1-D int32 tensor. */
  batchShapeTensor(): Tensor {
    return this.inScope('batch_shape_tensor', () => {
      const s = this.batchShape;
      return s !== null && isFullyDefined(s) ? toTensor(Int32Array.from(s as number[]) as never, 'int32') : this.batchShapeTensorImpl();
    });
  }
  protected abstract batchShapeTensorImpl(): Tensor;
  /** The static event shape ([] for scalar distributions). */
  get eventShape(): PartialShape {
    return [];
  }
  eventShapeTensor(): Tensor {
    return this.inScope('event_shape_tensor', () => toTensor(Int32Array.from((this.eventShape ?? []) as number[]) as never, 'int32'));
  }
  isScalarBatch(): boolean {
    return this.batchShape !== null && this.batchShape.length === 0;
  }
  isScalarEvent(): boolean {
    return this.eventShape !== null && this.eventShape.length === 0;
  }

  // ----- sampling
  /** `_sample_n(n, seed)`: n draws, shape [n, ...batch, ...event]. */
  protected abstract sampleN(n: number, seed: number | undefined): Tensor;

  /**
   * `sample(sample_shape=(), seed=None, name='sample')`: draws of shape
   * `sample_shape + batch_shape + event_shape`.
   */
  sample(sampleShape: number | readonly number[] | { sampleShape?: number | readonly number[]; seed?: number; name?: string } = [], seed?: number | { seed?: number; name?: string }, name?: string): Tensor {
    let ss = sampleShape;
    let sd = seed;
    let nm = name;
    if (typeof ss === 'object' && !Array.isArray(ss)) ({ sampleShape: ss = [], seed: sd, name: nm } = ss as { sampleShape?: number | number[]; seed?: number; name?: string });
    if (typeof sd === 'object' && sd !== null) ({ seed: sd, name: nm } = sd);
    const shp = typeof ss === 'number' ? [ss] : [...(ss as readonly number[])];
    if (shp.some((d) => !Number.isInteger(d) || d < 0)) throw new ValueError(`sample_shape must be non-negative integers, got [${shp.join(', ')}]`);
    return this.inScope(nm ?? 'sample', () => {
      const n = shp.reduce((p, q) => p * q, 1);
      const samples = this.sampleN(n, sd as number | undefined);
      if (shp.length === 1) return samples;
      const be = samples.shape?.slice(1);
      const tail = be && isFullyDefined(be) ? toTensor(Int32Array.from(be as number[]) as never, 'int32') : undefined;
      const rest = tail ?? shapeOfTail(samples);
      return reshape(samples, concat([toTensor(Int32Array.from(shp) as never, 'int32'), rest], 0));
    });
  }

  // ----- densities (subclasses override what they define)
  protected _logProb(_x: Tensor): Tensor | null { return null; }
  protected _prob(_x: Tensor): Tensor | null { return null; }
  protected _logCdf(_x: Tensor): Tensor | null { return null; }
  protected _cdf(_x: Tensor): Tensor | null { return null; }
  protected _logSurvival(_x: Tensor): Tensor | null { return null; }
  protected _survival(_x: Tensor): Tensor | null { return null; }
  protected _entropy(): Tensor | null { return null; }
  protected _mean(): Tensor | null { return null; }
  protected _mode(): Tensor | null { return null; }
  protected _variance(): Tensor | null { return null; }
  protected _stddev(): Tensor | null { return null; }
  protected _quantile(_p: Tensor): Tensor | null { return null; }
  protected _covariance(): Tensor | null { return null; }

  /** The value converted to the distribution's dtype (TF's `convert_to_tensor(value, name="value", dtype=self.dtype)`). */
  protected value(v: TensorLike): Tensor {
    const t = toTensor(v, this.dtype, 'value');
    if (t.dtype !== this.dtype) throw new TypeError(`Tensor conversion requested dtype ${this.dtype} for Tensor with dtype ${t.dtype}: ${t.name}`);
    return t;
  }

  private withName<T>(name: string | undefined, dflt: string, fn: () => T): T {
    return this.inScope(name ?? dflt, fn);
  }

  /** `log_prob(value, name='log_prob')`. */
  logProb(value: TensorLike, name?: string | { name?: string }): Tensor {
    return this.withName(nameOf(name), 'log_prob', () => {
      const v = this.eventValue(value);
      const lp = this._logProb(v);
      if (lp) return lp;
      const p = this._prob(v);
      if (p) return log(p);
      return this.notImplemented('log_prob');
    });
  }

  /** `prob(value, name='prob')`. */
  prob(value: TensorLike, name?: string | { name?: string }): Tensor {
    return this.withName(nameOf(name), 'prob', () => {
      const v = this.eventValue(value);
      const p = this._prob(v);
      if (p) return p;
      const lp = this._logProb(v);
      if (lp) return exp(lp);
      return this.notImplemented('prob');
    });
  }

  /** `log_cdf(value, name='log_cdf')`. */
  logCdf(value: TensorLike, name?: string | { name?: string }): Tensor {
    return this.withName(nameOf(name), 'log_cdf', () => {
      const v = this.eventValue(value);
      const l = this._logCdf(v);
      if (l) return l;
      const c = this._cdf(v);
      if (c) return log(c);
      return this.notImplemented('log_cdf');
    });
  }

  /** `cdf(value, name='cdf')`. */
  cdf(value: TensorLike, name?: string | { name?: string }): Tensor {
    return this.withName(nameOf(name), 'cdf', () => {
      const v = this.eventValue(value);
      const c = this._cdf(v);
      if (c) return c;
      const l = this._logCdf(v);
      if (l) return exp(l);
      return this.notImplemented('cdf');
    });
  }

  /** `log_survival_function(value)`: log(1 - cdf). */
  logSurvivalFunction(value: TensorLike, name?: string | { name?: string }): Tensor {
    return this.withName(nameOf(name), 'log_survival_function', () => {
      const v = this.eventValue(value);
      const l = this._logSurvival(v);
      if (l) return l;
      const s = this._survival(v);
      if (s) return log(s);
      const c = this._cdf(v);
      if (c) return log1p(subtract(0, c));
      return this.notImplemented('log_survival_function');
    });
  }

  /** `survival_function(value)`: 1 - cdf. */
  survivalFunction(value: TensorLike, name?: string | { name?: string }): Tensor {
    return this.withName(nameOf(name), 'survival_function', () => {
      const v = this.eventValue(value);
      const s = this._survival(v);
      if (s) return s;
      const l = this._logSurvival(v);
      if (l) return exp(l);
      const c = this._cdf(v);
      if (c) return subtract(1, c);
      return this.notImplemented('survival_function');
    });
  }

  /** `quantile(value)`: the inverse cdf. */
  quantile(value: TensorLike, name?: string | { name?: string }): Tensor {
    return this.withName(nameOf(name), 'quantile', () => this._quantile(this.value(value)) ?? this.notImplemented('quantile'));
  }

  entropy(name?: string | { name?: string }): Tensor {
    return this.withName(nameOf(name), 'entropy', () => this._entropy() ?? this.notImplemented('entropy'));
  }

  mean(name?: string | { name?: string }): Tensor {
    return this.withName(nameOf(name), 'mean', () => this._mean() ?? this.notImplemented('mean'));
  }

  mode(name?: string | { name?: string }): Tensor {
    return this.withName(nameOf(name), 'mode', () => this._mode() ?? this.notImplemented('mode'));
  }

  variance(name?: string | { name?: string }): Tensor {
    return this.withName(nameOf(name), 'variance', () => {
      const v = this._variance();
      if (v) return v;
      const s = this._stddev();
      if (s) return square(s);
      return this.notImplemented('variance');
    });
  }

  stddev(name?: string | { name?: string }): Tensor {
    return this.withName(nameOf(name), 'stddev', () => {
      const s = this._stddev();
      if (s) return s;
      const v = this._variance();
      if (v) return sqrt(v);
      return this.notImplemented('stddev');
    });
  }

  covariance(name?: string | { name?: string }): Tensor {
    return this.withName(nameOf(name), 'covariance', () => this._covariance() ?? this.notImplemented('covariance'));
  }

  /** `kl_divergence(other)`: KL(self || other) by the registered function of the two types. */
  klDivergence(other: Distribution, name?: string | { name?: string }): Tensor {
    return this.withName(nameOf(name), 'kl_divergence', () => klDivergenceImpl(this, other));
  }

  /** `cross_entropy(other)`: H[self] + KL(self || other). */
  crossEntropy(other: Distribution, name?: string | { name?: string }): Tensor {
    return this.withName(nameOf(name), 'cross_entropy', () => {
      const h = this._entropy() ?? this.notImplemented('entropy');
      return add(h, klDivergenceImpl(this, other));
    });
  }

  /** The value of a density method: the distribution's dtype (integer distributions override). */
  protected eventValue(v: TensorLike): Tensor {
    return this.value(v);
  }

  toString(): string {
    const b = this.batchShape === null ? '<unknown>' : `(${this.batchShape.map((d) => d ?? '?').join(', ')}${this.batchShape.length === 1 ? ',' : ''})`;
    const e = this.eventShape === null ? '<unknown>' : `(${this.eventShape.join(', ')}${this.eventShape.length === 1 ? ',' : ''})`;
    return `tf.distributions.${this.constructor.name}("${this.name.replace(/\/$/, '')}", batch_shape=${b}, event_shape=${e}, dtype=${this.dtype})`;
  }
}

function nameOf(n: string | { name?: string } | undefined): string | undefined {
  return typeof n === 'object' && n !== null ? n.name : n;
}

/** shape(samples)[1:]. */
function shapeOfTail(t: Tensor): Tensor {
  return slice(shapeOf(t, { outType: 'int32' }), [1], [-1]);
}

type KLFn = (a: Distribution, b: Distribution, name?: string) => Tensor;
const KL = new Map<Function, Map<Function, KLFn>>();

/** `tf.distributions.RegisterKL(dist_cls_a, dist_cls_b)` as a function: register the KL of two types. */
export function registerKL(a: Function, b: Function, fn: KLFn): void {
  let m = KL.get(a);
  if (!m) KL.set(a, (m = new Map()));
  if (m.has(b)) throw new ValueError(`KL(${a.name} || ${b.name}) has already been registered to: ${m.get(b)!.name}`);
  m.set(b, fn);
}

/** The KL function registered for the two classes or their nearest ancestors (TF's `_registered_kl`). */
function registeredKL(a: Function, b: Function): KLFn | null {
  for (let x: Function | null = a; x && x !== Object; x = Object.getPrototypeOf(x) as Function | null) {
    for (let y: Function | null = b; y && y !== Object; y = Object.getPrototypeOf(y) as Function | null) {
      const f = KL.get(x)?.get(y);
      if (f) return f;
    }
  }
  return null;
}

function klDivergenceImpl(a: Distribution, b: Distribution, name?: string): Tensor {
  const fn = registeredKL(a.constructor, b.constructor);
  if (!fn) throw new NotImplementedError(`No KLDivergence registered for ${a.constructor.name} and ${b.constructor.name}`);
  return fn(a, b, name);
}

/**
 * `tf.distributions.kl_divergence(distribution_a, distribution_b, allow_nan_stats=True,
 * name=None)`: KL(a || b), under the name scope `KullbackLeibler`.
 */
export function klDivergence(
  distributionA: Distribution, distributionB: Distribution, allowNanStats: boolean | { allowNanStats?: boolean; name?: string } = true, name?: string,
): Tensor {
  let nan = allowNanStats;
  let nm = name;
  if (typeof nan === 'object') ({ allowNanStats: nan = true, name: nm } = nan);
  const fn = registeredKL(distributionA.constructor, distributionB.constructor);
  if (!fn) throw new NotImplementedError(`No KLDivergence registered for ${distributionA.constructor.name} and ${distributionB.constructor.name}`);
  const g = distributionA.graph;
  return g.nameScope('KullbackLeibler', () => {
    const kl = fn(distributionA, distributionB, nm);
    if (nan) return kl;
    const msg = `KL calculation between ${distributionA.name} and ${distributionB.name} returned NaN values (and was called with allow_nan_stats=False). Values:`;
    const ok = Assert(logicalNot(reduceAny(isNan(kl))), [msg, kl]);
    return g.controlDependencies([ok], () => identity(kl, { name: 'checked_kl' }));
  });
}
