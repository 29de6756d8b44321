/** `tf.estimator.export`: serving input receivers and export outputs. */
export {
  ServingInputReceiver, TensorServingInputReceiver, SupervisedInputReceiver, buildParsingServingInputReceiverFn,
  buildRawServingInputReceiverFn, ExportOutput, ClassificationOutput, RegressionOutput, PredictOutput, type ServingInputReceiverFn,
} from './export.js';
