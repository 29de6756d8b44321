/**
 * tf.contrib.opt.ScipyOptimizerInterface / ExternalOptimizerInterface and the L-BFGS-B port
 * against scipy.optimize.minimize(method='L-BFGS-B', jac=True) of SciPy 1.17.1 (OpenBLAS 0.3.30).
 *
 * The goldens were made with python3 on this machine:
 *
 *   def rosen(x):                       # explicit loops: the same float64 operations as below
 *       f = 0.0; g = [0.0]*len(x)
 *       for i in range(len(x)-1):
 *           a = x[i+1] - x[i]*x[i]; b = 1.0 - x[i]
 *           f += 100.0*a*a + b*b; g[i] += -400.0*x[i]*a - 2.0*b; g[i+1] += 200.0*a
 *       return f, np.array(g)
 *   def quad(x):                        # sum (i+1)(x_i - (i-2))^2
 *       ...
 *   r = minimize(fn, np.array(x0), jac=True, method='L-BFGS-B', bounds=b, options=o, callback=cb)
 *   print(r.x.tolist(), float(r.fun), r.nit, r.nfev, r.message)
 *
 * The least-squares goldens: X[i][j] = ((7i + 3j) % 11 - 5) / 4 (20×3), y = X·[0.5, -1.25, 2] + 0.3
 * + ((5i) % 7 - 3) / 20, f(w, b) = mean((Xw + b - y)²) with its analytic gradient, x0 = 0.
 * The float32 golden: f(v) = np.sum(v*v, dtype=float32) with v = x.astype(float32), g = 2v, x0 a
 * float32 array [7, 7] (TF's docstring example), options={'maxiter': 100}.
 */
import { describe, expect, it, vi } from 'vitest';
import * as tf from 'tsflow';
import { minimizeLbfgsb } from '../src/contrib/lbfgsb.js';

function rosen(x: Float64Array): [number, Float64Array] {
  let f = 0;
  const g = new Float64Array(x.length);
  for (let i = 0; i < x.length - 1; i++) {
    const a = x[i + 1]! - x[i]! * x[i]!, b = 1.0 - x[i]!;
    f += 100.0 * a * a + b * b;
    g[i] += -400.0 * x[i]! * a - 2.0 * b;
    g[i + 1] += 200.0 * a;
  }
  return [f, g];
}
function quad(x: Float64Array): [number, Float64Array] {
  let f = 0;
  const g = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const dd = x[i]! - (i - 2.0);
    f += (i + 1.0) * dd * dd;
    g[i] = 2.0 * (i + 1.0) * dd;
  }
  return [f, g];
}

const R5 = [1.3, 0.7, 0.8, 1.9, 1.2];
const CONV_F = 'CONVERGENCE: RELATIVE REDUCTION OF F <= FACTR*EPSMCH';
const CONV_G = 'CONVERGENCE: NORM OF PROJECTED GRADIENT <= PGTOL';
interface Golden { x: number[]; fun: number; nit: number; nfev: number; message: string }
type Bounds = [number | null, number | null][] | null;
const goldens: [string, typeof rosen, number[], Bounds, Record<string, number>, Golden][] = [
  ['Rosenbrock 2-D', rosen, [-1.2, 1.0], null, {}, {
    x: [0.9999989453492819, 0.9999980209057325], fun: 2.807649849005401e-12, nit: 36, nfev: 44, message: CONV_F }],
  ['Rosenbrock 5-D', rosen, R5, null, {}, {
    x: [1.0000001063151185, 1.0000002130794126, 1.0000004591484999, 1.0000009075913046, 1.0000018449804886],
    fun: 1.3003448967631297e-12, nit: 24, nfev: 26, message: CONV_F }],
  ['Rosenbrock 5-D, maxcor 3 (the memory wraps)', rosen, R5, null, { maxcor: 3 }, {
    x: [0.9999999374835009, 0.9999999712093202, 1.0000003554359858, 1.0000013866288004, 1.0000031480098632],
    fun: 7.974689621095548e-11, nit: 21, nfev: 26, message: CONV_F }],
  ['Rosenbrock 5-D with bounds of every kind', rosen, R5, [[-2.0, 0.9], [null, 0.8], [0.5, null], [null, null], [0.0, 1.5]], {}, {
    x: [0.8947559039993044, 0.8, 0.6509190822710436, 0.4294016642607398, 0.1843858296135499],
    fun: 0.5137293507770535, nit: 17, nfev: 19, message: CONV_G }],
  ['bounded quadratic (one variable fixed by l = u)', quad, [0, 0, 0, 0, 0, 0], [[0.5, 1.0], [-5.0, 5.0], [null, -1.0], [0.0, null], [1.0, 1.0], [-3.0, 2.5]], {}, {
    x: [0.5, -0.9999999960144219, -1.0, 0.9999999934297962, 1.0, 2.5], fun: 15.75, nit: 6, nfev: 7, message: CONV_G }],
  ['Rosenbrock 5-D, maxiter 7', rosen, R5, null, { maxiter: 7 }, {
    x: [1.0153915716081423, 1.0308395133488921, 1.0631158528110416, 1.1304461074026977, 1.2786690749193907],
    fun: 0.022277817163417833, nit: 7, nfev: 8, message: 'STOP: TOTAL NO. OF ITERATIONS REACHED LIMIT' }],
];

describe('L-BFGS-B against SciPy 1.17.1', () => {
  for (const [what, fn, x0, bounds, o, e] of goldens) {
    it(what, async () => {
      const steps: Float64Array[] = [];
      const r = await minimizeLbfgsb(fn, x0, { bounds, ...o, callback: (x) => { steps.push(x); } });
      expect(r.nit).toBe(e.nit);
      expect(r.nfev).toBe(e.nfev);
      expect(r.message).toBe(e.message);
      expect(steps).toHaveLength(e.nit);
      r.x.forEach((v, i) => expect(Math.abs(v - e.x[i]!)).toBeLessThan(1e-12));
      expect(Math.abs(r.fun - e.fun)).toBeLessThanOrEqual(1e-12 * Math.max(1, e.fun));
      expect(r.success).toBe(e.message.startsWith('CONVERGENCE'));
    });
  }

  it('20-D Rosenbrock: the same solution (SciPy\'s own ulps follow its machine\'s OpenBLAS ddot kernel from n = 16 on)', async () => {
    // SciPy here (SkylakeX kernel): nit 122, nfev 154, fun 9.040268235720491e-10
    const x0 = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? -1.2 : 1.0));
    const r = await minimizeLbfgsb(rosen, x0);
    expect(r.message).toBe(CONV_F);
    expect(Math.abs(r.nit! - 122)).toBeLessThanOrEqual(3);
    expect(Math.abs(r.nfev - 154)).toBeLessThanOrEqual(6);
    expect(r.fun).toBeLessThan(1e-8);
    r.x.forEach((v) => expect(Math.abs(v - 1)).toBeLessThan(1e-3));
  });

  it('|x - 0.3|: the memory resets on the kink and SciPy still ends on F\'s relative reduction', async () => {
    // SciPy: x 0.2999999999983988, fun 1.6011636461144008e-12, nit 5, nfev 45, CONVERGENCE (its 45 points equal ours)
    const xs: number[] = [];
    const r = await minimizeLbfgsb((x) => { xs.push(x[0]!); return [Math.abs(x[0]! - 0.3), Float64Array.of(Math.sign(x[0]! - 0.3) || 1)]; }, [2]);
    expect(r.message).toBe(CONV_F);
    expect([r.nit, r.nfev, r.status, r.success]).toEqual([5, 45, 0, true]);
    expect(r.x[0]).toBe(0.2999999999983988);
    expect(r.fun).toBe(1.6011636461144008e-12);
    expect(xs.slice(0, 8)).toEqual([2.0, 1.0, -3.0, 0.22201097444216655, 0.6110054872210833, 0.3021560355141959, -0.6978439644858041, 0.16204254958308406]);
  });

  it('an abnormal line search (a gradient that is not the loss\'s) returns the last iterate, as SciPy', async () => {
    // f = x0² + x1², g = [2x0, -2x1] from [1, 3]: SciPy: 'ABNORMAL: ', status 2, x [1, 3], fun 10, jac [2, -6], nit 0, nfev 20
    const r = await minimizeLbfgsb((x) => [x[0]! * x[0]! + x[1]! * x[1]!, Float64Array.of(2 * x[0]!, -2 * x[1]!)], [1, 3]);
    expect(r.message).toBe('ABNORMAL: ');
    expect([r.status, r.success, r.nit, r.nfev]).toEqual([2, false, 0, 20]);
    expect(Array.from(r.x)).toEqual([1, 3]);
    expect(r.fun).toBe(10);
    expect(Array.from(r.jac!)).toEqual([2, -6]);
    // g = -2x from [2, 1]: SciPy ends on F's relative reduction after nit 1, nfev 21, x [2, 1], fun 5
    const s = await minimizeLbfgsb((x) => [x[0]! * x[0]! + x[1]! * x[1]!, Float64Array.of(-2 * x[0]!, -2 * x[1]!)], [2, 1]);
    expect([s.message, s.status, s.nit, s.nfev, s.fun]).toEqual([CONV_F, 0, 1, 21, 5]);
    expect(Array.from(s.x)).toEqual([2, 1]);
  });

  it('refuses crossed bounds and a bad maxls as SciPy', async () => {
    await expect(minimizeLbfgsb(rosen, [0, 0], { bounds: [[1, 0], [null, null]] })).rejects.toThrow('An upper bound is less than the corresponding lower bound.');
    await expect(minimizeLbfgsb(rosen, [0, 0], { maxls: 0 })).rejects.toThrow('maxls must be positive.');
  });
});

/** X, y of the least-squares goldens. */
const N = 20;
const X = Array.from({ length: N }, (_, i) => [0, 1, 2].map((j) => (((i * 7 + j * 3) % 11) - 5) / 4));
const Y = X.map((r, i) => r[0]! * 0.5 + r[1]! * -1.25 + r[2]! * 2.0 + 0.3 + (((i * 5) % 7) - 3) / 20);

async function withSession<T>(fn: (sess: tf.Session) => Promise<T>): Promise<T> {
  const sess = new tf.Session();
  try {
    return await fn(sess);
  } finally {
    await sess.close();
  }
}

describe('ScipyOptimizerInterface', () => {
  it("TF's docstring example (float32): SciPy's x, nit and nfev, the log line, one lossCallback per evaluation", async () => {
    tf.resetDefaultGraph();
    const vector = new tf.Variable([7, 7], { name: 'vector' });
    const loss = tf.reduceSum(tf.square(vector));
    const opt = new tf.contrib.opt.ScipyOptimizerInterface(loss, { options: { maxiter: 100 } });
    const logged: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((m: unknown) => { logged.push(String(m)); });
    const verbosity = tf.logging.getVerbosity();
    tf.logging.setVerbosity(tf.logging.INFO);
    const losses: number[] = [];
    const steps: Float64Array[] = [];
    try {
      await withSession(async (sess) => {
        await sess.run(tf.globalVariablesInitializer());
        await opt.minimize(sess, { fetches: [loss], lossCallback: (l: tf.NDArray) => { losses.push(l.data[0] as number); }, stepCallback: (x: Float64Array) => { steps.push(x); } });
        const v = (await sess.run(vector)) as tf.NDArray;
        // SciPy: x = [-1.88996804251218e-06] * 2, fun 7.1439586e-12, nit 2, nfev 3
        expect(Array.from(v.data as Float32Array)).toEqual([Math.fround(-1.88996804251218e-6), Math.fround(-1.88996804251218e-6)]);
      });
    } finally {
      spy.mockRestore();
      tf.logging.setVerbosity(verbosity);
    }
    expect(opt.result!.nit).toBe(2);
    expect(opt.result!.nfev).toBe(3);
    expect(opt.result!.x[0]).toBe(-1.88996804251218e-6);
    expect(losses).toHaveLength(3);
    expect(losses[0]).toBe(98);
    expect(steps).toHaveLength(2);
    expect(steps[1]![0]).toBe(-1.88996804251218e-6);
    expect(logged).toContain(
      'INFO:tensorflow:Optimization terminated with:\n  Message: CONVERGENCE: NORM OF PROJECTED GRADIENT <= PGTOL\n'
      + '  Objective function value: 0.000000\n  Number of iterations: 2\n  Number of functions evaluations: 3',
    );
  });

  it('bounds (scalars, arrays broadcast, ±Infinity, null) hold; the docstring example ends at [1, 2]', async () => {
    tf.resetDefaultGraph();
    const vector = new tf.Variable([7, 7]);
    const loss = tf.reduceSum(tf.square(vector));
    const opt = new tf.contrib.opt.ScipyOptimizerInterface(loss, { varToBounds: new Map([[vector, [[1, 2], Infinity] as const]]) });
    await withSession(async (sess) => {
      await sess.run(tf.globalVariablesInitializer());
      await opt.minimize(sess);
      expect(((await sess.run(vector)) as tf.NDArray).toArray()).toEqual([1, 2]);
    });
    // a 2×3 matrix: the column bound [1, 2, 3] broadcast over rows, null for none below
    tf.resetDefaultGraph();
    const m = new tf.Variable(tf.zeros([2, 3]));
    const target = tf.constant([[5, 5, 5], [-5, 0, 2.5]]);
    const l2 = tf.reduceSum(tf.square(tf.subtract(m, target)));
    const opt2 = new tf.contrib.opt.ScipyOptimizerInterface(l2, { varToBounds: [[m, [null, [1, 2, 3]]]] });
    await withSession(async (sess) => {
      await sess.run(tf.globalVariablesInitializer());
      await opt2.minimize(sess);
      const v = ((await sess.run(m)) as tf.NDArray).toArray() as number[][];
      const want = [[1, 2, 3], [-5, 0, 2.5]];
      v.flat().forEach((x, i) => expect(Math.abs(x - want.flat()[i]!)).toBeLessThan(1e-5));
    });
  });

  it('a float64 least-squares regression with two variables: SciPy\'s numbers, with and without bounds', async () => {
    for (const [bounded, e] of [
      [false, { x: [0.44509752784324896, -1.2179470772297802, 1.9497016705082066, 0.29803959515207273], fun: 0.007053843618606813, nit: 8, nfev: 10 }],
      [true, { x: [0.25357142857142856, -1.0, 1.5, 0.1], fun: 0.20054631696428576, nit: 4, nfev: 5 }],
    ] as const) {
      tf.resetDefaultGraph();
      const w = new tf.Variable(tf.zeros([3], tf.float64), { name: 'w' });
      const b = new tf.Variable(tf.constant(0, tf.float64), { name: 'b' });
      const x = tf.constant(X, tf.float64);
      const pred = tf.add(tf.reduceSum(tf.multiply(x, w), 1), b);
      const loss = tf.reduceMean(tf.square(tf.subtract(pred, tf.constant(Y, tf.float64))));
      const varToBounds = bounded ? new Map<tf.Variable, readonly [tf.contrib.opt.Bound, tf.contrib.opt.Bound]>([[w, [-1, [1, 1, 1.5]]], [b, [null, 0.1]]]) : null;
      const opt = new tf.contrib.opt.ScipyOptimizerInterface(loss, [w, b], null, null, varToBounds);
      await withSession(async (sess) => {
        await sess.run(tf.globalVariablesInitializer());
        await opt.minimize(sess);
        const got = [...((await sess.run(w)) as tf.NDArray).toArray() as number[], ((await sess.run(b)) as tf.NDArray).toArray() as number];
        got.forEach((v, i) => expect(Math.abs(v - e.x[i]!)).toBeLessThan(1e-8));
      });
      expect(opt.result!.nit).toBe(e.nit);
      expect(opt.result!.nfev).toBe(e.nfev);
      expect(Math.abs(opt.result!.fun - e.fun)).toBeLessThan(1e-12);
    }
  });

  it('Rosenbrock 5-D as a float64 graph: SciPy\'s nit, nfev and x', async () => {
    tf.resetDefaultGraph();
    const v = new tf.Variable(tf.constant(R5, tf.float64));
    const head = tf.slice(v, [0], [4]), tail = tf.slice(v, [1], [4]);
    const a = tf.subtract(tail, tf.square(head));
    const loss = tf.reduceSum(tf.add(tf.multiply(100, tf.square(a)), tf.square(tf.subtract(1, head))));
    const opt = new tf.contrib.opt.ScipyOptimizerInterface(loss);
    await withSession(async (sess) => {
      await sess.run(tf.globalVariablesInitializer());
      await opt.minimize(sess);
    });
    const e = goldens[1]![5];
    expect(opt.result!.nit).toBe(e.nit);
    expect(opt.result!.nfev).toBe(e.nfev);
    opt.result!.x.forEach((x, i) => expect(Math.abs(x - e.x[i]!)).toBeLessThan(1e-8));
    // options reach the solver: maxiter 7 (the golden above), and maxfun 10 — SciPy: nit 10, nfev 11,
    // fun 0.022131939375495735, x [1.0152901991846057, 1.0311251101983745, 1.0628215596639268, 1.1300638345755847, 1.2774718366992692]
    const m = goldens[5]![5];
    const maxfun = { x: [1.0152901991846057, 1.0311251101983745, 1.0628215596639268, 1.1300638345755847, 1.2774718366992692], fun: 0.022131939375495735, nit: 10, nfev: 11, message: 'STOP: TOTAL NO. OF F,G EVALUATIONS EXCEEDS LIMIT' };
    for (const [options, g] of [[{ maxiter: 7 }, m], [{ maxfun: 10 }, maxfun]] as const) {
      const o = new tf.contrib.opt.ScipyOptimizerInterface(loss, { options });
      await withSession(async (sess) => {
        await sess.run(tf.globalVariablesInitializer());
        await o.minimize(sess);
        const got = ((await sess.run(v)) as tf.NDArray).toArray() as number[];
        got.forEach((x, i) => expect(Math.abs(x - g.x[i]!)).toBeLessThan(1e-8));
      });
      expect([o.result!.nit, o.result!.nfev, o.result!.message, o.result!.success]).toEqual([g.nit, g.nfev, g.message, false]);
      expect(Math.abs(o.result!.fun - g.fun)).toBeLessThan(1e-12);
    }
  });

  it('feeds the feed dict to every evaluation; default session and trainable variables', async () => {
    tf.resetDefaultGraph();
    const t = tf.placeholder(tf.float32, [2]);
    const v = new tf.Variable([0, 0]);
    const loss = tf.reduceSum(tf.square(tf.subtract(v, t)));
    const opt = new tf.contrib.opt.ScipyOptimizerInterface(loss);
    await withSession(async (sess) => {
      await sess.run(tf.globalVariablesInitializer());
      await sess.asDefault(() => opt.minimize(null, new Map([[t, [3, -4]]])));
      const got = ((await sess.run(v)) as tf.NDArray).toArray() as number[];
      expect(Math.abs(got[0]! - 3)).toBeLessThan(1e-5);
      expect(Math.abs(got[1]! + 4)).toBeLessThan(1e-5);
    });
  });

  it('a feed dict keyed by tensor names in the feedDict position is told apart from keywords', async () => {
    tf.resetDefaultGraph();
    const t = tf.placeholder(tf.float32, [2], 'target');
    const v = new tf.Variable([0, 0]);
    const loss = tf.reduceSum(tf.square(tf.subtract(v, t)));
    const opt = new tf.contrib.opt.ScipyOptimizerInterface(loss, [v]);
    await withSession(async (sess) => {
      await sess.run(tf.globalVariablesInitializer());
      await opt.minimize(sess, { 'target:0': [3, -4] });
      const got = ((await sess.run(v)) as tf.NDArray).toArray() as number[];
      expect(Math.abs(got[0]! - 3)).toBeLessThan(1e-5);
      expect(Math.abs(got[1]! + 4)).toBeLessThan(1e-5);
      // the same feed by keyword, with fetches positionally after it
      const seen: number[] = [];
      await sess.run(v.initializer);
      await opt.minimize(sess, { feedDict: { 'target:0': [1, 1] }, fetches: [t], lossCallback: (tv: tf.NDArray) => { seen.push(tv.data[0] as number); } });
      expect(seen.length).toBe(opt.result!.nfev);
      expect(seen.every((x) => x === 1)).toBe(true);
      await expect(opt.minimize(sess, { fetches: [loss], feedDict: null, bogus: 1 } as never)).rejects.toThrow("Cannot interpret feed_dict key as Tensor");
      await expect(opt.minimize(sess, {}, { bogus: 1 } as never)).rejects.toThrow("minimize() got an unexpected keyword argument 'bogus'");
    });
  });

  it('a step that fails leaves the variables as they were', async () => {
    tf.resetDefaultGraph();
    const vector = new tf.Variable([7, 7]);
    const loss = tf.reduceSum(tf.square(vector));
    const opt = new tf.contrib.opt.ScipyOptimizerInterface(loss);
    await withSession(async (sess) => {
      await sess.run(tf.globalVariablesInitializer());
      let calls = 0;
      const failing = (): void => {
        if (++calls === 2) throw new Error('loss callback failed');
      };
      await expect(opt.minimize(sess, { fetches: [loss], lossCallback: failing })).rejects.toThrow('loss callback failed');
      expect(calls).toBe(2);
      expect(((await sess.run(vector)) as tf.NDArray).toArray()).toEqual([7, 7]);
      await expect(opt.minimize(sess, { stepCallback: () => { throw new Error('step callback failed'); } })).rejects.toThrow('step callback failed');
      expect(((await sess.run(vector)) as tf.NDArray).toArray()).toEqual([7, 7]);
      // an evaluation whose run fails (a placeholder left unfed)
      const p = tf.placeholder(tf.float32, [], 'unfed');
      const opt2 = new tf.contrib.opt.ScipyOptimizerInterface(tf.add(loss, p));
      await expect(opt2.minimize(sess)).rejects.toThrow('unfed');
      expect(((await sess.run(vector)) as tf.NDArray).toArray()).toEqual([7, 7]);
    });
  });

  it("TF's docstring constraints: SLSQP is refused by name; L-BFGS-B warns as SciPy and ignores them", async () => {
    tf.resetDefaultGraph();
    const vector = new tf.Variable([7, 7], { name: 'vector' });
    const loss = tf.reduceSum(tf.square(vector));
    const equalities = [tf.subtract(tf.gather(vector, 1), 1)];
    const inequalities = [tf.subtract(tf.gather(vector, 0), 1)];
    const slsqp = new tf.contrib.opt.ScipyOptimizerInterface(loss, { equalities, inequalities, method: 'SLSQP' });
    const warnings: string[] = [];
    const spy = vi.spyOn(process, 'emitWarning').mockImplementation(((m: string | Error) => { warnings.push(String(m)); }) as typeof process.emitWarning);
    try {
      await withSession(async (sess) => {
        await sess.run(tf.globalVariablesInitializer());
        await expect(slsqp.minimize(sess)).rejects.toThrow("ScipyOptimizerInterface: method 'SLSQP' is not implemented in tsflow; the methods available are: L-BFGS-B");
        expect(((await sess.run(vector)) as tf.NDArray).toArray()).toEqual([7, 7]);
        // SciPy (float64 [7, 7], the constraints given): RuntimeWarning, x [2.66453526e-15] * 2, nit 2, nfev 3
        const plain = new tf.contrib.opt.ScipyOptimizerInterface(loss, null, equalities, inequalities, { options: { foo: 1 } });
        await plain.minimize(sess);
        expect([plain.result!.nit, plain.result!.nfev]).toEqual([2, 3]);
        (((await sess.run(vector)) as tf.NDArray).toArray() as number[]).forEach((x) => expect(Math.abs(x)).toBeLessThan(1e-5));
      });
    } finally {
      spy.mockRestore();
    }
    expect(warnings).toContain('RuntimeWarning: Method L-BFGS-B cannot handle constraints.');
    expect(warnings).toContain('OptimizeWarning: Unknown solver options: foo');
  });

  it('ExternalOptimizerInterface: a subclass gets the packed start and loss/gradient function', async () => {
    tf.resetDefaultGraph();
    const a = new tf.Variable([1, 2]), c = new tf.Variable(3);
    const loss = tf.add(tf.reduceSum(tf.square(a)), tf.square(c));
    class Descent extends tf.contrib.opt.ExternalOptimizerInterface {
      seen: Float64Array | null = null;
      protected override async _minimize(args: tf.contrib.opt.MinimizeArgs): Promise<Float64Array> {
        this.seen = args.initialVal;
        let x = args.initialVal;
        for (let k = 0; k < 3; k++) {
          const [, g] = await args.lossGradFunc(x);
          x = x.map((xi, i) => xi - 0.25 * g[i]!);
        }
        return x;
      }
    }
    const opt = new Descent(loss);
    await withSession(async (sess) => {
      await sess.run(tf.globalVariablesInitializer());
      await opt.minimize(sess);
      expect(Array.from(opt.seen!)).toEqual([1, 2, 3]);
      // each step halves x: x·(1 - 0.25·2)³
      expect(((await sess.run(a)) as tf.NDArray).toArray()).toEqual([0.125, 0.25]);
      expect(((await sess.run(c)) as tf.NDArray).toArray()).toBe(0.375);
    });
    tf.resetDefaultGraph();
    const base = new tf.contrib.opt.ExternalOptimizerInterface(tf.reduceSum(tf.square(new tf.Variable([1]))));
    await withSession(async (sess) => {
      await sess.run(tf.globalVariablesInitializer());
      await expect(base.minimize(sess)).rejects.toThrow('To use ExternalOptimizerInterface, subclass from it and implement the _minimize() method.');
    });
  });

  it("TF's and SciPy's errors: injected keywords, methods, bounds", async () => {
    tf.resetDefaultGraph();
    const v = new tf.Variable([1, 2]);
    const loss = tf.reduceSum(tf.square(v));
    const run = async (kw: Record<string, unknown>): Promise<void> => {
      const opt = new tf.contrib.opt.ScipyOptimizerInterface(loss, kw as tf.contrib.opt.InitKeywords);
      await withSession(async (sess) => {
        await sess.run(tf.globalVariablesInitializer());
        await opt.minimize(sess);
      });
    };
    await expect(run({ bounds: [[0, 1]] })).rejects.toThrow('Bounds must be set using the var_to_bounds argument');
    await expect(run({ jac: true })).rejects.toThrow("Optimizer keyword arg 'jac' is set automatically and cannot be injected manually");
    await expect(run({ method: 'SLSQP' })).rejects.toThrow("method 'SLSQP' is not implemented in tsflow");
    await expect(run({ method: 'no-such' })).rejects.toThrow('Unknown solver no-such');
    await expect(run({ method: 'L-BFGS-B', options: { maxls: 0 } })).rejects.toThrow('maxls must be positive.');
    expect(() => new tf.contrib.opt.ScipyOptimizerInterface(loss, { varToBounds: new Map([[v, [[0, 0, 0], 1] as const]]) }))
      .toThrow('operands could not be broadcast together with remapped shapes [original->remapped]: (3,) and requested shape (2,)');
    // tol sets ftol and gtol, as scipy.optimize.minimize's
    const loose = new tf.contrib.opt.ScipyOptimizerInterface(loss, { tol: 1e-1 });
    const tight = new tf.contrib.opt.ScipyOptimizerInterface(loss);
    for (const o of [loose, tight]) {
      await withSession(async (sess) => {
        await sess.run(tf.globalVariablesInitializer());
        await o.minimize(sess);
      });
    }
    expect(loose.result!.nfev).toBeLessThanOrEqual(tight.result!.nfev);
  });
});
