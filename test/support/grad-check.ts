/**
 * Central finite-difference gradient checks on any device and float dtype: loss = Σ w·f(x) with
 * fixed random weights w; tf.gradients (dense or IndexedSlices) must match (f(x+h) − f(x−h)) / 2h
 * for every input element. float64 uses h = 1e-5 and a 1e-6 tolerance; float32 (the wasm kernels,
 * WebGPU) h = 1e-2 and a 3e-3 tolerance, relative to 1 + |numeric|.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray, SessionOptions, Tensor } from 'tsflow';
import { skipTest } from '../conformance/harness.js';

export type Gen = 'uniform' | 'pos' | 'away' | ((r: () => number, i: number) => number);

export interface GradIn {
  shape: number[];
  gen?: Gen;
  /** A fixed, non-differentiated input (e.g. int indices). */
  fixed?: { dtype: 'int32'; value: number[] };
}

export interface GradCase {
  name: string;
  ins: GradIn[];
  f: (...xs: Tensor[]) => Tensor | Tensor[];
}

export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function draw(gen: Gen, n: number, r: () => number): number[] {
  return Array.from({ length: n }, (_, i) => {
    if (typeof gen === 'function') return gen(r, i);
    if (gen === 'pos') return 0.5 + 1.5 * r();
    if (gen === 'away') return (r() < 0.5 ? -1 : 1) * (0.2 + 0.8 * r());
    return 2 * r() - 1;
  });
}

const size = (s: readonly number[]): number => s.reduce((a, d) => a * d, 1);

function arr(values: number[], shape: number[], dtype: 'float32' | 'float64' | 'int32'): NDArray {
  const data = dtype === 'float32' ? Float32Array.from(values) : dtype === 'int32' ? Int32Array.from(values) : Float64Array.from(values);
  return new tf.NDArray(data, shape, dtype);
}

/** Check the case's first-order gradients on a session made with `options`, in `dtype`. */
export async function checkGradients(c: GradCase, dtype: 'float32' | 'float64', options: SessionOptions, seed = 1): Promise<void> {
  const f32 = dtype === 'float32';
  const h = f32 ? 1e-2 : 1e-5;
  const rtol = f32 ? 3e-3 : 1e-6;
  const g = new tf.Graph();
  const r = rng(seed);
  const { phs, loss, grads, init } = g.asDefault(() => {
    // Weights a case makes (an RNN cell's) start the same every run: a float32 check is then
    // the same check each time, not one that a rare draw near a kink can fail.
    tf.setRandomSeed(seed);
    const phs = c.ins.map((inp, i) => tf.placeholder(inp.fixed?.dtype ?? dtype, inp.shape, `x${i}`));
    const out = c.f(...phs);
    const outs = Array.isArray(out) ? out : [out];
    const weighted = outs.map((y) => {
      const shape = y.shape as number[];
      if (!shape || shape.some((d) => d === null)) throw new Error(`${c.name}: outputs need static shapes for the check`);
      return tf.reduceSum(tf.multiply(y, tf.constant(arr(draw('uniform', size(shape), r), shape, dtype))));
    });
    const loss = tf.addN(weighted);
    const xs = c.ins.flatMap((inp, i) => (inp.fixed ? [] : [phs[i]!]));
    // Variables a case makes (an RNN cell's weights) are initialized before the check.
    const init = tf.globalVariables().length > 0 ? tf.globalVariablesInitializer() : null;
    return { phs, loss, grads: tf.gradients(loss, xs), init };
  });
  const values = c.ins.map((inp) => (inp.fixed ? [...inp.fixed.value] : draw(inp.gen ?? 'uniform', size(inp.shape), r)));
  // Inputs exactly as the device holds them, so the numeric side perturbs those values.
  if (f32) values.forEach((v, i) => { if (!c.ins[i]!.fixed) for (let k = 0; k < v.length; k++) v[k] = Math.fround(v[k]!); });
  const feed = (vals: number[][]) => new Map(phs.map((p, i) => [p, arr(vals[i]!, c.ins[i]!.shape, c.ins[i]!.fixed?.dtype ?? dtype)] as [Tensor, NDArray]));
  const sess = new tf.Session({ ...options, graph: g });
  try {
    if (init) await sess.run(init);
    const present = grads.map((gr, i) => [gr, i] as const).filter(([gr]) => gr !== null);
    const fetched = (await sess.run(present.map(([gr]) => gr!), feed(values))) as NDArray[];
    const sym = new Map(present.map(([, i], k) => [i, fetched[k]!]));
    let k = 0;
    for (let xi = 0; xi < c.ins.length; xi++) {
      if (c.ins[xi]!.fixed) continue;
      const gi = k++;
      const x = values[xi]!;
      const s = sym.get(gi);
      if (s) expect(s.shape, `${c.name}: shape of d/dx${xi}`).toEqual(c.ins[xi]!.shape);
      for (let j = 0; j < x.length; j++) {
        const orig = x[j]!;
        x[j] = orig + h;
        const fp = Number(((await sess.run(loss, feed(values))) as NDArray).data[0]);
        x[j] = orig - h;
        const fm = Number(((await sess.run(loss, feed(values))) as NDArray).data[0]);
        x[j] = orig;
        const num = (fp - fm) / (2 * h);
        const got = s ? Number(s.data[j]) : 0;
        if (!(Math.abs(got - num) <= rtol * (1 + Math.abs(num)))) {
          throw new Error(`${c.name} (${dtype}): d/dx${xi}[${j}] symbolic ${got} vs numeric ${num} (symbolic all: ${s ? Array.from(s.data) : 'null'})`);
        }
      }
    }
  } finally {
    await sess.close();
  }
}

/** Where finite-difference tables run: float64 on the plain-JS kernels, float32 on wasm and WebGPU. */
export interface GradConfig {
  label: string;
  dtype: 'float32' | 'float64';
  options: SessionOptions;
  /** Why this configuration is skipped in this run, or null. */
  skip: () => string | null;
}

export function gradConfigs(devices: readonly { name: string; skipReason: string | null }[]): GradConfig[] {
  return [
    { label: 'float64, CPU (plain-JS kernels)', dtype: 'float64', options: { device: 'cpu', threads: 1 }, skip: () => null },
    { label: 'float32, CPU (wasm kernels)', dtype: 'float32', options: { device: 'cpu', threads: 1 }, skip: () => null },
    {
      label: 'float32, WebGPU',
      dtype: 'float32',
      options: { device: 'webgpu' },
      skip: () => devices.find((d) => d.name === 'webgpu')?.skipReason ?? (devices.some((d) => d.name === 'webgpu') ? null : 'webgpu is not in TSFLOW_TEST_DEVICES'),
    },
  ];
}

/** A table row for describeGradients: a case, and its test's name when that differs from the case's name. */
export type GradTest = GradCase & { test?: string };

export interface DescribeGradientsOptions<C extends GradTest> {
  /** Why `c` is skipped on `cfg` (beyond the configuration's own skip), or null: the test is still listed. */
  skip?: (c: C, cfg: GradConfig) => string | null;
  /** Further tests to declare inside each configuration's describe block, after the table. */
  extra?: (cfg: GradConfig) => void;
}

/**
 * One describe block per gradConfigs entry, one test per case checking its finite-difference
 * gradients there. `title` is the block's name before `: <config label>`, or a function of the
 * label; `cases` may depend on the configuration (cases that only make sense in float32).
 */
export function describeGradients<C extends GradTest>(
  title: string | ((label: string) => string),
  cases: readonly C[] | ((cfg: GradConfig) => readonly C[]),
  devices: readonly { name: string; skipReason: string | null }[],
  opts: DescribeGradientsOptions<C> = {},
): void {
  for (const cfg of gradConfigs(devices)) {
    describe(typeof title === 'function' ? title(cfg.label) : `${title}: ${cfg.label}`, () => {
      for (const c of typeof cases === 'function' ? cases(cfg) : cases) {
        it(c.test ?? c.name, async (ctx) => {
          const why = cfg.skip() ?? opts.skip?.(c, cfg) ?? null;
          if (why) skipTest(ctx, why);
          await checkGradients(c, cfg.dtype, cfg.options);
        });
      }
      opts.extra?.(cfg);
    });
  }
}
