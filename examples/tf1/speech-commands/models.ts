// Model definitions for simple speech recognition.
//
// Port of tensorflow/examples/speech_commands/models.py (TensorFlow 1.15, Apache License 2.0),
// line by line in tsflow's conventions: prepare_model_settings and the 'single_fc', 'conv' and
// 'tiny_conv' architectures (the others are left out), with TF1's keep-probability dropout.
import * as tf from 'tsflow';

export interface ModelSettings {
  desiredSamples: number;
  windowSizeSamples: number;
  windowStrideSamples: number;
  spectrogramLength: number;
  fingerprintWidth: number;
  fingerprintSize: number;
  labelCount: number;
  sampleRate: number;
  preprocess: string;
}

/** Calculates common settings needed for all models. */
export function prepareModelSettings(labelCount: number, sampleRate: number, clipDurationMs: number, windowSizeMs: number, windowStrideMs: number, featureBinCount: number, preprocess: string): ModelSettings {
  const desiredSamples = Math.trunc((sampleRate * clipDurationMs) / 1000);
  const windowSizeSamples = Math.trunc((sampleRate * windowSizeMs) / 1000);
  const windowStrideSamples = Math.trunc((sampleRate * windowStrideMs) / 1000);
  const lengthMinusWindow = desiredSamples - windowSizeSamples;
  const spectrogramLength = lengthMinusWindow < 0 ? 0 : 1 + Math.trunc(lengthMinusWindow / windowStrideSamples);
  if (preprocess !== 'mfcc') throw new Error(`Unknown preprocess mode "${preprocess}" (this port has "mfcc")`);
  const fingerprintWidth = featureBinCount;
  return {
    desiredSamples, windowSizeSamples, windowStrideSamples, spectrogramLength, fingerprintWidth,
    fingerprintSize: fingerprintWidth * spectrogramLength, labelCount, sampleRate, preprocess,
  };
}

/** Builds a model of the requested architecture compatible with the settings. */
export function createModel(fingerprintInput: tf.Tensor, modelSettings: ModelSettings, modelArchitecture: string, isTraining: boolean): [tf.Tensor, tf.Tensor | null] {
  if (modelArchitecture === 'single_fc') return createSingleFcModel(fingerprintInput, modelSettings, isTraining);
  if (modelArchitecture === 'conv') return createConvModel(fingerprintInput, modelSettings, isTraining);
  if (modelArchitecture === 'tiny_conv') return createTinyConvModel(fingerprintInput, modelSettings, isTraining);
  throw new Error(`model_architecture argument "${modelArchitecture}" not recognized, should be one of "single_fc", "conv", or "tiny_conv"`);
}

function createSingleFcModel(fingerprintInput: tf.Tensor, modelSettings: ModelSettings, isTraining: boolean): [tf.Tensor, tf.Tensor | null] {
  const dropoutProb = isTraining ? tf.placeholder(tf.float32, undefined, 'dropout_prob') : null;
  const weights = tf.getVariable('weights', [modelSettings.fingerprintSize, modelSettings.labelCount], { initializer: tf.truncatedNormalInitializer({ stddev: 0.001 }) });
  const bias = tf.getVariable('bias', [modelSettings.labelCount], { initializer: tf.zerosInitializer() });
  return [tf.add(tf.matmul(fingerprintInput, weights), bias), dropoutProb];
}

function createConvModel(fingerprintInput: tf.Tensor, modelSettings: ModelSettings, isTraining: boolean): [tf.Tensor, tf.Tensor | null] {
  const dropoutProb = isTraining ? tf.placeholder(tf.float32, undefined, 'dropout_prob') : null;
  const inputFrequencySize = modelSettings.fingerprintWidth;
  const inputTimeSize = modelSettings.spectrogramLength;
  const fingerprint4d = tf.reshape(fingerprintInput, [-1, inputTimeSize, inputFrequencySize, 1]);
  const firstWeights = tf.getVariable('first_weights', [20, 8, 1, 64], { initializer: tf.truncatedNormalInitializer({ stddev: 0.01 }) });
  const firstBias = tf.getVariable('first_bias', [64], { initializer: tf.zerosInitializer() });
  const firstConv = tf.add(tf.nn.conv2d(fingerprint4d, firstWeights, [1, 1, 1, 1], 'SAME'), firstBias);
  const firstRelu = tf.nn.relu(firstConv);
  const firstDropout = dropoutProb ? tf.nn.dropout(firstRelu, dropoutProb) : firstRelu;
  const maxPool = tf.nn.maxPool(firstDropout, [1, 2, 2, 1], [1, 2, 2, 1], 'SAME');
  const secondWeights = tf.getVariable('second_weights', [10, 4, 64, 64], { initializer: tf.truncatedNormalInitializer({ stddev: 0.01 }) });
  const secondBias = tf.getVariable('second_bias', [64], { initializer: tf.zerosInitializer() });
  const secondConv = tf.add(tf.nn.conv2d(maxPool, secondWeights, [1, 1, 1, 1], 'SAME'), secondBias);
  const secondRelu = tf.nn.relu(secondConv);
  const secondDropout = dropoutProb ? tf.nn.dropout(secondRelu, dropoutProb) : secondRelu;
  const [, h, w] = secondDropout.getShape().asList() as number[];
  const secondConvElementCount = w! * h! * 64;
  const flattenedSecondConv = tf.reshape(secondDropout, [-1, secondConvElementCount]);
  const finalFcWeights = tf.getVariable('final_fc_weights', [secondConvElementCount, modelSettings.labelCount], { initializer: tf.truncatedNormalInitializer({ stddev: 0.01 }) });
  const finalFcBias = tf.getVariable('final_fc_bias', [modelSettings.labelCount], { initializer: tf.zerosInitializer() });
  return [tf.add(tf.matmul(flattenedSecondConv, finalFcWeights), finalFcBias), dropoutProb];
}

function createTinyConvModel(fingerprintInput: tf.Tensor, modelSettings: ModelSettings, isTraining: boolean): [tf.Tensor, tf.Tensor | null] {
  const dropoutProb = isTraining ? tf.placeholder(tf.float32, undefined, 'dropout_prob') : null;
  const inputFrequencySize = modelSettings.fingerprintWidth;
  const inputTimeSize = modelSettings.spectrogramLength;
  const fingerprint4d = tf.reshape(fingerprintInput, [-1, inputTimeSize, inputFrequencySize, 1]);
  const firstFilterWidth = 8;
  const firstFilterHeight = 10;
  const firstFilterCount = 8;
  const firstWeights = tf.getVariable('first_weights', [firstFilterHeight, firstFilterWidth, 1, firstFilterCount], { initializer: tf.truncatedNormalInitializer({ stddev: 0.01 }) });
  const firstBias = tf.getVariable('first_bias', [firstFilterCount], { initializer: tf.zerosInitializer() });
  const firstConvStrideX = 2;
  const firstConvStrideY = 2;
  const firstConv = tf.add(tf.nn.conv2d(fingerprint4d, firstWeights, [1, firstConvStrideY, firstConvStrideX, 1], 'SAME'), firstBias);
  const firstRelu = tf.nn.relu(firstConv);
  const firstDropout = dropoutProb ? tf.nn.dropout(firstRelu, dropoutProb) : firstRelu;
  const [, h, w] = firstDropout.getShape().asList() as number[];
  const firstDropoutElementCount = w! * h! * firstFilterCount;
  const flattenedFirstDropout = tf.reshape(firstDropout, [-1, firstDropoutElementCount]);
  const finalFcWeights = tf.getVariable('final_fc_weights', [firstDropoutElementCount, modelSettings.labelCount], { initializer: tf.truncatedNormalInitializer({ stddev: 0.01 }) });
  const finalFcBias = tf.getVariable('final_fc_bias', [modelSettings.labelCount], { initializer: tf.zerosInitializer() });
  return [tf.add(tf.matmul(flattenedFirstDropout, finalFcWeights), finalFcBias), dropoutProb];
}
