/**
 * The cells of TF1's `tf.contrib.rnn` beyond the core ones (contrib/rnn/python/ops/rnn_cell.py):
 * `LayerNormBasicLSTMCell`, `CoupledInputForgetGateLSTMCell`, `NASCell`, `UGRNNCell`,
 * `IntersectionRNNCell`, `IndRNNCell`, `IndyGRUCell` and `IndyLSTMCell`. Each makes its variables
 * with TF's names, shapes, initializers and creation order inside its layer scope
 * (`layer_norm_basic_lstm_cell/kernel`, `…/input/gamma`, `nas_cell/recurrent_kernel`, …), so a
 * TF-written checkpoint restores by name. A variable TF makes with no initializer gets
 * get_variable's default (Glorot uniform), as in TF.
 */
import { ValueError } from '../../errors.js';
import type { Tensor } from '../../graph/tensor.js';
import { getVariable } from '../../scope/get-variable.js';
import { type Initializer, constantInitializer, randomUniformInitializer, zerosInitializer } from '../../scope/initializers.js';
import { variableScope } from '../../scope/variable-scope.js';
import { concat, tile } from '../array.js';
import { add, clipByValue, matmul, multiply, sigmoid, subtract, tanh } from '../math.js';
import { dropout, relu } from '../nn.js';
import { batchNormalization, moments } from '../normalization.js';
import { split } from '../split.js';
import type { Variable } from '../variables.js';
import { LSTMStateTuple, RNNCell, type RNNState, type SizeStruct } from './cells.js';

type Act = (x: Tensor) => Tensor;

export function inputDepth(inputs: Tensor, where: string): number {
  const s = inputs.shape;
  if (s !== null && s.length !== 2) throw new ValueError(`${where}: Input 0 is incompatible with the layer: expected ndim=2, found ndim=${s.length}`);
  const d = s?.[1];
  if (d === null || d === undefined) throw new ValueError('Could not infer input size from inputs.get_shape()[-1]');
  return d;
}

export function units(n: unknown, where: string): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n <= 0) throw new ValueError(`${where}: num_units must be a positive integer, got ${String(n)}`);
  return n;
}

function lstmState(state: RNNState, where: string): [Tensor, Tensor] {
  if (!(state instanceof LSTMStateTuple)) throw new TypeError(`${where} expects an LSTMStateTuple(c, h) state`);
  return [state.c as Tensor, state.h as Tensor];
}

/** contrib.layers.layer_norm over the last axis with the given gamma and beta (epsilon 1e-12). */
export function layerNormWith(x: Tensor, gamma: Variable, beta: Variable): Tensor {
  const [mean, variance] = moments(x, [1], { keepDims: true });
  return batchNormalization(x, mean, variance, beta.value(), gamma.value(), 1e-12);
}

/** Variables collected in creation order (TF's `cell.variables` order). */
abstract class VarCell extends RNNCell {
  protected vars: Variable[] = [];
  protected v(name: string, opts: Record<string, unknown>): Variable {
    const x = getVariable(name, opts);
    this.vars.push(x);
    return x;
  }
  get variables(): Variable[] {
    return [...this.vars];
  }
}

export interface LayerNormBasicLSTMCellOpts {
  forgetBias?: number;
  inputSize?: number | null;
  activation?: Act | null;
  layerNorm?: boolean;
  normGain?: number;
  normShift?: number;
  dropoutKeepProb?: number | Tensor;
  dropoutProbSeed?: number | null;
  reuse?: boolean | null;
}

/**
 * `LayerNormBasicLSTMCell(numUnits, {forgetBias = 1, activation = tanh, layerNorm = true, normGain
 * = 1, normShift = 0, dropoutKeepProb = 1, dropoutProbSeed})`: BasicLSTMCell with layer
 * normalization of each gate (`input/`, `transform/`, `forget/`, `output/` gamma and beta) and of
 * the new cell state (`state/`), and recurrent dropout on the candidate.
 */
export class LayerNormBasicLSTMCell extends VarCell {
  readonly numUnits: number;
  private readonly o: Required<Omit<LayerNormBasicLSTMCellOpts, 'inputSize' | 'reuse' | 'dropoutProbSeed' | 'activation'>> & { activation: Act; seed: number | null };
  private kernel: Variable | null = null;
  private bias: Variable | null = null;
  private norms = new Map<string, [Variable, Variable]>();
  constructor(numUnits: number, opts: LayerNormBasicLSTMCellOpts = {}) {
    super('layer_norm_basic_lstm_cell');
    this.numUnits = units(numUnits, 'LayerNormBasicLSTMCell');
    this.o = {
      forgetBias: opts.forgetBias ?? 1.0, activation: opts.activation ?? ((x) => tanh(x)), layerNorm: opts.layerNorm ?? true,
      normGain: opts.normGain ?? 1.0, normShift: opts.normShift ?? 0.0, dropoutKeepProb: opts.dropoutKeepProb ?? 1.0, seed: opts.dropoutProbSeed ?? null,
    };
  }
  get stateSize(): SizeStruct {
    return new LSTMStateTuple(this.numUnits, this.numUnits);
  }
  get outputSize(): number {
    return this.numUnits;
  }
  protected build(inputs: Tensor): void {
    const n = this.numUnits;
    const dt = inputs.dtype;
    this.kernel = this.v('kernel', { shape: [inputDepth(inputs, 'LayerNormBasicLSTMCell') + n, 4 * n], dtype: dt });
    if (!this.o.layerNorm) this.bias = this.v('bias', { shape: [4 * n], dtype: dt });
    else {
      for (const s of ['input', 'transform', 'forget', 'output', 'state']) {
        variableScope(s, () => {
          const gamma = this.v('gamma', { shape: [n], dtype: dt, initializer: constantInitializer(this.o.normGain) });
          const beta = this.v('beta', { shape: [n], dtype: dt, initializer: constantInitializer(this.o.normShift) });
          this.norms.set(s, [gamma, beta]);
        });
      }
    }
  }
  private norm(x: Tensor, s: string): Tensor {
    if (!this.o.layerNorm) return x;
    const [g, b] = this.norms.get(s)!;
    return layerNormWith(x, g, b);
  }
  protected step(inputs: Tensor, state: RNNState): [Tensor, RNNState] {
    const [c, h] = lstmState(state, 'LayerNormBasicLSTMCell');
    let z = matmul(concat([inputs, h], 1), this.kernel!.value());
    if (this.bias) z = add(z, this.bias.value());
    const [i, j, f, o] = split(z, 4, 1) as Tensor[];
    const act = this.o.activation;
    let g = act(this.norm(j!, 'transform'));
    const kp = this.o.dropoutKeepProb;
    if (typeof kp !== 'number' || kp < 1) g = dropout(g, kp, { seed: this.o.seed ?? undefined });
    let newC = add(multiply(c, sigmoid(add(this.norm(f!, 'forget'), this.o.forgetBias))), multiply(sigmoid(this.norm(i!, 'input')), g));
    newC = this.norm(newC, 'state');
    const newH = multiply(act(newC), sigmoid(this.norm(o!, 'output')));
    return [newH, new LSTMStateTuple(newC, newH)];
  }
}

export interface CIFGLSTMCellOpts {
  usePeepholes?: boolean;
  initializer?: Initializer | null;
  numProj?: number | null;
  projClip?: number | null;
  numUnitShards?: number;
  numProjShards?: number;
  forgetBias?: number;
  stateIsTuple?: boolean;
  activation?: Act | null;
  reuse?: boolean | null;
  layerNorm?: boolean;
  normGain?: number;
  normShift?: number;
}

/**
 * `CoupledInputForgetGateLSTMCell(numUnits, {usePeepholes, initializer, numProj, projClip,
 * forgetBias = 1, stateIsTuple = true, activation, layerNorm, normGain, normShift})`: an LSTM
 * whose input gate is 1 − forget gate. Variables `W_0` `[depth + numProj, 3·numUnits]` (TF's
 * single shard), `B`, `W_F_diag`, `W_O_diag`, `W_P_0`; with layerNorm `transform/`, `forget/`,
 * `output/`, `state/` gamma and beta (the bias B is then made but unused, as in TF). TF stores
 * `initializer` without using it; so does this cell.
 */
export class CoupledInputForgetGateLSTMCell extends VarCell {
  readonly numUnits: number;
  readonly numProj: number | null;
  readonly stateIsTuple: boolean;
  private readonly o: CIFGLSTMCellOpts;
  private w: Variable | null = null;
  private b: Variable | null = null;
  private wf: Variable | null = null;
  private wo: Variable | null = null;
  private wp: Variable | null = null;
  private norms = new Map<string, [Variable, Variable]>();
  constructor(numUnits: number, opts: CIFGLSTMCellOpts = {}) {
    super('coupled_input_forget_gate_lstm_cell');
    this.numUnits = units(numUnits, 'CoupledInputForgetGateLSTMCell');
    if ((opts.numUnitShards ?? 1) !== 1 || (opts.numProjShards ?? 1) !== 1) {
      throw new ValueError('CoupledInputForgetGateLSTMCell: num_unit_shards and num_proj_shards other than 1 are not supported');
    }
    this.numProj = opts.numProj ?? null;
    if (this.numProj !== null) units(this.numProj, 'CoupledInputForgetGateLSTMCell num_proj');
    this.stateIsTuple = opts.stateIsTuple ?? true;
    this.o = opts;
  }
  get stateSize(): SizeStruct {
    const m = this.numProj ?? this.numUnits;
    return this.stateIsTuple ? new LSTMStateTuple(this.numUnits, m) : this.numUnits + m;
  }
  get outputSize(): number {
    return this.numProj ?? this.numUnits;
  }
  protected build(inputs: Tensor): void {
    const n = this.numUnits;
    const dt = inputs.dtype;
    const depth = inputDepth(inputs, 'CoupledInputForgetGateLSTMCell');
    const normVars = (s: string): void => {
      variableScope(s, () => {
        const gamma = this.v('gamma', { shape: [n], dtype: dt, initializer: constantInitializer(this.o.normGain ?? 1.0) });
        const beta = this.v('beta', { shape: [n], dtype: dt, initializer: constantInitializer(this.o.normShift ?? 0.0) });
        this.norms.set(s, [gamma, beta]);
      });
    };
    this.w = this.v('W_0', { shape: [depth + (this.numProj ?? n), 3 * n], dtype: dt });
    this.b = this.v('B', { shape: [3 * n], dtype: dt, initializer: zerosInitializer() });
    if (this.o.layerNorm) ['transform', 'forget', 'output'].forEach(normVars);
    if (this.o.usePeepholes) {
      this.wf = this.v('W_F_diag', { shape: [n], dtype: dt });
      this.wo = this.v('W_O_diag', { shape: [n], dtype: dt });
    }
    if (this.o.layerNorm) normVars('state');
    if (this.numProj !== null) this.wp = this.v('W_P_0', { shape: [n, this.numProj], dtype: dt });
  }
  private norm(x: Tensor, s: string): Tensor {
    if (!this.o.layerNorm) return x;
    const [g, b] = this.norms.get(s)!;
    return layerNormWith(x, g, b);
  }
  protected step(inputs: Tensor, state: RNNState): [Tensor, RNNState] {
    const n = this.numUnits;
    const act = this.o.activation ?? ((x: Tensor) => tanh(x));
    const fb = this.o.forgetBias ?? 1.0;
    const [cPrev, mPrev] = this.stateIsTuple
      ? lstmState(state, 'CoupledInputForgetGateLSTMCell')
      : (split(state as Tensor, [n, this.numProj ?? n], 1) as [Tensor, Tensor]);
    let z = matmul(concat([inputs, mPrev], 1), this.w!.value());
    if (!this.o.layerNorm) z = add(z, this.b!.value());
    let [j, f, o] = split(z, 3, 1) as Tensor[];
    j = this.norm(j!, 'transform');
    f = this.norm(f!, 'forget');
    o = this.norm(o!, 'output');
    const fAct = sigmoid(this.wf ? add(add(f, fb), multiply(this.wf.value(), cPrev)) : add(f, fb));
    let c = add(multiply(fAct, cPrev), multiply(subtract(1, fAct), act(j)));
    c = this.norm(c, 'state');
    let m = multiply(sigmoid(this.wo ? add(o, multiply(this.wo.value(), c)) : o), act(c));
    if (this.wp) {
      m = matmul(m, this.wp.value());
      const clip = this.o.projClip ?? null;
      if (clip !== null) m = clipByValue(m, -clip, clip);
    }
    return [m, this.stateIsTuple ? new LSTMStateTuple(c, m) : concat([c, m], 1)];
  }
}

/**
 * `NASCell(numUnits, {numProj, useBiases = false})`: the Neural Architecture Search cell;
 * variables `recurrent_kernel` `[numProj || numUnits, 8·numUnits]`, `kernel`
 * `[depth, 8·numUnits]`, `bias` (zeros, with useBiases) and `projection_weights`.
 */
export class NASCell extends VarCell {
  readonly numUnits: number;
  readonly numProj: number | null;
  readonly useBiases: boolean;
  private wm: Variable | null = null;
  private wi: Variable | null = null;
  private b: Variable | null = null;
  private wp: Variable | null = null;
  constructor(numUnits: number, opts: { numProj?: number | null; useBiases?: boolean; reuse?: boolean | null } = {}) {
    super('nas_cell');
    this.numUnits = units(numUnits, 'NASCell');
    this.numProj = opts.numProj ?? null;
    if (this.numProj !== null) units(this.numProj, 'NASCell num_proj');
    this.useBiases = opts.useBiases ?? false;
  }
  get stateSize(): SizeStruct {
    return new LSTMStateTuple(this.numUnits, this.numProj ?? this.numUnits);
  }
  get outputSize(): number {
    return this.numProj ?? this.numUnits;
  }
  protected build(inputs: Tensor): void {
    const n = this.numUnits;
    const dt = inputs.dtype;
    const depth = inputDepth(inputs, 'NASCell');
    this.wm = this.v('recurrent_kernel', { shape: [this.numProj ?? n, 8 * n], dtype: dt });
    this.wi = this.v('kernel', { shape: [depth, 8 * n], dtype: dt });
    if (this.useBiases) this.b = this.v('bias', { shape: [8 * n], dtype: dt, initializer: zerosInitializer() });
    if (this.numProj !== null) this.wp = this.v('projection_weights', { shape: [n, this.numProj], dtype: dt });
  }
  protected step(inputs: Tensor, state: RNNState): [Tensor, RNNState] {
    const [cPrev, mPrev] = lstmState(state, 'NASCell');
    let mm = matmul(mPrev, this.wm!.value());
    if (this.b) mm = add(mm, this.b.value());
    const ms = split(mm, 8, 1) as Tensor[];
    const is = split(matmul(inputs, this.wi!.value()), 8, 1) as Tensor[];
    const l1 = [
      sigmoid(add(is[0]!, ms[0]!)), relu(add(is[1]!, ms[1]!)), sigmoid(add(is[2]!, ms[2]!)), relu(multiply(is[3]!, ms[3]!)),
      tanh(add(is[4]!, ms[4]!)), sigmoid(add(is[5]!, ms[5]!)), tanh(add(is[6]!, ms[6]!)), sigmoid(add(is[7]!, ms[7]!)),
    ];
    let l20 = tanh(multiply(l1[0]!, l1[1]!));
    const l21 = tanh(add(l1[2]!, l1[3]!));
    const l22 = tanh(multiply(l1[4]!, l1[5]!));
    const l23 = sigmoid(add(l1[6]!, l1[7]!));
    l20 = tanh(add(l20, cPrev));
    const newC = multiply(l20, l21);
    const l31 = tanh(add(l22, l23));
    let newM = tanh(multiply(newC, l31));
    if (this.wp) newM = matmul(newM, this.wp.value());
    return [newM, new LSTMStateTuple(newC, newM)];
  }
}

interface GatedOpts {
  initializer?: Initializer | null;
  forgetBias?: number;
  reuse?: boolean | null;
}

/**
 * `UGRNNCell(numUnits, {initializer, forgetBias = 1, activation = tanh})`: the update-gate RNN,
 * `kernel` `[depth + numUnits, 2·numUnits]` and `bias` (zeros); h' = g·h + (1 − g)·act(c).
 */
export class UGRNNCell extends VarCell {
  readonly numUnits: number;
  private readonly o: GatedOpts & { activation?: Act | null };
  private k: Variable | null = null;
  private b: Variable | null = null;
  constructor(numUnits: number, opts: GatedOpts & { activation?: Act | null } = {}) {
    super('ugrnn_cell');
    this.numUnits = units(numUnits, 'UGRNNCell');
    this.o = opts;
  }
  get stateSize(): number {
    return this.numUnits;
  }
  get outputSize(): number {
    return this.numUnits;
  }
  protected build(inputs: Tensor): void {
    const n = this.numUnits;
    const dt = inputs.dtype;
    const init = this.o.initializer ? { initializer: this.o.initializer } : {};
    this.k = this.v('kernel', { shape: [inputDepth(inputs, 'UGRNNCell') + n, 2 * n], dtype: dt, ...init });
    this.b = this.v('bias', { shape: [2 * n], dtype: dt, initializer: zerosInitializer() });
  }
  protected step(inputs: Tensor, state: RNNState): [Tensor, Tensor] {
    const h = state as Tensor;
    const z = add(matmul(concat([inputs, h], 1), this.k!.value()), this.b!.value());
    const [gAct, cAct] = split(z, 2, 1) as Tensor[];
    const c = (this.o.activation ?? ((x: Tensor) => tanh(x)))(cAct!);
    const g = sigmoid(add(gAct!, this.o.forgetBias ?? 1.0));
    const next = add(multiply(g, h), multiply(subtract(1, g), c));
    return [next, next];
  }
}

/**
 * `IntersectionRNNCell(numUnits, {numInProj, initializer, forgetBias = 1, yActivation = relu})`:
 * the +RNN, with `in_projection/kernel`, `/bias` when the input depth differs from numUnits
 * (then numInProj is required), and `kernel` `[2·numUnits, 4·numUnits]`, `bias`. It gives
 * `[new_y, new_h]`: the depth output and the state.
 */
export class IntersectionRNNCell extends VarCell {
  readonly numUnits: number;
  private readonly o: GatedOpts & { numInProj?: number | null; yActivation?: Act | null };
  private pk: Variable | null = null;
  private pb: Variable | null = null;
  private k: Variable | null = null;
  private b: Variable | null = null;
  constructor(numUnits: number, opts: GatedOpts & { numInProj?: number | null; yActivation?: Act | null } = {}) {
    super('intersection_rnn_cell');
    this.numUnits = units(numUnits, 'IntersectionRNNCell');
    this.o = opts;
  }
  get stateSize(): number {
    return this.numUnits;
  }
  get outputSize(): number {
    return this.numUnits;
  }
  protected build(inputs: Tensor): void {
    const n = this.numUnits;
    const dt = inputs.dtype;
    const depth = inputDepth(inputs, 'IntersectionRNNCell');
    const init = this.o.initializer ? { initializer: this.o.initializer } : {};
    if (depth !== n) {
      if (!this.o.numInProj) {
        throw new ValueError('Must have input size == output size for Intersection RNN. To fix, num_in_proj should be set to num_units at cell init.');
      }
      variableScope('in_projection', () => {
        this.pk = this.v('kernel', { shape: [depth, n], dtype: dt, ...init });
        this.pb = this.v('bias', { shape: [n], dtype: dt, initializer: zerosInitializer() });
      });
    }
    this.k = this.v('kernel', { shape: [2 * n, 4 * n], dtype: dt, ...init });
    this.b = this.v('bias', { shape: [4 * n], dtype: dt, initializer: zerosInitializer() });
  }
  protected step(inputs: Tensor, state: RNNState): [Tensor, Tensor] {
    const h = state as Tensor;
    let x = inputs;
    if (this.pk) x = add(matmul(x, this.pk.value()), this.pb!.value());
    const z = add(matmul(concat([x, h], 1), this.k!.value()), this.b!.value());
    const [ghAct, hAct, gyAct, yAct] = split(z, 4, 1) as Tensor[];
    const fb = this.o.forgetBias ?? 1.0;
    const hh = tanh(hAct!);
    const y = (this.o.yActivation ?? ((t: Tensor) => relu(t)))(yAct!);
    const gh = sigmoid(add(ghAct!, fb));
    const gy = sigmoid(add(gyAct!, fb));
    const newState = add(multiply(gh, h), multiply(subtract(1, gh), hh));
    const newY = add(multiply(gy, x), multiply(subtract(1, gy), y));
    return [newY, newState];
  }
}

interface IndOpts {
  activation?: Act | null;
  reuse?: boolean | null;
  name?: string | null;
  dtype?: string | null;
  kernelInitializer?: Initializer | null;
  biasInitializer?: Initializer | null;
}

const uniformU = (dt: string): Initializer => randomUniformInitializer(-1, 1, { dtype: dt });

/**
 * `IndRNNCell(numUnits, {activation = tanh, name})`: h' = act(W·x + u∘h + b), variables
 * `kernel_w` `[depth, numUnits]`, `kernel_u` `[1, numUnits]` (uniform in [-1, 1]), `bias`.
 */
export class IndRNNCell extends VarCell {
  readonly numUnits: number;
  private readonly o: IndOpts;
  private w: Variable | null = null;
  private u: Variable | null = null;
  private b: Variable | null = null;
  constructor(numUnits: number, opts: IndOpts = {}) {
    super(opts.name ?? 'ind_rnn_cell');
    this.numUnits = units(numUnits, 'IndRNNCell');
    this.o = opts;
  }
  get stateSize(): number {
    return this.numUnits;
  }
  get outputSize(): number {
    return this.numUnits;
  }
  protected build(inputs: Tensor): void {
    const n = this.numUnits;
    const dt = inputs.dtype;
    this.w = this.v('kernel_w', { shape: [inputDepth(inputs, 'IndRNNCell'), n], dtype: dt });
    this.u = this.v('kernel_u', { shape: [1, n], dtype: dt, initializer: uniformU(dt) });
    this.b = this.v('bias', { shape: [n], dtype: dt, initializer: zerosInitializer() });
  }
  protected step(inputs: Tensor, state: RNNState): [Tensor, Tensor] {
    const z = add(add(matmul(inputs, this.w!.value()), multiply(state as Tensor, this.u!.value())), this.b!.value());
    const out = (this.o.activation ?? ((x: Tensor) => tanh(x)))(z);
    return [out, out];
  }
}

/**
 * `IndyGRUCell(numUnits, {activation = tanh, kernelInitializer, biasInitializer, name})`: GRUCell
 * with diagonal recurrent weights: `gates/kernel_w`, `gates/kernel_u` `[1, 2·numUnits]`,
 * `gates/bias` (1), `candidate/kernel`, `candidate/kernel_u`, `candidate/bias` (0).
 */
export class IndyGRUCell extends VarCell {
  readonly numUnits: number;
  private readonly o: IndOpts;
  private gw: Variable | null = null;
  private gu: Variable | null = null;
  private gb: Variable | null = null;
  private cw: Variable | null = null;
  private cu: Variable | null = null;
  private cb: Variable | null = null;
  constructor(numUnits: number, opts: IndOpts = {}) {
    super(opts.name ?? 'indy_gru_cell');
    this.numUnits = units(numUnits, 'IndyGRUCell');
    this.o = opts;
  }
  get stateSize(): number {
    return this.numUnits;
  }
  get outputSize(): number {
    return this.numUnits;
  }
  protected build(inputs: Tensor): void {
    const n = this.numUnits;
    const dt = inputs.dtype;
    const depth = inputDepth(inputs, 'IndyGRUCell');
    const ki = this.o.kernelInitializer ? { initializer: this.o.kernelInitializer } : {};
    this.gw = this.v('gates/kernel_w', { shape: [depth, 2 * n], dtype: dt, ...ki });
    this.gu = this.v('gates/kernel_u', { shape: [1, 2 * n], dtype: dt, initializer: uniformU(dt) });
    this.gb = this.v('gates/bias', { shape: [2 * n], dtype: dt, initializer: this.o.biasInitializer ?? constantInitializer(1.0, { dtype: dt }) });
    this.cw = this.v('candidate/kernel', { shape: [depth, n], dtype: dt, ...ki });
    this.cu = this.v('candidate/kernel_u', { shape: [1, n], dtype: dt, initializer: uniformU(dt) });
    this.cb = this.v('candidate/bias', { shape: [n], dtype: dt, initializer: this.o.biasInitializer ?? zerosInitializer() });
  }
  protected step(inputs: Tensor, state: RNNState): [Tensor, Tensor] {
    const h = state as Tensor;
    const gates = add(add(matmul(inputs, this.gw!.value()), multiply(tile(h, [1, 2]), this.gu!.value())), this.gb!.value());
    const [r, u] = split(sigmoid(gates), 2, 1) as Tensor[];
    const cand = add(add(matmul(inputs, this.cw!.value()), multiply(multiply(r!, h), this.cu!.value())), this.cb!.value());
    const c = (this.o.activation ?? ((x: Tensor) => tanh(x)))(cand);
    const next = add(multiply(u!, h), multiply(subtract(1, u!), c));
    return [next, next];
  }
}

/**
 * `IndyLSTMCell(numUnits, {forgetBias = 1, activation = tanh, kernelInitializer,
 * biasInitializer, name})`: BasicLSTMCell with diagonal recurrent weights: `kernel_w`
 * `[depth, 4·numUnits]`, `kernel_u` `[1, 4·numUnits]`, `bias`.
 */
export class IndyLSTMCell extends VarCell {
  readonly numUnits: number;
  private readonly o: IndOpts & { forgetBias?: number };
  private w: Variable | null = null;
  private u: Variable | null = null;
  private b: Variable | null = null;
  constructor(numUnits: number, opts: IndOpts & { forgetBias?: number } = {}) {
    super(opts.name ?? 'indy_lstm_cell');
    this.numUnits = units(numUnits, 'IndyLSTMCell');
    this.o = opts;
  }
  get stateSize(): SizeStruct {
    return new LSTMStateTuple(this.numUnits, this.numUnits);
  }
  get outputSize(): number {
    return this.numUnits;
  }
  protected build(inputs: Tensor): void {
    const n = this.numUnits;
    const dt = inputs.dtype;
    const ki = this.o.kernelInitializer ? { initializer: this.o.kernelInitializer } : {};
    this.w = this.v('kernel_w', { shape: [inputDepth(inputs, 'IndyLSTMCell'), 4 * n], dtype: dt, ...ki });
    this.u = this.v('kernel_u', { shape: [1, 4 * n], dtype: dt, initializer: uniformU(dt) });
    this.b = this.v('bias', { shape: [4 * n], dtype: dt, initializer: this.o.biasInitializer ?? zerosInitializer() });
  }
  protected step(inputs: Tensor, state: RNNState): [Tensor, RNNState] {
    const [c, h] = lstmState(state, 'IndyLSTMCell');
    const z = add(add(matmul(inputs, this.w!.value()), multiply(tile(h, [1, 4]), this.u!.value())), this.b!.value());
    const [i, j, f, o] = split(z, 4, 1) as Tensor[];
    const act = this.o.activation ?? ((x: Tensor) => tanh(x));
    const newC = add(multiply(c, sigmoid(add(f!, this.o.forgetBias ?? 1.0))), multiply(sigmoid(i!), act(j!)));
    const newH = multiply(act(newC), sigmoid(o!));
    return [newH, new LSTMStateTuple(newC, newH)];
  }
}

/**
 * `SRUCell(numUnits, {activation = tanh, name})`: the Simple Recurrent Unit, `kernel`
 * `[depth, 4·numUnits]` and `bias` `[2·numUnits]` (zeros); it gives `[h, c]` (h the output, c the
 * state).
 */
export class SRUCell extends VarCell {
  readonly numUnits: number;
  private readonly activation: Act;
  private k: Variable | null = null;
  private b: Variable | null = null;
  constructor(numUnits: number, opts: { activation?: Act | null; reuse?: boolean | null; name?: string | null } = {}) {
    super(opts.name ?? 'sru_cell');
    this.numUnits = units(numUnits, 'SRUCell');
    this.activation = opts.activation ?? ((x) => tanh(x));
  }
  get stateSize(): number {
    return this.numUnits;
  }
  get outputSize(): number {
    return this.numUnits;
  }
  protected build(inputs: Tensor): void {
    const n = this.numUnits;
    this.k = this.v('kernel', { shape: [inputDepth(inputs, 'SRUCell'), 4 * n], dtype: inputs.dtype });
    this.b = this.v('bias', { shape: [2 * n], dtype: inputs.dtype, initializer: zerosInitializer() });
  }
  protected step(inputs: Tensor, state: RNNState): [Tensor, Tensor] {
    const [xBar, fi, ri, xTx] = split(matmul(inputs, this.k!.value()), 4, 1) as Tensor[];
    const [f, r] = split(sigmoid(add(concat([fi!, ri!], 1), this.b!.value())), 2, 1) as Tensor[];
    const c = add(multiply(f!, state as Tensor), multiply(subtract(1, f!), xBar!));
    const h = add(multiply(r!, this.activation(c)), multiply(subtract(1, r!), xTx!));
    return [h, c];
  }
}

export interface LayerNormLSTMCellOpts {
  usePeepholes?: boolean;
  cellClip?: number | null;
  initializer?: Initializer | null;
  numProj?: number | null;
  projClip?: number | null;
  forgetBias?: number;
  activation?: Act | null;
  layerNorm?: boolean;
  normGain?: number;
  normShift?: number;
  reuse?: boolean | null;
}

/**
 * `LayerNormLSTMCell(numUnits, {usePeepholes, cellClip, initializer, numProj, projClip, forgetBias
 * = 1, activation = tanh, layerNorm = false, normGain = 1, normShift = 0})`: LSTMCell with
 * optional layer normalization of the gates and the cell state. Variables `kernel`, `bias` (made
 * but unused under layerNorm, as TF), `input/`, `transform/`, `forget/`, `output/` gamma and beta,
 * `w_f_diag`, `w_i_diag`, `w_o_diag`, `state/` gamma and beta, `projection/kernel`, in that order.
 */
export class LayerNormLSTMCell extends VarCell {
  readonly numUnits: number;
  readonly numProj: number | null;
  private readonly o: LayerNormLSTMCellOpts;
  private k: Variable | null = null;
  private b: Variable | null = null;
  private peep: [Variable, Variable, Variable] | null = null;
  private proj: Variable | null = null;
  private norms = new Map<string, [Variable, Variable]>();
  constructor(numUnits: number, opts: LayerNormLSTMCellOpts = {}) {
    super('layer_norm_lstm_cell');
    this.numUnits = units(numUnits, 'LayerNormLSTMCell');
    this.numProj = opts.numProj ?? null;
    if (this.numProj !== null) units(this.numProj, 'LayerNormLSTMCell num_proj');
    this.o = opts;
  }
  get stateSize(): SizeStruct {
    return new LSTMStateTuple(this.numUnits, this.numProj ?? this.numUnits);
  }
  get outputSize(): number {
    return this.numProj ?? this.numUnits;
  }
  protected build(inputs: Tensor): void {
    const n = this.numUnits;
    const dt = inputs.dtype;
    const init = this.o.initializer ? { initializer: this.o.initializer } : {};
    const normVars = (s: string): void => {
      variableScope(s, () => {
        const gamma = this.v('gamma', { shape: [n], dtype: dt, initializer: constantInitializer(this.o.normGain ?? 1.0) });
        const beta = this.v('beta', { shape: [n], dtype: dt, initializer: constantInitializer(this.o.normShift ?? 0.0) });
        this.norms.set(s, [gamma, beta]);
      });
    };
    this.k = this.v('kernel', { shape: [inputDepth(inputs, 'LayerNormLSTMCell') + (this.numProj ?? n), 4 * n], dtype: dt, ...init });
    this.b = this.v('bias', { shape: [4 * n], dtype: dt, initializer: zerosInitializer() });
    if (this.o.layerNorm) ['input', 'transform', 'forget', 'output'].forEach(normVars);
    if (this.o.usePeepholes) {
      this.peep = [this.v('w_f_diag', { shape: [n], dtype: dt, ...init }), this.v('w_i_diag', { shape: [n], dtype: dt, ...init }), this.v('w_o_diag', { shape: [n], dtype: dt, ...init })];
    }
    if (this.o.layerNorm) normVars('state');
    if (this.numProj !== null) variableScope('projection', () => { this.proj = this.v('kernel', { shape: [n, this.numProj!], dtype: dt, ...init }); });
  }
  private norm(x: Tensor, s: string): Tensor {
    if (!this.o.layerNorm) return x;
    const [g, b] = this.norms.get(s)!;
    return layerNormWith(x, g, b);
  }
  protected step(inputs: Tensor, state: RNNState): [Tensor, RNNState] {
    const [cPrev, mPrev] = lstmState(state, 'LayerNormLSTMCell');
    const act = this.o.activation ?? ((x: Tensor) => tanh(x));
    const fb = this.o.forgetBias ?? 1.0;
    let z = matmul(concat([inputs, mPrev], 1), this.k!.value());
    if (!this.o.layerNorm) z = add(z, this.b!.value());
    let [i, j, f, o] = split(z, 4, 1) as Tensor[];
    i = this.norm(i!, 'input');
    j = this.norm(j!, 'transform');
    f = this.norm(f!, 'forget');
    o = this.norm(o!, 'output');
    let c: Tensor;
    if (this.peep) {
      const [wf, wi] = [this.peep[0].value(), this.peep[1].value()];
      c = add(multiply(sigmoid(add(add(f, fb), multiply(wf, cPrev))), cPrev), multiply(sigmoid(add(i, multiply(wi, cPrev))), act(j)));
    } else {
      c = add(multiply(sigmoid(add(f, fb)), cPrev), multiply(sigmoid(i), act(j)));
    }
    c = this.norm(c, 'state');
    const clip = this.o.cellClip ?? null;
    if (clip !== null) c = clipByValue(c, -clip, clip);
    let m = multiply(sigmoid(this.peep ? add(o, multiply(this.peep[2].value(), c)) : o), act(c));
    if (this.proj) {
      m = matmul(m, this.proj.value());
      const pc = this.o.projClip ?? null;
      if (pc !== null) m = clipByValue(m, -pc, pc);
    }
    return [m, new LSTMStateTuple(c, m)];
  }
}
