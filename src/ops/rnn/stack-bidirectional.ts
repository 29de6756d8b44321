/**
 * `tf.contrib.rnn.stackBidirectionalRnn` and `stackBidirectionalDynamicRnn` (contrib/rnn/python/
 * ops/rnn.py): layers of bidirectional RNNs, each layer's forward and backward outputs
 * concatenated as the next layer's input. Variables sit in
 * `stack_bidirectional_rnn/cell_<i>/…`: the static form passes the layer scope to
 * staticBidirectionalRnn (`cell_<i>/fw/…`), the dynamic form does not
 * (`cell_<i>/bidirectional_rnn/fw/…`), as in TF.
 */
import { kwargs } from '../../args.js';
import { ValueError } from '../../errors.js';
import type { Tensor } from '../../graph/tensor.js';
import { type VariableScope, variableScope } from '../../scope/variable-scope.js';
import { concat } from '../array.js';
import type { RNNCell, RNNState } from './cells.js';
import { bidirectionalDynamicRnn, staticBidirectionalRnn } from './rnn.js';

function checkCells(o: Record<string, unknown>): [RNNCell[], RNNCell[]] {
  const fw = o.cellsFw as RNNCell[] | null | undefined;
  const bw = o.cellsBw as RNNCell[] | null | undefined;
  if (!fw || (Array.isArray(fw) && fw.length === 0)) throw new ValueError('Must specify at least one fw cell for BidirectionalRNN.');
  if (!bw || (Array.isArray(bw) && bw.length === 0)) throw new ValueError('Must specify at least one bw cell for BidirectionalRNN.');
  if (!Array.isArray(fw)) throw new ValueError('cells_fw must be a list of RNNCells (one per layer).');
  if (!Array.isArray(bw)) throw new ValueError('cells_bw must be a list of RNNCells (one per layer).');
  if (fw.length !== bw.length) throw new ValueError('Forward and Backward cells must have the same depth.');
  for (const [key, what] of [['initialStatesFw', 'initial_states_fw'], ['initialStatesBw', 'initial_states_bw']] as const) {
    const s = o[key];
    if (s !== undefined && s !== null && (!Array.isArray(s) || s.length !== fw.length)) {
      throw new ValueError(`${what} must be a list of state tensors (one per layer).`);
    }
  }
  return [fw, bw];
}

const initialOf = (s: unknown, i: number): RNNState | null => (Array.isArray(s) && s.length > 0 ? ((s[i] as RNNState | undefined) ?? null) : null);

type Scope = string | VariableScope | null | undefined;

const STATIC_NAMES = ['cellsFw', 'cellsBw', 'inputs', 'initialStatesFw', 'initialStatesBw', 'dtype', 'sequenceLength', 'scope'] as const;

/**
 * `stackBidirectionalRnn(cellsFw, cellsBw, inputs, initialStatesFw?, initialStatesBw?, dtype?,
 * sequenceLength?, scope?)`: `[outputs (one per step, fw ‖ bw of the last layer), statesFw,
 * statesBw]` with one final state per layer.
 */
export function stackBidirectionalRnn(...args: unknown[]): [Tensor[], RNNState[], RNNState[]] {
  const o = kwargs(args, STATIC_NAMES, 'stack_bidirectional_rnn', 3);
  const [fw, bw] = checkCells(o);
  const inputs = o.inputs as Tensor[];
  if (!Array.isArray(inputs) || inputs.length === 0) throw new ValueError('inputs must be a non-empty list');
  const statesFw: RNNState[] = [];
  const statesBw: RNNState[] = [];
  let prev: Tensor[] = inputs;
  variableScope((o.scope as Scope) ?? 'stack_bidirectional_rnn', () => {
    fw.forEach((cellFw, i) => {
      variableScope(`cell_${i}`, (cellScope) => {
        const [out, sf, sb] = staticBidirectionalRnn(cellFw, bw[i], prev, {
          initialStateFw: initialOf(o.initialStatesFw, i), initialStateBw: initialOf(o.initialStatesBw, i),
          sequenceLength: o.sequenceLength ?? null, dtype: o.dtype ?? null, scope: cellScope,
        });
        prev = out;
        statesFw.push(sf);
        statesBw.push(sb);
      });
    });
  });
  return [prev, statesFw, statesBw];
}

const DYN_NAMES = ['cellsFw', 'cellsBw', 'inputs', 'initialStatesFw', 'initialStatesBw', 'dtype', 'sequenceLength', 'parallelIterations', 'timeMajor', 'scope', 'swapMemory'] as const;

/**
 * `stackBidirectionalDynamicRnn(cellsFw, cellsBw, inputs, initialStatesFw?, initialStatesBw?,
 * dtype?, sequenceLength?, parallelIterations?, timeMajor = false, scope?, swapMemory?)`:
 * `[outputs [batch, time, fw + bw depth] (time-major with timeMajor), statesFw, statesBw]`.
 */
export function stackBidirectionalDynamicRnn(...args: unknown[]): [Tensor, RNNState[], RNNState[]] {
  const o = kwargs(args, DYN_NAMES, 'stack_bidirectional_dynamic_rnn', 3);
  const [fw, bw] = checkCells(o);
  if (o.inputs === undefined || o.inputs === null) throw new ValueError('inputs must not be None');
  const statesFw: RNNState[] = [];
  const statesBw: RNNState[] = [];
  let prev = o.inputs as Tensor;
  variableScope((o.scope as Scope) ?? 'stack_bidirectional_rnn', () => {
    fw.forEach((cellFw, i) => {
      variableScope(`cell_${i}`, () => {
        const [[outFw, outBw], [sf, sb]] = bidirectionalDynamicRnn(cellFw, bw[i], prev, {
          initialStateFw: initialOf(o.initialStatesFw, i), initialStateBw: initialOf(o.initialStatesBw, i),
          sequenceLength: o.sequenceLength ?? null, parallelIterations: o.parallelIterations ?? null, dtype: o.dtype ?? null,
          swapMemory: o.swapMemory ?? false, timeMajor: (o.timeMajor as boolean | undefined) ?? false,
        });
        prev = concat([outFw, outBw], 2);
        statesFw.push(sf);
        statesBw.push(sb);
      });
    });
  });
  return [prev, statesFw, statesBw];
}
