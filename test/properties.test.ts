/**
 * Properties (fast-check): numpy broadcasting of random compatible shapes, static shape inference
 * of random op chains against run-time shapes, and the memory planner's invariants — no two
 * simultaneously live buffers overlap, every offset is aligned — both on random interval sets
 * and on real compiled plans.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as tf from 'tsflow';
import type { NDArray, Tensor } from 'tsflow';
import { type Interval, peakLiveBytes, planArena, planIntervals } from '../src/session/memory.js';
import { compilePlan } from '../src/session/compile.js';
import type { Plan } from '../src/device/plan.js';
import { evaluate, numpyBroadcast } from './conformance/reference.js';
import { Rng, apiFn, arrayOf, mismatches, registerSkipSummary, resolvedDevices, skipTest } from './conformance/harness.js';

registerSkipSummary();

const devices = await resolvedDevices();
const TOL = { rtol: 1e-5, atol: 1e-5 };

// ----- arbitraries ------------------------------------------------------------------------------

const dimArb = fc.integer({ min: 1, max: 4 });
/** An output shape and two shapes that broadcast to it (each a suffix with some dims set to 1). */
const broadcastPairArb = fc
  .array(fc.oneof({ weight: 6, arbitrary: dimArb }, { weight: 1, arbitrary: fc.constant(0) }), { minLength: 0, maxLength: 4 })
  .chain((out) =>
    fc.tuple(
      fc.constant(out),
      ...[0, 1].map(() =>
        fc
          .tuple(fc.integer({ min: 0, max: out.length }), fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length }))
          .map(([drop, ones]) => out.slice(drop).map((d, i) => (ones[i + drop] ? 1 : d))),
      ),
    ),
  );

const BINARY_OPS = {
  add: (a: Tensor, b: Tensor) => tf.add(a, b),
  multiply: (a: Tensor, b: Tensor) => tf.multiply(a, b),
  subtract: (a: Tensor, b: Tensor) => tf.subtract(a, b),
  maximum: (a: Tensor, b: Tensor) => tf.maximum(a, b),
  greater: (a: Tensor, b: Tensor) => tf.greater(a, b),
  where: (a: Tensor, b: Tensor) => tf.where(tf.greater(a, 0), a, b),
} as const;

/** Python-style numpy broadcasting, written out for the property (independent of tsflow). */
function expectedBroadcast(a: readonly number[], b: readonly number[]): number[] | undefined {
  const r = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < r; i++) {
    const x = a[a.length - r + i] ?? 1;
    const y = b[b.length - r + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) return undefined;
    out.push(x === 1 ? y : x);
  }
  return out;
}

function describeShape(s: readonly (number | null)[] | null): string {
  return s === null ? '<unknown>' : `[${s.map((d) => d ?? '?').join(',')}]`;
}

// ----- random op chains -------------------------------------------------------------------------

interface ChainResult {
  feeds: Map<Tensor, NDArray>;
  /** Every intermediate with the concrete shape the chain expects it to have. */
  steps: { t: Tensor; expect: number[]; what: string }[];
}

const MAX_ELEMS = 256;
const size = (s: readonly number[]): number => s.reduce((a, d) => a * d, 1);
const call = (path: string, ...args: unknown[]): Tensor => (apiFn(path) as (...a: unknown[]) => Tensor)(...args);

/**
 * Build a chain of ops from `seeds` on a placeholder of `shape` (all dims unknown when `unknown`),
 * tracking the concrete shape each step must produce. Each seed picks a step kind and its
 * parameters, given the current shape.
 */
function buildChain(shape: number[], seeds: number[], unknown: boolean): ChainResult {
  const r0 = new Rng(seeds.reduce((a, s) => (a * 31 + s) >>> 0, 7));
  const input = arrayOf(shape, 'float32', () => r0.uniform(-2, 2));
  const x = tf.placeholder('float32', unknown ? shape.map(() => null) : shape);
  let cur: Tensor = x;
  let s = [...shape];
  const steps: ChainResult['steps'] = [];
  const push = (t: Tensor, expect: number[], what: string): void => {
    steps.push({ t, expect, what });
    cur = t;
    s = expect;
  };
  for (const seed of seeds) {
    const r = new Rng(seed);
    const kind = r.int(0, 13);
    const rank = s.length;
    switch (kind) {
      case 0:
        push(tf.tanh(cur), s, 'tanh');
        break;
      case 1: {
        // Broadcast against a constant; sometimes one that adds a leading dim.
        let other = r.broadcastable(s);
        if (r.bool(0.3) && size(s) * 3 <= MAX_ELEMS && rank < 5) other = [r.int(1, 3), ...s.map((d) => (r.bool(0.3) ? 1 : d))];
        const out = expectedBroadcast(s, other)!;
        push(tf.add(cur, tf.constant(arrayOf(other, 'float32', () => r.uniform(-1, 1)))), out, `add const [${other}]`);
        break;
      }
      case 2: {
        if (rank === 0) break;
        const axes = [...Array(rank).keys()].filter(() => r.bool());
        const keep = r.bool();
        const useAxes = axes.length > 0 || r.bool();
        const set = new Set(useAxes ? axes : [...Array(rank).keys()]);
        const out = s.flatMap((d, i) => (set.has(i) ? (keep ? [1] : []) : [d]));
        const fn = r.bool() ? tf.reduceSum : tf.reduceMax;
        if (fn === tf.reduceMax && s.some((d, i) => set.has(i) && d === 0)) break;
        push(fn(cur, useAxes ? axes : undefined, keep), out, `reduce axes ${useAxes ? `[${axes}]` : 'all'} keep=${keep}`);
        break;
      }
      case 3: {
        const perm = [...Array(rank).keys()];
        for (let i = perm.length - 1; i > 0; i--) {
          const j = r.int(0, i);
          [perm[i], perm[j]] = [perm[j]!, perm[i]!];
        }
        push(tf.transpose(cur, perm), perm.map((p) => s[p]!), `transpose [${perm}]`);
        break;
      }
      case 4: {
        const n = size(s);
        if (n === 0) break;
        const factors: number[] = [];
        let rest = n;
        for (let p = 2; p <= rest; p++) while (rest % p === 0) { factors.push(p); rest /= p; }
        const target: number[] = [];
        for (const f of factors) if (target.length && r.bool()) target[target.length - 1]! *= f; else target.push(f);
        const concrete = [...target];
        if (target.length && r.bool()) target[r.int(0, target.length - 1)] = -1;
        push(tf.reshape(cur, target), concrete, `reshape [${target}]`);
        break;
      }
      case 5: {
        if (rank < 2 || size(s) === 0) break;
        const k = s[rank - 1]!;
        const n = r.int(1, 4);
        const out = [...s.slice(0, -1), n];
        if (size(out) > MAX_ELEMS) break;
        push(tf.matmul(cur, tf.constant(arrayOf([k, n], 'float32', () => r.uniform(-1, 1)))), out, `matmul [${k},${n}]`);
        break;
      }
      case 6:
        if (rank === 0) break;
        push(tf.nn.softmax(cur), s, 'softmax');
        break;
      case 7: {
        if (!apiFn('expandDims') || rank >= 5) break;
        const axis = r.int(-rank - 1, rank);
        const a = axis < 0 ? axis + rank + 1 : axis;
        push(call('expandDims', cur, axis), [...s.slice(0, a), 1, ...s.slice(a)], `expandDims ${axis}`);
        break;
      }
      case 8: {
        if (!apiFn('squeeze') || !s.includes(1)) break;
        const ones = [...s.keys()].filter((i) => s[i] === 1);
        if (unknown) {
          // With unknown dims the axes must be named.
          push(call('squeeze', cur, ones), s.filter((d) => d !== 1), `squeeze [${ones}]`);
        } else push(call('squeeze', cur), s.filter((d) => d !== 1), 'squeeze');
        break;
      }
      case 9: {
        if (!apiFn('concat') || rank === 0 || size(s) * 2 > MAX_ELEMS) break;
        const axis = r.int(0, rank - 1);
        const out = [...s];
        out[axis] = s[axis]! * 2;
        push(call('concat', [cur, cur], axis), out, `concat self axis ${axis}`);
        break;
      }
      case 10: {
        if (!apiFn('slice') || rank === 0) break;
        const begin = s.map((d) => (d === 0 ? 0 : r.int(0, d - 1)));
        const sz = s.map((d, i) => r.int(0, d - begin[i]!));
        push(call('slice', cur, begin, sz), sz, `slice [${begin}] [${sz}]`);
        break;
      }
      case 11: {
        if (!apiFn('tile') || rank === 0) break;
        const mult = s.map(() => r.int(1, 2));
        const out = s.map((d, i) => d * mult[i]!);
        if (size(out) > MAX_ELEMS) break;
        push(call('tile', cur, mult), out, `tile [${mult}]`);
        break;
      }
      case 12:
        // bool → int32 → float32: casts between dtypes of one element size.
        push(tf.cast(tf.cast(tf.greater(cur, 0), 'int32'), 'float32'), s, 'cast(cast(x > 0, int32), float32)');
        break;
      default:
        push(tf.multiply(cur, cur), s, 'square by multiply');
    }
  }
  return { feeds: new Map([[x, input]]), steps };
}

const chainArb = fc.record({
  shape: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 0, maxLength: 4 }),
  seeds: fc.array(fc.integer({ min: 1, max: 2 ** 31 - 1 }), { minLength: 1, maxLength: 8 }),
});

// ----- properties on a device -------------------------------------------------------------------

for (const dev of devices) {
  describe(`properties [${dev.name}]`, () => {
    it('broadcasting: static shape follows numpy rules and values match the reference', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, `${dev.name}: ${dev.skipReason}`);
      await fc.assert(
        fc.asyncProperty(broadcastPairArb, fc.constantFrom(...(Object.keys(BINARY_OPS) as (keyof typeof BINARY_OPS)[])), fc.boolean(), fc.integer(), async ([, sa, sb], opName, unknown, seed) => {
          const want = expectedBroadcast(sa, sb)!;
          expect(numpyBroadcast(sa, sb)).toEqual(want);
          const g = new tf.Graph();
          const r = new Rng(seed);
          const [a, b, y] = g.asDefault(() => {
            const a = tf.placeholder('float32', unknown ? sa.map(() => null) : sa);
            const b = tf.placeholder('float32', unknown ? sb.map(() => null) : sb);
            return [a, b, BINARY_OPS[opName](a, b)] as const;
          });
          if (!unknown) expect(y.shape).toEqual(want);
          else expect(y.shape).toHaveLength(want.length);
          const av = arrayOf(sa, 'float32', () => r.int(-4, 4) / 2);
          const bv = arrayOf(sb, 'float32', () => r.int(-4, 4) / 2);
          const sess = new tf.Session({ ...dev.options, graph: g });
          try {
            const got = (await sess.run(y, [[a, av], [b, bv]])) as NDArray;
            expect(got.shape).toEqual(want);
            const ref = evaluate([y], { feeds: new Map([[a, av], [b, bv]]) })[0]!;
            expect(mismatches(got, ref, TOL)).toEqual([]);
          } finally {
            await sess.close();
          }
        }),
        { numRuns: 40, seed: 20240601 },
      );
    });

    it('incompatible shapes fail at build time (known dims) with TF text', () => {
      fc.assert(
        fc.property(fc.array(dimArb, { minLength: 1, maxLength: 4 }), fc.nat(), fc.integer({ min: 2, max: 5 }), (shape, at, bump) => {
          const i = at % shape.length;
          const other = [...shape];
          other[i] = shape[i]! === 1 ? bump : shape[i]! + bump;
          if (shape[i] === 1) return; // 1 broadcasts: no conflict
          const g = new tf.Graph();
          g.asDefault(() => {
            const a = tf.placeholder('float32', shape);
            const b = tf.placeholder('float32', other);
            const e = (() => {
              try {
                tf.add(a, b);
              } catch (err) {
                return err as Error;
              }
              return null;
            })();
            expect(e).toBeInstanceOf(tf.errors.ValueError);
            expect(e!.message).toMatch(
              new RegExp(`^Dimensions must be equal, but are ${shape[i]} and ${other[i]} for 'Add' \\(op: 'Add'\\) with input shapes: \\[${shape.join(',')}\\], \\[${other.join(',')}\\]\\.$`),
            );
          });
        }),
        { numRuns: 60, seed: 11 },
      );
    });

    it('shape inference of random op chains equals the run-time shapes (and the reference values)', async (ctx) => {
      if (dev.skipReason) skipTest(ctx, `${dev.name}: ${dev.skipReason}`);
      await fc.assert(
        fc.asyncProperty(chainArb, fc.boolean(), async ({ shape, seeds }, unknown) => {
          const g = new tf.Graph();
          const chain = g.asDefault(() => buildChain(shape, seeds, unknown));
          if (chain.steps.length === 0) return;
          const sess = new tf.Session({ ...dev.options, graph: g });
          try {
            const got = (await sess.run(chain.steps.map((s) => s.t), chain.feeds)) as NDArray[];
            const ref = evaluate(chain.steps.map((s) => s.t), { feeds: chain.feeds });
            chain.steps.forEach((st, i) => {
              const where = `step ${i} (${st.what}) of ${chain.steps.map((s) => s.what).join(' → ')}`;
              expect(got[i]!.shape, where).toEqual(st.expect);
              expect([...ref[i]!.shape], where).toEqual(st.expect);
              const stat = st.t.shape;
              if (!unknown) expect(stat, `${where}: static ${describeShape(stat)}`).toEqual(st.expect);
              else if (stat !== null) {
                const ok = stat.length === st.expect.length && stat.every((d, k) => d === null || d === st.expect[k]);
                expect(ok, `${where}: static ${describeShape(stat)} vs run-time [${st.expect}]`).toBe(true);
              }
              expect(mismatches(got[i]!, ref[i]!, TOL), where).toEqual([]);
            });
          } finally {
            await sess.close();
          }
        }),
        { numRuns: 40, seed: 777 },
      );
    });
  });
}

// ----- the memory planner ---------------------------------------------------------------------------

function liveTogether(a: { start: number; end: number }, b: { start: number; end: number }): boolean {
  return a.start <= b.end && b.start <= a.end;
}

/** Problems with a placement: misaligned offsets, overlapping live buffers, arena too small. */
function placementProblems(
  items: { id: number; start: number; end: number; off: number; bytes: number }[],
  alignment: number,
  arenaBytes: number,
): string[] {
  const out: string[] = [];
  for (const a of items) {
    if (a.off % alignment !== 0) out.push(`buffer ${a.id} at offset ${a.off} is not ${alignment}-aligned`);
    if (a.off + a.bytes > arenaBytes) out.push(`buffer ${a.id} [${a.off}, ${a.off + a.bytes}) exceeds the arena (${arenaBytes})`);
  }
  for (let i = 0; i < items.length; i++) {
    for (let j = i + 1; j < items.length; j++) {
      const a = items[i]!;
      const b = items[j]!;
      if (!liveTogether(a, b) || a.bytes === 0 || b.bytes === 0) continue;
      if (a.off < b.off + b.bytes && b.off < a.off + a.bytes) {
        out.push(`buffers ${a.id} [${a.off}, ${a.off + a.bytes}) live ${a.start}..${a.end} and ${b.id} [${b.off}, ${b.off + b.bytes}) live ${b.start}..${b.end} overlap`);
      }
    }
  }
  return out;
}

const intervalsArb = fc
  .array(
    fc.record({
      bytes: fc.oneof(fc.integer({ min: 0, max: 64 }), fc.integer({ min: 65, max: 10000 })),
      start: fc.integer({ min: -1, max: 30 }),
      len: fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 0, max: 12 }) }, { weight: 1, arbitrary: fc.constant(Infinity) }),
    }),
    { minLength: 0, maxLength: 40 },
  )
  .map((xs) => xs.map((x, id): Interval => ({ id, bytes: x.bytes, start: x.start, end: x.start + x.len })));

/** Temp buffers' live ranges in a compiled plan, from its steps, feeds, fetches and commits. */
function planLifetimes(plan: Plan): { id: number; start: number; end: number; off: number; bytes: number }[] {
  return planIntervals(plan).map(({ id, start, end, offset, bytes }) => ({ id, start, end, off: offset, bytes }));
}

describe('memory planner', () => {
  it('planArena: aligned offsets, no overlap between simultaneously live buffers, arena ≥ peak', () => {
    fc.assert(
      fc.property(intervalsArb, fc.constantFrom(1, 4, 8, 16, 64, 256), (ivs, alignment) => {
        const { offsets, arenaBytes } = planArena(ivs, alignment);
        expect(offsets.size).toBe(ivs.length);
        const items = ivs.map((iv) => ({ id: iv.id, start: iv.start, end: iv.end, off: offsets.get(iv.id)!, bytes: iv.bytes }));
        expect(placementProblems(items, alignment, arenaBytes)).toEqual([]);
        expect(arenaBytes).toBeGreaterThanOrEqual(peakLiveBytes(ivs, alignment));
        expect(arenaBytes % alignment).toBe(0);
      }),
      { numRuns: 300, seed: 42 },
    );
  });

  it('planArena: buffers that are never live together may share memory', () => {
    const { offsets, arenaBytes } = planArena(
      [
        { id: 0, bytes: 1000, start: 0, end: 1 },
        { id: 1, bytes: 1000, start: 2, end: 3 },
      ],
      64,
    );
    expect(offsets.get(0)).toBe(offsets.get(1));
    expect(arenaBytes).toBe(1024);
  });

  it('compiled plans of random graphs: aligned, no overlapping live temps, in-place only for elementwise steps', () => {
    const ELEMENTWISE = new Set(['unary', 'binary', 'select', 'cast']);
    fc.assert(
      fc.property(chainArb, fc.constantFrom(16, 64, 256), fc.boolean(), fc.boolean(), ({ shape, seeds }, alignment, inPlace, withVar) => {
        const g = new tf.Graph();
        const { chain, fetches } = g.asDefault(() => {
          const chain = buildChain(shape, seeds, false);
          const fetches: (Tensor | tf.Operation)[] = chain.steps.filter((_, i) => i % 3 === 2 || i === chain.steps.length - 1).map((s) => s.t);
          if (withVar) {
            const v = new tf.Variable(tf.zeros([3]));
            const last = chain.steps[chain.steps.length - 1]?.t;
            const delta = last ? tf.add(tf.zeros([3]), tf.reduceSum(last)) : tf.ones([3]);
            fetches.push(v.assignAdd(delta), tf.cast(tf.greater(v.value(), 0), 'int32'));
          }
          return { chain, fetches };
        });
        if (fetches.length === 0) return;
        const { plan } = compilePlan(fetches, chain.feeds, { alignment, inPlace });
        for (const b of plan.buffers) if (b.kind === 'temp') expect(b.offset % alignment, `buffer ${b.id}`).toBe(0);
        expect(placementProblems(planLifetimes(plan), alignment, plan.arenaBytes)).toEqual([]);
        plan.steps.forEach((s, i) => {
          const shared = s.outputs.filter((o) => s.inputs.includes(o));
          if (shared.length) {
            expect(inPlace, `step ${i} (${s.prim}) writes over its input without in-place allowed`).toBe(true);
            expect(ELEMENTWISE.has(s.prim), `step ${i} (${s.prim}) is not elementwise but writes over its input`).toBe(true);
            for (const id of shared) {
              const outBuf = plan.buffers.find((b) => b.id === id)!;
              expect(outBuf.kind).toBe('temp');
            }
          }
        });
      }),
      { numRuns: 60, seed: 99 },
    );
  });

  it('compiled plans run through a session give the same results as without in-place reuse', async () => {
    // The session's own plans (CPU traits) against the reference, for one fixed chain set.
    await fc.assert(
      fc.asyncProperty(chainArb, async ({ shape, seeds }) => {
        const g = new tf.Graph();
        const chain = g.asDefault(() => buildChain(shape, seeds, false));
        if (!chain.steps.length) return;
        const last = chain.steps[chain.steps.length - 1]!.t;
        const sess = new tf.Session({ graph: g });
        try {
          const got = (await sess.run(last, chain.feeds)) as NDArray;
          expect(mismatches(got, evaluate([last], { feeds: chain.feeds })[0]!, TOL)).toEqual([]);
        } finally {
          await sess.close();
        }
      }),
      { numRuns: 25, seed: 5 },
    );
  });
});
