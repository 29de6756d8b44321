/**
 * `tf.math.besselI0e` / `besselI1e` (TF's BesselI0e and BesselI1e ops: the exponentially scaled
 * modified Bessel functions e^(−|x|)·I₀(x) and e^(−|x|)·I₁(x)) and TF 1.15 special_math_ops.py's
 * compositions `besselI0` = exp(|x|)·i0e(x), `besselI1` = exp(|x|)·i1e(x), with TF 1.15
 * math_grad.py's gradients.
 *
 * The ops lower into the ordinary elementwise primitives, so they run on every device: as Cephes
 * (whose algorithm TF's Eigen kernels use) each function is a Chebyshev series on [0, 8] in
 * t = x/4 − 1, and past 8 a series in u = 16/x − 1 of √x·i0e(x) (√x·i1e(x)), evaluated by
 * Clenshaw's recurrence. The coefficients are this file's own: the Chebyshev interpolants of
 * i0e(x), i1e(x)/x, √x·i0e(x) and √x·i1e(x) at 48 Chebyshev points, computed in 40-digit
 * arithmetic and cut where the terms fall below 1e-18; in float64 the sums are within 2e-15 of
 * the exact values (relative) over the whole line.
 */
import { tf1Function } from '../args.js';
import type { DType } from '../dtype.js';
import type { Tensor } from '../graph/tensor.js';
import { A, registerExporter } from '../graphdef/export.js';
import { RULES, make } from '../graphdef/import-rules.js';
import { zerosLike } from './array.js';
import { type TensorLike, toTensor } from './convert.js';
import type { Lower, Val } from './lower.js';
import { abs, add, exp, greater, multiply, reciprocal, sign, subtract, where } from './math.js';
import { defineOp, makeOp, registerGradient } from './registry.js';

// i0e(x) = Σ' I0E_SMALL[j]·T_j(x/4 − 1) for 0 ≤ x ≤ 8; √x·i0e(x) = Σ' I0E_LARGE[j]·T_j(16/x − 1) for x > 8.
const I0E_SMALL = [
  0.33839763720473803, -0.3046826723431984, 0.17162090152220877, -0.09490109704804764, 0.04930528423967071,
  -0.02373741480589947, 0.010546460394594998, -0.004324309995050576, 0.0016394756169413357,
  -0.0005763755745385824, 0.00018850288509584165, -5.754195010082104e-05, 1.6448448070728896e-05,
  -4.4167383584587505e-06, 1.1173875391201037e-06, -2.670793853940612e-07, 6.046995022541919e-08,
  -1.300025009986248e-08, 2.6598237246823866e-09, -5.189795601635263e-10, 9.675809035373237e-11,
  -1.726826291441556e-11, 2.95505266312964e-12, -4.856446783111929e-13, 7.676185498604936e-14,
  -1.1685332877993451e-14, 1.715391285555133e-15, -2.431279846547955e-16, 3.3307945188222384e-17,
  -4.4153416464793395e-18
];
const I0E_LARGE = [
  0.4022452055070544, 0.0033691164782556943, 6.889758346916825e-05, 2.8913705208347567e-06,
  2.0489185894690638e-07, 2.266668990498178e-08, 3.3962320257083865e-09, 4.94060238822497e-10,
  1.1889147107846439e-11, -3.1499165279632416e-11, -1.3215811840447713e-11, -1.7941785315068062e-12,
  7.180124451383666e-13, 3.8527783827421426e-13, 1.54008621752141e-14, -4.150569347287222e-14,
  -9.554846698828307e-15, 3.8116806693526224e-15, 1.7725601330565263e-15, -3.425485619677219e-16,
  -2.8276239805165836e-16, 3.461222867697461e-17, 4.46562142029676e-17, -4.830504485944178e-18,
  -7.23318048787476e-18, 9.921475412173676e-19, 1.1936508908460063e-18, -2.488709837151165e-19
];
// i1e(x)/x on [0, 8] and √x·i1e(x) past 8, in the same variables.
const I1E_SMALL = [
  0.12629359322181682, -0.17641651835783406, 0.1026436586898471, -0.05294598120809499, 0.024726449030626516,
  -0.010564084894626197, 0.004156422944312888, -0.0015135724506312532, 0.0005122859561685758,
  -0.00016176081582589674, 4.781565107550054e-05, -1.3273163656039436e-05, 3.4702513081376785e-06,
  -8.568720264695455e-07, 2.0032947535521353e-07, -4.445059128796328e-08, 9.381537386495773e-09,
  -1.8872497517228294e-09, 3.625590281552117e-10, -6.663489723502027e-11, 1.1736186298890901e-11,
  -1.9839743977649436e-12, 3.223793365945575e-13, -5.042185504727912e-14, 7.600684294735408e-15,
  -1.1055969477353862e-15, 1.5536319577362005e-16, -2.111421214358166e-17, 2.7779141127610464e-18,
  -3.541581772542136e-19
];
const I1E_LARGE = [
  0.38928811750914005, -0.009761097491361469, -0.00011058893876262371, -3.882564808877691e-06,
  -2.512236237870209e-07, -2.6314688468895196e-08, -3.835380385964237e-09, -5.589743462196584e-10,
  -1.8974958123505413e-11, 3.2526035830154884e-11, 1.4125807436613782e-11, 2.0356285441470896e-12,
  -7.198551776245908e-13, -4.0835511110921974e-13, -2.1015418427726643e-14, 4.272440016711951e-14,
  1.0420276984128802e-14, -3.8144030724370075e-15, -1.8803547755107825e-15, 3.3082023109209285e-16,
  2.96262899764595e-16, -3.209525921993424e-17, -4.650305368489358e-17, 4.414348323071704e-18,
  7.517296310842111e-18, -9.314178867326863e-19, -1.2421932751949152e-18, 2.4142767194552165e-19
];

/** Σ c[j]·T_j(t) by Clenshaw's recurrence, as primitives (c[0] counted once). */
function chebyshev(b: Lower, c: readonly number[], t: Val, dtype: DType): Val {
  const twoT = b.binary('mul', b.scalar(2, dtype), t);
  let b1: Val = b.scalar(c[c.length - 1]!, dtype);
  let b2: Val = b.scalar(0, dtype);
  for (let j = c.length - 2; j >= 1; j--) {
    const next = b.binary('add', b.binary('sub', b.binary('mul', twoT, b1), b2), b.scalar(c[j]!, dtype));
    b2 = b1;
    b1 = next;
  }
  return b.binary('add', b.binary('sub', b.binary('mul', t, b1), b2), b.scalar(c[0]!, dtype));
}

/** The scaled Bessel function of order `order` at x, NaN at NaN; i1e is odd, i0e even. */
function lowerScaledBessel(b: Lower, x: Val, order: 0 | 1): Val {
  const dt = x.dtype;
  const s = (v: number): Val => b.scalar(v, dt);
  const z = b.unary('abs', x);
  // each branch reads its argument clamped to its own range, so the other never overflows
  const zs = b.binary('minimum', z, s(8));
  const zl = b.binary('maximum', z, s(8));
  let small = chebyshev(b, order === 0 ? I0E_SMALL : I1E_SMALL, b.binary('sub', b.binary('mul', zs, s(0.25)), s(1)), dt);
  if (order === 1) small = b.binary('mul', small, zs);
  const large = b.binary('div',
    chebyshev(b, order === 0 ? I0E_LARGE : I1E_LARGE, b.binary('sub', b.binary('div', s(16), zl), s(1)), dt),
    b.unary('sqrt', zl));
  let y = b.select(b.binary('lessEqual', z, s(8)), small, large);
  if (order === 1) y = b.select(b.binary('less', x, s(0)), b.unary('neg', y), y);
  return b.select(b.unary('isNan', x), x, y);
}

const UNARY_REAL = ['bfloat16', 'float16', 'float32', 'float64'];
for (const [type, order] of [['BesselI0e', 0], ['BesselI1e', 1]] as const) {
  defineOp({
    type,
    infer: ([x]) => {
      if (!UNARY_REAL.includes(x!.dtype)) {
        throw new TypeError(`Value passed to parameter 'x' has DataType ${x!.dtype} not in list of allowed values: ${UNARY_REAL.join(', ')}`);
      }
      return [{ dtype: x!.dtype, shape: x!.shape }];
    },
    lower: (b, [x]) => [lowerScaledBessel(b, x!, order)],
  });
}

registerExporter(['BesselI0e', 'BesselI1e'], ({ op }) => ({ T: A.type(op.inputs[0]!.dtype) }));
for (const t of ['BesselI0e', 'BesselI1e']) RULES.set(t, (c) => make(c, t, c.inputs));

const EPS: Partial<Record<string, number>> = { float16: 2 ** -10, bfloat16: 2 ** -7, float32: 2 ** -23, float64: 2 ** -52 };

// TF 1.15 _BesselI0eGrad: i1e(x) − sign(x)·y (grad · partial, the 1.15 horizon's branch).
registerGradient('BesselI0e', (op, [grad]) => {
  if (!grad) return [null];
  const x = op.inputs[0]!;
  const y = op.outputs[0]!;
  const partial = subtract(besselI1e(x), multiply(sign(x), y));
  return [multiply(grad, partial)];
});
// TF 1.15 _BesselI1eGrad: i0e(x) − y·(sign(x) + 1/x), 0.5 where |x| ≤ eps (x read as eps there).
registerGradient('BesselI1e', (op, [grad]) => {
  if (!grad) return [null];
  const x = op.inputs[0]!;
  const y = op.outputs[0]!;
  const eps = EPS[x.dtype] ?? 2 ** -23;
  const zeros = zerosLike(x);
  const notTiny = greater(abs(x), toTensor(eps, x.dtype));
  const safeX = where(notTiny, x, add(toTensor(eps, x.dtype), zeros));
  const dydx = subtract(besselI0e(safeX), multiply(y, add(sign(safeX), reciprocal(safeX))));
  return [multiply(grad, where(notTiny, dydx, add(toTensor(0.5, x.dtype), zeros)))];
});

const scaled = (type: string, name: string) =>
  tf1Function(`math.${name}`, ['x', 'name'], (x: TensorLike, opName?: string | null): Tensor => {
    const t = toTensor(x, undefined, 'x');
    return makeOp(t.graph, type, [t], {}, opName ?? undefined, type).outputs[0]!;
  }, 1);

/** `tf.math.bessel_i0e(x, name=None)`: e^(−|x|)·I₀(x) elementwise (BesselI0e). */
export const besselI0e = scaled('BesselI0e', 'besselI0e');
/** `tf.math.bessel_i1e(x, name=None)`: e^(−|x|)·I₁(x) elementwise (BesselI1e). */
export const besselI1e = scaled('BesselI1e', 'besselI1e');

const unscaled = (name: string, scope: string, f: (x: Tensor) => Tensor) =>
  tf1Function(`math.${name}`, ['x', 'name'], (x: TensorLike, opName?: string | null): Tensor => {
    const t = toTensor(x, undefined, 'x');
    return t.graph.nameScope(opName ?? scope, () => multiply(exp(abs(t)), f(t), 'mul'));
  }, 1);

/** `tf.math.bessel_i0(x, name=None)`: I₀(x) = exp(|x|)·bessel_i0e(x) (TF 1.15's composition). */
export const besselI0 = unscaled('besselI0', 'bessel_i0', (t) => besselI0e(t));
/** `tf.math.bessel_i1(x, name=None)`: I₁(x) = exp(|x|)·bessel_i1e(x) (TF 1.15's composition). */
export const besselI1 = unscaled('besselI1', 'bessel_i1', (t) => besselI1e(t));
