/**
 * TF1's `tf.nn.raw_rnn` (a `tf.whileLoop` driven by a user `loop_fn` that picks each step's
 * input, state and emitted value) and `tf.nn.static_state_saving_rnn` (`staticRnn` whose
 * initial state comes from a state saver and whose final state is saved back before the last
 * output and the state are returned).
 */
import { kwargs } from '../../args.js';
import { ValueError } from '../../errors.js';
import { getDefaultGraph } from '../../graph/context.js';
import { Tensor } from '../../graph/tensor.js';
import { type VariableScope, variableScope } from '../../scope/variable-scope.js';
import { concat, reshape, shape as shapeOf, zeros } from '../array.js';
import { identity } from '../core.js';
import { type TensorLike, toTensor } from '../convert.js';
import { add, logicalNot, logicalOr, reduceAll, where } from '../math.js';
import { index } from '../strided-slice.js';
import { whileLoop } from '../control-flow/while.js';
import { TensorArray } from '../tensor-array.js';
import { LSTMStateTuple, RNNCell, type RNNState, type SizeStruct } from './cells.js';
import { staticRnn } from './rnn.js';

type Scope = string | VariableScope | null | undefined;

// ----- TF's nest over the structures loop_fn passes: arrays, plain objects (keys sorted), LSTMStateTuple

const isPlain = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x) && Object.getPrototypeOf(x) === Object.prototype;

function flat(s: unknown): unknown[] {
  if (s instanceof LSTMStateTuple) return [...flat(s.c), ...flat(s.h)];
  if (Array.isArray(s)) return s.flatMap(flat);
  if (isPlain(s)) return Object.keys(s).sort().flatMap((k) => flat(s[k]));
  return [s];
}

function pack(like: unknown, leaves: readonly unknown[]): unknown {
  let i = 0;
  const go = (x: unknown): unknown => {
    if (x instanceof LSTMStateTuple) {
      const c = go(x.c);
      return new LSTMStateTuple(c as never, go(x.h) as never);
    }
    if (Array.isArray(x)) return x.map(go);
    if (isPlain(x)) {
      const sorted: Record<string, unknown> = {};
      for (const k of Object.keys(x).sort()) sorted[k] = go(x[k]);
      return Object.fromEntries(Object.keys(x).map((k) => [k, sorted[k]]));
    }
    return leaves[i++];
  };
  const out = go(like);
  if (i !== leaves.length) throw new ValueError(`Structure had ${i} elements, but flat_sequence had ${leaves.length} elements.`);
  return out;
}

const kind = (x: unknown): string => (x instanceof LSTMStateTuple ? 'LSTMStateTuple' : Array.isArray(x) ? 'list' : isPlain(x) ? 'dict' : 'leaf');
function sameNest(a: unknown, b: unknown): boolean {
  const ka = kind(a);
  if (ka !== kind(b)) return false;
  if (ka === 'LSTMStateTuple') return sameNest((a as LSTMStateTuple).c, (b as LSTMStateTuple).c) && sameNest((a as LSTMStateTuple).h, (b as LSTMStateTuple).h);
  if (ka === 'list') return (a as unknown[]).length === (b as unknown[]).length && (a as unknown[]).every((x, i) => sameNest(x, (b as unknown[])[i]));
  if (ka === 'dict') {
    const ak = Object.keys(a as object).sort();
    const bk = Object.keys(b as object).sort();
    return ak.length === bk.length && ak.every((k, i) => k === bk[i] && sameNest((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return true;
}

const describe = (s: unknown): string => {
  const k = kind(s);
  if (k === 'LSTMStateTuple') return `LSTMStateTuple(c=${describe((s as LSTMStateTuple).c)}, h=${describe((s as LSTMStateTuple).h)})`;
  if (k === 'list') return `[${(s as unknown[]).map(describe).join(', ')}]`;
  if (k === 'dict') return `{${Object.keys(s as object).sort().map((key) => `'${key}': ${describe((s as Record<string, unknown>)[key])}`).join(', ')}}`;
  return s === null || s === undefined ? 'None' : s instanceof Tensor ? s.name : s instanceof TensorArray ? 'TensorArray' : String(s);
};

/** TF's `nest.assert_same_structure` (first line as TF's). */
function assertSameStructure(a: unknown, b: unknown): void {
  if (!sameNest(a, b)) {
    throw new ValueError(`The two structures don't have the same nested structure.\n\nFirst structure: ${describe(a)}\n\nSecond structure: ${describe(b)}`);
  }
}

const dimStr = (d: number | null): string => (d === null ? '?' : String(d));

/** `tf.where(elementsFinished, current, candidate)` row-wise (TF1's Select with a vector condition). */
function selectRows(finished: Tensor, cur: Tensor, cand: Tensor): Tensor {
  const r = cand.shape?.length ?? cur.shape?.length;
  if (r === undefined) throw new ValueError('raw_rnn needs the rank of each state and emitted value known when the graph is built');
  const cond = r === 1 ? finished : reshape(finished, [-1, ...new Array<number>(r - 1).fill(1)]);
  return where(cond, cur, cand);
}

/** TF's `_copy_some_through`: finished rows keep `current`; TensorArrays and scalars take the candidate. */
function copySomeThrough(finished: Tensor, current: unknown, candidate: unknown): unknown {
  const cur = flat(current);
  const cand = flat(candidate);
  return pack(current, cur.map((c, i) => {
    const n = cand[i];
    if (c instanceof TensorArray) return n;
    const ct = c as Tensor;
    if (ct.shape !== null && ct.shape.length === 0) return n;
    return selectRows(finished, ct, toTensor(n as TensorLike));
  }));
}

function assertLikeRnnCell(cell: unknown): void {
  if (cell instanceof RNNCell) return;
  const c = cell as Record<string, unknown> | null;
  const missing: string[] = [];
  if (c === null || typeof c !== 'object' || !('outputSize' in c)) missing.push("'output_size' property is missing");
  if (c === null || typeof c !== 'object' || !('stateSize' in c)) missing.push("'state_size' property is missing");
  if (c === null || typeof c !== 'object' || typeof c.zeroState !== 'function') missing.push("'zero_state' method is missing");
  if (c === null || typeof c !== 'object' || typeof c.call !== 'function') missing.push('is not callable');
  if (missing.length > 0) throw new TypeError(`The argument 'cell' (${String(cell)}) is not an RNNCell: ${missing.join(', ')}.`);
}

/** What `loop_fn` returns: `[elementsFinished, nextInput, nextCellState, emitOutput, nextLoopState]`. */
export type LoopFnResult = [TensorLike, unknown, unknown, unknown, unknown];
export type LoopFn = (time: Tensor, cellOutput: Tensor | null, cellState: RNNState | null, loopState: unknown) => LoopFnResult;

function checkLoopResult(r: unknown): LoopFnResult {
  if (!Array.isArray(r) || r.length !== 5) {
    throw new ValueError(`loop_fn must return (elements_finished, next_input, next_cell_state, emit_output, next_loop_state), got ${Array.isArray(r) ? `${r.length} values` : String(r)}`);
  }
  return r as LoopFnResult;
}

const RAW_NAMES = ['cell', 'loopFn', 'parallelIterations', 'swapMemory', 'scope'] as const;

/**
 * `tf.nn.rawRnn(cell, loopFn, parallelIterations = 32, swapMemory = false, scope = 'rnn')`:
 * `[emitTa, finalState, finalLoopState]`. `loopFn(time, cellOutput, cellState, loopState)`
 * returns `[elementsFinished, nextInput, nextCellState, emitOutput, nextLoopState]`; it is
 * first called with `time = 0` and nulls (its `nextCellState` is then the initial state, its
 * `emitOutput` the structure of what is emitted, or null for `cell.outputSize`). The loop runs
 * while some batch entry is not finished; a finished entry emits zeros and keeps its state.
 * `emitTa` is a TensorArray (or their structure) of the emitted values over time; the final
 * loop state is null when the first call gave none.
 */
export function rawRnn(...args: unknown[]): [unknown, RNNState, unknown] {
  const o = kwargs(args, RAW_NAMES, 'raw_rnn', 2);
  const cell = o.cell as RNNCell;
  assertLikeRnnCell(cell);
  const loopFn = o.loopFn as LoopFn;
  if (typeof loopFn !== 'function') throw new TypeError('loop_fn must be a callable');
  const parallel = (o.parallelIterations as number | null | undefined) || 32;
  const swapMemory = (o.swapMemory as boolean | undefined) ?? false;
  return variableScope((o.scope as Scope) ?? 'rnn', () => {
    const time = toTensor(0, 'int32');
    const [finished0, nextInput, initialState, emitStructure0, initLoopState] = checkLoopResult(loopFn(time, null, null, null));
    const flatInput = flat(nextInput).map((x) => toTensor(x as TensorLike));
    if (flatInput.length === 0) throw new ValueError('loop_fn must return a next_input at time 0');
    const loopState0 = initLoopState !== null && initLoopState !== undefined ? initLoopState : toTensor(0, 'int32');
    // static batch size: every input's first dimension must agree
    let constBatch: number | null = null;
    for (const x of flatInput) {
      const d = x.shape === null || x.shape.length === 0 ? null : x.shape[0]!;
      if (d !== null && constBatch !== null && d !== constBatch) throw new ValueError(`Dimensions ${constBatch} and ${d} are not compatible`);
      constBatch = constBatch ?? d;
    }
    const batch: number | Tensor = constBatch ?? index(shapeOf(flatInput[0]!), 0);
    assertSameStructure(initialState, cell.stateSize);
    const flatState0 = flat(initialState).map((s) => toTensor(s as TensorLike));
    const state0 = pack(initialState, flatState0);

    // what is emitted per step: its per-entry size and dtype
    let emitStructure: unknown;
    let sizes: (number[] | Tensor)[];
    let staticSizes: (number | null)[][];
    let dtypes: string[];
    if (emitStructure0 !== null && emitStructure0 !== undefined) {
      emitStructure = emitStructure0;
      const leaves = flat(emitStructure0).map((e) => toTensor(e as TensorLike));
      sizes = leaves.map((e) => {
        if (e.shape !== null && e.shape.every((d) => d !== null)) return e.shape as number[];
        return shapeOf(e);
      });
      staticSizes = leaves.map((e) => {
        if (e.shape === null) throw new ValueError('raw_rnn: emit_output needs a known rank');
        return e.shape;
      });
      dtypes = leaves.map((e) => e.dtype);
    } else {
      emitStructure = cell.outputSize;
      const leaves = flat(cell.outputSize as SizeStruct) as number[];
      sizes = leaves.map((n) => [n]);
      staticSizes = leaves.map((n) => [n]);
      dtypes = leaves.map(() => flatState0[0]!.dtype);
    }
    const emitTas = dtypes.map((dt, i) => new TensorArray(dt, 0, { dynamicSize: true, elementShape: [constBatch, ...staticSizes[i]!], name: `rnn_output_${i}` }));
    const emitTa0 = pack(emitStructure, emitTas);
    const zeroEmit = pack(emitStructure, sizes.map((sz, i) => {
      if (sz instanceof Tensor) return zeros(concat([reshape(toTensor(batch as TensorLike, 'int32'), [1]), sz], 0), dtypes[i]);
      return zeros([batch as never, ...sz], dtypes[i]);
    }));

    // loop variables, flat: time, finished, inputs, emit arrays, state, loop state
    const nIn = flatInput.length;
    const nEmit = emitTas.length;
    const nState = flatState0.length;
    const flatLoop0 = flat(loopState0);
    const unflatten = (vars: unknown[]): { t: Tensor; fin: Tensor; inp: unknown; ta: unknown; st: unknown; ls: unknown } => {
      let k = 2;
      const take = (n: number): unknown[] => vars.slice(k, (k += n));
      return {
        t: vars[0] as Tensor,
        fin: vars[1] as Tensor,
        inp: pack(nextInput, take(nIn)),
        ta: pack(emitStructure, take(nEmit)),
        st: pack(state0, take(nState)),
        ls: pack(loopState0, take(flatLoop0.length)),
      };
    };
    const finished = toTensor(finished0, 'bool');
    const init = [time, finished, ...flatInput, ...emitTas, ...flatState0, ...flatLoop0];
    const res = whileLoop(
      (_t: Tensor, fin: Tensor) => logicalNot(reduceAll(fin)),
      (...vars: unknown[]) => {
        const { t, fin, inp, ta, st, ls } = unflatten(vars);
        const [nextOutput, cellState] = cell.call(inp as TensorLike, st as RNNState);
        assertSameStructure(st, cellState);
        assertSameStructure(cell.outputSize, nextOutput);
        const nextTime = add(t, 1);
        const [nextFinished, nIn2, nextState, emitOutput, nextLoopState] = checkLoopResult(loopFn(nextTime, nextOutput, cellState, ls));
        assertSameStructure(st, nextState);
        assertSameStructure(inp, nIn2);
        assertSameStructure(ta, emitOutput);
        const loopState = nextLoopState === null || nextLoopState === undefined ? ls : nextLoopState;
        const emit = copySomeThrough(fin, zeroEmit, emitOutput);
        const newState = copySomeThrough(fin, st, nextState);
        const tas = (flat(ta) as TensorArray[]).map((a, i) => a.write(t, flat(emit)[i] as Tensor));
        const fin2 = logicalOr(fin, toTensor(nextFinished, 'bool'));
        return [nextTime, fin2, ...flat(nIn2), ...tas, ...flat(newState), ...flat(loopState)];
      },
      init as never,
      { parallelIterations: parallel, swapMemory },
    ) as unknown as unknown[];
    const out = unflatten(res);
    return [out.ta, out.st as RNNState, initLoopState === null || initLoopState === undefined ? null : out.ls];
  });
}

const SSS_NAMES = ['cell', 'inputs', 'stateSaver', 'stateName', 'sequenceLength', 'scope'] as const;

/** A state saver: `state(name)` gives a state tensor, `saveState(name, value)` an op (or tensor) saving it. */
export interface StateSaver {
  state(name: string): Tensor;
  saveState(name: string, value: Tensor): unknown;
}

const pyStr = (x: unknown): string => (Array.isArray(x) ? `(${x.map(pyStr).join(', ')}${x.length === 1 ? ',' : ''})` : typeof x === 'string' ? `'${x}'` : x instanceof LSTMStateTuple ? `LSTMStateTuple(c=${pyStr(x.c)}, h=${pyStr(x.h)})` : String(x));

/**
 * `tf.nn.staticStateSavingRnn(cell, inputs, stateSaver, stateName, sequenceLength?, scope?)`:
 * `[outputs, state]` of `staticRnn` started from `stateSaver.state(name)` (one name per state
 * leaf when the cell's state is a tuple); the last output and the state are returned after
 * `stateSaver.saveState(name, finalState)` ran (control dependencies).
 */
export function staticStateSavingRnn(...args: unknown[]): [Tensor[], RNNState] {
  const o = kwargs(args, SSS_NAMES, 'static_state_saving_rnn', 4);
  const cell = o.cell as RNNCell;
  const saver = o.stateSaver as StateSaver & { save_state?: StateSaver['saveState'] };
  const stateName = o.stateName as string | unknown[];
  const stateSize = cell.stateSize;
  const stateIsTuple = typeof stateSize === 'object' && stateSize !== null;
  const nameIsTuple = Array.isArray(stateName) || (typeof stateName === 'object' && stateName !== null);
  if (stateIsTuple !== nameIsTuple) {
    throw new ValueError(`state_name should be the same type as cell.state_size.  state_name: ${nameIsTuple ? pyStr(stateName) : String(stateName)}, cell.state_size: ${pyStr(stateSize)}`);
  }
  if (!saver || typeof saver.state !== 'function' || (typeof saver.saveState !== 'function' && typeof saver.save_state !== 'function')) {
    throw new TypeError('state_saver must have methods state(name) and saveState(name, value)');
  }
  const save = (name: string, v: Tensor): unknown => (typeof saver.saveState === 'function' ? saver.saveState(name, v) : saver.save_state!(name, v));
  let initialState: RNNState;
  let names: string[];
  if (stateIsTuple) {
    names = flat(stateName) as string[];
    const sizes = flat(stateSize);
    if (names.length !== sizes.length) throw new ValueError(`#elems(state_name) != #elems(state_size): ${names.length} vs. ${sizes.length}`);
    initialState = pack(stateSize, names.map((n) => saver.state(n))) as RNNState;
  } else {
    names = [stateName as string];
    initialState = saver.state(stateName as string);
  }
  const [outputs, state] = staticRnn(cell, o.inputs, { initialState, sequenceLength: o.sequenceLength ?? null, scope: (o.scope as Scope) ?? null });
  const flatState = flat(state) as Tensor[];
  const saves = names.map((n, i) => save(n, flatState[i]!));
  const g = getDefaultGraph();
  return g.controlDependencies(saves as never, () => {
    const outs = [...outputs];
    outs[outs.length - 1] = identity(outs[outs.length - 1]!);
    const finalState = stateIsTuple ? (pack(state, flatState.map((s) => identity(s))) as RNNState) : identity(state as Tensor);
    return [outs, finalState] as [Tensor[], RNNState];
  });
}
