/**
 * Writes docs/missing-ops.md: the functions of TF 1.15's public `tf` and `tf.nn` modules (the
 * member_method names of tensorflow/tools/api/golden/v1/tensorflow.pbtxt and
 * tensorflow.nn.pbtxt) that tsflow's `tf` / `tf.nn` do not export under TF1's camelCase name,
 * then every module of scripts/tf1-api-names.json (functions and classes) the same way.
 *
 *   npx tsx scripts/missing-ops.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as tf from '../src/index.js';

const TF = `Assert NoGradient NotDifferentiable Print abs accumulate_n acos acosh add add_check_numerics_ops add_n add_to_collection add_to_collections all_variables angle arg_max
arg_min argmax argmin argsort as_dtype as_string asin asinh assert_equal assert_greater assert_greater_equal assert_integer assert_less assert_less_equal assert_near assert_negative assert_non_negative assert_non_positive assert_none_equal assert_positive assert_proper_iterable assert_rank assert_rank_at_least assert_rank_in assert_same_float_dtype assert_scalar assert_type assert_variables_initialized assign assign_add assign_sub atan atan2 atanh batch_gather batch_scatter_update batch_to_space batch_to_space_nd betainc bincount bitcast boolean_mask broadcast_dynamic_shape broadcast_static_shape broadcast_to case cast ceil check_numerics cholesky cholesky_solve clip_by_average_norm clip_by_global_norm clip_by_norm clip_by_value colocate_with complex concat cond confusion_matrix conj constant container control_dependencies convert_to_tensor convert_to_tensor_or_indexed_slices convert_to_tensor_or_sparse_tensor cos cosh count_nonzero count_up_to create_partitioned_variables cross cudnn_rnn_canonical_to_params_v2 cudnn_rnn_params_to_canonical_v2 cumprod cumsum custom_gradient decode_base64 decode_compressed decode_csv decode_json_example decode_raw delete_session_tensor depth_to_space dequantize
deserialize_many_sparse device diag diag_part digamma dimension_at_index dimension_value disable_eager_execution disable_resource_variables disable_v2_behavior disable_v2_tensorshape div div_no_nan divide dynamic_partition dynamic_stitch edit_distance einsum enable_eager_execution enable_resource_variables enable_v2_behavior enable_v2_tensorshape encode_base64 ensure_shape equal erf erfc executing_eagerly exp expand_dims expm1 extract_image_patches extract_volume_patches eye fake_quant_with_min_max_args fake_quant_with_min_max_args_gradient fake_quant_with_min_max_vars fake_quant_with_min_max_vars_gradient fake_quant_with_min_max_vars_per_channel fake_quant_with_min_max_vars_per_channel_gradient fft fft2d fft3d fill fingerprint fixed_size_partitioner floor floor_div floordiv floormod foldl foldr function gather gather_nd get_collection get_collection_ref get_default_graph get_default_session get_local_variable get_logger get_seed get_session_handle get_session_tensor get_static_value get_variable get_variable_scope global_norm global_variables global_variables_initializer gradients greater greater_equal group guarantee_const hessians histogram_fixed_width histogram_fixed_width_bins identity identity_n ifft ifft2d ifft3d igamma igammac imag import_graph_def init_scope initialize_all_tables initialize_all_variables initialize_local_variables initialize_variables invert_permutation is_finite is_inf
is_nan is_non_decreasing is_numeric_tensor is_strictly_increasing is_tensor is_variable_initialized lbeta less less_equal lgamma lin_space linspace load_file_system_library load_library load_op_library local_variables local_variables_initializer log log1p log_sigmoid logical_and logical_not logical_or logical_xor make_ndarray make_template make_tensor_proto map_fn matching_files matmul matrix_band_part matrix_determinant matrix_diag matrix_diag_part matrix_inverse matrix_set_diag matrix_solve matrix_solve_ls matrix_square_root matrix_transpose matrix_triangular_solve maximum meshgrid min_max_variable_partitioner minimum mod model_variables moving_average_variables multinomial multiply negative no_gradient no_op no_regularizer nondifferentiable_batch_function norm not_equal numpy_function one_hot ones ones_like op_scope pad parallel_stack parse_example parse_single_example parse_single_sequence_example parse_tensor placeholder placeholder_with_default polygamma pow print py_func py_function qr quantize quantize_v2 quantized_concat random_crop random_gamma random_normal random_poisson random_shuffle random_uniform range rank read_file real realdiv reciprocal reduce_all reduce_any reduce_join reduce_logsumexp
reduce_max reduce_mean reduce_min reduce_prod reduce_sum regex_replace register_tensor_conversion_function report_uninitialized_variables required_space_to_batch_paddings reset_default_graph reshape resource_variables_enabled reverse reverse_sequence reverse_v2 rint roll round rsqrt saturate_cast scalar_mul scan scatter_add scatter_div scatter_max scatter_min scatter_mul scatter_nd scatter_nd_add scatter_nd_sub scatter_nd_update scatter_sub scatter_update searchsorted segment_max segment_mean segment_min segment_prod segment_sum self_adjoint_eig self_adjoint_eigvals sequence_mask serialize_many_sparse serialize_sparse serialize_tensor set_random_seed setdiff1d shape shape_n sigmoid sign sin sinh size slice sort space_to_batch space_to_batch_nd space_to_depth sparse_add sparse_concat sparse_fill_empty_rows sparse_mask sparse_matmul sparse_maximum sparse_merge sparse_minimum sparse_placeholder sparse_reduce_max sparse_reduce_max_sparse sparse_reduce_sum sparse_reduce_sum_sparse sparse_reorder sparse_reset_shape sparse_reshape sparse_retain sparse_segment_mean sparse_segment_sqrt_n sparse_segment_sum sparse_slice sparse_softmax sparse_split sparse_tensor_dense_matmul sparse_tensor_to_dense sparse_to_dense sparse_to_indicator sparse_transpose
split sqrt square squared_difference squeeze stack stop_gradient strided_slice string_join string_split string_strip string_to_hash_bucket string_to_hash_bucket_fast string_to_hash_bucket_strong string_to_number substr subtract svd switch_case tables_initializer tan tanh tensor_scatter_add tensor_scatter_nd_add tensor_scatter_nd_sub tensor_scatter_nd_update tensor_scatter_sub tensor_scatter_update tensordot tile timestamp to_bfloat16 to_complex128 to_complex64 to_double to_float to_int32 to_int64 trace trainable_variables transpose truediv truncated_normal truncatediv truncatemod tuple unique unique_with_counts unravel_index unsorted_segment_max unsorted_segment_mean unsorted_segment_min unsorted_segment_prod unsorted_segment_sqrt_n unsorted_segment_sum unstack variable_axis_size_partitioner variable_creator_scope variable_op_scope variables_initializer vectorized_map verify_tensor_all_finite where where_v2 while_loop wrap_function write_file zeros zeros_like zeta`;

const NN = `all_candidate_sampler atrous_conv2d atrous_conv2d_transpose avg_pool avg_pool1d avg_pool2d avg_pool3d avg_pool_v2 batch_norm_with_global_normalization batch_normalization bias_add bidirectional_dynamic_rnn collapse_repeated compute_accidental_hits compute_average_loss conv1d conv1d_transpose conv2d conv2d_backprop_filter conv2d_backprop_input conv2d_transpose conv3d conv3d_backprop_filter conv3d_backprop_filter_v2 conv3d_transpose conv_transpose convolution crelu ctc_beam_search_decoder ctc_beam_search_decoder_v2 ctc_greedy_decoder ctc_loss ctc_loss_v2 ctc_unique_labels depth_to_space depthwise_conv2d depthwise_conv2d_backprop_filter depthwise_conv2d_backprop_input depthwise_conv2d_native depthwise_conv2d_native_backprop_filter depthwise_conv2d_native_backprop_input dilation2d dropout dynamic_rnn elu embedding_lookup embedding_lookup_sparse erosion2d fixed_unigram_candidate_sampler fractional_avg_pool fractional_max_pool fused_batch_norm in_top_k l2_loss l2_normalize leaky_relu learned_unigram_candidate_sampler local_response_normalization log_poisson_loss log_softmax log_uniform_candidate_sampler lrn max_pool
max_pool1d max_pool2d max_pool3d max_pool_v2 max_pool_with_argmax moments nce_loss normalize_moments pool quantized_avg_pool quantized_conv2d quantized_max_pool quantized_relu_x raw_rnn relu relu6 relu_layer safe_embedding_lookup_sparse sampled_softmax_loss scale_regularization_loss selu separable_conv2d sigmoid sigmoid_cross_entropy_with_logits softmax softmax_cross_entropy_with_logits softmax_cross_entropy_with_logits_v2 softplus softsign space_to_batch space_to_depth sparse_softmax_cross_entropy_with_logits static_bidirectional_rnn static_rnn static_state_saving_rnn sufficient_statistics swish tanh top_k uniform_candidate_sampler weighted_cross_entropy_with_logits weighted_moments with_space_to_batch xw_plus_b zero_fraction`;

const camel = (s: string): string => s.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
const has = (ns: Record<string, unknown>, name: string): boolean => [name, camel(name)].some((k) => k in ns && ns[k] !== undefined);

/** Groups, first match wins. */
const GROUPS: [string, RegExp][] = [
  ['eager / TF2 behaviour switches, Python-only helpers, op libraries (not applicable to a graph-only TypeScript runtime)', /^(enable_|disable_|executing_eagerly|function$|wrap_function|load_|numpy_function|py_func|py_function|resource_variables_enabled|register_tensor_conversion_function|make_ndarray|make_tensor_proto|custom_gradient|vectorized_map|nondifferentiable_batch_function|get_logger|dimension_|is_numeric_tensor|as_dtype|variable_creator_scope|init_scope|container|op_scope|variable_op_scope|NoGradient|NotDifferentiable|no_gradient|guarantee_const|timestamp|fingerprint)/],
  ['assertions', /^(assert|Assert|verify_|is_non_decreasing|is_strictly_increasing|ensure_shape|is_variable_initialized|report_uninitialized|assert_variables_initialized)/],
  ['sparse tensors (SparseTensor and its ops)', /^(sparse_|serialize_|deserialize_|convert_to_tensor_or_sparse|edit_distance)/],
  ['quantization', /^(fake_quant|quantize|quantized_|dequantize)/],
  ['complex numbers and FFT', /^(complex|conj|real|imag|angle|i?fft)/],
  ['linear algebra', /^(cholesky|matrix_|qr|svd|self_adjoint|trace|cross|diag|eye)/],
  ['special functions', /^(betainc|digamma|igamma|lbeta|lgamma|polygamma|zeta|erf)/],
  ['segment ops', /^(segment_|unsorted_segment_|sparse_segment)/],
  ['strings and parsing', /^(string_|substr|regex_|reduce_join|as_string|decode_|encode_|parse_|read_file|write_file|matching_files|serialize_tensor)/],
  ['functional and control flow', /^(foldl|foldr|map_fn|scan|case|switch_case|tuple|while_loop|cond|group|identity_n)/],
  ['partitioned variables, sessions, collections, variable helpers', /(partition|session|collection|variable|initializ|make_template|count_up_to|tables_initializer|no_regularizer|model_variables|hessians|get_seed)/],
  ['RNN', /rnn/],
  ['candidate sampling, embeddings', /(sampler|embedding|ctc)/],
  ['convolution, pooling, image-shaped ops', /(conv|pool|depth|space_to|batch_to|dilation|erosion|extract_|atrous|with_space_to_batch|lrn|local_response)/],
];

function missing(names: string, ns: Record<string, unknown>, prefix: string, exclude: Set<string> = new Set()): { list: string[]; total: number } {
  const all = [...new Set(names.split(/\s+/).filter(Boolean))].filter((n) => !exclude.has(n));
  return { list: all.filter((n) => !has(ns, n)).map((n) => `${prefix}${n}`), total: all.length };
}

const top = missing(TF, tf as unknown as Record<string, unknown>, 'tf.');
const nn = missing(NN, tf.nn as unknown as Record<string, unknown>, 'tf.nn.');
const groups = new Map<string, string[]>();
for (const full of [...top.list, ...nn.list]) {
  const short = full.replace(/^tf\.(nn\.)?/, '');
  const g = GROUPS.find(([, re]) => re.test(short))?.[0] ?? 'math, array and other ops';
  groups.set(g, [...(groups.get(g) ?? []), full]);
}
const lines = [
  '# TF1 functions tsflow does not have yet',
  '',
  'Counted against TF 1.15\'s public API: the functions (`member_method`s) of',
  '`tensorflow/tools/api/golden/v1/tensorflow.pbtxt` (TF 1.15.x, as in NVIDIA/tensorflow\'s 1.15',
  'branch) and `tensorflow.nn.pbtxt` (DeepRec\'s TF 1.15 tree, less its own additions `gelu`,',
  '`embedding_lookup_sparse_multi_dim`, `safe_embedding_lookup_multi_dim`). A function counts as',
  'present when `tf` (or `tf.nn`) exports it under TF1\'s camelCase name. Classes, dtypes and',
  'submodules are not counted; `tf.math` and `tf.strings` are mostly aliases of these and are not',
  'counted separately here. Regenerate with `npx tsx scripts/missing-ops.ts`.',
  '',
  `- \`tf\`: ${top.total - top.list.length} of ${top.total} present, **${top.list.length} missing**`,
  `- \`tf.nn\`: ${nn.total - nn.list.length} of ${nn.total} present, **${nn.list.length} missing**`,
  '',
];
for (const [g] of [...GROUPS, ['math, array and other ops', /./] as const]) {
  const xs = groups.get(g);
  if (!xs) continue;
  lines.push(`## ${g} (${xs.length})`, '', xs.map((x) => `\`${x}\``).join(', '), '');
}
// Every module of the v1 API goldens (scripts/tf1-api-names.json): functions and classes
interface ApiModule { functions?: string[]; classes?: string[] }
const api = JSON.parse(readFileSync(new URL('./tf1-api-names.json', import.meta.url), 'utf8')) as { modules: Record<string, ApiModule> };
/** The tsflow namespace of a TF module path ('tf.nn.rnn_cell' → tf.nn.rnnCell), or null. */
function resolve(path: string): Record<string, unknown> | null {
  let ns: unknown = tf;
  for (const part of path.split('.').slice(1)) {
    const o = ns as Record<string, unknown>;
    ns = o[camel(part)] ?? o[part];
    if (ns === undefined || ns === null) return null;
  }
  return ns as Record<string, unknown>;
}
const rows: string[] = [];
const gaps: string[] = [];
let allTotal = 0;
let allMissing = 0;
for (const [mod, m] of Object.entries(api.modules)) {
  const ns = resolve(mod);
  const names = [...(m.functions ?? []), ...(m.classes ?? [])];
  const miss = ns === null ? names : names.filter((n) => !has(ns, n));
  allTotal += names.length;
  allMissing += miss.length;
  rows.push(`| \`${mod}\` | ${ns === null ? 'absent' : names.length - miss.length} | ${names.length} |`);
  if (miss.length > 0) gaps.push(`### \`${mod}\` (${miss.length})`, '', miss.map((x) => `\`${x}\``).join(', '), '');
}
lines.push(
  '# Every module of the v1 API',
  '',
  `Functions and classes of the ${Object.keys(api.modules).length} modules of TF 1.15's v1 API goldens`,
  '(`scripts/tf1-api-names.json`, which says how it was made): present when the module\'s namespace',
  `exports the name (or its camelCase). ${allTotal - allMissing} of ${allTotal} present, **${allMissing} missing**.`,
  '',
  '| module | present | of |',
  '| --- | --- | --- |',
  ...rows,
  '',
  ...gaps,
);
writeFileSync(new URL('../docs/missing-ops.md', import.meta.url), lines.join('\n'));
console.log(`tf: ${top.list.length}/${top.total} missing, tf.nn: ${nn.list.length}/${nn.total} missing; all modules: ${allMissing}/${allTotal} missing`);
