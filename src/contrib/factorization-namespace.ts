/** `tf.contrib.factorization`. */
export { KMeans, type KMeansTrainingGraph, SQUARED_EUCLIDEAN_DISTANCE, COSINE_DISTANCE, RANDOM_INIT, KMEANS_PLUS_PLUS_INIT, KMC2_INIT, CLUSTERS_VAR_NAME } from './factorization.js';
