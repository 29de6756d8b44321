/**
 * `tf.contrib.factorization.KMeans`: the graph for k-means clustering, after TF 1.15's
 * tensorflow/contrib/factorization/python/ops/clustering_ops.py, composed from tsflow's ops.
 *
 * Differences from TF1, all from tsflow's variables keeping the shape they were created with:
 * the cluster centers live in a `[numClusters, dims]` variable (TF1 starts from an empty one and
 * grows it with validate_shape=False), so the feature dimension must be known statically, the
 * initial centers are chosen from one batch at once, and a batch with fewer points than clusters
 * is an error when its size is known while building (TF1's 'random' init would take the whole
 * batch and wait for the next one). 'kmeans_plus_plus' and 'kmc2' initialization need TF1's
 * custom clustering kernels and are not supported.
 */
import { kwargs } from '../args.js';
import { InvalidArgumentError, UnimplementedError, ValueError } from '../errors.js';
import type { Operation, Tensor } from '../graph/tensor.js';
import * as tf from '../index.js';
import type { TensorLike } from '../ops/convert.js';

export const SQUARED_EUCLIDEAN_DISTANCE = 'squared_euclidean';
export const COSINE_DISTANCE = 'cosine';
export const RANDOM_INIT = 'random';
export const KMEANS_PLUS_PLUS_INIT = 'kmeans_plus_plus';
export const KMC2_INIT = 'kmc2';
/** The name of the variable holding the cluster centers. */
export const CLUSTERS_VAR_NAME = 'clusters';

const NAMES = [
  'inputs', 'numClusters', 'initialClusters', 'distanceMetric', 'useMiniBatch', 'miniBatchStepsPerIteration',
  'randomSeed', 'kmeansPlusPlusNumRetries', 'kmc2ChainLength',
] as const;

type InitialClusters = string | TensorLike | ((inputs: Tensor[], k: Tensor | number) => TensorLike);

/** `training_graph()`'s six values. */
export type KMeansTrainingGraph = [
  allScores: Tensor[], clusterIdx: Tensor[], scores: Tensor[], clusterCentersInitialized: tf.Variable, initOp: Operation, trainingOp: Operation,
];

function l2n(x: Tensor): Tensor {
  return tf.nn.l2Normalize(x, 1);
}

/** `KMeans(inputs, num_clusters, initial_clusters, distance_metric, use_mini_batch, mini_batch_steps_per_iteration, random_seed, kmeans_plus_plus_num_retries, kmc2_chain_length)`. */
export class KMeans {
  private readonly inputs: Tensor[];
  private readonly numClusters: number | null;
  private readonly initialClusters: InitialClusters;
  private readonly distanceMetric: string;
  private readonly useMiniBatch: boolean;
  private readonly miniBatchStepsPerIteration: number;
  private readonly randomSeed: number;

  constructor(...args: unknown[]) {
    const o = kwargs(args, NAMES, 'KMeans');
    const init = (o.initialClusters ?? RANDOM_INIT) as InitialClusters;
    if (typeof init === 'string' && ![RANDOM_INIT, KMEANS_PLUS_PLUS_INIT, KMC2_INIT].includes(init)) {
      throw new ValueError(`Unsupported initialization algorithm '${init}'`);
    }
    const metric = (o.distanceMetric ?? SQUARED_EUCLIDEAN_DISTANCE) as string;
    if (metric !== SQUARED_EUCLIDEAN_DISTANCE && metric !== COSINE_DISTANCE) throw new ValueError(`Unsupported distance metric '${metric}'`);
    if (init === KMEANS_PLUS_PLUS_INIT || init === KMC2_INIT) {
      throw new UnimplementedError(`KMeans: initial_clusters='${init}' needs TF1's clustering kernels, which tsflow does not have; use 'random', a tensor, or a function`);
    }
    if (o.inputs === undefined || o.inputs === null) throw new TypeError("KMeans() missing 1 required positional argument: 'inputs'");
    const list = Array.isArray(o.inputs) ? (o.inputs as TensorLike[]) : [o.inputs as TensorLike];
    this.inputs = list.map((t) => tf.convertToTensor(t) as Tensor);
    const k = o.numClusters;
    if (k !== undefined && k !== null && (typeof k !== 'number' || !Number.isInteger(k))) {
      throw new TypeError(`KMeans(): num_clusters must be an integer, got ${String(k)}`);
    }
    this.numClusters = (k as number | undefined) ?? null;
    this.initialClusters = init;
    this.distanceMetric = metric;
    this.useMiniBatch = (o.useMiniBatch as boolean | undefined) ?? false;
    this.miniBatchStepsPerIteration = Math.trunc(Number(o.miniBatchStepsPerIteration ?? 1));
    this.randomSeed = (o.randomSeed as number | undefined) ?? 0;
  }

  private clustersL2Normalized(): boolean {
    return this.distanceMetric === COSINE_DISTANCE && (!this.useMiniBatch || this.miniBatchStepsPerIteration > 1);
  }

  /** Distances of every row to every center: squared euclidean, or 1 - cosine for normalized rows. */
  private distances(inp: Tensor, clusters: Tensor): Tensor {
    if (this.distanceMetric === COSINE_DISTANCE) return tf.subtract(1, tf.matmul(inp, clusters, { transposeB: true }));
    return tf.add(
      tf.subtract(tf.reduceSum(tf.square(inp), 1, { keepdims: true }), tf.multiply(2, tf.matmul(inp, clusters, { transposeB: true }))),
      tf.transpose(tf.reduceSum(tf.square(clusters), 1, { keepdims: true })),
    );
  }

  /**
   * `training_graph()`: (all_scores, cluster_idx, scores, cluster_centers_initialized, init_op,
   * training_op), the first three a list with one tensor per input.
   */
  trainingGraph(): KMeansTrainingGraph {
    const dtype = this.inputs[0]!.dtype;
    const dims = this.inputs[0]!.shape?.[1];
    if (typeof dims !== 'number' || dims < 0) {
      throw new ValueError(`KMeans: the inputs need a statically known number of columns, got shape ${String(this.inputs[0]!.shape)}`);
    }
    const init = this.initialClusters;
    let k: number;
    let initTensor: Tensor | null = null;
    if (typeof init === 'string' || typeof init === 'function') {
      if (this.numClusters === null) throw new ValueError('KMeans: num_clusters must be given');
      k = this.numClusters;
    } else {
      initTensor = tf.convertToTensor(init as TensorLike, dtype) as Tensor;
      const n = initTensor.shape?.[0];
      if (typeof n !== 'number' || n < 0) throw new ValueError('KMeans: initial_clusters needs a statically known number of rows');
      k = n;
    }
    if (k <= 0) throw new InvalidArgumentError(`KMeans: num_clusters must be positive, got ${k}`);
    const staticRows = this.inputs.map((t) => t.shape?.[0]);
    if (init === RANDOM_INIT && staticRows.every((n) => typeof n === 'number' && n >= 0)) {
      const total = (staticRows as number[]).reduce((a, b) => a + b, 0);
      if (total < k) throw new InvalidArgumentError(`KMeans: ${total} input points are fewer than num_clusters = ${k}`);
    }

    const miniSync = this.useMiniBatch && this.miniBatchStepsPerIteration > 1;
    const zeros = tf.zeros([k, dims], dtype);
    const centersVar = new tf.Variable(zeros, { name: CLUSTERS_VAR_NAME, trainable: false });
    const initialized = new tf.Variable(false, { dtype: 'bool', name: 'initialized', trainable: false });
    let centersUpdated = centersVar;
    let updateInSteps: tf.Variable | null = null;
    let counts: tf.Variable | null = null;
    if (miniSync) {
      centersUpdated = new tf.Variable(zeros, { name: 'clusters_updated', trainable: false });
      updateInSteps = new tf.Variable(this.miniBatchStepsPerIteration, { dtype: 'int64', name: 'update_in_steps', trainable: false });
      counts = new tf.Variable(tf.zeros([k], 'int64'), { trainable: false });
    } else if (this.useMiniBatch) {
      counts = new tf.Variable(tf.ones([k], 'int64'), { trainable: false });
    }

    const initOp = this.initOp(k, initTensor, centersVar, centersUpdated, initialized);

    let inputs = this.inputs;
    let centers: Tensor = centersVar.value();
    if (this.distanceMetric === COSINE_DISTANCE) {
      inputs = inputs.map(l2n);
      if (!this.clustersL2Normalized()) centers = l2n(centers);
    }
    const allScores = inputs.map((inp) => this.distances(inp, centers));
    const clusterIdx = allScores.map((s) => tf.argMin(s, 1, { outputType: 'int64' }));
    const scores = allScores.map((s) => {
      const best = tf.reduceMin(s, 1);
      // TF1's nearest-neighbors kernel clamps rounding below zero; for cosine it reports half the
      // squared euclidean distance of the normalized rows, which is 1 - cosine as well.
      return tf.maximum(best, tf.zerosLike(best));
    });

    let trainingOp: Operation;
    if (this.useMiniBatch) {
      const sync = this.syncOp(updateInSteps, centersVar, centersUpdated, counts!);
      trainingOp = tf.controlDependencies([sync], () => this.miniBatchOp(inputs, clusterIdx, k, centersUpdated, counts!));
    } else {
      trainingOp = this.fullBatchOp(inputs, clusterIdx, k, centersVar);
    }
    return [allScores, clusterIdx, scores, initialized, initOp, trainingOp];
  }

  private initOp(k: number, initTensor: Tensor | null, centersVar: tf.Variable, centersUpdated: tf.Variable, initialized: tf.Variable): Operation {
    const choose = (): Tensor => {
      let c: Tensor;
      if (initTensor !== null) c = initTensor;
      else if (typeof this.initialClusters === 'function') c = tf.convertToTensor(this.initialClusters(this.inputs, k), this.inputs[0]!.dtype) as Tensor;
      else {
        const all = this.inputs.length === 1 ? this.inputs[0]! : tf.concat(this.inputs, 0);
        const n = tf.cast(tf.gather(tf.shape(all), 0), 'float32');
        // TF1 draws num_clusters row indices uniformly (with replacement) in [0, num_data).
        const u = tf.randomUniform([k], { minval: 0, maxval: 1, seed: this.randomSeed });
        const idx = tf.minimum(tf.cast(tf.floor(tf.multiply(u, n)), 'int64'), tf.cast(tf.subtract(n, 1), 'int64'));
        // A batch smaller than num_clusters fails at run time (0 / 0 is NaN only then).
        const enough = tf.cast(tf.greaterEqual(n, k), 'float32');
        const guard = tf.checkNumerics(tf.divide(tf.subtract(1, enough), enough), `KMeans: the batch has fewer points than num_clusters = ${k}`);
        c = tf.controlDependencies([guard], () => tf.gather(all, idx));
      }
      if (this.distanceMetric === COSINE_DISTANCE) c = l2n(c);
      return c;
    };
    const result = tf.cond(
      initialized.value(),
      () => tf.identity(initialized.value()),
      () => {
        let a = tf.assign(centersVar, choose());
        if (centersUpdated !== centersVar) a = tf.assign(centersUpdated, a);
        return tf.controlDependencies([a], () => tf.assign(initialized, true));
      },
    ) as Tensor;
    return tf.group(result);
  }

  private syncOp(updateInSteps: tf.Variable | null, centersVar: tf.Variable, centersUpdated: tf.Variable, counts: tf.Variable): Operation | Tensor {
    if (updateInSteps === null) return tf.noOp();
    const steps = this.miniBatchStepsPerIteration;
    return tf.cond(
      tf.lessEqual(updateInSteps.value(), tf.constant(0, 'int64')),
      () => tf.controlDependencies([tf.assign(updateInSteps, tf.constant(steps - 1, 'int64'))], () => {
        const c = this.distanceMetric === COSINE_DISTANCE ? l2n(centersUpdated.value()) : centersUpdated.value();
        return tf.controlDependencies([tf.assign(centersVar, c)], () =>
          tf.controlDependencies([tf.assign(counts, tf.zerosLike(counts.value()))], () => tf.identity(updateInSteps.value())));
      }),
      () => tf.assignSub(updateInSteps, tf.constant(1, 'int64')),
    ) as Tensor;
  }

  /**
   * TF1's mini-batch rule: a center x with count n that gets points d_1..d_m moves to
   * x + (Σ d_i - m·x) / (n + m), and its count becomes n + m. (TF1 gathers the clusters that got
   * points; summing over all clusters and leaving the others unchanged is the same update.)
   */
  private miniBatchOp(inputs: Tensor[], clusterIdx: Tensor[], k: number, centers: tf.Variable, counts: tf.Variable): Operation {
    const ops: Tensor[] = [];
    inputs.forEach((inp, i) => {
      const idx = tf.reshape(clusterIdx[i]!, [-1]);
      const m = tf.unsortedSegmentSum(tf.onesLike(idx), idx, k);
      const sums = tf.unsortedSegmentSum(inp, idx, k);
      const mf = tf.reshape(tf.cast(m, inp.dtype), [k, 1]);
      const old = centers.value();
      const total = tf.reshape(tf.cast(tf.add(counts.value(), m), inp.dtype), [k, 1]);
      const got = tf.greater(mf, tf.zerosLike(mf));
      const safe = tf.where(got, total, tf.onesLike(total));
      const step = tf.divide(tf.subtract(sums, tf.multiply(mf, old)), safe);
      const update = tf.multiply(step, tf.cast(got, inp.dtype));
      ops.push(tf.assignAdd(counts, m), tf.assignAdd(centers, update));
    });
    return tf.group(...ops);
  }

  /** TF1's Lloyd step: centers := Σ points / (count + 1e-6), l2-normalized for cosine. */
  private fullBatchOp(inputs: Tensor[], clusterIdx: Tensor[], k: number, centers: tf.Variable): Operation {
    const sums = inputs.map((inp, i) => tf.unsortedSegmentSum(inp, clusterIdx[i]!, k));
    const cnts = inputs.map((inp, i) => tf.unsortedSegmentSum(tf.reshape(tf.onesLike(tf.gather(inp, 0, { axis: 1 })), [-1, 1]), clusterIdx[i]!, k));
    const sum = sums.length === 1 ? sums[0]! : tf.addN(sums);
    const cnt = cnts.length === 1 ? cnts[0]! : tf.addN(cnts);
    let next = tf.divide(sum, tf.add(cnt, tf.constant(1e-6, inputs[0]!.dtype)));
    if (this.clustersL2Normalized()) next = l2n(next);
    return tf.assign(centers, next).op;
  }
}
