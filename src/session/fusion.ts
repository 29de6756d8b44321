/**
 * Elementwise fusion over a plan's steps (before in-place reuse and memory planning): steps the
 * device can write as expressions (FusionRules) that hand each other values element for
 * element become one `map` step, and the buffers between them disappear. A value stays a
 * buffer (an output of the map step) where it is pinned (fetched, committed to a variable),
 * read by a step outside the group, or read with a broadcast; the map step takes the place of
 * the group's last step, and a group is only formed where nothing outside it reads one of its
 * values before that place. So every fetch sees the value it saw unfused, every variable
 * commits the same value at the same time, and a failing step fails the run as before.
 */
import type { DType } from '../dtype.js';
import { ExprBuilder } from '../device/expr.js';
import type { Emit, FusionRules } from '../device/fusion.js';
import type { AnyStep, Step } from '../device/plan.js';

/** Whether sessions fuse when their config does not say (globalJitLevel DEFAULT): on, since fused plans give the unfused bits on every device (test/fusion.test.ts and the conformance, gradient, session and training suites with it on). */
export const FUSION_BY_DEFAULT = true;

/**
 * One fusible step: its element count, iteration shape (no size-1 axes) and input strides; a
 * head (a matmul or conv2d the device takes epilogues in) has its product's [rows, cols]
 * instead of an expression and reads its inputs whole.
 */
interface Member {
  count: number;
  shape: number[];
  strides: number[][];
  emit: Emit | null;
  head?: { rows: number; cols: number };
}

function dropOnes(shape: readonly number[], strides: readonly (readonly number[])[]): { shape: number[]; strides: number[][] } {
  const keep = shape.map((d) => d !== 1);
  return { shape: shape.filter((_, d) => keep[d]), strides: strides.map((s) => s.filter((_, d) => keep[d])) };
}

function contiguous(shape: readonly number[]): number[] {
  const st = new Array<number>(shape.length);
  let acc = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    st[d] = acc;
    acc *= shape[d]!;
  }
  return st;
}

const sameArr = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/** The coarsest shape that refines every one of `shapes` (same element count), or null. */
export function refineShapes(shapes: readonly (readonly number[])[]): number[] | null {
  const cuts = new Set<number>();
  for (const s of shapes) {
    let acc = 1;
    for (let d = s.length - 1; d >= 0; d--) {
      acc *= s[d]!;
      cuts.add(acc);
    }
  }
  cuts.delete(1);
  const sorted = [...cuts].sort((a, b) => a - b);
  const out: number[] = [];
  let prev = 1;
  for (const c of sorted) {
    if (c % prev !== 0) return null;
    out.unshift(c / prev);
    prev = c;
  }
  return out;
}

/** Strides over `frame` (a refinement of `shape`) of an operand walked with `strides` over `shape`. */
export function refineStrides(shape: readonly number[], strides: readonly number[], frame: readonly number[]): number[] {
  const out = new Array<number>(frame.length);
  let f = frame.length - 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    let inner = 1;
    while (inner < shape[d]!) {
      out[f] = strides[d]! * inner;
      inner *= frame[f]!;
      f--;
    }
  }
  return out;
}

/** Merges adjacent axes every operand walks contiguously (the outputs always do). */
function mergeAxes(shape: number[], strides: number[][]): { shape: number[]; strides: number[][] } {
  let dims = [...shape];
  let sts = strides.map((s) => [...s]);
  for (let i = dims.length - 2; i >= 0; i--) {
    if (sts.every((s) => s[i] === s[i + 1]! * dims[i + 1]!)) {
      dims = [...dims.slice(0, i), dims[i]! * dims[i + 1]!, ...dims.slice(i + 2)];
      sts = sts.map((s) => [...s.slice(0, i), s[i + 1]!, ...s.slice(i + 2)]);
    }
  }
  return { shape: dims, strides: sts };
}

/**
 * [row, column] strides over [rows, cols] of an operand walked with `strides` over `frame` (a
 * refinement of [rows, cols]), or null where its walk is not one stride per side.
 */
export function stridesOver2d(frame: readonly number[], strides: readonly number[], cols: number): [number, number] | null {
  let q = frame.length;
  let acc = 1;
  while (q > 0 && acc < cols) acc *= frame[--q]!;
  if (acc !== cols) return null;
  const merges = (from: number, to: number): boolean => {
    for (let d = from; d < to - 1; d++) if (strides[d] !== strides[d + 1]! * frame[d + 1]!) return false;
    return true;
  };
  if (!merges(0, q) || !merges(q, frame.length)) return null;
  return [q > 0 ? strides[q - 1]! : 0, q < frame.length ? strides[frame.length - 1]! : 0];
}

function memberOf(step: AnyStep, rules: FusionRules, dtypeOf: (b: number) => DType): Member | null {
  if (step.outputs.length !== 1) return null;
  if (step.prim === 'matmul' || step.prim === 'conv2d') {
    if (!rules.epilogue?.(step, step.inputs.map(dtypeOf), dtypeOf(step.outputs[0]!))) return null;
    const p = step.params;
    const [rows, cols] = step.prim === 'matmul' ? [step.params.batch * step.params.m, step.params.n] : [step.params.n * step.params.oh * step.params.ow, step.params.o];
    if (p.epilogue || rows * cols === 0) return null;
    return { count: rows * cols, ...dropOnes([rows, cols], []), emit: null, head: { rows, cols } };
  }
  let shape: number[];
  let strides: number[][];
  switch (step.prim) {
    case 'unary':
    case 'cast':
      shape = [step.params.n];
      strides = [[1]];
      break;
    case 'binary':
      shape = step.params.outShape;
      strides = [step.params.aStrides, step.params.bStrides];
      break;
    case 'select':
      shape = step.params.outShape;
      strides = [step.params.cStrides, step.params.aStrides, step.params.bStrides];
      break;
    default:
      return null;
  }
  const count = shape.reduce((a, d) => a * d, 1);
  if (count === 0) return null;
  const emit = rules.expr(step, step.inputs.map(dtypeOf), dtypeOf(step.outputs[0]!));
  if (!emit) return null;
  return { count, ...dropOnes(shape, strides), emit };
}

export interface FusionResult {
  steps: AnyStep[];
  /** Steps before and after fusion. */
  before: number;
  after: number;
}

export function fuseSteps(
  steps: readonly AnyStep[],
  rules: FusionRules,
  dtypeOf: (b: number) => DType,
  isTemp: (b: number) => boolean,
  pinned: ReadonlySet<number>,
): FusionResult {
  const members = steps.map((s) => memberOf(s, rules, dtypeOf));
  const producer = new Map<number, number>();
  const readers = new Map<number, number[]>();
  steps.forEach((s, i) => {
    s.outputs.forEach((b) => producer.set(b, i));
    s.inputs.forEach((b) => {
      const r = readers.get(b);
      if (r) r.push(i);
      else readers.set(b, [i]);
    });
  });
  const identityRead = (i: number, k: number): boolean => {
    const m = members[i]!;
    return sameArr(m.strides[k]!, contiguous(m.shape));
  };

  /** Group of each step (index of the group's array), -1 for none. */
  const groupOf = new Array<number>(steps.length).fill(-1);
  const groups: number[][] = [];

  const isOut = (o: number, inG: ReadonlySet<number>): boolean => pinned.has(o) || !isTemp(o) || (readers.get(o) ?? []).some((j) => !inG.has(j));
  const headOf = (g: readonly number[]): number | undefined => g.find((i) => members[i]!.head);

  const valid = (g: readonly number[], last: number): boolean => {
    const inG = new Set(g);
    const frame = refineShapes(g.map((i) => members[i]!.shape));
    if (!frame) return false;
    const head = headOf(g);
    if (head !== undefined && g.some((i) => i !== head && members[i]!.head)) return false;
    const ext = new Set<string>();
    let outs = 0;
    for (const i of g) {
      const s = steps[i]!;
      const m = members[i]!;
      for (let k = 0; k < s.inputs.length; k++) {
        const b = s.inputs[k]!;
        const p = producer.get(b);
        if (p !== undefined && inG.has(p)) {
          if (m.head || !identityRead(i, k)) return false;
        } else if (m.head) {
          ext.add(`${b}:whole`);
        } else {
          ext.add(`${b}:${m.strides[k]!.join(',')}`);
          // an epilogue walks each operand as [rows, cols]
          if (head !== undefined && !stridesOver2d(frame, refineStrides(m.shape, m.strides[k]!, frame), members[head]!.head!.cols)) return false;
        }
      }
      const out = s.outputs[0]!;
      const rs = readers.get(out) ?? [];
      // nothing outside reads a value of the group before the fused step runs
      if (rs.some((j) => !inG.has(j) && j < last)) return false;
      if (isOut(out, inG)) outs++;
    }
    // the product is stored in an output of its dtype
    if (head !== undefined) {
      const dt = dtypeOf(steps[head]!.outputs[0]!);
      const outBufs = g.map((i) => steps[i]!.outputs[0]!).filter((o) => isOut(o, inG));
      if (outBufs.length === 0) outBufs.push(steps[g[g.length - 1]!]!.outputs[0]!);
      if (!outBufs.some((o) => dtypeOf(o) === dt)) return false;
    }
    return ext.size + outs <= rules.maxBuffers;
  };

  steps.forEach((s, i) => {
    const m = members[i];
    if (!m) return;
    let g = [i];
    const cands = new Set<number>();
    if (!m.head) s.inputs.forEach((b, k) => {
      const p = producer.get(b);
      if (p === undefined || groupOf[p]! < 0 || !isTemp(b) || pinned.has(b)) return;
      if (members[p]!.count !== m.count || !identityRead(i, k)) return;
      cands.add(groupOf[p]!);
    });
    for (const c of cands) {
      const merged = [...groups[c]!, ...g].sort((a, b) => a - b);
      if (valid(merged, i)) g = merged;
    }
    const id = groups.length;
    groups.push(g);
    for (const j of g) {
      const old = groupOf[j]!;
      if (old >= 0 && old !== id) groups[old] = [];
      groupOf[j] = id;
    }
  });

  const out: AnyStep[] = [];
  steps.forEach((s, i) => {
    const g = groups[groupOf[i]!];
    if (!g || g.length < 2) out.push(s);
    else if (g[g.length - 1] === i) out.push(headOf(g) !== undefined ? fuseEpilogue(g) : fuse(g));
  });
  return { steps: out, before: steps.length, after: out.length };

  function fuse(g: readonly number[]): Step<'map'> {
    const inG = new Set(g);
    const frame = refineShapes(g.map((i) => members[i]!.shape))!;
    const b = new ExprBuilder();
    const node = new Map<number, number>();
    const inputs: number[] = [];
    const inStrides: number[][] = [];
    const inNode = new Map<string, number>();
    const outputs: number[] = [];
    const outNodes: number[] = [];
    for (const i of g) {
      const s = steps[i]!;
      const m = members[i]!;
      const args = s.inputs.map((buf, k) => {
        const p = producer.get(buf);
        if (p !== undefined && inG.has(p)) return node.get(buf)!;
        const st = refineStrides(m.shape, m.strides[k]!, frame);
        const key = `${buf}:${st.join(',')}`;
        let v = inNode.get(key);
        if (v === undefined) {
          v = b.in(inputs.length);
          inputs.push(buf);
          inStrides.push(st);
          inNode.set(key, v);
        }
        return v;
      });
      const v = m.emit!(b, args);
      const o = s.outputs[0]!;
      node.set(o, v);
      if (pinned.has(o) || !isTemp(o) || (readers.get(o) ?? []).some((j) => !inG.has(j))) {
        outputs.push(o);
        outNodes.push(v);
      }
    }
    // a group nothing reads still computes its last value, as the unfused steps did
    if (outputs.length === 0) {
      const o = steps[g[g.length - 1]!]!.outputs[0]!;
      outputs.push(o);
      outNodes.push(node.get(o)!);
    }
    const merged = mergeAxes(frame, inStrides);
    const last = steps[g[g.length - 1]!]!;
    return { prim: 'map', params: { shape: merged.shape, strides: merged.strides, expr: b.done(...outNodes), ops: [...new Set(g.map((i) => steps[i]!.op))] }, inputs, outputs, op: last.op };
  }

  /** A group with a head: the head's step, its product run through the others as its epilogue. */
  function fuseEpilogue(g: readonly number[]): AnyStep {
    const inG = new Set(g);
    const head = headOf(g)!;
    const hs = steps[head]! as Step<'matmul'> | Step<'conv2d'>;
    const { rows, cols } = members[head]!.head!;
    const frame = refineShapes(g.map((i) => members[i]!.shape))!;
    const b = new ExprBuilder();
    const node = new Map<number, number>([[hs.outputs[0]!, b.in(0)]]);
    const inputs: number[] = [];
    const strides: [number, number][] = [[cols, 1]];
    const inNode = new Map<string, number>();
    const outs: { buf: number; node: number }[] = [];
    for (const i of g) {
      const s = steps[i]!;
      const m = members[i]!;
      if (i !== head) {
        const args = s.inputs.map((buf, k) => {
          const p = producer.get(buf);
          if (p !== undefined && inG.has(p)) return node.get(buf)!;
          const st = stridesOver2d(frame, refineStrides(m.shape, m.strides[k]!, frame), cols)!;
          const key = `${buf}:${st.join(',')}`;
          let v = inNode.get(key);
          if (v === undefined) {
            v = b.in(inputs.length + 1);
            inputs.push(buf);
            strides.push(st);
            inNode.set(key, v);
          }
          return v;
        });
        node.set(s.outputs[0]!, m.emit!(b, args));
      }
      const o = s.outputs[0]!;
      if (isOut(o, inG)) outs.push({ buf: o, node: node.get(o)! });
    }
    if (outs.length === 0) {
      const o = steps[g[g.length - 1]!]!.outputs[0]!;
      outs.push({ buf: o, node: node.get(o)! });
    }
    // the product is stored in the first output of its dtype (its own buffer where it is one)
    const dt = dtypeOf(hs.outputs[0]!);
    const first = outs.findIndex((o) => o.buf === hs.outputs[0]) >= 0 ? outs.findIndex((o) => o.buf === hs.outputs[0]) : outs.findIndex((o) => dtypeOf(o.buf) === dt);
    outs.unshift(...outs.splice(first, 1));
    const ops = [...new Set([hs.op, ...g.map((i) => steps[i]!.op)])];
    const epilogue = { rows, cols, strides, expr: b.done(...outs.map((o) => o.node)), ops };
    return { ...hs, params: { ...hs.params, epilogue }, inputs: [...hs.inputs, ...inputs], outputs: outs.map((o) => o.buf), op: steps[g[g.length - 1]!]!.op } as AnyStep;
  }
}
