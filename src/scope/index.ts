/** Model building's foundation: variable scopes, `getVariable`, initializers, collections. */
export {
  AUTO_REUSE, type CustomGetter, type Getter, type Partitioner, type Regularizer, type Reuse, ReuseMode, VariableScope, getVariableScope,
  uniqueVariableScope, variableScope,
} from './variable-scope.js';
export { getLocalVariable, getVariable, storedVariables } from './get-variable.js';
export { PartitionedVariable, SaveSliceInfo } from './partitioned-variable.js';
export { fixedSizePartitioner, minMaxVariablePartitioner, variableAxisSizePartitioner } from './partitioners.js';
export { Template, type TemplateFunction, makeTemplate } from './template.js';
export {
  type Initializer, type PartitionInfo, TRUNCATED_NORMAL_STD, computeFans, constantInitializer, glorotNormalInitializer,
  glorotUniformInitializer, heNormalInitializer, heUniformInitializer, identityInitializer, lecunNormalInitializer,
  lecunUniformInitializer, onesInitializer, orthogonalInitializer, randomNormalInitializer, randomUniformInitializer,
  truncatedNormalInitializer, uniformUnitScalingInitializer, varianceScalingInitializer, zerosInitializer,
} from './initializers.js';
export {
  addToCollection, addToCollections, getCollection, getCollectionRef, localVariables, localVariablesInitializer,
  modelVariables,
} from './collections.js';
