/** `tf.initializers.*`: TF1's aliases of the initializers (`tf.initializers.glorot_uniform`, …). */
import { globalVariablesInitializer, variablesInitializer } from '../ops/variables.js';
import { localVariablesInitializer } from './collections.js';

export {
  zerosInitializer as zeros,
  onesInitializer as ones,
  constantInitializer as constant,
  randomNormalInitializer as randomNormal,
  truncatedNormalInitializer as truncatedNormal,
  randomUniformInitializer as randomUniform,
  uniformUnitScalingInitializer as uniformUnitScaling,
  varianceScalingInitializer as varianceScaling,
  glorotUniformInitializer as glorotUniform,
  glorotNormalInitializer as glorotNormal,
  heNormalInitializer as heNormal,
  heUniformInitializer as heUniform,
  lecunNormalInitializer as lecunNormal,
  lecunUniformInitializer as lecunUniform,
  orthogonalInitializer as orthogonal,
  identityInitializer as identity,
} from './initializers.js';

/** `tf.initializers.global_variables()`. */
export const globalVariables = globalVariablesInitializer;
/** `tf.initializers.local_variables()`. */
export const localVariables = localVariablesInitializer;
/** `tf.initializers.variables(var_list, name='init')`. */
export const variables = variablesInitializer;
export { tablesInitializer } from '../metagraph/main-op.js';
