/** `tf.savedModel` (TF 1.15's tf.compat.v1.saved_model): SavedModel writing and loading. */
import { load, maybeSavedModelDirectory } from './saved-model.js';
import { SavedModelBuilder } from './saved-model-builder.js';
import { mainOp as mainOpFn } from './main-op.js';
import { signatureConstants as SC, tagConstants as TC } from './signature-utils.js';

export const loader = { load, maybeSavedModelDirectory } as const;
export { load, maybeSavedModelDirectory as containsSavedModel };
export const builder = { SavedModelBuilder } as const;
export { SavedModelBuilder as Builder, simpleSave } from './saved-model-builder.js';
export { buildSignatureDef, classificationSignatureDef, predictSignatureDef, regressionSignatureDef, isValidSignature, buildTensorInfo, getTensorFromTensorInfo, tagConstants, signatureConstants, signatureDefUtils, utils } from './signature-utils.js';
/** `tf.saved_model.main_op`. */
export const mainOp = { mainOp: mainOpFn } as const;
export {
  ASSETS_DIRECTORY, ASSETS_KEY, LEGACY_INIT_OP_KEY, MAIN_OP_KEY, SAVED_MODEL_FILENAME_PB, SAVED_MODEL_FILENAME_PBTXT,
  SAVED_MODEL_SCHEMA_VERSION, VARIABLES_DIRECTORY, VARIABLES_FILENAME,
} from './saved-model-builder.js';

// TF 1.15's top-level tf.saved_model constants.
export const { SERVING, TRAINING, GPU, TPU } = TC;
export const {
  DEFAULT_SERVING_SIGNATURE_DEF_KEY, CLASSIFY_INPUTS, CLASSIFY_METHOD_NAME, CLASSIFY_OUTPUT_CLASSES, CLASSIFY_OUTPUT_SCORES,
  PREDICT_INPUTS, PREDICT_METHOD_NAME, PREDICT_OUTPUTS, REGRESS_INPUTS, REGRESS_METHOD_NAME, REGRESS_OUTPUTS,
} = SC;
export type { TensorInfo, SignatureDef, MetaGraphDef } from '../proto/meta-graph.js';
