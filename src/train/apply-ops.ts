/**
 * The optimizer update ops (TF's training_ops): one stateful op per variable that assigns the
 * slots, then the variable, with TF1's CPU kernel arithmetic. Leading inputs are variable refs.
 */
import type { DType } from '../dtype.js';
import { InvalidArgumentError, ValueError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import type { Lower, Val } from '../ops/lower.js';
import { defineOp, makeOp, registerGradient } from '../ops/registry.js';
import { cShape, pyShape, shapesEqual } from '../shape.js';

type Attrs = { useNesterov?: boolean; [k: string]: unknown };

export interface ApplySpec {
  type: string;
  /** Names of the ref inputs (var first, then slots), then of the other inputs, as TF names them. */
  refs: string[];
  args: string[];
  /** Args of a fixed int64 type instead of the variable's (AdagradDA's `global_step`). */
  int64Args?: string[];
  /** New values, in assignment order, as [ref index, value]. */
  update(b: Lower, refs: Val[], args: Record<string, Val>, attrs: Attrs): [number, Val][];
}

/** The dense update rules by op type (their sparse forms reuse them row-wise). */
export const APPLY_SPECS = new Map<string, ApplySpec>();

/** Declare a dense apply op (its `Sparse…` form: sparse-apply-ops.ts `defineSparseApply`). */
export function defineApply(spec: ApplySpec): void {
  APPLY_SPECS.set(spec.type, spec);
  const nRefs = spec.refs.length;
  defineOp<Attrs>({
    type: spec.type,
    stateful: true,
    infer: (ins, _a, name) => {
      const v = ins[0]!;
      ins.forEach((t, i) => {
        const what = i < nRefs ? spec.refs[i]! : spec.args[i - nRefs]!;
        if (i < nRefs && t.op.type !== 'VariableV2') {
          throw new TypeError(`'${name}' needs a Variable as its input '${what}', got ${t.name}`);
        }
        if (spec.int64Args?.includes(what)) {
          if (t.dtype !== 'int64') throw new TypeError(`Input '${what}' of '${spec.type}' Op has type ${t.dtype} that does not match expected type of int64.`);
        } else if (t.dtype !== v.dtype) {
          throw new TypeError(`Input '${what}' of '${spec.type}' Op has type ${t.dtype} that does not match type ${v.dtype} of argument 'var'.`);
        }
      });
      const gi = nRefs + spec.args.findIndex((n) => n === 'grad' || n === 'delta');
      for (const t of [...ins.slice(1, nRefs), ins[gi]!]) {
        const a = v.shape;
        const s = t.shape;
        if (a && s && (a.length !== s.length || a.some((d, i) => d !== null && s[i] !== null && d !== s[i]))) {
          throw new ValueError(`Shapes ${pyShape(a)} and ${pyShape(s)} are incompatible for '${name}' (op: '${spec.type}')`);
        }
      }
      return [{ dtype: v.dtype, shape: v.shape }];
    },
    lower: (b, ins, a) => {
      const refs = ins.slice(0, nRefs);
      const named: Record<string, Val> = {};
      spec.args.forEach((n, i) => (named[n] = ins[nRefs + i]!));
      const grad = named.grad ?? named.delta!;
      for (const [i, r] of refs.entries()) {
        if (!shapesEqual(r.shape, grad.shape)) {
          throw new InvalidArgumentError(`${spec.refs[i]} and grad do not have the same shape${cShape([...r.shape])} ${cShape([...grad.shape])}`, b.opName);
        }
      }
      for (const n of spec.args) {
        const v = named[n]!;
        if (v !== grad && v.shape.length !== 0) throw new InvalidArgumentError(`${n} is not a scalar: ${cShape([...v.shape])}`, b.opName);
      }
      let out = refs[0]!;
      for (const [i, v] of spec.update(b, refs, named, a)) {
        const nv = b.assign(refs[i]!, v);
        if (i === 0) out = nv;
      }
      return [out];
    },
  });
  registerGradient(spec.type, null);
}

const one = (b: Lower, dt: DType): Val => b.scalar(1, dt);

defineApply({
  type: 'ApplyGradientDescent',
  refs: ['var'],
  args: ['alpha', 'delta'],
  update: (b, [v], { alpha, delta }) => [[0, b.binary('sub', v!, b.binary('mul', delta!, alpha!))]],
});

defineApply({
  type: 'ApplyMomentum',
  refs: ['var', 'accum'],
  args: ['lr', 'grad', 'momentum'],
  update: (b, [v, accum], { lr, grad, momentum }, a) => {
    const acc = b.binary('add', b.binary('mul', accum!, momentum!), grad!);
    const step = a.useNesterov
      ? b.binary('add', b.binary('mul', grad!, lr!), b.binary('mul', b.binary('mul', acc, momentum!), lr!))
      : b.binary('mul', acc, lr!);
    return [[1, acc], [0, b.binary('sub', v!, step)]];
  },
});

defineApply({
  type: 'ApplyAdagrad',
  refs: ['var', 'accum'],
  args: ['lr', 'grad'],
  update: (b, [v, accum], { lr, grad }) => {
    const acc = b.binary('add', accum!, b.unary('square', grad!));
    const step = b.binary('mul', b.binary('mul', grad!, lr!), b.unary('rsqrt', acc));
    return [[1, acc], [0, b.binary('sub', v!, step)]];
  },
});

defineApply({
  type: 'ApplyAdam',
  refs: ['var', 'm', 'v'],
  args: ['beta1_power', 'beta2_power', 'lr', 'beta1', 'beta2', 'epsilon', 'grad'],
  update: (b, [x, m, v], { beta1_power, beta2_power, lr, beta1, beta2, epsilon, grad }, a) => {
    const dt = x!.dtype;
    // alpha = lr * sqrt(1 - beta2^t) / (1 - beta1^t)
    const alpha = b.binary('div', b.binary('mul', lr!, b.unary('sqrt', b.binary('sub', one(b, dt), beta2_power!))), b.binary('sub', one(b, dt), beta1_power!));
    const m1 = b.binary('add', m!, b.binary('mul', b.binary('sub', grad!, m!), b.binary('sub', one(b, dt), beta1!)));
    const v1 = b.binary('add', v!, b.binary('mul', b.binary('sub', b.unary('square', grad!), v!), b.binary('sub', one(b, dt), beta2!)));
    // use_nesterov (Nadam): the step uses g(1 - beta1) + beta1·m_t in place of m_t
    const mHat = a.useNesterov ? b.binary('add', b.binary('mul', grad!, b.binary('sub', one(b, dt), beta1!)), b.binary('mul', beta1!, m1)) : m1;
    const step = b.binary('div', b.binary('mul', mHat, alpha), b.binary('add', b.unary('sqrt', v1), epsilon!));
    return [[1, m1], [2, v1], [0, b.binary('sub', x!, step)]];
  },
});

/** ms += (g² - ms)(1 - rho); [mg += (g - mg)(1 - rho)]; mom = mom·momentum + lr·g/sqrt(denominator); var -= mom. */
function rmsUpdate(b: Lower, x: Val, ms: Val, mg: Val | null, mom: Val, a: Record<string, Val>): Val[] {
  const dt = x.dtype;
  const decayed = b.binary('sub', one(b, dt), a.rho!);
  const ms1 = b.binary('add', ms, b.binary('mul', b.binary('sub', b.unary('square', a.grad!), ms), decayed));
  const mg1 = mg && b.binary('add', mg, b.binary('mul', b.binary('sub', a.grad!, mg), decayed));
  const denom = mg1 ? b.binary('add', b.binary('sub', ms1, b.unary('square', mg1)), a.epsilon!) : b.binary('add', ms1, a.epsilon!);
  const mom1 = b.binary('add', b.binary('mul', mom, a.momentum!), b.binary('div', b.binary('mul', a.grad!, a.lr!), b.unary('sqrt', denom)));
  return mg1 ? [ms1, mg1, mom1, b.binary('sub', x, mom1)] : [ms1, mom1, b.binary('sub', x, mom1)];
}

defineApply({
  type: 'ApplyRMSProp',
  refs: ['var', 'ms', 'mom'],
  args: ['lr', 'rho', 'momentum', 'epsilon', 'grad'],
  update: (b, [x, ms, mom], a) => {
    const [ms1, mom1, x1] = rmsUpdate(b, x!, ms!, null, mom!, a);
    return [[1, ms1!], [2, mom1!], [0, x1!]];
  },
});

defineApply({
  type: 'ApplyCenteredRMSProp',
  refs: ['var', 'mg', 'ms', 'mom'],
  args: ['lr', 'rho', 'momentum', 'epsilon', 'grad'],
  update: (b, [x, mg, ms, mom], a) => {
    const [ms1, mg1, mom1, x1] = rmsUpdate(b, x!, ms!, mg!, mom!, a);
    return [[2, ms1!], [1, mg1!], [3, mom1!], [0, x1!]];
  },
});

/**
 * FTRL-Proximal as TF's ApplyFtrl / ApplyFtrlV2 kernels compute it (training_ops.cc):
 * accum' = accum + g²; linear += g̃ − (accum'^−p − accum^−p)/lr · var (g̃ = g + 2·l2_shrinkage·var
 * for V2, g otherwise; sqrt where lr_power = −0.5); var = (l1·sign(linear) − linear) /
 * (accum'^−p/lr + 2·l2) where |linear| > l1, else 0.
 */
function ftrlUpdate(b: Lower, x: Val, accum: Val, linear: Val, a: Record<string, Val>): [number, Val][] {
  const dt = x.dtype;
  const p = b.constValue(a.lr_power!);
  const half = p !== null && p.size === 1 && Number(p.data[0]) === -0.5;
  const powed = (t: Val): Val => (half ? b.unary('sqrt', t) : b.binary('pow', t, b.unary('neg', a.lr_power!)));
  const grad = a.grad!;
  const shrunk = a.l2_shrinkage ? b.binary('add', grad, b.binary('mul', b.binary('mul', b.scalar(2, dt), a.l2_shrinkage), x)) : grad;
  const accum1 = b.binary('add', accum, b.unary('square', grad));
  const linear1 = b.binary('add', linear, b.binary('sub', shrunk, b.binary('mul', b.binary('div', b.binary('sub', powed(accum1), powed(accum)), a.lr!), x)));
  const num = b.binary('sub', b.binary('mul', a.l1!, b.unary('sign', linear1)), linear1);
  const den = b.binary('add', b.binary('div', powed(accum1), a.lr!), b.binary('mul', b.scalar(2, dt), a.l2!));
  const x1 = b.select(b.binary('greater', b.unary('abs', linear1), a.l1!), b.binary('div', num, den), b.fill([...x.shape], 0, dt));
  return [[2, linear1], [0, x1], [1, accum1]];
}

defineApply({
  type: 'ApplyFtrl',
  refs: ['var', 'accum', 'linear'],
  args: ['grad', 'lr', 'l1', 'l2', 'lr_power'],
  update: (b, [x, accum, linear], a) => ftrlUpdate(b, x!, accum!, linear!, a),
});

defineApply({
  type: 'ApplyFtrlV2',
  refs: ['var', 'accum', 'linear'],
  args: ['grad', 'lr', 'l1', 'l2', 'l2_shrinkage', 'lr_power'],
  update: (b, [x, accum, linear], a) => ftrlUpdate(b, x!, accum!, linear!, a),
});

/** Create an apply op: `refs` are variable ref tensors, `args` the other inputs in TF's order. */
export function applyOp(type: string, refs: Tensor[], args: Tensor[], attrs: Attrs = {}, name?: string): Tensor {
  return makeOp(refs[0]!.graph, type, [...refs, ...args], attrs, name, type).outputs[0]!;
}
