/**
 * GraphDefs (text format) of training graphs whose gradient flows through a tf.while_loop, node
 * by node as TF 1.15's Python writes them: the forward loop (control_flow_ops.while_loop), the
 * forward counter `f_count` and the Stack accumulators `f_acc` with their pushes (ordered before
 * the counter's NextIteration), the gradient loop with its `b_count` counter, pops (ordered
 * before `b_sync`, a ControlTrigger ahead of the counter's NextIteration), `b_exit`/`b_switch`
 * for loop variables and `b_acc` accumulators for loop constants (control_flow_state.py,
 * control_flow_grad.py), and for TensorArrays TF's TensorArrayGradV3 pattern
 * (tensor_array_grad.py). No public TF-written file with these nodes was found.
 */

const attrText = (key: string, v: string): string => `attr { key: "${key}" value { ${v} } }`;
export const ty = (key: string, t: string): string => attrText(key, `type: ${t}`);
export const int = (key: string, i: number): string => attrText(key, `i: ${i}`);
export const bool = (key: string, b: boolean): string => attrText(key, `b: ${b}`);
export const str = (key: string, s: string): string => attrText(key, `s: "${s}"`);
export const shape = (key: string, dims: number[]): string => attrText(key, `shape { ${dims.map((d) => `dim { size: ${d} }`).join(' ')} }`);
const tensor = (dt: string, dims: number[], field: string, vals: number[]): string =>
  attrText('value', `tensor { dtype: ${dt} tensor_shape { ${dims.map((d) => `dim { size: ${d} }`).join(' ')} } ${vals.map((v) => `${field}: ${v}`).join(' ')} }`);

export function node(name: string, op: string, inputs: string[], attrs: string[] = []): string {
  return `node { name: "${name}" op: "${op}" ${inputs.map((i) => `input: "${i}"`).join(' ')} ${attrs.join(' ')} }`;
}

export const constF = (name: string, dims: number[], vals: number[], ctl: string[] = []): string =>
  node(name, 'Const', ctl, [ty('dtype', 'DT_FLOAT'), tensor('DT_FLOAT', dims, 'float_val', vals)]);
export const constI = (name: string, dims: number[], vals: number[], ctl: string[] = []): string =>
  node(name, 'Const', ctl, [ty('dtype', 'DT_INT32'), tensor('DT_INT32', dims, 'int_val', vals)]);
const T = (t = 'DT_FLOAT'): string => ty('T', t);
const F = 'while/while_context';
const B = 'gradients/while/while_context';
export const enter = (name: string, input: string, frame: string, isConstant: boolean, t = 'DT_FLOAT'): string =>
  node(name, 'Enter', [input], [T(t), str('frame_name', frame), bool('is_constant', isConstant), int('parallel_iterations', 10)]);
const merge = (name: string, a: string, b: string, t = 'DT_FLOAT'): string => node(name, 'Merge', [a, b], [T(t), int('N', 2)]);
const sw = (name: string, x: string, pred: string, t = 'DT_FLOAT'): string => node(name, 'Switch', [x, pred], [T(t), `attr { key: "_class" value { list { s: "loc:@${x}" } } }`]);
const unary = (name: string, op: string, x: string, t = 'DT_FLOAT', ctl: string[] = []): string => node(name, op, [x, ...ctl], [T(t)]);
const binary = (name: string, op: string, a: string, b: string, t = 'DT_FLOAT'): string => node(name, op, [a, b], [T(t)]);

/**
 * The stack TF's gradient keeps a forward value `value` in (GradLoopState.AddForwardAccumulator
 * and AddBackpropAccumulatedValue), under the name scope `scope` of the gradient op reading it:
 * nodes, the push (a control input of f_count's NextIteration) and the pop (one of b_sync's).
 */
function accumulator(scope: string, value: string, pushes: string[], pops: string[]): { nodes: string[]; pop: string } {
  pushes.push(`^${scope}/StackPushV2`);
  pops.push(`^${scope}/StackPopV2`);
  return {
    nodes: [
      constI(`${scope}/Const`, [], [-1]),
      node(`${scope}/f_acc`, 'StackV2', [`${scope}/Const`], [ty('elem_type', 'DT_FLOAT'), str('stack_name', '')]),
      enter(`${scope}/Enter`, `${scope}/f_acc`, F, true, 'DT_RESOURCE'),
      node(`${scope}/StackPushV2`, 'StackPushV2', [`${scope}/Enter`, value], [T(), bool('swap_memory', false)]),
      enter(`${scope}/StackPopV2/Enter`, `${scope}/f_acc`, B, true, 'DT_RESOURCE'),
      node(`${scope}/StackPopV2`, 'StackPopV2', [`${scope}/StackPopV2/Enter`], [ty('elem_type', 'DT_FLOAT')]),
    ],
    pop: `${scope}/StackPopV2`,
  };
}

/** TF's forward loop counter f_count and the gradient loop's b_count (with b_sync), in `gradients/`. */
function counters(pushes: string[], pops: string[]): string[] {
  return [
    constI('gradients/f_count', [], [0]),
    enter('gradients/f_count_1', 'gradients/f_count', F, false, 'DT_INT32'),
    merge('gradients/Merge', 'gradients/f_count_1', 'gradients/NextIteration', 'DT_INT32'),
    sw('gradients/Switch', 'gradients/Merge', 'while/LoopCond', 'DT_INT32'),
    constI('gradients/Add/y', [], [1], ['^while/Identity']),
    binary('gradients/Add', 'Add', 'gradients/Switch:1', 'gradients/Add/y', 'DT_INT32'),
    node('gradients/NextIteration', 'NextIteration', ['gradients/Add', ...pushes], [T('DT_INT32')]),
    unary('gradients/f_count_2', 'Exit', 'gradients/Switch', 'DT_INT32'),
    constI('gradients/b_count', [], [1]),
    enter('gradients/b_count_1', 'gradients/f_count_2', B, false, 'DT_INT32'),
    merge('gradients/Merge_1', 'gradients/b_count_1', 'gradients/NextIteration_1', 'DT_INT32'),
    enter('gradients/GreaterEqual/Enter', 'gradients/b_count', B, true, 'DT_INT32'),
    binary('gradients/GreaterEqual', 'GreaterEqual', 'gradients/Merge_1', 'gradients/GreaterEqual/Enter', 'DT_INT32'),
    node('gradients/b_count_2', 'LoopCond', ['gradients/GreaterEqual']),
    sw('gradients/Switch_1', 'gradients/Merge_1', 'gradients/b_count_2', 'DT_INT32'),
    binary('gradients/Sub', 'Sub', 'gradients/Switch_1:1', 'gradients/GreaterEqual/Enter', 'DT_INT32'),
    node('gradients/b_sync', 'ControlTrigger', pops),
    node('gradients/NextIteration_1', 'NextIteration', ['gradients/Sub', '^gradients/b_sync'], [T('DT_INT32')]),
    unary('gradients/b_count_3', 'Exit', 'gradients/Switch_1', 'DT_INT32'),
  ];
}

/**
 * ```python
 * x0 = tf.placeholder(tf.float32, [2], name='x0')
 * w = tf.Variable([0.5, -0.8], name='w')
 * _, x = tf.while_loop(lambda i, x: i < 3, lambda i, x: (i + 1, tf.tanh(x * w)), [0, x0])
 * loss = tf.reduce_sum(x)
 * dx0, dw = tf.gradients(loss, [x0, w])
 * train = tf.train.GradientDescentOptimizer(0.1).apply_gradients([(dw, w)])
 * ```
 */
export function tanhLoopGraph(w0: number[], lr: number): string {
  const pushes: string[] = [];
  const pops: string[] = [];
  const tanhAcc = accumulator('gradients/while/Tanh_grad/TanhGrad', 'while/Tanh', pushes, pops);
  const xAcc = accumulator('gradients/while/mul_grad/Mul_1', 'while/Identity_1', pushes, pops);
  const nodes = [
    node('x0', 'Placeholder', [], [ty('dtype', 'DT_FLOAT'), shape('shape', [2])]),
    constF('w/initial_value', [2], w0),
    node('w', 'VariableV2', [], [ty('dtype', 'DT_FLOAT'), shape('shape', [2]), str('container', ''), str('shared_name', '')]),
    node('w/Assign', 'Assign', ['w', 'w/initial_value'], [T(), bool('use_locking', true), bool('validate_shape', true)]),
    unary('w/read', 'Identity', 'w'),
    node('init', 'NoOp', ['^w/Assign']),
    constI('Const', [], [0]),
    // the forward loop
    enter('while/Enter', 'Const', F, false, 'DT_INT32'),
    enter('while/Enter_1', 'x0', F, false),
    merge('while/Merge', 'while/Enter', 'while/NextIteration', 'DT_INT32'),
    merge('while/Merge_1', 'while/Enter_1', 'while/NextIteration_1'),
    constI('while/Less/y', [], [3], ['^while/Merge']),
    binary('while/Less', 'Less', 'while/Merge', 'while/Less/y', 'DT_INT32'),
    node('while/LoopCond', 'LoopCond', ['while/Less']),
    sw('while/Switch', 'while/Merge', 'while/LoopCond', 'DT_INT32'),
    sw('while/Switch_1', 'while/Merge_1', 'while/LoopCond'),
    unary('while/Identity', 'Identity', 'while/Switch:1', 'DT_INT32'),
    unary('while/Identity_1', 'Identity', 'while/Switch_1:1'),
    constI('while/add/y', [], [1], ['^while/Identity']),
    binary('while/add', 'Add', 'while/Identity', 'while/add/y', 'DT_INT32'),
    enter('while/mul/Enter', 'w/read', F, true),
    binary('while/mul', 'Mul', 'while/Identity_1', 'while/mul/Enter'),
    unary('while/Tanh', 'Tanh', 'while/mul'),
    unary('while/NextIteration', 'NextIteration', 'while/add', 'DT_INT32'),
    unary('while/NextIteration_1', 'NextIteration', 'while/Tanh'),
    unary('while/Exit', 'Exit', 'while/Switch', 'DT_INT32'),
    unary('while/Exit_1', 'Exit', 'while/Switch_1'),
    constI('Const_1', [1], [0]),
    node('Sum', 'Sum', ['while/Exit_1', 'Const_1'], [T(), ty('Tidx', 'DT_INT32'), bool('keep_dims', false)]),
    // tf.gradients: grad_ys, the Sum's gradient, the loop counters and stacks
    node('gradients/Shape', 'Shape', ['Sum'], [T(), ty('out_type', 'DT_INT32')]),
    constF('gradients/grad_ys_0', [], [1]),
    node('gradients/Fill', 'Fill', ['gradients/Shape', 'gradients/grad_ys_0'], [T(), ty('index_type', 'DT_INT32')]),
    ...counters(pushes, pops),
    constI('gradients/Sum_grad/Reshape/shape', [1], [1]),
    node('gradients/Sum_grad/Reshape', 'Reshape', ['gradients/Fill', 'gradients/Sum_grad/Reshape/shape'], [T(), ty('Tshape', 'DT_INT32')]),
    constI('gradients/Sum_grad/Const', [1], [2]),
    node('gradients/Sum_grad/Tile', 'Tile', ['gradients/Sum_grad/Reshape', 'gradients/Sum_grad/Const'], [T(), ty('Tmultiples', 'DT_INT32')]),
    // the gradient loop: x's b_exit / b_switch, the Merge's gradient Switch, x0's Exit
    enter('gradients/while/Exit_1_grad/b_exit', 'gradients/Sum_grad/Tile', B, false),
    merge('gradients/while/Switch_1_grad/b_switch', 'gradients/while/Exit_1_grad/b_exit', 'gradients/while/Switch_1_grad_1/NextIteration'),
    sw('gradients/while/Merge_1_grad/Switch', 'gradients/while/Switch_1_grad/b_switch', 'gradients/b_count_2'),
    unary('gradients/while/Enter_1_grad/Exit', 'Exit', 'gradients/while/Merge_1_grad/Switch'),
    ...tanhAcc.nodes,
    binary('gradients/while/Tanh_grad/TanhGrad', 'TanhGrad', tanhAcc.pop, 'gradients/while/Merge_1_grad/Switch:1'),
    enter('gradients/while/mul_grad/Mul/Enter', 'w/read', B, true),
    binary('gradients/while/mul_grad/Mul', 'Mul', 'gradients/while/Tanh_grad/TanhGrad', 'gradients/while/mul_grad/Mul/Enter'),
    ...xAcc.nodes,
    binary('gradients/while/mul_grad/Mul_1', 'Mul', 'gradients/while/Tanh_grad/TanhGrad', xAcc.pop),
    unary('gradients/while/Switch_1_grad_1/NextIteration', 'NextIteration', 'gradients/while/mul_grad/Mul'),
    // w's loop constant Enter: its gradient summed over the iterations (b_acc)
    constF('gradients/while/mul/Enter_grad/b_acc', [2], [0]),
    enter('gradients/while/mul/Enter_grad/b_acc_1', 'gradients/while/mul/Enter_grad/b_acc', B, false),
    merge('gradients/while/mul/Enter_grad/b_acc_2', 'gradients/while/mul/Enter_grad/b_acc_1', 'gradients/while/mul/Enter_grad/NextIteration'),
    sw('gradients/while/mul/Enter_grad/Switch', 'gradients/while/mul/Enter_grad/b_acc_2', 'gradients/b_count_2'),
    binary('gradients/while/mul/Enter_grad/Add', 'Add', 'gradients/while/mul/Enter_grad/Switch:1', 'gradients/while/mul_grad/Mul_1'),
    unary('gradients/while/mul/Enter_grad/NextIteration', 'NextIteration', 'gradients/while/mul/Enter_grad/Add'),
    unary('gradients/while/mul/Enter_grad/b_acc_3', 'Exit', 'gradients/while/mul/Enter_grad/Switch'),
    // the training step
    constF('GradientDescent/learning_rate', [], [lr]),
    node('GradientDescent/update_w/ApplyGradientDescent', 'ApplyGradientDescent', ['w', 'GradientDescent/learning_rate', 'gradients/while/mul/Enter_grad/b_acc_3'], [T(), bool('use_locking', false)]),
    node('GradientDescent', 'NoOp', ['^GradientDescent/update_w/ApplyGradientDescent']),
  ];
  return nodes.join('\n') + '\nversions { producer: 134 }\n';
}

const ta = (name: string, size: string): string =>
  node(name, 'TensorArrayV3', [size], [
    ty('dtype', 'DT_FLOAT'), attrText('element_shape', 'shape { unknown_rank: true }'), bool('dynamic_size', false),
    bool('clear_after_read', true), bool('identical_element_shapes', false), str('tensor_array_name', ''),
  ]);

/** Stacks keyed by the forward value (TF's GradLoopState history map: one per value). */
function accumulators(pushes: string[], pops: string[]): { nodes: string[]; popOf: (scope: string, value: string, dtype?: string) => string } {
  const nodes: string[] = [];
  const made = new Map<string, string>();
  return {
    nodes,
    popOf(scope, value, dtype = 'DT_FLOAT') {
      const had = made.get(value);
      if (had) return had;
      const a = accumulator(scope, value, pushes, pops);
      const typed = a.nodes.map((n) => n.replace(/DT_FLOAT/g, dtype));
      nodes.push(...typed);
      made.set(value, a.pop);
      return a.pop;
    },
  };
}

/** TF's TensorArray.grad(source='gradients') of handle `h` and flow `flow`, under `scope`. */
function taGrad(scope: string, h: string, flow: string): string[] {
  return [
    node(`${scope}/TensorArrayGrad/TensorArrayGradV3`, 'TensorArrayGradV3', [h, flow], [str('source', 'gradients'), `attr { key: "_class" value { list { s: "loc:@${h}" } } }`]),
    node(`${scope}/TensorArrayGrad/gradient_flow`, 'Identity', [flow, `^${scope}/TensorArrayGrad/TensorArrayGradV3`], [T()]),
  ];
}

/**
 * A dynamic_rnn-style loop over TensorArrays:
 * ```python
 * x = tf.placeholder(tf.float32, [3, 2], name='x')
 * w = tf.Variable(w0, name='w')
 * ta_in = tf.TensorArray(tf.float32, 3).scatter([0, 1, 2], x)
 * def body(t, h, out):
 *   h = tf.tanh(h * w + ta_in.read(t))
 *   return t + 1, h, out.write(t, h)
 * _, h, out = tf.while_loop(lambda t, h, out: t < 3, body, [0, tf.zeros([2]), tf.TensorArray(tf.float32, 3)])
 * loss = tf.reduce_sum(out.stack())
 * dx, dw = tf.gradients(loss, [x, w])
 * ```
 */
export function taLoopGraph(w0: number[]): string {
  const pushes: string[] = [];
  const pops: string[] = [];
  const acc = accumulators(pushes, pops);
  const RG = 'gradients/while/TensorArrayReadV3_grad';
  const WG = 'gradients/while/TensorArrayWrite/TensorArrayWriteV3_grad';
  const GG = 'gradients/TensorArrayStack/TensorArrayGatherV3_grad';
  const SG = 'gradients/TensorArrayScatter/TensorArrayScatterV3_grad';
  // gradient-loop values that read forward ones (each forward value's stack made once)
  const flowOutPop = acc.popOf(`${WG}/flow_out`, 'while/TensorArrayWrite/TensorArrayWriteV3');
  const tPop = acc.popOf(`${WG}/TensorArrayReadV3`, 'while/Identity', 'DT_INT32');
  const tanhPop = acc.popOf('gradients/while/Tanh_grad/TanhGrad', 'while/Tanh');
  const hPop = acc.popOf('gradients/while/mul_grad/Mul_1', 'while/Identity_1');
  const nodes = [
    node('x', 'Placeholder', [], [ty('dtype', 'DT_FLOAT'), shape('shape', [3, 2])]),
    constF('w/initial_value', [2], w0),
    node('w', 'VariableV2', [], [ty('dtype', 'DT_FLOAT'), shape('shape', [2]), str('container', ''), str('shared_name', '')]),
    node('w/Assign', 'Assign', ['w', 'w/initial_value'], [T(), bool('use_locking', true), bool('validate_shape', true)]),
    unary('w/read', 'Identity', 'w'),
    node('init', 'NoOp', ['^w/Assign']),
    constI('TensorArray/size', [], [3]),
    ta('TensorArray', 'TensorArray/size'),
    constI('TensorArrayScatter/indices', [3], [0, 1, 2]),
    node('TensorArrayScatter/TensorArrayScatterV3', 'TensorArrayScatterV3', ['TensorArray', 'TensorArrayScatter/indices', 'x', 'TensorArray:1'], [T(), `attr { key: "_class" value { list { s: "loc:@x" } } }`]),
    constI('TensorArray_1/size', [], [3]),
    ta('TensorArray_1', 'TensorArray_1/size'),
    constF('zeros', [2], [0]),
    constI('Const', [], [0]),
    // the forward loop
    enter('while/Enter', 'Const', F, false, 'DT_INT32'),
    enter('while/Enter_1', 'zeros', F, false),
    enter('while/Enter_2', 'TensorArray_1:1', F, false),
    merge('while/Merge', 'while/Enter', 'while/NextIteration', 'DT_INT32'),
    merge('while/Merge_1', 'while/Enter_1', 'while/NextIteration_1'),
    merge('while/Merge_2', 'while/Enter_2', 'while/NextIteration_2'),
    constI('while/Less/y', [], [3], ['^while/Merge']),
    binary('while/Less', 'Less', 'while/Merge', 'while/Less/y', 'DT_INT32'),
    node('while/LoopCond', 'LoopCond', ['while/Less']),
    sw('while/Switch', 'while/Merge', 'while/LoopCond', 'DT_INT32'),
    sw('while/Switch_1', 'while/Merge_1', 'while/LoopCond'),
    sw('while/Switch_2', 'while/Merge_2', 'while/LoopCond'),
    unary('while/Identity', 'Identity', 'while/Switch:1', 'DT_INT32'),
    unary('while/Identity_1', 'Identity', 'while/Switch_1:1'),
    unary('while/Identity_2', 'Identity', 'while/Switch_2:1'),
    enter('while/mul/Enter', 'w/read', F, true),
    binary('while/mul', 'Mul', 'while/Identity_1', 'while/mul/Enter'),
    enter('while/TensorArrayReadV3/Enter', 'TensorArray', F, true, 'DT_RESOURCE'),
    enter('while/TensorArrayReadV3/Enter_1', 'TensorArrayScatter/TensorArrayScatterV3', F, true),
    node('while/TensorArrayReadV3', 'TensorArrayReadV3', ['while/TensorArrayReadV3/Enter', 'while/Identity', 'while/TensorArrayReadV3/Enter_1'], [ty('dtype', 'DT_FLOAT')]),
    binary('while/add', 'Add', 'while/mul', 'while/TensorArrayReadV3'),
    unary('while/Tanh', 'Tanh', 'while/add'),
    enter('while/TensorArrayWrite/TensorArrayWriteV3/Enter', 'TensorArray_1', F, true, 'DT_RESOURCE'),
    node('while/TensorArrayWrite/TensorArrayWriteV3', 'TensorArrayWriteV3', ['while/TensorArrayWrite/TensorArrayWriteV3/Enter', 'while/Identity', 'while/Tanh', 'while/Identity_2'], [T(), `attr { key: "_class" value { list { s: "loc:@while/Tanh" } } }`]),
    constI('while/add_1/y', [], [1], ['^while/Identity']),
    binary('while/add_1', 'Add', 'while/Identity', 'while/add_1/y', 'DT_INT32'),
    unary('while/NextIteration', 'NextIteration', 'while/add_1', 'DT_INT32'),
    unary('while/NextIteration_1', 'NextIteration', 'while/Tanh'),
    unary('while/NextIteration_2', 'NextIteration', 'while/TensorArrayWrite/TensorArrayWriteV3'),
    unary('while/Exit', 'Exit', 'while/Switch', 'DT_INT32'),
    unary('while/Exit_1', 'Exit', 'while/Switch_1'),
    unary('while/Exit_2', 'Exit', 'while/Switch_2'),
    node('TensorArrayStack/TensorArraySizeV3', 'TensorArraySizeV3', ['TensorArray_1', 'while/Exit_2']),
    constI('TensorArrayStack/range/start', [], [0]),
    constI('TensorArrayStack/range/delta', [], [1]),
    node('TensorArrayStack/range', 'Range', ['TensorArrayStack/range/start', 'TensorArrayStack/TensorArraySizeV3', 'TensorArrayStack/range/delta'], [ty('Tidx', 'DT_INT32')]),
    node('TensorArrayStack/TensorArrayGatherV3', 'TensorArrayGatherV3', ['TensorArray_1', 'TensorArrayStack/range', 'while/Exit_2'], [ty('dtype', 'DT_FLOAT'), shape('element_shape', [2])]),
    constI('Const_1', [2], [0, 1]),
    node('Sum', 'Sum', ['TensorArrayStack/TensorArrayGatherV3', 'Const_1'], [T(), ty('Tidx', 'DT_INT32'), bool('keep_dims', false)]),
    // tf.gradients
    node('gradients/Shape', 'Shape', ['Sum'], [T(), ty('out_type', 'DT_INT32')]),
    constF('gradients/grad_ys_0', [], [1]),
    node('gradients/Fill', 'Fill', ['gradients/Shape', 'gradients/grad_ys_0'], [T(), ty('index_type', 'DT_INT32')]),
    ...counters(pushes, pops),
    ...acc.nodes,
    constI('gradients/Sum_grad/Reshape/shape', [2], [1, 1]),
    node('gradients/Sum_grad/Reshape', 'Reshape', ['gradients/Fill', 'gradients/Sum_grad/Reshape/shape'], [T(), ty('Tshape', 'DT_INT32')]),
    constI('gradients/Sum_grad/Const', [2], [3, 2]),
    node('gradients/Sum_grad/Tile', 'Tile', ['gradients/Sum_grad/Reshape', 'gradients/Sum_grad/Const'], [T(), ty('Tmultiples', 'DT_INT32')]),
    // out.stack()'s gradient: a new gradient array of TensorArray_1, scattered
    ...taGrad(GG, 'TensorArray_1', 'while/Exit_2'),
    node(`${GG}/TensorArrayScatter/TensorArrayScatterV3`, 'TensorArrayScatterV3', [`${GG}/TensorArrayGrad/TensorArrayGradV3`, 'TensorArrayStack/range', 'gradients/Sum_grad/Tile', `${GG}/TensorArrayGrad/gradient_flow`], [T()]),
    // h's Exit is not used: its gradient is zeros (ZerosLikeForExit)
    constF('gradients/zeros', [2], [0]),
    // the gradient loop: b_exit / b_switch of h and of out's flow
    enter('gradients/while/Exit_1_grad/b_exit', 'gradients/zeros', B, false),
    enter('gradients/while/Exit_2_grad/b_exit', `${GG}/TensorArrayScatter/TensorArrayScatterV3`, B, false),
    merge('gradients/while/Switch_1_grad/b_switch', 'gradients/while/Exit_1_grad/b_exit', 'gradients/while/Switch_1_grad_1/NextIteration'),
    merge('gradients/while/Switch_2_grad/b_switch', 'gradients/while/Exit_2_grad/b_exit', 'gradients/while/Switch_2_grad_1/NextIteration'),
    sw('gradients/while/Merge_1_grad/Switch', 'gradients/while/Switch_1_grad/b_switch', 'gradients/b_count_2'),
    sw('gradients/while/Merge_2_grad/Switch', 'gradients/while/Switch_2_grad/b_switch', 'gradients/b_count_2'),
    unary('gradients/while/Enter_1_grad/Exit', 'Exit', 'gradients/while/Merge_1_grad/Switch'),
    unary('gradients/while/Enter_2_grad/Exit', 'Exit', 'gradients/while/Merge_2_grad/Switch'),
    // out.write(t, h)'s gradient: read the gradient array at t
    node(`${WG}/flow_out`, 'Identity', [flowOutPop], [T()]),
    node(`${WG}/write_barrier`, 'Identity', ['gradients/while/Merge_2_grad/Switch:1', `^${WG}/flow_out`], [T()]),
    enter(`${WG}/TensorArrayGrad/TensorArrayGradV3/Enter`, 'TensorArray_1', B, true, 'DT_RESOURCE'),
    ...taGrad(WG, `${WG}/TensorArrayGrad/TensorArrayGradV3/Enter`, `${WG}/write_barrier`),
    node(`${WG}/TensorArrayReadV3`, 'TensorArrayReadV3', [`${WG}/TensorArrayGrad/TensorArrayGradV3`, tPop, `${WG}/TensorArrayGrad/gradient_flow`], [ty('dtype', 'DT_FLOAT')]),
    unary('gradients/while/Switch_2_grad_1/NextIteration', 'NextIteration', `${WG}/write_barrier`),
    // h's two gradients (the next step's h, the write) add up
    node('gradients/AddN', 'AddN', ['gradients/while/Merge_1_grad/Switch:1', `${WG}/TensorArrayReadV3`], [T(), int('N', 2), `attr { key: "_class" value { list { s: "loc:@while/Tanh" } } }`]),
    binary('gradients/while/Tanh_grad/TanhGrad', 'TanhGrad', tanhPop, 'gradients/AddN'),
    enter('gradients/while/mul_grad/Mul/Enter', 'w/read', B, true),
    binary('gradients/while/mul_grad/Mul', 'Mul', 'gradients/while/Tanh_grad/TanhGrad', 'gradients/while/mul_grad/Mul/Enter'),
    binary('gradients/while/mul_grad/Mul_1', 'Mul', 'gradients/while/Tanh_grad/TanhGrad', hPop),
    unary('gradients/while/Switch_1_grad_1/NextIteration', 'NextIteration', 'gradients/while/mul_grad/Mul'),
    // ta_in.read(t)'s gradient: a write into a new gradient array of TensorArray, summed over the iterations (b_acc)
    enter(`${RG}/TensorArrayGrad/TensorArrayGradV3/Enter`, 'TensorArray', B, true, 'DT_RESOURCE'),
    enter(`${RG}/TensorArrayGrad/TensorArrayGradV3/Enter_1`, 'TensorArrayScatter/TensorArrayScatterV3', B, true),
    ...taGrad(RG, `${RG}/TensorArrayGrad/TensorArrayGradV3/Enter`, `${RG}/TensorArrayGrad/TensorArrayGradV3/Enter_1`),
    node(`${RG}/TensorArrayWrite/TensorArrayWriteV3`, 'TensorArrayWriteV3', [`${RG}/TensorArrayGrad/TensorArrayGradV3`, tPop, 'gradients/while/Tanh_grad/TanhGrad', `${RG}/TensorArrayGrad/gradient_flow`], [T()]),
    constF('gradients/while/TensorArrayReadV3/Enter_1_grad/b_acc', [], [0]),
    enter('gradients/while/TensorArrayReadV3/Enter_1_grad/b_acc_1', 'gradients/while/TensorArrayReadV3/Enter_1_grad/b_acc', B, false),
    merge('gradients/while/TensorArrayReadV3/Enter_1_grad/b_acc_2', 'gradients/while/TensorArrayReadV3/Enter_1_grad/b_acc_1', 'gradients/while/TensorArrayReadV3/Enter_1_grad/NextIteration'),
    sw('gradients/while/TensorArrayReadV3/Enter_1_grad/Switch', 'gradients/while/TensorArrayReadV3/Enter_1_grad/b_acc_2', 'gradients/b_count_2'),
    binary('gradients/while/TensorArrayReadV3/Enter_1_grad/Add', 'Add', 'gradients/while/TensorArrayReadV3/Enter_1_grad/Switch:1', `${RG}/TensorArrayWrite/TensorArrayWriteV3`),
    unary('gradients/while/TensorArrayReadV3/Enter_1_grad/NextIteration', 'NextIteration', 'gradients/while/TensorArrayReadV3/Enter_1_grad/Add'),
    unary('gradients/while/TensorArrayReadV3/Enter_1_grad/b_acc_3', 'Exit', 'gradients/while/TensorArrayReadV3/Enter_1_grad/Switch'),
    // w's loop constant: b_acc
    constF('gradients/while/mul/Enter_grad/b_acc', [2], [0]),
    enter('gradients/while/mul/Enter_grad/b_acc_1', 'gradients/while/mul/Enter_grad/b_acc', B, false),
    merge('gradients/while/mul/Enter_grad/b_acc_2', 'gradients/while/mul/Enter_grad/b_acc_1', 'gradients/while/mul/Enter_grad/NextIteration'),
    sw('gradients/while/mul/Enter_grad/Switch', 'gradients/while/mul/Enter_grad/b_acc_2', 'gradients/b_count_2'),
    binary('gradients/while/mul/Enter_grad/Add', 'Add', 'gradients/while/mul/Enter_grad/Switch:1', 'gradients/while/mul_grad/Mul_1'),
    unary('gradients/while/mul/Enter_grad/NextIteration', 'NextIteration', 'gradients/while/mul/Enter_grad/Add'),
    unary('gradients/while/mul/Enter_grad/b_acc_3', 'Exit', 'gradients/while/mul/Enter_grad/Switch'),
    // the scatter's gradient: gather from x's gradient array
    node(`${SG}/flow_out`, 'Identity', ['TensorArrayScatter/TensorArrayScatterV3'], [T()]),
    node(`${SG}/write_barrier`, 'Identity', ['gradients/while/TensorArrayReadV3/Enter_1_grad/b_acc_3', `^${SG}/flow_out`], [T()]),
    ...taGrad(SG, 'TensorArray', `${SG}/write_barrier`),
    node(`${SG}/TensorArrayGatherV3`, 'TensorArrayGatherV3', [`${SG}/TensorArrayGrad/TensorArrayGradV3`, 'TensorArrayScatter/indices', `${SG}/TensorArrayGrad/gradient_flow`], [ty('dtype', 'DT_FLOAT'), attrText('element_shape', 'shape { unknown_rank: true }')]),
  ];
  return nodes.join('\n') + '\nversions { producer: 134 }\n';
}
