/**
 * A table of op entries checked against the float64 reference on every configured device: each
 * entry draws seeded inputs, builds its op on placeholders with static shapes and again with every
 * dim unknown, and compares what the session computes with the reference, within tolerances.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import type { NDArray, Tensor } from 'tsflow';
import { evaluate } from './reference.js';
import { type DeviceCaps, Rng, type Tol, apiFn, mismatches, resolvedDevices, skipTest } from './harness.js';

export interface Built {
  inputs: NDArray[];
  build(xs: Tensor[]): Tensor | Tensor[];
}

export interface OpEntry {
  name: string;
  /** Public functions the entry needs (dotted paths under `tf`). */
  api: string[];
  gen(r: Rng): Built;
  tol?: Partial<Tol>;
  requires?: (keyof DeviceCaps)[];
  trials?: number;
  /** The static output shape may stay partial even when every input shape is known. */
  dynamicShape?: boolean;
  /** Inputs whose static shape must stay known (e.g. a shape argument the op folds). */
  staticOnly?: boolean;
}

export const ELEMENTWISE: Tol = { rtol: 1e-6, atol: 1e-7 };
export const COMPOSITE: Tol = { rtol: 1e-5, atol: 1e-6 };
export const ACCUMULATING: Tol = { rtol: 1e-5, atol: 1e-5 };

function hashName(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

interface Trial {
  label: string;
  feeds: Map<Tensor, NDArray>;
  outs: Tensor[];
  staticShapes: boolean;
}

/** Register one describe block per device running every entry of `table`. */
/**
 * What is wrong with a tensor's static shape against the value a run gave it: it must describe
 * the run-time shape, and be complete when `complete` (every input shape was known).
 */
export function shapeProblems(t: Tensor, actual: NDArray, complete: boolean): string[] {
  const st = t.shape;
  const problems: string[] = [];
  if (st !== null && (st.length !== actual.shape.length || st.some((d, k) => d !== null && d !== actual.shape[k]))) {
    problems.push(`static shape [${st.map((d) => d ?? '?')}] does not describe run-time shape [${actual.shape}]`);
  }
  if (complete && (st === null || st.some((d) => d === null))) {
    problems.push(`static shape ${st === null ? '<unknown>' : `[${st.map((d) => d ?? '?')}]`} is partial although every input shape is known`);
  }
  return problems;
}

export async function runOpTable(title: string, table: OpEntry[]): Promise<void> {
  const devices = await resolvedDevices();
  for (const dev of devices) {
    describe(`${title} [${dev.name}]`, () => {
      for (const entry of table) {
        it(entry.name, async (ctx) => {
          if (dev.skipReason) skipTest(ctx, `${dev.name}: ${dev.skipReason}`);
          for (const p of entry.api) if (!apiFn(p)) skipTest(ctx, `tf.${p} is not implemented yet`);
          for (const c of entry.requires ?? []) if (!dev.caps[c]) skipTest(ctx, `device ${dev.name} does not declare capability '${c}'`);
          const g = new tf.Graph();
          const trials: Trial[] = [];
          g.asDefault(() => {
            for (let t = 0; t < (entry.trials ?? 4); t++) {
              for (const staticShapes of entry.staticOnly ? [true] : [true, false]) {
                const r = new Rng(hashName(entry.name) + t * 7919);
                const spec = entry.gen(r);
                const phs = spec.inputs.map((a) => tf.placeholder(a.dtype, staticShapes ? a.shape : a.shape.map(() => null)));
                const built = spec.build(phs);
                trials.push({
                  label: `trial ${t} (${staticShapes ? 'static' : 'unknown'} shapes; inputs ${spec.inputs.map((a) => `[${a.shape}]`).join(', ') || 'none'})`,
                  feeds: new Map(phs.map((p, i) => [p, spec.inputs[i]!])),
                  outs: Array.isArray(built) ? built : [built],
                  staticShapes,
                });
              }
            }
          });
          const tol: Tol = { ...ELEMENTWISE, ...entry.tol };
          tol.rtol *= dev.caps.tolScale;
          tol.atol *= dev.caps.tolScale;
          const sess = new tf.Session({ ...dev.options, graph: g });
          try {
            for (const tr of trials) {
              const got = (await sess.run(tr.outs, tr.feeds)) as NDArray[];
              const want = evaluate(tr.outs, { feeds: tr.feeds });
              tr.outs.forEach((t, i) => {
                const actual = got[i]!;
                const problems = [...mismatches(actual, want[i]!, tol), ...shapeProblems(t, actual, tr.staticShapes && !entry.dynamicShape)];
                expect(problems, `${entry.name}, ${tr.label}, output ${i} (${t.name}):\n  ${problems.join('\n  ')}`).toEqual([]);
              });
            }
          } finally {
            await sess.close();
          }
        });
      }
    });
  }
}
